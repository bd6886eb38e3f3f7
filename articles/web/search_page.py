"""The search page: the query box, facets, the attention-over-time chart, results by story,
pages and the export links.

All state is in the URL (``state.State``); the page calls the one search service and shapes
its answer. A bad parameter is reported beside its field and left out; a query the language
refuses, a page out of range and an engine outage each answer with their own status and a
message in the page's language.
"""

from __future__ import annotations

import logging
import math
from dataclasses import replace
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from articles.search.errors import PageOutOfRange, SearchRequestError, SearchUnavailable
from articles.search.facets import FACETS, TAG_FACETS
from articles.search.request import is_true
from articles.search.rules import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, MAX_RESULT_WINDOW
from articles.search.sampling import SAMPLE_ABOVE, SAMPLE_FRACTION
from articles.search.service import search

from .access import search_page_access
from .chart import build_chart
from .state import State, is_arabic, parse_request, request_error_message

log = logging.getLogger(__name__)

FACET_VISIBLE = 6  # values shown before "show more"
FACET_FILTER_MIN = 9  # a filter box appears for facets with more values than this
PAGE_SIZES = (DEFAULT_PAGE_SIZE, 50, MAX_PAGE_SIZE)


def _facet_groups(facets: dict, state: State) -> list[dict]:
    ar = is_arabic()
    groups = []
    for name, facet in FACETS.items():
        values = facets.get(name) or []
        if not values:
            continue
        rows = []
        for index, value in enumerate(values):
            pair = (name, value["key"])
            rows.append(
                {
                    **value,
                    "id": f"f-{name}-{index}",
                    "toggle_url": state.url(drop=[pair])
                    if value["selected"]
                    else state.url(add=[pair]),
                }
            )
        # selected values stay in view; the rest keep the engine's order (by count)
        chosen = [r for r in rows if r["selected"]]
        others = [r for r in rows if not r["selected"]]
        ordered = chosen + others
        visible_n = max(FACET_VISIBLE, len(chosen))
        groups.append(
            {
                "name": name,
                "label": facet.label_ar if ar else facet.label_en,
                "visible": ordered[:visible_n],
                "more": ordered[visible_n:],
                "filterable": len(ordered) >= FACET_FILTER_MIN,
                "selected_count": len(chosen),
            }
        )
    return groups


def _chips(state: State, facets: dict | None) -> list[dict]:
    ar = is_arabic()
    labels = {}
    for name in FACETS:
        for value in (facets or {}).get(name) or []:
            labels[(name, value["key"])] = value["label"]
    chips = []
    for name, value in state.items:
        if name in FACETS:
            facet = FACETS[name]
            chips.append(
                {
                    "kind": facet.label_ar if ar else facet.label_en,
                    "label": labels.get((name, value), value),
                    "url": state.url(drop=[(name, value)]),
                }
            )
    date_from, date_to = state.get("date_from"), state.get("date_to")
    if date_from or date_to:
        chips.append(
            {
                "kind": gettext("Dates"),
                "label": f"{date_from or '…'} – {date_to or '…'}",
                "url": state.url(drop=[("date_from", None), ("date_to", None)]),
                "ltr": True,
            }
        )
    if is_true(state.get("exact")):
        chips.append(
            {
                "kind": gettext("Matching"),
                "label": gettext("exact words only"),
                "url": state.url(drop=[("exact", None)]),
            }
        )
    return chips


