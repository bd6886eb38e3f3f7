"""Sources and articles: PostgreSQL is the source of truth.

The rules that keep the data sane are constraints in the database, not only Python checks, so
that no code path (a bulk upsert, a shell session, a future feed collector) can write a
half-formed article.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from psqlextra.models import PostgresModel


class Source(models.Model):
    """An outlet articles come from (a newspaper, an agency, a think tank)."""

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    homepage = models.URLField(max_length=500, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text=_("ISO 3166-1 alpha-2 code"))
    language = models.CharField(max_length=8, default="ar")
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(slug__regex=r"^[a-z0-9][a-z0-9_-]*$"), name="source_slug_format"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="source_name_not_empty"),
            models.CheckConstraint(
                condition=Q(country="") | Q(country__regex=r"^[A-Z]{2}$"),
                name="source_country_iso",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Article(PostgresModel):
    """One article as ctsearch stores it: clean text plus the raw input it came from."""

    class Status(models.TextChoices):
        VISIBLE = "visible", _("Visible")
        HIDDEN = "hidden", _("Hidden")

    class DateSource(models.TextChoices):
        METADATA = "metadata", _("Source metadata")
        PAGE = "page", _("Stated on the page")
        EXTRACTION = "extraction", _("Crawler's extraction time")
        NONE = "", _("Unknown")

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="articles")
    # The natural key within the source: the article's URL, or "file:<name>" for a page that
    # arrived without one. Re-ingesting the same input finds the same row through it.
    key = models.TextField()
    url = models.URLField(max_length=2000, blank=True)
    canonical_url = models.URLField(max_length=2000, blank=True)
    title = models.TextField()
    byline = models.TextField(blank=True)
    body = models.TextField()
    raw = models.TextField(help_text=_("The input as received, decoded to text"))
    raw_encoding = models.CharField(max_length=32, default="utf-8")
    origin = models.TextField(help_text=_("The file (and archive member) it was ingested from"))
    language = models.CharField(max_length=8, default="ar")
    published_at = models.DateTimeField(null=True, blank=True)
    published_at_source = models.CharField(
        max_length=16, choices=DateSource.choices, blank=True, default=DateSource.NONE
    )
    collected_at = models.DateTimeField(default=timezone.now)
    content_hash = models.CharField(max_length=64)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.VISIBLE)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "key"], name="article_source_key_unique"),
            models.CheckConstraint(condition=~Q(key=""), name="article_key_not_empty"),
            models.CheckConstraint(condition=~Q(title=""), name="article_title_not_empty"),
            models.CheckConstraint(condition=~Q(body=""), name="article_body_not_empty"),
            models.CheckConstraint(
                condition=Q(content_hash__regex=r"^[0-9a-f]{64}$"),
                name="article_content_hash_sha256",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["visible", "hidden"]), name="article_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(published_at_source__in=["metadata", "page", "extraction", ""]),
                name="article_published_at_source_valid",
            ),
            # A date always says where it came from, and "unknown" never carries a date.
            models.CheckConstraint(
                condition=(
                    Q(published_at__isnull=True, published_at_source="")
                    | (Q(published_at__isnull=False) & ~Q(published_at_source=""))
                ),
                name="article_published_at_has_source",
            ),
        ]
        indexes = [
            models.Index(fields=["published_at"], name="article_published_at_idx"),
            models.Index(fields=["collected_at"], name="article_collected_at_idx"),
            models.Index(fields=["status"], name="article_status_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_visible(self) -> bool:
        return self.status == self.Status.VISIBLE


class IndexChange(models.Model):
    """Outbox: an article whose search document must be (re)sent or removed.

    Written in the same transaction as the change to the article, so the index can always
    catch up with PostgreSQL: a drain sends pending changes in bulk and deletes the rows it
    sent; whatever a crash or an unreachable engine leaves behind is sent by the next drain.
    No foreign key: a deleted article's change must outlive it, to remove its document.
    """

    article_id = models.BigIntegerField(db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"index change for article {self.article_id}"
