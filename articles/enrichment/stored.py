"""Enrichment of stored articles: the columns it fills, the final tags, re-tagging.

The pure parts are the tagger (``tagger``) and the story signatures (``dedup``); this module
feeds them from and back into the database. Ingestion calls ``enrichment_fields`` for each new
or changed article (and ``stories.StoryAssigner.assign`` after each batch); curators' TagOverride
rows are applied on top of the automatic tags whenever the final tags are needed (the search
document, the article page), so a re-tagging never undoes them.
"""

from __future__ import annotations

from collections.abc import Iterable

from . import minhash
from .matcher import Gazetteer
from .overrides import Override, curated
from .tagger import tag
from .tags import FACETS, TagHit, Tags

# Which tag lists are search facets (places are recorded, but only venues are a facet).


def enrichment_fields(
    title: str, body: str, byline: str, gazetteer: Gazetteer, version: str
) -> dict:
    """The Article columns enrichment fills for this text."""
    tags = tag(title, body, gazetteer, byline=byline)
    # The dates are a column of their own; their evidence is too long to keep.
    stored = tags.to_dict(details=False)
    del stored["event_dates"]
    return {
        "tags": stored,
        "tags_version": version,
        "event_dates": sorted(set(tags.event_dates)),
        "minhash": minhash.signature_to_bytes(minhash.signature(title + "\n" + body)),
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


def tag_keys(stored: dict, overrides: Iterable) -> dict[str, list[str]]:
    """The final tags' slugs by field ({"actors": [...], "venues": [...], ...}); the search
    index picks the fields it facets on. The slugs of ``final_tags`` (tested equal), computed
    on the slugs alone: every indexed article goes through here, and building its hits with
    their spans and evidence only to keep the slugs was a third of the document's cost."""
    decisions: dict[tuple[str, str], str] = {}
    for o in overrides:  # the last decision on a tag wins, as in ``curated``
        Override(o.facet, o.slug, o.action)  # refuses an unknown facet or action, as there
        decisions[(o.facet, o.slug)] = o.action
    out = {}
    for facet in FACETS:
        slugs = {hit["slug"] for hit in (stored or {}).get(facet, ())}
        for (decided_facet, slug), action in decisions.items():
            if decided_facet == facet:
                (slugs.add if action == "add" else slugs.discard)(slug)
        out[facet] = sorted(slugs)
    return out


RETAG_BATCH = 500


def retag(article_ids: Iterable[int]) -> tuple[int, int]:
    """Re-run the tagger with the current gazetteer; returns (articles seen, tags changed)."""
    from .. import actions
    from ..models import Article
    from . import gazetteer

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