def _last_page(listed: int, page_size: int) -> int:
    """The last page a list of ``listed`` results can be paged to (the engine's window caps it)."""
    return min(max(1, math.ceil(listed / page_size)), MAX_RESULT_WINDOW // page_size)


def _pages(state: State, page: int, total: int, page_size: int) -> dict | None:
    pages_total = max(1, math.ceil(total / page_size))
    reachable = _last_page(total, page_size)
    if reachable <= 1 and page <= 1:
        return None
    numbers: list[int | None] = []
    for n in sorted({1, reachable, *range(max(1, page - 2), min(reachable, page + 2) + 1)}):
        if numbers and n - (numbers[-1] or 0) > 1:
            numbers.append(None)
        numbers.append(n)
    return {
        "current": page,
        "last": reachable,
        "capped": pages_total > reachable,
        "links": [
            {"n": n, "url": state.url(page=n) if n else "", "current": n == page} for n in numbers
        ],
        "prev": state.url(page=page - 1) if page > 1 else "",
        "next": state.url(page=page + 1) if page < reachable else "",
    }


@require_GET
@search_page_access
def search_page(request: HttpRequest) -> HttpResponse:
    state = State(request.GET)
    search_request, errors, _clean = parse_request(request.GET)
    context: dict = {
        "state": state,
        "q": state.get("q"),
        "exact": is_true(state.get("exact")),
        "all_copies": is_true(state.get("all_copies")),
        "date_from": state.get("date_from"),
        "date_to": state.get("date_to"),
        "sort": state.get("sort"),
        "page_size": state.get("page_size") or str(DEFAULT_PAGE_SIZE),
        "page_sizes": PAGE_SIZES,
        "result_window": MAX_RESULT_WINDOW,
        # what the note on estimated counts says (articles/search/sampling.py)
        "sample_above": SAMPLE_ABOVE,
        "sample_one_in": SAMPLE_FRACTION.denominator // SAMPLE_FRACTION.numerator,
        "errors": errors,
        "hidden_filters": [(k, v) for k, v in state.items if k in FACETS],
        "response": None,
        "query_error": "",
        "page_error": "",
        "unavailable": False,
    }
    status = 200
    response = None
    if search_request is not None:
        try:
            response = search(search_request)
        except PageOutOfRange as problem:
            context["page_error"] = request_error_message(problem)
            status = 400
            try:  # counts, facets and the chart of page 1, without results
                response = search(replace(search_request, page=1))
                response.results = []
            except (SearchRequestError, SearchUnavailable):
                response = None
        except SearchRequestError as problem:
            context["query_error"] = request_error_message(problem)
            status = 400
        except SearchUnavailable as problem:
            log.warning("search page: search unavailable: %s", problem)
            context["unavailable"] = True
            status = 503
    if response is not None:
        last_url = ""
        listed = listed_total(response)
        if not response.results and listed and not context["page_error"]:
            if response.collapsed and response.counts_estimated:
                # the stories' estimated end may be past the real one (articles are exact)
                listed = _counted_in_full(search_request) or listed
            last = _last_page(listed, response.page_size)
            context["page_error"] = gettext(
                "This page is past the last result (page %(last)s)."
            ) % {"last": last}
            last_url = state.url(page=last)
        elif context["page_error"]:
            last_url = state.url(page=_last_page(listed, response.page_size))
        _decorate(response.results, state)
        context.update(
            response=response,
            results=response.results,
            article_query=urlencode(article_params(state, response.page)),
            first_index=(response.page - 1) * response.page_size + 1,
            facet_groups=_facet_groups(response.facets, state),
            chart=build_chart(response.facets.get("date") or {}, state, search_request),
            pages=_pages(state, response.page, listed, response.page_size),
            last_url=last_url,
            export_query=urlencode(state.items),
            export_capped=response.total > MAX_RESULT_WINDOW,
        )
    context["chips"] = _chips(state, response.facets if response else None)
    context["clear_url"] = "?" + urlencode([("q", state.get("q"))]) if state.get("q") else "?"
    return render(request, "articles/search.html", context, status=status)


def _counted_in_full(search_request) -> int | None:
    """How many results the list really holds (page 1, counted without a sample), or None when
    the engine cannot say now."""
    try:
        return listed_total(search(replace(search_request, page=1), sample=False))
    except (SearchRequestError, SearchUnavailable):
        return None


def article_params(state: State, page: int) -> list[tuple[str, str]]:
    """What a result's link passes to the article page: the words to mark, the way back."""
    params = [("q", state.get("q"))]
    if is_true(state.get("exact")):
        params.append(("exact", "1"))
    params.append(("back", state.url(page=page)))
    return params


def listed_total(response) -> int:
    """How many results the list pages through: stories when copies are grouped, else articles."""
    stories = getattr(response, "total_stories", None)
    if getattr(response, "collapsed", False) and stories is not None:
        return stories
    return response.total


def _decorate(results: list[dict], state: State) -> None:
    """Tags of each result as links that add the tag to the filters."""
    ar = is_arabic()
    for result in results:
        groups = []
        for facet in TAG_FACETS:
            tags = [
                {
                    "label": tag.get("label") or tag.get("key"),
                    "url": state.url(add=[(facet.name, tag["key"])]),
                }
                for tag in result.get(facet.field) or []
            ]
            if tags:
                label = facet.label_ar if ar else facet.label_en
                groups.append({"name": facet.name, "label": label, "tags": tags})
        result["tag_groups"] = groups
