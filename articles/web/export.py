"""Exports of a result set as CSV and JSON, streamed.

* Up to ``MAX_RESULT_WINDOW`` (10,000) rows, read from the engine in batches
  (``articles.search.export_scan``).
* Each file says what produced it: CSV's first line is a comment row (``# ctsearch export``,
  the query, the filters, the totals); JSON is ``{"query": {...}, "total", "exported",
  "results": [...]}``.
* CSV is UTF-8 with a byte-order mark so spreadsheet programs read Arabic correctly, and cells
  that a spreadsheet would run as a formula (starting with ``= + - @``, a tab or a carriage
  return) are neutralised with a leading apostrophe.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import replace

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from articles.search.errors import SearchRequestError, SearchUnavailable
from articles.search.export_scan import scan
from articles.search.facets import FACETS, TAG_FACETS
from articles.search.request import SearchRequest
from articles.search.rules import MAX_RESULT_WINDOW

from .access import export_access
from .state import State, parse_request, request_error_message

BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = (
    "id",
    "title",
    "source",
    "source_name",
    "published_at",
    "date_is_estimated",
    "language",
    "byline",
    *(facet.field for facet in TAG_FACETS),
    "url",
    "page",
    "text",
)


def neutralise(value: str) -> str:
    """A cell a spreadsheet shows as text, never evaluates (OWASP CSV injection)."""
    return "'" + value if value.startswith(FORMULA_START) else value


class _Line:
    """A file-like object whose write returns what was written (for csv.writer)."""

    def write(self, value: str) -> str:
        return value


def _row(doc: dict, page_url: str) -> dict:
    return {
        "id": doc.get("id"),
        "title": doc.get("title", ""),
        "source": doc.get("source", ""),
        "source_name": doc.get("source_name", "") or doc.get("source", ""),
        "published_at": doc.get("published_at") or "",
        "date_is_estimated": bool(doc.get("date_is_estimated")),
        "language": doc.get("language", ""),
        "byline": doc.get("byline", ""),
        **{facet.field: list(doc.get(facet.field) or []) for facet in TAG_FACETS},
        "url": doc.get("url") or "",
        "page": page_url,
        "text": doc.get("body", ""),
        **({"story_size": doc["story_size"]} if "story_size" in doc else {}),
    }


def _cell(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    return neutralise("" if value is None else str(value))


def describe(items: Iterable[tuple[str, str]], total: int, exported: int) -> dict:
    """The query and filters that produced an export, as the file carries them."""
    query: dict = {"q": "", "filters": {}}
    for name, value in items:
        if name == "q":
            query["q"] = value
        elif name in FACETS:
            query["filters"].setdefault(name, []).append(value)
        elif name != "page_size":
            query[name] = value
    query["total"] = total
    query["exported"] = exported
    query["exported_at"] = timezone.now().replace(microsecond=0).isoformat()
    return query


def _csv_stream(meta: dict, rows: Iterator[dict], page_url) -> Iterator[str]:
    line = csv.writer(_Line())
    comment = "# ctsearch export: " + json.dumps(meta, ensure_ascii=False)
    yield BOM + line.writerow([_cell(comment)])
    yield line.writerow(COLUMNS)
    for doc in rows:
        row = _row(doc, page_url(doc.get("id")))
        yield line.writerow([_cell(row[c]) for c in COLUMNS])


def _json_stream(meta: dict, rows: Iterator[dict], page_url) -> Iterator[str]:
    head = {k: v for k, v in meta.items() if k not in ("total", "exported")}
    yield '{"query": ' + json.dumps(head, ensure_ascii=False)
    yield f', "total": {meta["total"]}, "exported": {meta["exported"]}, "results": ['
    first = True
    for doc in rows:
        yield ("" if first else ",\n") + json.dumps(
            _row(doc, page_url(doc.get("id"))), ensure_ascii=False
        )
        first = False
    yield "]}\n"


def export_response(
    request: HttpRequest,
    search_request: SearchRequest,
    items: list[tuple[str, str]],
    fmt: str,
) -> StreamingHttpResponse:
    """Stream the whole result set of ``search_request`` (page and page size ignored)."""
    changes = {"page": 1}
    if hasattr(search_request, "collapse"):
        changes["collapse"] = False  # every article of the result set, copies of a story too
    result = scan(replace(search_request, **changes), limit=MAX_RESULT_WINDOW)
    meta = describe(items, result.total, result.count)
    base = request.build_absolute_uri(reverse("ui:article", args=[0]))[: -len("0")]

    def page_url(article_id) -> str:
        return f"{base}{article_id}" if article_id is not None else ""

    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    if fmt == "json":
        stream = _json_stream(meta, result.rows, page_url)
        content_type = "application/json; charset=utf-8"
    else:
        stream = _csv_stream(meta, result.rows, page_url)
        content_type = "text/csv; charset=utf-8"
    response = StreamingHttpResponse(stream, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="ctsearch-{stamp}.{fmt}"'
    response["X-Total-Count"] = str(result.total)
    response["X-Export-Count"] = str(result.count)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@export_access
def export_view(request: HttpRequest, fmt: str) -> HttpResponse:
    search_request, errors, _clean = parse_request(request.GET)
    if errors or search_request is None:
        field, message = next(iter(errors.items()))
        return HttpResponse(f"{field}: {message}\n", status=400, content_type="text/plain")
    try:
        return export_response(request, search_request, State(request.GET).items, fmt)
    except SearchRequestError as problem:
        return HttpResponse(
            request_error_message(problem) + "\n", status=400, content_type="text/plain"
        )
    except SearchUnavailable:
        return HttpResponse(
            gettext("Search is unavailable right now. Try again in a minute.") + "\n",
            status=503,
            content_type="text/plain",
        )
