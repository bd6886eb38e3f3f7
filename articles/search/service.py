"""The one search service: the JSON API and the search page both call ``search``.

It compiles the request (:mod:`articles.search.compiler`), asks the engine
(:mod:`articles.search.engine`), and shapes the answer; it adds what only the database knows
(labels of sources and of gazetteer entries, :mod:`articles.search.labels`).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .compiler import compile_probe, compile_sampled_counts, compile_search, compile_story_copies
from .engine import engine_msearch, engine_search
from .facets import TAG_FACETS, facet_keys, parse_facets, parse_total_stories
from .hits import attach_story_copies, parse_hits, parse_story_copies, parse_total
from .labels import Labels
from .request import SearchRequest
from .sampling import EXACT, SAMPLE_FRACTION, is_broad


@dataclass
class SearchResponse:
    total: int  # articles
    total_stories: int | None  # story clusters among them
    page: int
    page_size: int
    results: list[dict]
    facets: dict
    collapsed: bool
    #: The share of the result the facet counts, the dates and ``total_stories`` were counted in:
    #: 1, or a sample's fraction for a very broad search (then they are estimates).
    counted_fraction: Fraction = EXACT

    @property
    def counts_estimated(self) -> bool:
        return self.counted_fraction != EXACT

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            "total_stories": self.total_stories,
            "page": self.page,
            "page_size": self.page_size,
            # Facet counts and "total" count articles; with collapsing, each result is a story.
            "counts": "articles",
            # Facet and date counts and total_stories of a very broad search are estimated from
            # a sample of its stories; total and the results are always exact.
            "counts_estimated": self.counts_estimated,
            "counted_fraction": float(self.counted_fraction),
            "results_are": "stories" if self.collapsed else "articles",
            "results": self.results,
            "facets": self.facets,
        }


def search(request: SearchRequest, *, sample: bool = True) -> SearchResponse:
    """Run a search; raises SearchRequestError (the user's to fix) or SearchUnavailable.

    ``sample=False`` counts in full however broad the search (for the rare answer that must not
    be an estimate, such as where an estimated list really ends)."""
    # Compiling validates first. A search too broad to count in full counts a sample, in a
    # second request the engine runs beside the one for the hits.
    if sample and is_broad(engine_search(compile_probe(request))):
        fraction = SAMPLE_FRACTION
        raw, counts = engine_msearch(
            [compile_search(request, aggs=False), compile_sampled_counts(request)]
        )
    else:
        fraction = EXACT
        raw = counts = engine_search(compile_search(request))

    hits = parse_hits(raw)
    if request.collapse and hits:
        add_story_copies(request, hits)
    labels = Labels()
    labels.prefetch_sources({hit.get("source", "") for hit in hits} | facet_keys(counts, "source"))
    return SearchResponse(
        total=parse_total(raw),
        total_stories=_total_stories(request, hits, parse_total_stories(counts, fraction)),
        page=request.page,
        page_size=request.page_size,
        results=[_result(hit, labels) for hit in hits],
        facets=parse_facets(counts, request, labels=labels, fraction=fraction),
        collapsed=request.collapse,
        counted_fraction=fraction,
    )


def _total_stories(request: SearchRequest, hits: list[dict], counted: int | None) -> int | None:
    """The stories' count, exact when this page ends the list: a collapsed page that is not
    full shows the last stories, so pagination never promises a page an estimate (a sample's,
    or the cardinality's past 40,000) made up."""
    if request.collapse and 0 < len(hits) < request.page_size:
        return (request.page - 1) * request.page_size + len(hits)
    return counted


def add_story_copies(request: SearchRequest, hits: list[dict]) -> None:
    """Fill in the story size and copies of each collapsed hit (one request per page)."""
    body = compile_story_copies(request, [hit.get("story") or hit["id"] for hit in hits])
    attach_story_copies(hits, parse_story_copies(engine_search(body)))


def _result(hit: dict, labels: Labels) -> dict:
    source = hit.get("source", "")
    return {
        "id": hit["id"],
        "url": hit.get("url") or "",
        "title": hit.get("title", ""),
        "byline": hit.get("byline", ""),
        "source": {"key": source, "label": labels("source", source) or source},
        "published_at": hit.get("published_at"),
        "sort_date": hit.get("sort_date"),
        "date_is_estimated": bool(hit.get("date_is_estimated")),
        "language": hit.get("language", ""),
        **{
            facet.field: [
                {"key": key, "label": labels(facet.name, key) or key}
                for key in hit.get(facet.field, [])
            ]
            for facet in TAG_FACETS
        },
        "highlights": hit.get("highlights", {"title": None, "body": []}),
        "story": _story(hit, labels),
    }


def _story(hit: dict, labels: Labels) -> dict:
    """The story cluster of a collapsed result: how many copies match, from which outlets."""
    copies = hit.get("story_copies") or []
    others = [c for c in copies if c.get("id") != hit["id"]]
    outlets = sorted({c.get("source", "") for c in others} - {hit.get("source", "")} - {""})
    return {
        "id": hit.get("story", hit["id"]),
        "size": hit.get("story_size", 1),
        "other_outlets": [{"key": key, "label": labels("source", key) or key} for key in outlets],
        "copies": [{"id": c["id"], "source": c.get("source", "")} for c in others],
    }
