"""Sources and articles: PostgreSQL is the source of truth.

The rules that keep the data sane are constraints in the database, not only Python checks, so
that no code path (a bulk upsert, a shell session, a future feed collector) can write a
half-formed article.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from psqlextra.models import PostgresModel

from .ingest.records import DateProvenance

# Where ``published_at`` came from: the values are the ingest records' (one definition), the
# labels are the admin's.
DATE_PROVENANCE_CHOICES = [
    (DateProvenance.METADATA.value, _("Source metadata")),
    (DateProvenance.PAGE.value, _("Stated on the page")),
    (DateProvenance.EXTRACTION.value, _("Crawler's extraction time")),
    (DateProvenance.FEED.value, _("The feed that listed it")),
    (DateProvenance.NONE.value, _("Unknown")),
]


class Collection(models.Model):
    """A named group of sources ("Maghreb press"): a search facet, curated in the admin."""

    slug = models.SlugField(max_length=64, unique=True)
    name_ar = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(slug__regex=r"^[a-z0-9][a-z0-9_-]*$"), name="collection_slug_format"
            ),
            models.CheckConstraint(
                condition=~Q(name_ar="") & ~Q(name_en=""), name="collection_names_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name_ar} ({self.name_en})"


SOURCE_KINDS = [
    "",
    "newspaper",
    "agency",
    "broadcaster",
    "online",
    "think_tank",
    "official",
    "other",
]


class Source(models.Model):
    """An outlet articles come from (a newspaper, an agency, a think tank).

    Its ``status`` is the curators' workflow: only active sources are collected; a retired
    source's articles stay searchable. Every change of status is a ``SourceStatusChange``.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        RETIRED = "retired", _("Retired")

    class Kind(models.TextChoices):
        NEWSPAPER = "newspaper", _("Newspaper")
        AGENCY = "agency", _("News agency")
        BROADCASTER = "broadcaster", _("Broadcaster")
        ONLINE = "online", _("Online outlet")
        THINK_TANK = "think_tank", _("Think tank")
        OFFICIAL = "official", _("Official body")
        OTHER = "other", _("Other")

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    homepage = models.URLField(max_length=500, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text=_("ISO 3166-1 alpha-2 code"))
    language = models.CharField(max_length=8, default="ar")
    kind = models.CharField(max_length=16, choices=Kind.choices, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    collections = models.ManyToManyField(Collection, blank=True, related_name="sources")
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
            models.CheckConstraint(
                condition=Q(status__in=["proposed", "active", "paused", "retired"]),
                name="source_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=SOURCE_KINDS),
                name="source_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SourceStatusChange(models.Model):
    """Who moved a source from one status to another, when and why (append-only)."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=10, choices=Source.Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=Source.Status.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    changed_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField()

    class Meta:
        ordering = ["-changed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_status=models.F("to_status")), name="status_change_changes"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="status_change_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id}: {self.from_status or '-'} → {self.to_status}"


class Article(PostgresModel):
    """One article as ctsearch stores it: clean text plus the raw input it came from."""

    class Status(models.TextChoices):
        VISIBLE = "visible", _("Visible")
        HIDDEN = "hidden", _("Hidden")

    # No index of its own: the unique (source, key) index starts with it and serves every
    # lookup by source, and each index is written again for every new article (twice: the
    # insert, then its story id).
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="articles", db_index=False
    )
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
        max_length=16,
        choices=DATE_PROVENANCE_CHOICES,
        blank=True,
        default=DateProvenance.NONE.value,
    )
    collected_at = models.DateTimeField(default=timezone.now)
    content_hash = models.CharField(max_length=64)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.VISIBLE)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    # Enrichment (articles.enrichment): the tagger's output with its evidence, as of the
    # gazetteer version it was made with; curators' decisions are TagOverride rows on top.
    tags = models.JSONField(default=dict, blank=True)
    tags_version = models.CharField(max_length=16, blank=True)
    event_dates = ArrayField(models.DateField(), default=list, blank=True)
    # Near-duplicate story cluster: the smallest article id of the cluster
    # (articles.enrichment.dedup).
    story_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    minhash = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-published_at", "-id"]
        permissions = [
            ("search_articles", "Can search articles"),
            ("export_articles", "Can export search results"),
        ]
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
                condition=Q(published_at_source__in=[p.value for p in DateProvenance]),
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
            # Nearly every article is visible, so an index of the status itself helps no
            # query; the hidden ones are found through this small one.
            models.Index(fields=["id"], condition=Q(status="hidden"), name="article_hidden_idx"),
        ]

    @property
    def date_is_estimated(self) -> bool:
        """No stated publication date: sorting and display use an approximation."""
        return (
            self.published_at is None or self.published_at_source == DateProvenance.EXTRACTION.value
        )

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


# -------------------------------------------------------------------------------------------
# The gazetteer: who acts, where, about what. Curated in the admin; a starter set ships with
# the app (articles/enrichment/data/starter_gazetteer.toml), loaded by migration 0003 (from
# its frozen copy) and by `manage.py load_gazetteer`, which never changes an existing entry.
# -------------------------------------------------------------------------------------------

_slug_format = Q(slug__regex=r"^[a-z0-9][a-z0-9-]*$")


class GazetteerEntry(models.Model):
    """What the three kinds of entries share: the tag facet they feed and the phrases an
    article must contain to be tagged with them (what a re-tagging after an edit looks for)."""

    #: The tag facet of articles.enrichment ("actors", "venues", "topics").
    tag_facet: str = ""
    #: The array fields holding phrases the tagger matches.
    phrase_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def phrases(self) -> list[str]:
        return [phrase for name in self.phrase_fields for phrase in getattr(self, name)]


class Actor(GazetteerEntry):
    tag_facet = "actors"
    phrase_fields = ("aliases", "ambiguous")

    class Kind(models.TextChoices):
        ARMED_GROUP = "armed_group", _("Armed group")
        STATE = "state", _("State")
        INTERNATIONAL_BODY = "international_body", _("International body")
        GOVERNMENT_BODY = "government_body", _("Government body")
        COALITION = "coalition", _("Coalition")
        PERSON = "person", _("Person")
        POLITICAL_PARTY = "political_party", _("Political party")
        OTHER = "other", _("Other")

    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    name_ar = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    aliases = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    ambiguous = ArrayField(
        models.CharField(max_length=200),
        default=list,
        blank=True,
        help_text=_("Aliases that count only next to an unambiguous mention"),
    )
    place = models.ForeignKey(
        "Venue", null=True, blank=True, on_delete=models.SET_NULL, related_name="states"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name_en"]
        constraints = [models.CheckConstraint(condition=_slug_format, name="actor_slug_format")]

    def __str__(self) -> str:
        return f"{self.name_ar} ({self.name_en})"


class ActorLink(models.Model):
    class Relation(models.TextChoices):
        AFFILIATE_OF = "affiliate_of", _("affiliate of")
        MEMBER_OF = "member_of", _("member of")
        SUCCESSOR_OF = "successor_of", _("successor of")
        PART_OF = "part_of", _("part of")

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="links")
    relation = models.CharField(max_length=16, choices=Relation.choices)
    target = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="linked_from")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["actor", "relation", "target"], name="actor_link_unique"
            ),
            models.CheckConstraint(condition=~Q(actor=models.F("target")), name="no_self_link"),
        ]

    def __str__(self) -> str:
        return f"{self.actor.slug} {self.relation} {self.target.slug}"


class Venue(GazetteerEntry):
    tag_facet = "venues"
    phrase_fields = ("aliases", "ambiguous")

    class Kind(models.TextChoices):
        CITY = "city", _("City")
        COUNTRY = "country", _("Country")
        REGION = "region", _("Region")

    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    name_ar = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    aliases = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    ambiguous = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    country = models.CharField(max_length=2, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name_en"]
        constraints = [
            models.CheckConstraint(condition=_slug_format, name="venue_slug_format"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True)
                | Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="venue_coordinates_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name_ar} ({self.name_en})"


class Topic(GazetteerEntry):
    tag_facet = "topics"
    phrase_fields = ("cues",)

    slug = models.SlugField(max_length=80, unique=True)
    name_ar = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    cues = ArrayField(
        models.CharField(max_length=200),
        default=list,
        blank=True,
        help_text=_("Arabic phrases; any one of them tags the topic"),
    )
    cue_sets = models.JSONField(
        default=list,
        blank=True,
        help_text=_("Groups of alternatives that must all occur in one paragraph"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name_en"]
        constraints = [
            models.CheckConstraint(condition=_slug_format, name="topic_slug_format"),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="topic_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name_ar} ({self.name_en})"


class TagOverride(models.Model):
    """A curator's decision on one article's tag; it survives every later re-tagging."""

    class Facet(models.TextChoices):
        ACTORS = "actors", _("Actor")
        VENUES = "venues", _("Venue")
        PLACES = "places", _("Place mentioned")
        TOPICS = "topics", _("Topic")

    class Action(models.TextChoices):
        ADD = "add", _("Add")
        REMOVE = "remove", _("Remove")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="tag_overrides")
    facet = models.CharField(max_length=8, choices=Facet.choices)
    slug = models.SlugField(max_length=80)
    action = models.CharField(max_length=8, choices=Action.choices)
    curator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "facet", "slug"], name="tag_override_one_per_tag"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.facet}:{self.slug} on article {self.article_id}"
