"""Every write that changes ctsearch's state lives here, not in views, save() or commands.

Callers (the ingest command, Celery tasks, the admin, later the feed collector) go through these
functions so that the rules -- one transaction per batch, no half-written rows, upserts on the
natural key -- hold for every entry point.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from .bulk_upsert import upsert_articles_rows
from .models import (
    Article,
    Collection,
    GazetteerEntry,
    IndexChange,
    Source,
    SourceStatusChange,
    TagOverride,
)
from .signals import gazetteer_entry_changed, index_changes_recorded
from .sources import known_sources

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")

# Columns an upsert replaces when the content changed. Status (a curator's hide), created_at
# and collected_at (first seen) are kept.
UPSERT_UPDATES = (
    "tags",
    "tags_version",
    "event_dates",
    "minhash",
    "url",
    "canonical_url",
    "title",
    "byline",
    "body",
    "raw",
    "raw_encoding",
    "origin",
    "language",
    "published_at",
    "published_at_source",
    "content_hash",
    "updated_at",
)


class InvalidSourceSlug(ValueError):
    pass


def ensure_source(slug: str, *, name: str = "") -> Source:
    """The source with this slug, created from the known sources (or the given name) if new."""
    if not SLUG_RE.match(slug):
        raise InvalidSourceSlug(
            f"invalid source slug {slug!r}: use lowercase letters, digits, '-' or '_'"
        )
    known = known_sources().get(slug)
    defaults = {"name": name or slug}
    if known:
        defaults = {
            "name": known.name,
            "homepage": known.homepage,
            "country": known.country,
            "language": known.language,
        }
    source, _ = Source.objects.get_or_create(slug=slug, defaults=defaults)
    return source


@dataclass
class UpsertCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    created_ids: list[int] = field(default_factory=list)
    updated_ids: list[int] = field(default_factory=list)

    def add(self, other: UpsertCounts) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.created_ids += other.created_ids
        self.updated_ids += other.updated_ids


def upsert_articles(
    rows: Sequence[dict],
    *,
    enrich: Callable[[dict], dict] | None = None,
    on_created: Callable[[list[int]], None] | None = None,
) -> UpsertCounts:
    """Insert new articles and update changed ones, in one transaction.

    Each row is a dict of Article columns including ``source_id``, ``key`` and
    ``content_hash``. A row whose (source, key) exists with the same content hash is left alone;
    with another hash it is updated in place. Duplicate keys within ``rows`` keep the last one.
    ``enrich(row)`` gives extra columns (tags, signature) and runs only for rows written;
    ``on_created(ids)`` runs inside the transaction (story clustering), so no index drain can
    see a new article before it is complete.
    """
    counts = UpsertCounts()
    if not rows:
        return counts
    by_key = {(row["source_id"], row["key"]): row for row in rows}
    counts.unchanged = len(rows) - len(by_key)  # in-batch repeats are no-ops on the database

    now = timezone.now()
    with transaction.atomic():
        existing = _existing_hashes(by_key.keys())
        to_write = []
        for natural_key, row in by_key.items():
            known_hash = existing.get(natural_key)
            if known_hash == row["content_hash"]:
                counts.unchanged += 1
                continue
            extra = enrich(row) if enrich else {}
            to_write.append(
                {**row, **extra, "created_at": now, "updated_at": now, "collected_at": now}
            )
        if not to_write:
            return counts
        # A concurrent ingest may have written the same content meanwhile: no-op then.
        written = upsert_articles_rows(to_write, UPSERT_UPDATES)
        ids = {(source_id, key): article_id for article_id, source_id, key in written}
        for row in to_write:
            natural_key = (row["source_id"], row["key"])
            article_id = ids.get(natural_key)
            if article_id is None:
                counts.unchanged += 1
            elif natural_key in existing:
                counts.updated += 1
                counts.updated_ids.append(article_id)
            else:
                counts.created += 1
                counts.created_ids.append(article_id)
        if on_created and counts.created_ids:
            on_created(counts.created_ids)
        record_index_changes(counts.created_ids + counts.updated_ids)
    return counts


def _existing_hashes(natural_keys: Iterable[tuple[int, str]]) -> dict[tuple[int, str], str]:
    keys_by_source: dict[int, list[str]] = {}
    for source_id, key in natural_keys:
        keys_by_source.setdefault(source_id, []).append(key)
    condition = Q(pk__in=[])
    for source_id, keys in keys_by_source.items():
        condition |= Q(source_id=source_id, key__in=keys)
    return {
        (source_id, key): content_hash
        for source_id, key, content_hash in Article.objects.filter(condition).values_list(
            "source_id", "key", "content_hash"
        )
    }


def set_article_status(article_ids: Iterable[int], status: str) -> int:
    """Hide or show articles; returns how many changed. Each change is in the audit log."""
    if status not in Article.Status.values:
        raise ValueError(f"unknown status {status!r}")
    with transaction.atomic():
        changing = list(
            Article.objects.filter(pk__in=list(article_ids))
            .exclude(status=status)
            .select_for_update()
        )
        ids = [article.pk for article in changing]
        Article.objects.filter(pk__in=ids).update(status=status, updated_at=timezone.now())
        _audit_bulk_update(changing, "status", status)
        record_index_changes(ids)
        return len(ids)


def _audit_bulk_update(instances: Sequence, field_name: str, value: str) -> None:
    """A queryset ``update()`` sends no signals: log each row's change for the audit log."""
    from auditlog.models import LogEntry

    for instance in instances:
        LogEntry.objects.log_create(
            instance,
            force_log=True,
            action=LogEntry.Action.UPDATE,
            changes={field_name: [getattr(instance, field_name), value]},
        )


