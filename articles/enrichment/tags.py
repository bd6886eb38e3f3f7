"""What the tagger returns: tag hits with their evidence, event dates, the tags of an article.

Spans are character offsets into ``tokens.document_text(title, body, byline)`` (see
``articles.enrichment.tagger``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

FACETS = ("actors", "venues", "places", "topics")
#: evidence strings kept per hit
MAX_EVIDENCE = 5
#: spans kept per hit: an article that repeats a name ten thousand times (a hostile or broken
#: input) must not make tagging quadratic or its stored tags huge; more say nothing new.
MAX_SPANS = 100


@dataclass
class TagHit:
    slug: str
    #: (start, end) character offsets in document_text(...) (see the module docstring)
    spans: list[tuple[int, int]] = field(default_factory=list)
    #: matched surface strings / cue snippets, at most MAX_EVIDENCE
    evidence: list[str] = field(default_factory=list)
    #: "auto" (tagger) or "curator"
    source: str = "auto"


@dataclass
class EventDate:
    date: dt.date
    precision: str  # "day" or "month" (month precision: the first day of the month)
    span: tuple[int, int]
    evidence: str


@dataclass
class Tags:
    actors: list[TagHit] = field(default_factory=list)
    venues: list[TagHit] = field(default_factory=list)
    places: list[TagHit] = field(default_factory=list)
    topics: list[TagHit] = field(default_factory=list)
    event_dates: list[dt.date] = field(default_factory=list)
    event_date_details: list[EventDate] = field(default_factory=list)

    def slugs(self, facet: str) -> set[str]:
        return {h.slug for h in getattr(self, facet)}

    def get(self, facet: str, slug: str) -> TagHit | None:
        return next((h for h in getattr(self, facet) if h.slug == slug), None)

    def to_dict(self, *, details: bool = True) -> dict[str, Any]:
        """The stored form, exactly as PostgreSQL's JSON gives it back (lists, not tuples;
        dates as ISO strings), so a stored value compares equal to a fresh one. Built by hand:
        ``dataclasses.asdict`` deep-copies every value and was most of the cost.
        ``details=False`` leaves out the event dates' evidence (stored articles keep the
        dates in a column of their own)."""
        out: dict[str, Any] = {
            facet: [
                {
                    "slug": hit.slug,
                    "spans": [[start, end] for start, end in hit.spans],
                    "evidence": list(hit.evidence),
                    "source": hit.source,
                }
                for hit in getattr(self, facet)
            ]
            for facet in FACETS
        }
        out["event_dates"] = [d.isoformat() for d in self.event_dates]
        if details:
            out["event_date_details"] = [
                {
                    "date": e.date.isoformat(),
                    "precision": e.precision,
                    "span": list(e.span),
                    "evidence": e.evidence,
                }
                for e in self.event_date_details
            ]
        return out


def add_hit(
    bucket: dict[str, TagHit], slug: str, span: tuple[int, int], ev: str, order: list[str]
) -> None:
    """Record one span (and its evidence) of ``slug`` in ``bucket``; ``order`` keeps the order
    in which slugs were first found."""
    h = bucket.get(slug)
    if h is None:
        h = bucket[slug] = TagHit(slug)
        order.append(slug)
    if len(h.spans) < MAX_SPANS and span not in h.spans:
        h.spans.append(span)
    if ev and ev not in h.evidence and len(h.evidence) < MAX_EVIDENCE:
        h.evidence.append(ev)
