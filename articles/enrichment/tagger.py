"""Gazetteer tagging of articles: actors, venues, places, topics and event dates. Pure Python.

Coordinate system
-----------------
Every span is a ``(start, end)`` pair of character offsets (Python slicing, end exclusive) into
the ORIGINAL, un-normalised document text ``document_text(title, body, byline)``, which is::

    title + "\\n\\n" + body                                  (no byline, the default)
    title + "\\n\\n" + byline + "\\n\\n" + body              (byline given, e.g. SaudiNewsNet's
                                                          ``author`` field «الرياض - واس»)

so ``document_text(...)[start:end]`` is the matched surface text (with its proclitics and
diacritics: a hit on «بنيويورك» spans the whole token).

Steps
-----
Every token is normalised with ``articles.text.arabic_chars.normalize`` (the search index's
normalisation), lower-cased and mapped to the gazetteer's vocabulary, proclitics tried off
(``tokens``, ``matcher``); one Aho-Corasick pass finds every alias, the longest match wins among
overlapping names (``matcher``); names are resolved, ambiguous ones only with support
(``names``); places become venues when the article reports an event there (``venues``); topics
come from cue phrases and cue sets (``topics``); dates written in the text are event dates
(``event_dates``). Curators' decisions are applied afterwards (``overrides``).
"""

from __future__ import annotations

from .document import Doc
from .event_dates import find_event_dates
from .matcher import Gazetteer, Match, select_longest
from .names import resolve_names
from .tags import Tags
from .tokens import document_text
from .topics import topic_hits
from .venues import assign_mentions


def tag(title: str, body: str, gazetteer: Gazetteer, byline: str = "") -> Tags:
    """Tag one article. Spans refer to ``document_text(title, body, byline)``."""
    g = gazetteer
    title = title or ""
    text = document_text(title, body, byline)
    body_start = len(title) + 2
    doc = Doc(text, g, body_start)
    stream = "".join(doc.chars)

    names: list[Match] = []
    topic_c: list[Match] = []
    topic_sets: list[Match] = []
    for end, (length, entries) in g.find(stream):
        s = end - length + 1
        layers = {e.layer for e in entries}
        if "name" in layers:
            names.append((s, end + 1, tuple(e for e in entries if e.layer == "name")))
        if "topic" in layers:
            topic_c.append((s, end + 1, tuple(e for e in entries if e.layer == "topic")))
        if "topic_set" in layers:
            topic_sets.append((s, end + 1, tuple(e for e in entries if e.layer == "topic_set")))

    mentions = resolve_names(select_longest(names), doc, g)
    tags = Tags()
    assign_mentions(mentions, doc, g, tags)
    tags.topics = topic_hits(select_longest(topic_c), topic_sets, doc, g)
    find_event_dates(doc, tags)
    return tags


_DEFAULT: Gazetteer | None = None


def default_gazetteer() -> Gazetteer:
    """The gazetteer built from the starter data file (built once per process); ingest and
    search use the curated tables instead (``gazetteer.current``)."""
    global _DEFAULT
    if _DEFAULT is None:
        from . import starter

        _DEFAULT = Gazetteer.from_data(
            starter.ACTORS, starter.VENUES, starter.TOPICS, starter.BLOCKERS
        )
    return _DEFAULT
