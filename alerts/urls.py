"""Routes. ``api_urlpatterns`` unprefixed; ``page_urlpatterns`` mounted inside
``i18n_patterns`` by ctsearch/urls.py (Arabic at /, English at /en/)."""

from django.urls import path

from . import api, views

api_urlpatterns = [
    path("api/v1/saved-searches", api.collection, name="api-saved-searches"),
    path("api/v1/saved-searches/<int:pk>", api.item, name="api-saved-search"),
]

page_urlpatterns = [
    path("searches/", views.my_searches, name="alerts-searches"),
    path("searches/save", views.save, name="alerts-save"),
    path("searches/<int:pk>/update", views.update, name="alerts-update"),
    path("searches/<int:pk>/open", views.open_search, name="alerts-open"),
    path("searches/<int:pk>/changes", views.what_changed, name="alerts-changes"),
    path("alerts/", views.manage_alerts, name="alerts-manage"),
    path("alerts/unsubscribe/<str:token>", views.unsubscribe, name="alerts-unsubscribe"),
]
