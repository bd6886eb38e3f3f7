"""Feeds and the items they listed. The source they belong to (its workflow, collections) is
``articles.Source``: only feeds of active sources are collected."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article, Source


class Feed(models.Model):
    class Kind(models.TextChoices):
        RSS = "rss", _("RSS or Atom")
        SITEMAP = "sitemap", _("Sitemap")
        NEWS_SITEMAP = "news_sitemap", _("News sitemap")

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="feeds")
    url = models.URLField(max_length=2000)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.RSS)
    enabled = models.BooleanField(default=True)
    # Why the collector stopped (410 Gone, too many failures); empty while it runs.
    paused_reason = models.TextField(blank=True)
    poll_interval = models.PositiveIntegerField(default=3600, help_text=_("seconds"))
    next_fetch_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Conditional GET, and the body hash for servers that answer 200 with the same body.
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    body_hash = models.CharField(max_length=64, blank=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_new_article_at = models.DateTimeField(null=True, blank=True)
    fetch_count = models.PositiveIntegerField(default=0)
    failure_count = models.PositiveIntegerField(default=0)
    article_count = models.PositiveIntegerField(default=0)  # articles this feed brought
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["source__slug", "url"]
        constraints = [
            models.UniqueConstraint(fields=["url"], name="feed_url_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=["rss", "sitemap", "news_sitemap"]), name="feed_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(url__startswith="http://") | Q(url__startswith="https://"),
                name="feed_url_http",
            ),
            models.CheckConstraint(
                condition=Q(poll_interval__gte=60), name="feed_poll_interval_min"
            ),
            # A paused feed says why; a running one carries no stale reason.
            models.CheckConstraint(
                condition=Q(enabled=True, paused_reason="") | Q(enabled=False),
                name="feed_enabled_no_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.url


class FeedItem(models.Model):
    """One entry a feed listed, by its GUID (or canonical URL): what makes a re-fetch add
    nothing. ``item_hash`` changes when the feed says the item changed."""

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="items")
    guid = models.TextField()
    url = models.URLField(max_length=2000)
    item_hash = models.CharField(max_length=64)
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="feed_items"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    first_seen_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-first_seen_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["feed", "guid"], name="feed_item_guid_unique"),
            models.CheckConstraint(condition=~Q(guid=""), name="feed_item_guid_not_empty"),
        ]

    def __str__(self) -> str:
        return self.guid
