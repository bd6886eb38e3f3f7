"""Snippets: a hit's whole marked text → the passages a result list shows.

The engine marks the query's words in the *whole* title and body (``number_of_fragments: 0``,
see :func:`articles.search.compiler.highlight_spec`); the passages are cut here. Two reasons:

* Speed. The engine cuts passages with the JDK's sentence iterator, which finds almost no
  sentence ends in Arabic news (it does not know «؟», and a paragraph of clauses joined by «،»
  is one sentence), so for every match it walks the paragraph back and forth: most of the
  highlighter's time in a JFR profile of the engine (2026-12-03). Marking the whole text skips
  the iterator.
* Exactness. The stemmed and the exact field mark the same text; with whole texts their marks
  are merged as a union over one string instead of by matching fragments that were cut apart.

Pure: strings in, strings out. The engine's text is HTML-escaped with only our marks added
(``encoder: html``); it is unescaped to cut it and escaped again when rendered, so a fragment is
never cut inside an entity and ``<script>`` in an article stays text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from .rules import BODY_FRAGMENT_SIZE, BODY_FRAGMENTS, MARK_CLOSE, MARK_OPEN

Span = tuple[int, int]
#: (start, end, the marks inside)
Passage = tuple[int, int, list[Span]]

_MARK_SPLIT = re.compile(f"({re.escape(MARK_OPEN)}|{re.escape(MARK_CLOSE)})")
#: Where a sentence or clause ends: a passage may start right after one.
_SENTENCE_END = re.compile(r"[.!?؟؛:]\s+|\n+")
#: How far before its first mark a passage may start (a quarter of it: the mark leads).
_LEAD_SHARE = 4


def unmark(marked: str) -> tuple[str, list[Span]]:
    """The engine's marked, escaped text → (plain text, marked spans in it)."""
    plain: list[str] = []
    spans: list[Span] = []
    pos, start = 0, None
    for part in _MARK_SPLIT.split(marked):
        if part == MARK_OPEN:
            start = pos
        elif part == MARK_CLOSE:
            if start is not None and pos > start:
                spans.append((start, pos))
            start = None
        elif part:
            text = html.unescape(part)
            plain.append(text)
            pos += len(text)
    return "".join(plain), spans


