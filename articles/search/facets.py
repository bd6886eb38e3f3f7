"""Facets, declared once, and disjunctive faceting: every aggregation of a search, built and read.

Multi-select is OR within a facet and AND across facets. A facet's counts must answer "how many
results would I get if I (also) ticked this value?", so each facet is counted with every filter
*except its own*:

* the main ``query`` holds the text and the date range;
* ``post_filter`` holds all facet filters (it narrows the hits, not the aggregations);
* each facet aggregation is wrapped in a ``filter`` aggregation with the *other* facets' filters;
* the date histogram shows the result set, so it applies all facet filters; so does the count
  of stories (near-duplicate clusters) among the hits, built and read here too.

Date histogram interval
-----------------------
With both ``date_from`` and ``date_to`` the interval follows the span shown (at most ~120 bars,
calendar aligned, empty periods reported as 0 through ``extended_bounds``):

====================  =========  ==================
span (days, incl.)    interval   bars at most
====================  =========  ==================
≤ 62                  day        62
≤ 549 (~18 months)    week       79 (ISO weeks, Monday)
≤ 3,653 (10 years)    month      120
longer                year
====================  =========  ==================

With an open range the span of the *result set* is unknown when the request is built, so the
engine chooses: ``auto_date_histogram`` (≤ 60 buckets, at least a day). Its intervals map to
ours: ``1d`` → day, ``7d`` → week (7-day periods from the first day with results), ``1M`` →
month; anything coarser (3 months, 5 years …) is reported from a cheap calendar ``year``
histogram sent alongside. One round trip, no guessing of "today" in a pure function.

The facet table (:data:`FACETS`) is the one place that pairs a facet's public, singular name
(``actor``: the URL parameter, the API key) with its index field (``actors``: also the key of
the tag list on a result, in the index document and in exports).

Everything here is pure (no ORM, no network); labels come from a callback.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from types import MappingProxyType
from typing import Any, Protocol

from .sampling import EXACT, scale


class FacetedRequest(Protocol):
    """What facets read of a request (an ``articles.search.request.SearchRequest``; a protocol
    so that this module, which the request module imports, needs nothing from it)."""

    @property
    def filters(self) -> Mapping[str, tuple[str, ...]]: ...

    @property
    def date_from(self) -> date | None: ...

    @property
    def date_to(self) -> date | None: ...


@dataclass(frozen=True)
class Facet:
    """A filterable, countable keyword field."""

    name: str  # the public name (URL parameter, API key), singular
    field: str  # the index field; plural for the tag lists
    label_en: str
    label_ar: str
    size: int  # buckets returned
    # A list of tags on each article (enrichment finds them), not one value per article.
    tags: bool = False


FACETS: Mapping[str, Facet] = MappingProxyType(
    {
        f.name: f
        for f in (
            Facet("actor", "actors", "Actors", "الفاعلون", 20, tags=True),
            Facet("venue", "venues", "Places", "الأماكن", 20, tags=True),
            Facet("topic", "topics", "Topics", "المواضيع", 20, tags=True),
            Facet("source", "source", "Sources", "المصادر", 30),
            # Curators' named groups of sources; an article has its source's collections.
            Facet("collection", "collections", "Collections", "المجموعات", 20),
            Facet("language", "language", "Language", "اللغة", 10),
        )
    }
)
#: The tag facets, in FACETS order: ``(f.name, f.field)`` is ("actor", "actors") …
TAG_FACETS: tuple[Facet, ...] = tuple(f for f in FACETS.values() if f.tags)

DATE_FIELD = "sort_date"
DATE_FORMAT = "yyyy-MM-dd"
INTERVALS = ("day", "week", "month", "year")
#: (largest span in days, interval), checked in order.
INTERVAL_THRESHOLDS: tuple[tuple[int, str], ...] = ((62, "day"), (549, "week"), (3653, "month"))
AUTO_BUCKETS = 60
_STORIES = "stories"  # the aggregation counting story clusters
_AUTO_INTERVALS = {"1d": "day", "7d": "week", "1M": "month"}

Labels = Callable[[str, str], "str | None"]


# ------------------------------------------------------------------------------------------------
# Filters
# ------------------------------------------------------------------------------------------------


def selected(request: FacetedRequest) -> dict[str, tuple[str, ...]]:
    """Known facets with a non-empty selection, keys cleaned and de-duplicated (order kept).

    Unknown facet names are ignored: an old bookmark or a hand-edited URL must still work.
    """
    out: dict[str, tuple[str, ...]] = {}
    for name, facet in FACETS.items():
        values = request.filters.get(name) or ()
        keys: list[str] = []
        for v in values:
            if v is None:
                continue
            v = str(v).strip()
            if v and v not in keys:
                keys.append(v)
        if keys:
            out[facet.name] = tuple(keys)
    return out


def facet_filter(facet: Facet, keys: tuple[str, ...]) -> dict:
    """OR within a facet: any of the keys."""
    return {"terms": {facet.field: list(keys)}}


def facet_filters(request: FacetedRequest, *, exclude: str | None = None) -> list[dict]:
    """AND across facets: one ``terms`` filter per selected facet, optionally leaving one out."""
    return [
        facet_filter(FACETS[name], keys)
        for name, keys in selected(request).items()
        if name != exclude
    ]


def _as_filter(filters: list[dict]) -> dict:
    return {"bool": {"filter": filters}} if filters else {"match_all": {}}


def filter_clause(request: FacetedRequest, *, exclude: str | None = None) -> dict:
    """The facet filters as one clause for a ``filter`` aggregation (``match_all`` if none)."""
    return _as_filter(facet_filters(request, exclude=exclude))


def post_filter(request: FacetedRequest) -> dict | None:
    """All facet filters, applied to the hits after the aggregations were computed."""
    filters = facet_filters(request)
    return {"bool": {"filter": filters}} if filters else None


# ------------------------------------------------------------------------------------------------
# Aggregations
# ------------------------------------------------------------------------------------------------


def date_interval(date_from: date | None, date_to: date | None) -> str | None:
    """The calendar interval for a fixed range, ``None`` when a bound is missing (engine picks)."""
    if date_from is None or date_to is None:
        return None
    span = abs((date_to - date_from).days) + 1
    for limit, interval in INTERVAL_THRESHOLDS:
        if span <= limit:
            return interval
    return "year"


def _date_aggs(request: FacetedRequest) -> dict:
    interval = date_interval(request.date_from, request.date_to)
    if interval is not None:
        lo, hi = sorted([request.date_from, request.date_to])
        inner = {
            "histogram": {
                "date_histogram": {
                    "field": DATE_FIELD,
                    "calendar_interval": interval,
                    "format": DATE_FORMAT,
                    "min_doc_count": 0,
                    "extended_bounds": {"min": lo.isoformat(), "max": hi.isoformat()},
                }
            }
        }
    else:
        inner = {
            "auto": {
                "auto_date_histogram": {
                    "field": DATE_FIELD,
                    "buckets": AUTO_BUCKETS,
                    "minimum_interval": "day",
                    "format": DATE_FORMAT,
                }
            },
            "years": {
                "date_histogram": {
                    "field": DATE_FIELD,
                    "calendar_interval": "year",
                    "format": DATE_FORMAT,
                    "min_doc_count": 0,
                }
            },
        }
    return {"filter": filter_clause(request), "aggs": inner}


def compile_aggs(request: FacetedRequest) -> dict:
    """One ``filter`` aggregation per facet (other facets' filters) and the date histogram.

    Each facet also counts its selected keys exactly (``terms`` with ``include``), so a ticked
    value outside the top ``size`` still shows its count.
    """
    chosen = selected(request)
    aggs: dict[str, Any] = {}
    for name, facet in FACETS.items():
        inner: dict[str, Any] = {
            "values": {"terms": {"field": facet.field, "size": facet.size, "min_doc_count": 1}}
        }
        if name in chosen:
            keys = list(chosen[name])
            inner["selected"] = {
                "terms": {"field": facet.field, "include": keys, "size": len(keys)}
            }
        aggs[_agg_name(name)] = {
            "filter": filter_clause(request, exclude=name),
            "aggs": inner,
        }
    aggs["date"] = _date_aggs(request)
    # How many stories (near-duplicate clusters) the hits are; facet counts count articles.
    aggs[_STORIES] = {
        "filter": filter_clause(request),
        "aggs": {"count": {"cardinality": {"field": "story", "precision_threshold": 40000}}},
    }
    return aggs


# ------------------------------------------------------------------------------------------------
# Parsing
# ------------------------------------------------------------------------------------------------


def _agg_name(facet: str) -> str:
    return f"facet_{facet}"


def _buckets(agg: Mapping | None) -> list[Mapping]:
    return list((agg or {}).get("buckets") or [])


def _date_key(bucket: Mapping) -> str:
    key = bucket.get("key_as_string")
    if key:
        return str(key)[:10]
    # epoch millis → YYYY-MM-DD (UTC)
    from datetime import UTC, datetime

    return datetime.fromtimestamp(int(bucket["key"]) / 1000, tz=UTC).date().isoformat()


def parse_date(agg: Mapping | None, request: FacetedRequest, fraction: Fraction = EXACT) -> dict:
    """``{"interval": "day|week|month|year", "buckets": [{"start": "YYYY-MM-DD", "count": n}]}``;
    counts taken in a sample (``fraction`` of the result) are scaled up."""
    agg = agg or {}
    interval = date_interval(request.date_from, request.date_to)
    if interval is not None:
        source = agg.get("histogram")
    else:
        auto = agg.get("auto") or {}
        interval = _AUTO_INTERVALS.get(str(auto.get("interval", "1d")))
        if interval is None:
            interval, source = "year", agg.get("years")
        else:
            source = auto
        if interval == "year" and not _buckets(source):
            source = agg.get("years")
    buckets = [
        {"start": _date_key(b), "count": scale(int(b.get("doc_count", 0)), fraction)}
        for b in _buckets(source)
    ]
    return {"interval": interval, "buckets": buckets}


def parse_facets(
    aggs_response: Mapping,
    request: FacetedRequest,
    labels: Labels | None = None,
    fraction: Fraction = EXACT,
) -> dict:
    """Facet values for display: ``{facet: [{"key","label","count","selected"}], "date": …}``.

    ``aggs_response`` is the ``aggregations`` of the response (the whole response is accepted
    too). Selected keys always appear (count 0 when nothing matches them) so the user can untick
    them; labels come from ``labels(facet, key)`` (database, gazetteer) and fall back to the key.
    Counts taken in a sample (``fraction`` of the result) are scaled up.
    """
    aggs = aggs_response.get("aggregations", aggs_response) if aggs_response else {}
    chosen = selected(request)
    out: dict[str, Any] = {}
    for name in FACETS:
        agg = aggs.get(_agg_name(name)) or {}
        keys = chosen.get(name, ())
        exact = {
            str(b["key"]): scale(int(b["doc_count"]), fraction)
            for b in _buckets(agg.get("selected"))
        }
        values: list[dict] = []
        seen: set[str] = set()
        for b in _buckets(agg.get("values")):
            key = str(b["key"])
            seen.add(key)
            count = scale(int(b["doc_count"]), fraction)
            values.append({"key": key, "count": count, "selected": key in keys})
        for key in keys:
            if key not in seen:
                values.append({"key": key, "count": exact.get(key, 0), "selected": True})
        for v in values:
            label = labels(name, v["key"]) if labels is not None else None
            v["label"] = label or v["key"]
        out[name] = [
            {"key": v["key"], "label": v["label"], "count": v["count"], "selected": v["selected"]}
            for v in values
        ]
    out["date"] = parse_date(aggs.get("date"), request, fraction)
    return out


def parse_total_stories(response: Mapping, fraction: Fraction = EXACT) -> int | None:
    """Stories among the hits (approximate beyond 40,000), when aggregations were asked for;
    a sample's stories (``fraction`` of them, drawn by story) are scaled up."""
    agg = response.get("aggregations", {}).get(_STORIES)
    return scale(int(agg["count"]["value"]), fraction) if agg else None


def facet_keys(response: Mapping, facet: str) -> set[str]:
    """Every key a facet's aggregation returned (to fetch their labels in one go)."""
    agg = response.get("aggregations", {}).get(_agg_name(facet), {})
    return {str(b["key"]) for part in ("values", "selected") for b in _buckets(agg.get(part))}


__all__ = [
    "FACETS",
    "INTERVALS",
    "TAG_FACETS",
    "Facet",
    "compile_aggs",
    "date_interval",
    "facet_filter",
    "facet_filters",
    "facet_keys",
    "filter_clause",
    "parse_date",
    "parse_facets",
    "parse_total_stories",
    "post_filter",
    "selected",
]
