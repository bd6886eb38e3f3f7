"""The one search service: the JSON API and the search page both call ``search``.

It compiles the request (articles.search.query), asks the engine, and shapes the answer; it
adds what only the database knows (labels of sources and, later, of gazetteer entries).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.utils.translation import get_language
from opensearchpy.exceptions import ConnectionError as EngineConnectionError
from opensearchpy.exceptions import (
    ConnectionTimeout,
    NotFoundError,
    TransportError,
)

from ..enrichment import gazetteer
from ..models import Source
from .client import get_client
from .facets import parse_facets
from .index import alias_name
from .query import (
    SearchRequest,
    attach_story_copies,
    compile_search,
    compile_story_copies,
    parse_hits,
    parse_story_copies,
    parse_total,
    parse_total_stories,
)

LANGUAGE_LABELS = {
    "ar": {"ar": "العربية", "en": "Arabic"},
    "en": {"ar": "الإنجليزية", "en": "English"},
    "fr": {"ar": "الفرنسية", "en": "French"},
    "und": {"ar": "غير محددة", "en": "Undetermined"},
}

SEARCH_TIMEOUT = 10


class SearchUnavailable(RuntimeError):
    """The engine cannot answer now (down, timing out, or no index built yet)."""


@dataclass
class SearchResponse:
    total: int  # articles
    total_stories: int | None  # story clusters among them
    page: int
    page_size: int
    results: list[dict]
    facets: dict
    collapsed: bool

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            "total_stories": self.total_stories,
            "page": self.page,
            "page_size": self.page_size,
            # Facet counts and "total" count articles; with collapsing, each result is a story.
            "counts": "articles",
            "results_are": "stories" if self.collapsed else "articles",
            "results": self.results,
            "facets": self.facets,
        }


@contextmanager
def engine_errors() -> Iterator[None]:
    """Turn the engine's outages into SearchUnavailable, for every read the pages make."""
    try:
        yield
    except NotFoundError as error:
        raise SearchUnavailable("the search index has not been built yet") from error
    except (EngineConnectionError, ConnectionTimeout) as error:
        raise SearchUnavailable("the search engine is not reachable") from error
    except TransportError as error:
        if isinstance(error.status_code, int) and error.status_code < 500:
            raise  # a request we built wrongly: a bug to see, not an outage to hide
        raise SearchUnavailable(f"the search engine failed ({error.status_code})") from error


def search(request: SearchRequest) -> SearchResponse:
    """Run a search; raises SearchRequestError (the user's to fix) or SearchUnavailable."""
    raw = _engine_search(compile_search(request))  # compiling validates first

    hits = parse_hits(raw)
    if request.collapse and hits:
        add_story_copies(request, hits)
    labels = Labels()
    labels.prefetch_sources({hit.get("source", "") for hit in hits} | _facet_keys(raw, "source"))
    return SearchResponse(
        total=parse_total(raw),
        total_stories=parse_total_stories(raw),
        page=request.page,
        page_size=request.page_size,
        results=[_result(hit, labels) for hit in hits],
        facets=parse_facets(raw, request, labels=labels),
        collapsed=request.collapse,
    )


def add_story_copies(request: SearchRequest, hits: list[dict]) -> None:
    """Fill in the story size and copies of each collapsed hit (one request per page)."""
    body = compile_story_copies(request, [hit.get("story") or hit["id"] for hit in hits])
    attach_story_copies(hits, parse_story_copies(_engine_search(body)))


def _engine_search(body: dict) -> dict:
    with engine_errors():
        return get_client().search(index=alias_name(), body=body, request_timeout=SEARCH_TIMEOUT)


def _facet_keys(raw: dict, facet: str) -> set[str]:
    agg = raw.get("aggregations", {}).get(f"facet_{facet}", {})
    return {
        str(bucket["key"])
        for part in ("values", "selected")
        for bucket in agg.get(part, {}).get("buckets", [])
    }


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
            facet: [{"key": key, "label": labels(name, key) or key} for key in hit.get(facet, [])]
            for name, facet in (("actor", "actors"), ("venue", "venues"), ("topic", "topics"))
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


class Labels:
    """Facet value labels in the active language; sources come from the database."""

    def __init__(self) -> None:
        self._sources: dict[str, str] = {}
        self._gazetteer = None
        self.language = (get_language() or "ar")[:2]

    def prefetch_sources(self, slugs: set[str]) -> None:
        missing = {slug for slug in slugs if slug and slug not in self._sources}
        if missing:
            self._sources.update(
                Source.objects.filter(slug__in=missing).values_list("slug", "name")
            )

    def __call__(self, facet: str, key: str) -> str | None:
        if facet == "source":
            if key not in self._sources:
                self.prefetch_sources({key})
            return self._sources.get(key)
        if facet == "language":
            names = LANGUAGE_LABELS.get(key)
            return names.get(self.language, names["en"]) if names else None
        return self._gazetteer_name(facet, key)

    def _gazetteer_name(self, facet: str, key: str) -> str | None:
        if self._gazetteer is None:
            self._gazetteer = gazetteer.current(max_age=gazetteer.READ_MAX_AGE)[1]
        entries = {
            "actor": self._gazetteer.actors,
            "venue": self._gazetteer.venues,
            "topic": self._gazetteer.topics,
        }.get(facet, {})
        entry = entries.get(key)
        if entry is None:
            return None
        return entry.name_ar if self.language == "ar" else entry.name_en
