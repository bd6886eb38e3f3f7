"""Reading the engine's answers: hits with their snippets, totals, and the copies of stories.

The counterpart of :mod:`articles.search.compiler` for what comes back. The story-copies
aggregation is built here too (:func:`story_copies_aggs`), next to the code that reads it.
Pure: responses in, dicts out.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

from . import snippets
from .rules import COPIES_SHOWN

_STORIES, _COPIES = "stories", "copies"


def parse_hits(response: Mapping) -> list[dict]:
    """Hits of a ``compile_search`` response: ``id``, ``score``, the source fields, and
    ``highlights`` = ``{"title": str | None, "body": [str]}`` (HTML-safe, only ``<mark>`` tags).
    """
    out: list[dict] = []
    for hit in response.get("hits", {}).get("hits", []):
        source = dict(hit.get("_source") or {})
        hl = hit.get("highlight") or {}
        title_hl = snippets.whole([*hl.get("title", []), *hl.get("title.exact", [])])
        if title_hl is None and source.get("title"):
            title_hl = html.escape(source["title"])
        body = snippets.snippets([*hl.get("body", []), *hl.get("body.exact", [])])
        raw_id = source.pop("id", None) or hit.get("_id")
        try:
            hit_id: int | str | None = int(raw_id)
        except (TypeError, ValueError):
            hit_id = raw_id
        result = {
            **source,
            "id": hit_id,
            "score": hit.get("_score"),
            "highlights": {"title": title_hl, "body": body},
        }
        out.append(result)
    return out


def parse_total(response: Mapping) -> int:
    """The exact number of hits (``track_total_hits`` is on)."""
    total = response.get("hits", {}).get("total", 0)
    return int(total.get("value", 0)) if isinstance(total, Mapping) else int(total)


# ------------------------------------------------------------------------------------------------
# Copies of the stories on a collapsed page
# ------------------------------------------------------------------------------------------------


def story_copies_aggs(stories: list[int]) -> dict:
    """Per story: how many articles match, and the first COPIES_SHOWN of them, oldest first."""
    return {
        _STORIES: {
            "terms": {"field": "story", "size": max(len(stories), 1)},
            "aggs": {
                _COPIES: {
                    "top_hits": {
                        "size": COPIES_SHOWN,
                        "_source": ["source", "source_name", "url"],
                        "sort": [{"sort_date": "asc"}, {"id": "asc"}],
                    }
                }
            },
        }
    }


def parse_story_copies(response: Mapping) -> dict[int, tuple[int, list[dict]]]:
    """Story id → (matching articles, [first copies as ``{"id", "source", ...}``])."""
    out: dict[int, tuple[int, list[dict]]] = {}
    buckets = response.get("aggregations", {}).get(_STORIES, {}).get("buckets", [])
    for bucket in buckets:
        hits = bucket.get(_COPIES, {}).get("hits", {}).get("hits", [])
        copies = [{"id": int(h["_id"]), **(h.get("_source") or {})} for h in hits]
        out[int(bucket["key"])] = (int(bucket.get("doc_count", 0)), copies)
    return out


def attach_story_copies(hits: list[dict], copies: Mapping[int, tuple[int, list[dict]]]) -> None:
    """Put ``story_size`` and ``story_copies`` on parsed hits (see parse_hits)."""
    for hit in hits:
        size, members = copies.get(int(hit.get("story") or hit["id"]), (1, []))
        hit["story_size"] = max(size, 1)
        hit["story_copies"] = members or [{"id": hit["id"], "source": hit.get("source", "")}]
