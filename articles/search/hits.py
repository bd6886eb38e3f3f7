"""Reading the engine's answers: hits with merged highlights, totals, and the copies of stories.

The counterpart of :mod:`articles.search.compiler` for what comes back. The story-copies
aggregation is built here too (:func:`story_copies_aggs`), next to the code that reads it.
Pure: responses in, dicts out.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

from .rules import BODY_FRAGMENTS, COPIES_SHOWN, MARK_CLOSE, MARK_OPEN

_MARK_SPLIT = re.compile(f"({re.escape(MARK_OPEN)}|{re.escape(MARK_CLOSE)})")
_STORIES, _COPIES = "stories", "copies"


def _unmark(fragment: str) -> tuple[str, list[tuple[int, int]]]:
    """Fragment → (text without our tags, marked spans)."""
    plain: list[str] = []
    spans: list[tuple[int, int]] = []
    pos, start = 0, None
    for part in _MARK_SPLIT.split(fragment):
        if part == MARK_OPEN:
            start = pos
        elif part == MARK_CLOSE:
            if start is not None:
                spans.append((start, pos))
            start = None
        else:
            plain.append(part)
            pos += len(part)
    return "".join(plain), spans


def _render(plain: str, spans: list[tuple[int, int]]) -> str:
    merged: list[list[int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    out, pos = [], 0
    for s, e in merged:
        out.extend([plain[pos:s], MARK_OPEN, plain[s:e], MARK_CLOSE])
        pos = e
    out.append(plain[pos:])
    return "".join(out)


def merge_fragments(*lists: list[str], limit: int | None = None) -> list[str]:
    """Merge fragments of the same text highlighted through different fields.

    Fragments over the same text (or one contained in another) become one with the union of the
    marks; fragments with marks come before unmarked ones (``no_match_size`` openings), which are
    dropped as soon as one fragment has a mark.
    """
    items: list[tuple[str, list[tuple[int, int]]]] = []
    for fragments in lists:
        for fragment in fragments or []:
            plain, spans = _unmark(fragment)
            for item in items:
                if plain in item[0]:
                    offset = item[0].index(plain)
                    item[1].extend((s + offset, e + offset) for s, e in spans)
                    break
                if item[0] in plain:
                    offset = plain.index(item[0])
                    item[1][:] = [(s + offset, e + offset) for s, e in item[1]] + spans
                    items[items.index(item)] = (plain, item[1])
                    break
            else:
                items.append((plain, list(spans)))
    marked = [_render(p, s) for p, s in items if s]
    result = marked or [p for p, _ in items]
    return result[:limit] if limit else result


def parse_hits(response: Mapping) -> list[dict]:
    """Hits of a ``compile_search`` response: ``id``, ``score``, the source fields, and
    ``highlights`` = ``{"title": str | None, "body": [str]}`` (HTML-safe, only ``<mark>`` tags).
    """
    out: list[dict] = []
    for hit in response.get("hits", {}).get("hits", []):
        source = dict(hit.get("_source") or {})
        hl = hit.get("highlight") or {}
        title = merge_fragments(hl.get("title", []), hl.get("title.exact", []), limit=1)
        title_text = source.get("title")
        if title:
            title_hl: str | None = title[0]
        else:
            title_hl = html.escape(title_text) if title_text else None
        body = merge_fragments(hl.get("body", []), hl.get("body.exact", []), limit=BODY_FRAGMENTS)
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