def _union(spans: Iterable[Span]) -> list[Span]:
    merged: list[list[int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged]


def render(plain: str, spans: Iterable[Span], start: int = 0, end: int | None = None) -> str:
    """``plain[start:end]`` escaped, with ``<mark>`` around the spans (which lie inside it)."""
    end = len(plain) if end is None else end
    out, pos = [], start
    for s, e in spans:
        out.extend([html.escape(plain[pos:s]), MARK_OPEN, html.escape(plain[s:e]), MARK_CLOSE])
        pos = e
    out.append(html.escape(plain[pos:end]))
    return "".join(out)


def merge(texts: Iterable[str]) -> tuple[str, list[Span]] | None:
    """One text with the union of the marks of all its markings (the stemmed and the exact field's
    whole text). Texts with marks win over unmarked ones (an unmarked text may be the engine's
    ``no_match_size`` opening); ``None`` when there are no texts."""
    plain_base: str | None = None
    spans: list[Span] = []
    unmarked: str | None = None
    for marked in texts:
        plain, marks = unmark(marked)
        if not marks:
            unmarked = plain if unmarked is None else unmarked
        elif plain_base is None:
            plain_base, spans = plain, list(marks)
        elif plain == plain_base:
            spans.extend(marks)
    if plain_base is not None:
        return plain_base, _union(spans)
    return None if unmarked is None else (unmarked, [])


def whole(texts: Iterable[str]) -> str | None:
    """The whole text with every field's marks (titles; the article page), ``None`` if none."""
    merged = merge(texts)
    return None if merged is None else render(*merged)


def _start_before(plain: str, mark_start: int, lead: int, floor: int) -> int:
    """Where a passage whose first mark starts at ``mark_start`` begins: after the last sentence
    end within ``lead`` characters before it, else at the first word of that stretch."""
    lo = max(floor, mark_start - lead)
    if lo == 0:
        return 0
    ends = [m.end() for m in _SENTENCE_END.finditer(plain, lo, mark_start)]
    if ends:
        return ends[-1]
    space = plain.find(" ", lo, mark_start)
    return mark_start if space < 0 else space + 1


def _end_before(plain: str, limit: int, last_mark_end: int) -> int:
    """A passage's end, at or before ``limit`` and never inside its last mark: after the last
    sentence end in its second half, else at the last word end."""
    if limit >= len(plain):
        return len(plain)
    half = max(last_mark_end, limit - (limit - last_mark_end) // 2)
    ends = [m.start() + 1 for m in _SENTENCE_END.finditer(plain, half, limit + 1)]
    if ends:
        return ends[-1]
    space = plain.rfind(" ", last_mark_end, limit + 1)
    return limit if space < 0 else space


def _groups(spans: list[Span], size: int, lead: int) -> list[list[Span]]:
    """The marks in runs that fit one passage each (a passage starts about ``lead`` before its
    first mark and holds about ``size`` characters), in text order."""
    groups: list[list[Span]] = []
    for span in spans:
        if groups and span[1] <= max(groups[-1][0][0] - lead, 0) + size:
            groups[-1].append(span)
        else:
            groups.append([span])
    return groups


def _rank(plain: str, marks: list[Span]) -> tuple[int, int, int]:
    """More distinct marked words first, then more marks, then the earlier (the engine ordered
    by a BM25 of the passage over the same words)."""
    return -len({plain[s:e].casefold() for s, e in marks}), -len(marks), marks[0][0]


def _bounds(plain: str, marks: list[Span], size: int, lead: int, floor: int, ceiling: int) -> Span:
    """Where the passage around a run of marks starts and ends: not before ``floor`` (the end of
    what comes before it), not after ``ceiling`` (the first mark of the next run)."""
    start = _start_before(plain, marks[0][0], lead, floor)
    limit = min(max(start + size, marks[-1][1]), ceiling)
    if limit == ceiling < len(plain):  # end before the next run's first word
        space = plain.rfind(" ", marks[-1][1], ceiling)
        return start, ceiling if space < 0 else space
    return start, _end_before(plain, limit, marks[-1][1])


def passages(plain: str, spans: list[Span], size: int, count: int) -> list[Passage]:
    """The ``count`` best passages of about ``size`` characters around the marks, best first.
    They never overlap."""
    lead = size // _LEAD_SHARE
    groups = _groups(spans, size, lead)
    best = sorted(range(len(groups)), key=lambda i: _rank(plain, groups[i]))[:count]
    bounds: dict[int, Span] = {}
    for i in sorted(best):  # in text order, so each starts after the one before it
        floor = groups[i - 1][-1][1] if i else 0
        if i - 1 in bounds:
            floor = max(floor, bounds[i - 1][1])
        ceiling = groups[i + 1][0][0] if i + 1 < len(groups) else len(plain)
        bounds[i] = _bounds(plain, groups[i], size, lead, floor, ceiling)
    return [(*bounds[i], groups[i]) for i in best]


def snippets(
    texts: Iterable[str], *, size: int = BODY_FRAGMENT_SIZE, count: int = BODY_FRAGMENTS
) -> list[str]:
    """Up to ``count`` passages of about ``size`` characters around the marks, best first;
    without marks, the opening of the text. HTML-safe (only ``<mark>`` tags)."""
    merged = merge(texts)
    if merged is None:
        return []
    plain, spans = merged
    if not spans:
        opening = plain[: _end_before(plain, size, 0)].strip()
        return [html.escape(opening)] if opening else []
    return [
        render(plain, marks, start, end).strip()
        for start, end, marks in passages(plain, spans, size, count)
    ]
