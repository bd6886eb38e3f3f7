"""Topics: cue phrases, cue sets (all groups within one paragraph), and the topic hierarchy
(a child topic counts for its ancestors)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .document import Doc, paragraphs
from .entries import as_record
from .matcher import Gazetteer, Match
from .tags import MAX_EVIDENCE, TagHit, add_hit


def topic_hits(
    selected: list[Match], set_matches: list[Match], doc: Doc, g: Gazetteer
) -> list[TagHit]:
    """Topic hits: ``selected`` cue phrases, ``set_matches`` cue-set phrases (a set counts
    when all its groups occur in one paragraph), then the ancestors of every topic found."""
    hits: dict[str, TagHit] = {}
    order: list[str] = []
    for s, e, entries in selected:
        span = (doc.spans[s][0], doc.spans[e - 1][1])
        for x in entries:
            add_hit(hits, x.slug, span, doc.text[span[0] : span[1]], order)
    # cue sets: all groups of one set within one paragraph
    if set_matches:
        para_of = paragraphs(doc)
        found: dict[tuple[str, int, int], dict[int, tuple[int, int]]] = {}
        for s, e, entries in set_matches:
            span = (doc.spans[s][0], doc.spans[e - 1][1])
            for x in entries:
                found.setdefault((x.slug, x.cue_set, para_of[s]), {}).setdefault(x.group, span)
        for (slug, si, _para), groups in found.items():
            need = len(g.topics[slug].cue_sets[si])
            if len(groups) == need:
                spans = [groups[k] for k in sorted(groups)]
                ev = " + ".join(doc.text[a:b] for a, b in spans)
                for sp in spans:
                    add_hit(hits, slug, sp, "", order)
                h = hits[slug]
                if ev not in h.evidence and len(h.evidence) < MAX_EVIDENCE:
                    h.evidence.append(ev)
    out = [hits[s] for s in order]
    direct = set(order)
    for slug in sorted(expand_topic_ancestors(direct, g.topics) - direct):
        children = sorted(c for c in direct if slug in ancestors(c, g.topics))
        out.append(TagHit(slug, [], [f"derived from {c}" for c in children][:MAX_EVIDENCE]))
    return out


def ancestors(slug: str, topics: dict[str, Any]) -> list[str]:
    """Parent, grandparent ... of a topic (a cycle in curated data stops the walk)."""
    out, seen = [], {slug}
    t = topics.get(slug)
    while t is not None and t.parent and t.parent not in seen:
        out.append(t.parent)
        seen.add(t.parent)
        t = topics.get(t.parent)
    return out


def expand_topic_ancestors(slugs: Iterable[str], topics: Any) -> set[str]:
    """The slugs plus all their ancestors. ``topics`` is a {slug: topic} mapping or a list of
    topic records (anything with ``slug`` and ``parent``)."""
    if not isinstance(topics, dict):
        topics = {t.slug: t for t in map(as_record, topics)}
    out = set(slugs)
    for s in list(out):
        out.update(ancestors(s, topics))
    return out
