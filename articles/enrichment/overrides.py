"""Curators' decisions on an article's tags, applied on top of every (re-)tagging."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .matcher import Gazetteer
from .tags import FACETS, TagHit, Tags
from .topics import ancestors


@dataclass(frozen=True)
class Override:
    """A curator decision, stored by the Django layer as one row.

    ``facet`` is one of FACETS, ``action`` "add" or "remove". The latest decision for a
    (facet, slug) pair wins (pass overrides in chronological order).
    """

    facet: str
    slug: str
    action: str
    curator: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        if self.facet not in FACETS:
            raise ValueError(f"unknown facet {self.facet!r}")
        if self.action not in ("add", "remove"):
            raise ValueError(f"unknown action {self.action!r}")


def curated(auto: Tags, overrides: Sequence[Override], gazetteer: Gazetteer | None = None) -> Tags:
    """``auto`` with the curators' decisions applied; ``auto`` is not modified.

    The last decision per (facet, slug) wins. "remove" drops the tag whatever the tagger says
    (so re-tagging never brings it back: apply ``curated`` to every fresh ``tag`` result);
    "add" keeps the automatic hit when there is one (its spans and evidence, source becomes
    "curator") or adds a span-less TagHit with source "curator". With a gazetteer, topics added
    by a curator also bring their ancestors (unless a curator removed those).
    """
    last: dict[tuple[str, str], Override] = {}
    for o in overrides:
        last[(o.facet, o.slug)] = o
    out = Tags(event_dates=list(auto.event_dates), event_date_details=list(auto.event_date_details))
    removed = {k for k, o in last.items() if o.action == "remove"}
    for facet in FACETS:
        hits = [
            TagHit(h.slug, list(h.spans), list(h.evidence), h.source)
            for h in getattr(auto, facet)
            if (facet, h.slug) not in removed
        ]
        by_slug = {h.slug: h for h in hits}
        for (f, slug), o in last.items():
            if f != facet or o.action != "add":
                continue
            h = by_slug.get(slug)
            note = f"curator: {o.curator}" if o.curator else "curator"
            if h is None:
                h = TagHit(slug, [], [note], "curator")
                hits.append(h)
                by_slug[slug] = h
            else:
                h.source = "curator"
        if facet == "topics" and gazetteer is not None:
            for h in list(hits):
                if h.source != "curator":
                    continue
                for anc in ancestors(h.slug, gazetteer.topics):
                    if anc not in by_slug and ("topics", anc) not in removed:
                        a = TagHit(anc, [], [f"derived from {h.slug}"], "curator")
                        hits.append(a)
                        by_slug[anc] = a
        setattr(out, facet, hits)
    return out
