from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import actions
from .models import Article, Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ("slug", "name", "country", "language", "article_count", "homepage")
    list_filter = ("country", "language")
    search_fields = ("slug", "name", "homepage", "notes")
    readonly_fields = ("created_at", "updated_at")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_article_count=Count("articles"))

    @admin.display(description=_("articles"), ordering="_article_count")
    def article_count(self, source: Source) -> int:
        return source._article_count


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "source", "published_at", "published_at_source", "language", "status")
    list_filter = ("status", "source", "language", "published_at_source")
    search_fields = ("title", "url", "byline", "key")
    date_hierarchy = "published_at"
    list_select_related = ("source",)
    list_per_page = 50
    show_full_result_count = False  # counting millions of rows on every page view is slow
    actions = ("hide_articles", "show_articles")
    readonly_fields = (
        "source",
        "key",
        "url",
        "canonical_url",
        "origin",
        "raw",
        "raw_encoding",
        "content_hash",
        "collected_at",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("title", "byline", "body", "status")}),
        (
            _("Where it came from"),
            {"fields": ("source", "url", "canonical_url", "key", "origin", "collected_at")},
        ),
        (_("Date"), {"fields": ("published_at", "published_at_source", "language")}),
        (
            _("Raw input"),
            {
                "classes": ("collapse",),
                "fields": ("raw", "raw_encoding", "content_hash", "created_at", "updated_at"),
            },
        ),
    )

    def has_add_permission(self, request) -> bool:
        return False  # articles come from ingestion, never typed in

    @admin.action(description=_("Hide selected articles"))
    def hide_articles(self, request, queryset):
        self._set_status(request, queryset, Article.Status.HIDDEN)

    @admin.action(description=_("Show (unhide) selected articles"))
    def show_articles(self, request, queryset):
        self._set_status(request, queryset, Article.Status.VISIBLE)

    def _set_status(self, request, queryset, status: str) -> None:
        changed = actions.set_article_status(queryset.values_list("pk", flat=True), status)
        message = ngettext("%(n)d article changed.", "%(n)d articles changed.", changed)
        self.message_user(request, message % {"n": changed}, messages.SUCCESS)
