"""The alerts models in the admin: what operators look at when a researcher asks "why did I
(not) get this email?". The ledger and the emails are read-only (the sending discipline owns
them); alerts are changed through ``alerts.actions`` so the percolator stays in step; stuck
emails are re-sent only by an explicit admin action."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import actions, digests, volume
from .models import Alert, AlertMatch, Digest, SavedSearch, SendStatus, VolumeSpike


class StuckFilter(admin.SimpleListFilter):
    """Emails whose sender died inside SMTP: ``sending`` for longer than the stuck delay."""

    title = _("stuck")
    parameter_name = "stuck"

    def lookups(self, request, model_admin):
        return [("yes", _("Stuck in sending"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(
                status=SendStatus.SENDING, attempted_at__lt=timezone.now() - digests.stuck_after()
            )
        return queryset


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class _Emails(_ReadOnly):
    """Digests and volume spikes: read-only, with the operator's re-send of stuck ones."""

    actions = ("retry_stuck",)
    list_filter = ("status", StuckFilter)
    _retry = staticmethod(digests.retry_stuck)

    @admin.display(boolean=True, description=_("stuck"))
    def is_stuck(self, obj) -> bool:
        return bool(
            obj.status == SendStatus.SENDING
            and obj.attempted_at
            and obj.attempted_at < timezone.now() - digests.stuck_after()
        )

    @admin.action(description=_("Send the selected stuck emails again (same Message-ID)"))
    def retry_stuck(self, request, queryset):
        asked = queryset.count()
        released, sent = self._retry(
            older_than=digests.stuck_after(), ids=queryset.values_list("pk", flat=True)
        )
        self.message_user(
            request,
            _(
                "%(released)d of %(asked)d selected were stuck and sent again (%(sent)d "
                "accepted by the mail server); the others were left as they were."
            )
            % {"released": released, "asked": asked, "sent": sent},
            messages.SUCCESS if released else messages.WARNING,
        )


@admin.register(SavedSearch)
class SavedSearchAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "created_at", "last_visited_at", "index_version", "alert")
    list_filter = ("index_version", "alert__cadence", "alert__active")
    search_fields = ("name", "query", "owner__username", "owner__email")
    list_select_related = ("owner", "alert")
    # The query is stored canonical and compiled into the percolator: change it on the site.
    readonly_fields = (
        "owner",
        "query",
        "index_version",
        "created_at",
        "updated_at",
        "last_visited_at",
    )
    fields = ("name", *readonly_fields)

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        actions.update_search(obj, name=obj.name)


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = (
        "saved_search",
        "owner",
        "cadence",
        "language",
        "active",
        "volume",
        "created_at",
        "watermark",
        "volume_checked_on",
    )
    list_filter = ("active", "cadence", "language", "volume")
    search_fields = (
        "saved_search__name",
        "saved_search__owner__username",
        "saved_search__owner__email",
    )
    list_select_related = ("saved_search__owner",)
    readonly_fields = (
        "saved_search",
        "created_at",
        "announce_from",
        "watermark",
        "volume_checked_on",
    )
    fields = ("cadence", "language", "active", "volume", *readonly_fields)
    actions = ("pause",)

    @admin.display(description=_("owner"), ordering="saved_search__owner__username")
    def owner(self, obj):
        return obj.saved_search.owner

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        # Through the write layer: the percolator follows, and resuming starts from now.
        actions.set_alert(
            obj.saved_search,
            cadence=obj.cadence,
            language=obj.language,
            active=obj.active,
            volume=obj.volume,
        )

    def delete_model(self, request, obj):
        actions.remove_alert(obj.saved_search)

    def delete_queryset(self, request, queryset):
        for alert in queryset.select_related("saved_search"):
            actions.remove_alert(alert.saved_search)

    @admin.action(description=_("Pause the selected alerts"))
    def pause(self, request, queryset):
        n = actions.pause_alerts(queryset.values_list("pk", flat=True))
        self.message_user(request, _("%(n)d alerts paused.") % {"n": n}, messages.SUCCESS)


@admin.register(AlertMatch)
class AlertMatchAdmin(_ReadOnly):
    list_display = ("article", "alert", "via", "matched_at", "story_id", "digest")
    list_filter = ("via", "alert__cadence")
    search_fields = ("alert__saved_search__name", "article__title", "=article__id")
    list_select_related = ("article", "alert__saved_search", "digest")
    date_hierarchy = "matched_at"
    raw_id_fields = ("article", "alert", "digest")


@admin.register(Digest)
class DigestAdmin(_Emails):
    list_display = (
        "user",
        "cadence",
        "period",
        "status",
        "is_stuck",
        "created_at",
        "attempted_at",
        "sent_at",
    )
    list_filter = ("status", StuckFilter, "cadence")
    search_fields = ("user__username", "user__email", "period")
    list_select_related = ("user",)
    date_hierarchy = "created_at"


@admin.register(VolumeSpike)
class VolumeSpikeAdmin(_Emails):
    list_display = (
        "saved_search",
        "day",
        "count",
        "mean",
        "stddev",
        "status",
        "is_stuck",
        "attempted_at",
        "sent_at",
    )
    search_fields = ("saved_search__name", "saved_search__owner__username")
    list_select_related = ("saved_search",)
    date_hierarchy = "day"
    _retry = staticmethod(volume.retry_stuck)
