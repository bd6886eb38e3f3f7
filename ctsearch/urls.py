from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from alerts.urls import api_urlpatterns as alerts_api_urlpatterns
from alerts.urls import page_urlpatterns as alerts_page_urlpatterns
from articles.web.urls import page_urlpatterns
from collection.web.urls import page_urlpatterns as collection_pages

urlpatterns = [
    path("", include("articles.web.urls")),
    *alerts_api_urlpatterns,
    # Pages: Arabic (the default language) unprefixed, English under /en/; a shared link keeps
    # its language. Login, logout and password reset are Django's auth views. The admin (the
    # curators' workbench) follows the same rule: /admin/ in Arabic, /en/admin/ in English.
    *i18n_patterns(
        path("admin/", admin.site.urls),
        path("accounts/", include("django.contrib.auth.urls")),
        path("collection/", include((collection_pages, "collection"))),
        path("", include((page_urlpatterns + alerts_page_urlpatterns, "ui"))),
        prefix_default_language=False,
    ),
]