# -------------------------------------------------------------------------------------------
# Curation: the source workflow and collections
# -------------------------------------------------------------------------------------------

#: The moves a curator may make; anything else is refused.
SOURCE_TRANSITIONS: dict[str, set[str]] = {
    Source.Status.PROPOSED: {Source.Status.ACTIVE, Source.Status.RETIRED},
    Source.Status.ACTIVE: {Source.Status.PAUSED, Source.Status.RETIRED},
    Source.Status.PAUSED: {Source.Status.ACTIVE, Source.Status.RETIRED},
    Source.Status.RETIRED: {Source.Status.ACTIVE},
}


class InvalidTransition(ValueError):
    pass


def change_source_status(
    source_id: int, to_status: str, *, reason: str, user=None
) -> SourceStatusChange:
    """Move a source along its workflow, logging who, when and why. Only active sources are
    collected; a retired source's articles stay searchable (nothing is re-indexed)."""
    if not reason.strip():
        raise InvalidTransition("a status change needs a reason")
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source_id)
        if to_status not in SOURCE_TRANSITIONS.get(source.status, set()):
            raise InvalidTransition(f"a {source.status} source cannot become {to_status}")
        change = SourceStatusChange.objects.create(
            source=source,
            from_status=source.status,
            to_status=to_status,
            changed_by=user,
            reason=reason.strip(),
        )
        source.status = to_status
        source.save(update_fields=["status", "updated_at"])
    return change


def create_source(
    *, slug: str, name: str, reason: str, user=None, status: str = Source.Status.PROPOSED, **fields
) -> Source:
    """A curator adds a source (proposed unless said otherwise); the creation is logged."""
    if not SLUG_RE.match(slug):
        raise InvalidSourceSlug(f"invalid source slug {slug!r}")
    with transaction.atomic():
        source = Source.objects.create(slug=slug, name=name, status=status, **fields)
        SourceStatusChange.objects.create(
            source=source, from_status="", to_status=status, changed_by=user, reason=reason
        )
    return source


def set_source_collections(source_id: int, collection_ids: Iterable[int]) -> bool:
    """Put a source in exactly these collections; its articles are re-indexed (the facet)."""
    wanted = set(collection_ids)
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source_id)
        current = set(source.collections.values_list("pk", flat=True))
        if current == wanted:
            return False
        source.collections.set(wanted)
        reindex_sources([source_id])
    return True


def save_collection(collection: Collection) -> Collection:
    """Create or edit a collection; a new slug re-indexes its sources' articles."""
    with transaction.atomic():
        before = Collection.objects.filter(pk=collection.pk).first() if collection.pk else None
        collection.full_clean()
        collection.save()
        if before is not None and before.slug != collection.slug:
            reindex_sources(collection.sources.values_list("pk", flat=True))
    return collection


def delete_collection(collection_id: int) -> None:
    with transaction.atomic():
        collection = Collection.objects.filter(pk=collection_id).first()
        if collection is None:
            return
        source_ids = list(collection.sources.values_list("pk", flat=True))
        collection.delete()
        reindex_sources(source_ids)


def reindex_sources(source_ids: Iterable[int]) -> None:
    """Queue every article of these sources for the index (inside the caller's transaction)."""
    ids = list(Article.objects.filter(source_id__in=list(source_ids)).values_list("pk", flat=True))
    record_index_changes(ids)


