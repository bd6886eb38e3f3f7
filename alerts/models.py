"""Saved searches, their alerts, the ledger of what matched and the digests sent.

The rules are database constraints: one alert per saved search, one ledger row per (alert,
article) so nothing is ever announced twice, one digest per (user, cadence, period) so a
retried send cannot send twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Cadence(models.TextChoices):
    INSTANT = "instant", _("Instant")
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")


class EmailLanguage(models.TextChoices):
    ARABIC = "ar", "العربية"
    ENGLISH = "en", "English"


class SavedSearch(models.Model):
    """A search as the search page's canonical query string (``articles.search.request``)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(max_length=200)
    query = models.TextField(blank=True, help_text=_("The canonical query string (to_params)"))
    # The index mapping/analysis version the search was saved under (articles.search.index).
    index_version = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    last_visited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="saved_search_owner_name"),
            models.CheckConstraint(condition=~Q(name=""), name="saved_search_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name


class Alert(models.Model):
    """Email about new articles matching a saved search (one alert per saved search)."""

    saved_search = models.OneToOneField(SavedSearch, on_delete=models.CASCADE, related_name="alert")
    cadence = models.CharField(max_length=8, choices=Cadence.choices, default=Cadence.DAILY)
    language = models.CharField(
        max_length=2, choices=EmailLanguage.choices, default=EmailLanguage.ARABIC
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Articles collected before this, or published well before it, are never announced (no
    # floods after a bulk load); set again when a paused alert is resumed.
    announce_from = models.DateTimeField(default=timezone.now)
    # The sweep has looked at everything that became searchable before this time.
    watermark = models.DateTimeField(default=timezone.now)
    # Volume alert: also email when a day's count of matching articles rises well above its
    # usual level (alerts.volume). The last day checked, so the daily job looks once per day.
    volume = models.BooleanField(default=False)
    volume_checked_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cadence__in=Cadence.values), name="alert_cadence_valid"
            ),
            models.CheckConstraint(
                condition=Q(language__in=EmailLanguage.values), name="alert_language_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"alert on {self.saved_search}"


class SendStatus(models.TextChoices):
    """Where an email stands: ``sending`` is set just before the SMTP call and ``sent`` after
    it, so a retry sends a ``pending`` email and never one that may already have gone out.
    Only an operator moves a stuck ``sending`` email back (``send_alerts --retry-stuck``)."""

    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")


class Digest(models.Model):
    """One email to one user for one cadence period. Created (with its items claimed) before
    sending, marked ``sending`` just before the SMTP call and ``sent`` after it: a retry sends a
    ``pending`` digest and never one that may already have gone out."""

    Status = SendStatus

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_digests"
    )
    cadence = models.CharField(max_length=8, choices=Cadence.choices)
    period = models.CharField(max_length=32)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    # When the last SMTP attempt began: a digest ``sending`` long after this is stuck.
    attempted_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "cadence", "period"], name="digest_user_cadence_period"
            ),
            models.CheckConstraint(
                condition=Q(cadence__in=Cadence.values), name="digest_cadence_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sending", "sent"]), name="digest_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False)
                | (~Q(status="sent") & Q(sent_at__isnull=True)),
                name="digest_sent_at_iff_sent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadence} digest {self.period} for {self.user}"


class AlertMatch(models.Model):
    """The ledger: this article matched this alert. Unique per (alert, article), so a
    re-index, a re-tag, a rebuild or the sweep finding it again records nothing new."""

    class Via(models.TextChoices):
        PERCOLATOR = "percolator", _("Percolator")
        SWEEP = "sweep", _("Sweep")

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="matches")
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="alert_matches"
    )
    # The article's story cluster when it matched (itself when in none).
    story_id = models.BigIntegerField()
    via = models.CharField(max_length=10, choices=Via.choices)
    matched_at = models.DateTimeField(default=timezone.now)
    digest = models.ForeignKey(
        Digest, null=True, blank=True, on_delete=models.SET_NULL, related_name="matches"
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["alert", "article"], name="alert_match_unique"),
            models.CheckConstraint(
                condition=Q(via__in=["percolator", "sweep"]), name="alert_match_via_valid"
            ),
        ]
        indexes = [models.Index(fields=["alert", "story_id"], name="alert_match_story_idx")]

    def __str__(self) -> str:
        return f"{self.article_id} matched alert {self.alert_id}"


class BackfilledArticle(models.Model):
    """An article created by a back-fill (``ingest --no-alerts``): never announced. Written in
    the ingest's own transaction, so no percolation or sweep can see the article first."""

    article = models.OneToOneField(
        "articles.Article", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"article {self.article_id} (back-fill)"


class VolumeSpike(models.Model):
    """A day on which a saved search's volume rose well above its usual level (alerts.volume).
    Unique per (saved search, day): the daily job run twice, or two workers, record and email
    it once. Sent with the same discipline as a digest (``SendStatus``)."""

    Status = SendStatus

    saved_search = models.ForeignKey(
        SavedSearch, on_delete=models.CASCADE, related_name="volume_spikes"
    )
    day = models.DateField()
    count = models.PositiveIntegerField()
    # The baseline: mean and standard deviation of the previous days' counts.
    mean = models.FloatField()
    stddev = models.FloatField()
    # The period's daily counts, oldest first, the spike's day last: [["2026-11-01", 3], ...].
    counts = models.JSONField(default=list)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    attempted_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-day", "id"]
        constraints = [
            models.UniqueConstraint(fields=["saved_search", "day"], name="volume_spike_unique"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sending", "sent"]),
                name="volume_spike_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False)
                | (~Q(status="sent") & Q(sent_at__isnull=True)),
                name="volume_spike_sent_at_iff_sent",
            ),
        ]

    def __str__(self) -> str:
        return f"volume spike of {self.saved_search} on {self.day}: {self.count}"
