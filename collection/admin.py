from auditlog.admin import LogEntryAdmin
from auditlog.filters import CIDFilter, ResourceTypeFilter
from auditlog.models import LogEntry
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from articles.admin import URL_FIELDS

from . import actions
from .models import Feed, FeedItem


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS
    list_display = (
        "url",
        "source",
        "kind",
        "enabled",
        "last_fetched_at",
        "last_status",
        "consecutive_failures",
        "last_new_article_at",
        "article_count",
        "next_fetch_at",
    )
    list_filter = ("enabled", "kind", "source__status", "source")
    search_fields = ("url", "source__slug", "source__name", "last_error", "paused_reason")
    list_select_related = ("source",)
    autocomplete_fields = ("source",)
    actions = ("fetch_soon", "turn_on", "turn_off")
    readonly_fields = (
        "etag",
        "last_modified",
        "body_hash",
        "last_fetched_at",
        "last_status",
        "last_error",
        "consecutive_failures",
        "last_new_article_at",
        "fetch_count",
        "failure_count",
        "article_count",
        "created_at",
    )

    def save_model(self, request, obj, form, change):
        actions.save_feed(obj)

    @admin.action(description=_("Fetch selected feeds at the next collection"))
    def fetch_soon(self, request, queryset):
        n = actions.mark_due(queryset.values_list("pk", flat=True))
        self.message_user(request, _("%(n)d feeds due now.") % {"n": n}, messages.SUCCESS)

    @admin.action(description=_("Turn selected feeds on"))
    def turn_on(self, request, queryset):
        for feed in queryset:
            actions.set_feed_enabled(feed.pk, True)

    @admin.action(description=_("Turn selected feeds off"))
    def turn_off(self, request, queryset):
        for feed in queryset:
            actions.set_feed_enabled(feed.pk, False, reason=f"turned off by {request.user}")


@admin.register(FeedItem)
class FeedItemAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ("guid", "feed", "article", "attempts", "error", "first_seen_at")
    list_filter = ("feed__source",)
    search_fields = ("guid", "url", "error")
    raw_id_fields = ("article",)
    list_select_related = ("feed", "article")

    def has_add_permission(self, request) -> bool:
        return False


# The audit log of curation changes (django-auditlog's admin), filterable by who and when too.
class CurationLogAdmin(LogEntryAdmin):
    list_filter = [
        "action",
        ResourceTypeFilter,
        ("actor", admin.RelatedOnlyFieldListFilter),
        "timestamp",
        CIDFilter,
    ]
    date_hierarchy = "timestamp"


admin.site.unregister(LogEntry)
admin.site.register(LogEntry, CurationLogAdmin)