def record_index_changes(article_ids: Iterable[int]) -> None:
    """Queue these articles for the search index; call inside the writing transaction.

    The outbox row is the guarantee; the Celery message sent after commit only makes the
    index catch up sooner (if Redis is down, the periodic sweep sends the change later).
    """
    changes = [IndexChange(article_id=pk) for pk in article_ids]
    if changes:
        IndexChange.objects.bulk_create(changes)
        transaction.on_commit(_announce_index_changes)


def _announce_index_changes() -> None:
    index_changes_recorded.send(sender=IndexChange)


def set_stories(
    assigned: dict[int, int], moves: dict[int, int], *, queued: Iterable[int] = ()
) -> list[int]:
    """Write story ids: ``assigned`` article -> story, ``moves`` old story -> new story (two
    clusters merged). Returns the article ids whose story changed; they are re-indexed, except
    ``queued`` ones whose index change the caller records itself."""
    changed: list[int] = []
    table = Article._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        # One statement each, whatever the batch size: a batch of new articles is mostly
        # singleton stories, and an UPDATE per story was a tenth of the ingest time.
        if assigned:
            cursor.execute(
                f"update {table} a set story_id = v.story"
                " from unnest(%s::bigint[], %s::bigint[]) as v(id, story) where a.id = v.id",
                [list(assigned), list(assigned.values())],
            )
            changed += assigned
        if moves:
            # A later merge in the same batch can move a story again (A→B, then B→C): one
            # statement needs the final target of each chain. Story ids only decrease, so
            # chains end.
            moves = dict(moves)
            for old, new in moves.items():
                while new in moves:
                    new = moves[new]
                moves[old] = new
            cursor.execute(
                f"update {table} a set story_id = v.new"
                " from unnest(%s::bigint[], %s::bigint[]) as v(old, new)"
                " where a.story_id = v.old returning a.id",
                [list(moves), list(moves.values())],
            )
            changed += [pk for (pk,) in cursor.fetchall()]
        already = set(queued)
        record_index_changes(sorted(set(changed) - already))
    return changed


def save_enrichment(fields_by_article: dict[int, dict]) -> list[int]:
    """Store re-computed enrichment (a re-tagging); returns the articles whose tags changed,
    which are queued for the index. Unchanged ones only get the new gazetteer version."""
    if not fields_by_article:
        return []
    changed: list[int] = []
    with transaction.atomic():
        current = {
            pk: (tags, list(dates))
            for pk, tags, dates in Article.objects.filter(pk__in=list(fields_by_article))
            .select_for_update()
            .values_list("pk", "tags", "event_dates")
        }
        rows = []
        for pk, fields in fields_by_article.items():
            if pk not in current:
                continue  # deleted meanwhile
            if current[pk] != (fields["tags"], list(fields["event_dates"])):
                changed.append(pk)
            rows.append(Article(pk=pk, **fields))
        Article.objects.bulk_update(rows, ["tags", "tags_version", "event_dates", "minhash"])
        record_index_changes(changed)
    return changed


def set_tag_override(
    article_id: int, facet: str, slug: str, action: str, *, curator=None, note: str = ""
) -> TagOverride:
    """A curator adds or removes one tag; the decision outlives every re-tagging."""
    with transaction.atomic():
        override, _ = TagOverride.objects.update_or_create(
            article_id=article_id,
            facet=facet,
            slug=slug,
            defaults={"action": action, "curator": curator, "note": note},
        )
        record_index_changes([article_id])
    return override


def remove_tag_override(override_id: int) -> None:
    with transaction.atomic():
        override = TagOverride.objects.filter(pk=override_id).first()
        if override:
            override.delete()
            record_index_changes([override.article_id])


def gazetteer_changed(entry: GazetteerEntry, *, previous_phrases: Iterable[str] = ()) -> None:
    """An actor, venue or topic was saved or deleted: after commit, this process's searches see
    the edit at once, and the articles it may concern (those containing its phrases, old or
    new) are re-tagged in the background (the receiver in ``articles.tasks``)."""
    phrases = sorted({*entry.phrases(), *previous_phrases})
    facet = entry.tag_facet

    def announce() -> None:
        from .enrichment import gazetteer

        gazetteer.invalidate()
        gazetteer_entry_changed.send(
            sender=type(entry), facet=facet, slug=entry.slug, phrases=phrases
        )

    transaction.on_commit(announce)
