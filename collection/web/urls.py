"""The curators' pages, mounted by ctsearch/urls.py inside ``i18n_patterns`` (Arabic at
``/collection/…``, English at ``/en/collection/…``)."""

from django.urls import path

from . import views

app_name = "collection"

page_urlpatterns = [
    path("health/", views.health_page, name="health"),
    path("sources/add/", views.add_source_page, name="add-source"),
]
