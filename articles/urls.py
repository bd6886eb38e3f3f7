from django.urls import path

from . import api, views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("api/v1/search", api.search_view, name="api-search"),
    path("api/v1/articles/<int:article_id>", api.article_view, name="api-article"),
]
