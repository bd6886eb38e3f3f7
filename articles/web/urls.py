"""Routes. ``urlpatterns`` (health, JSON API) are unprefixed; ``page_urlpatterns`` (the pages
people read) are mounted by ctsearch/urls.py inside ``i18n_patterns``: Arabic at ``/``,
English at ``/en/``."""

from django.urls import path, re_path

from . import api, article_page, export, health, search_page

app_name = "articles"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("api/v1/search", api.search_view, name="api-search"),
    path("api/v1/articles/<int:article_id>", api.article_view, name="api-article"),
]

page_urlpatterns = [
    path("", search_page.search_page, name="search"),
    path("articles/<int:article_id>", article_page.article_page, name="article"),
    re_path(r"^export\.(?P<fmt>csv|json)$", export.export_view, name="export"),
]
