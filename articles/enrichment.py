"""Enrichment of stored articles: tags with evidence, event dates, story clusters.

The pure parts live in ``articles.tagging`` (gazetteer matching) and ``articles.dedup``
(MinHash clustering); this module feeds them from and back into the database. Ingestion calls
``enrichment_fields`` for each new or changed article and ``StoryAssigner.assign`` after each
batch; curators' TagOverride rows are applied on top of the automatic tags whenever the final
tags are needed (the search document, the article page), so a re-tagging never undoes them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import numpy as np
from django.conf import settings

from . import dedup
from .tagging import FACETS, Gazetteer, Override, TagHit, Tags, curated, tag

# Which tag lists are search facets (places are recorded, but only venues are a facet).
SEARCH_FACETS = {"actors": "actors", "venues": "venues", "topics": "topics"}


def enrichment_fields(
    title: str, body: str, byline: str, gazetteer: Gazetteer, version: str
) -> dict:
    """The Article columns enrichment fills for this text."""
    tags = tag(title, body, gazetteer, byline=byline)
    # Through JSON once, so what is compared later is exactly what PostgreSQL gives back.
    stored = json.loads(json.dumps(tags.to_dict(), ensure_ascii=False))
    event_dates = sorted(set(tags.event_dates))
    stored.pop("event_dates", None)
    stored.pop("event_date_details", None)  # the dates are a column; their evidence too long
    return {
        "tags": stored,
        "tags_version": version,
        "event_dates": event_dates,
        "minhash": dedup.signature_to_bytes(dedup.signature(title + "\n" + body)),
    }


def _tags_from_stored(stored: dict) -> Tags:
    tags = Tags()
    for facet in FACETS:
        setattr(
            tags,
            facet,
            [
                TagHit(
                    slug=hit["slug"],
                    spans=[tuple(span) for span in hit.get("spans", [])],
                    evidence=list(hit.get("evidence", [])),
                    source=hit.get("source", "auto"),
                )
                for hit in stored.get(facet, [])
            ],
        )
    return tags


def final_tags(stored: dict, overrides: Iterable) -> Tags:
    """Automatic tags with the curators' additions and removals applied."""
    decisions = [
        Override(facet=o.facet, slug=o.slug, action=o.action, note=getattr(o, "note", ""))
        for o in overrides
    ]
    return curated(_tags_from_stored(stored or {}), decisions)


def facet_keys(stored: dict, overrides: Iterable) -> dict[str, list[str]]:
    """{"actors": [...], "venues": [...], "topics": [...]} as the search index should see it."""
    tags = final_tags(stored, overrides)
    return {facet: sorted(tags.slugs(facet)) for facet in SEARCH_FACETS}


class StoryAssigner:
    """Puts new articles into story clusters, for one ingestion run (or one worker task).

    The LSH index holds the ``settings.STORY_WINDOW`` most recently stored articles (loaded
    from their stored signatures and story ids) and grows with each batch; past one and a half
    windows it is rebuilt from the newest window, so memory stays flat at any archive size.
    When a new article bridges two clusters, the later cluster's articles move to the earlier
    story id.
    """

    def __init__(self, window: int | None = None) -> None:
        self.window = window or settings.STORY_WINDOW
        self._index: dedup.StoryIndex | None = None

    def _load(self) -> dedup.StoryIndex:
        from .models import Article

        rows = list(
            Article.objects.exclude(minhash=None)
            .order_by("-id")
            .values_list("id", "minhash", "story_id")[: self.window]
        )
        if not rows:
            return dedup.StoryIndex()
        ids, sigs = _ids_and_signatures(rows)
        stories = np.fromiter(
            (pk if story is None else story for pk, _, story in rows), np.int64, len(rows)
        )
        return dedup.StoryIndex.build(ids, sigs, stories)

    def _trim(self) -> None:
        """Keep the newest ``window`` articles, with the story ids they already have."""
        from . import actions

        before = self._index.stories()
        self._index = self._index.newest(self.window)
        # A rebuild verifies every candidate pair again; a merge it finds that the
        # incremental adds missed (a bucket past its cap) is written like any other.
        merged = {pk: story for pk, story in self._index.stories().items() if story != before[pk]}
        if merged:
            actions.set_stories(merged, {})

    def assign(self, article_ids: Iterable[int], *, queued: bool = False) -> list[int]:
        """Cluster these articles; returns the ids whose story changed (to re-index).
        ``queued``: the articles' own index changes are already recorded (a new article)."""
        from . import actions
        from .models import Article

        if self._index is None:
            self._index = self._load()
        index = self._index
        article_ids = list(article_ids)
        new = dict(
            Article.objects.filter(pk__in=article_ids, story_id=None)
            .exclude(minhash=None)
            .values_list("id", "minhash")
        )
        moves: dict[int, int] = {}  # old story id -> new story id (merged clusters)
        assigned: dict[int, int] = {}
        for pk in sorted(new):
            sig = dedup.signature_from_bytes(bytes(new[pk]))
            before = {c: index.story_of(c) for c in index.query(sig) if c in index}
            story = index.add(pk, sig)
            assigned[pk] = story
            for old_story in {s for s in before.values() if s != story}:
                moves[old_story] = story
        changed = actions.set_stories(assigned, moves, queued=article_ids if queued else ())
        if len(index) > self.window * 3 // 2:
            self._trim()
        return changed


def _ids_and_signatures(rows: list[tuple]) -> tuple[np.ndarray, np.ndarray]:
    """Article ids and the (n, num_perm) signature matrix of stored ``(id, minhash, ...)``
    rows."""
    ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
    sigs = dedup.signatures_from_bytes([bytes(row[1]) for row in rows])
    return ids, sigs.reshape(len(rows), -1)


def rebuild_stories() -> int:
    """Recluster every article from its stored signature; returns how many changed story."""
    from . import actions
    from .models import Article

    rows = list(
        Article.objects.exclude(minhash=None)
        .order_by("id")
        .values_list("id", "minhash", "story_id")
        .iterator(chunk_size=10_000)
    )
    if not rows:
        return 0
    stories = dedup.StoryIndex.build(*_ids_and_signatures(rows)).stories()
    changed = {pk: stories[pk] for pk, _, current in rows if stories.get(pk) != current}
    return len(actions.set_stories(changed, {}))


RETAG_BATCH = 500


def retag(article_ids: Iterable[int]) -> tuple[int, int]:
    """Re-run the tagger with the current gazetteer; returns (articles seen, tags changed)."""
    from . import actions, gazetteer
    from .models import Article

    version, compiled = gazetteer.current()
    ids = list(article_ids)
    seen = changed = 0
    for start in range(0, len(ids), RETAG_BATCH):
        chunk = Article.objects.filter(pk__in=ids[start : start + RETAG_BATCH]).values_list(
            "pk", "title", "body", "byline"
        )
        fields = {
            pk: enrichment_fields(title, body, byline, compiled, version)
            for pk, title, body, byline in chunk
        }
        seen += len(fields)
        changed += len(actions.save_enrichment(fields))
    return seen, changed
