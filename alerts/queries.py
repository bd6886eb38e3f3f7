"""A saved search's query string -> the canonical string, and -> the engine's query clause.

The same reading (``from_params``), alias expansions (the gazetteer) and compiler
(``compile_query``) as the search page, so an alert matches what its search shows.
"""

from __future__ import annotations

from articles.enrichment import gazetteer
from articles.search.compiler import compile_query
from articles.search.request import SearchRequest, from_params, to_params, validate


def read(query: str) -> SearchRequest:
    """The request of a query string; raises ParamError / SearchRequestError."""
    params = from_params(query)
    request = from_params(query, expansions=gazetteer.expansions_for(params.q))
    validate(request)
    return request


def canonical(query: str) -> str:
    """The search page's canonical form (page left out: an alert is about all results)."""
    request = read(query)
    return to_params(_first_page(request))


def canonical_with(request: SearchRequest, **changes) -> str:
    """The canonical query string of ``request`` with some fields changed (e.g. its dates)."""
    from dataclasses import replace

    return to_params(replace(request, page=1, **changes))


def compiled(query: str) -> dict:
    return compile_query(read(query))


def _first_page(request: SearchRequest) -> SearchRequest:
    from dataclasses import replace

    return replace(request, page=1)


def new_since(query: str, since) -> int:
    """How many articles matching the saved search were collected since ``since``."""
    from articles.search.recent import count_collected_since

    return count_collected_since(compiled(query), since)


def changed_since(query: str, since) -> tuple[int, list[int]]:
    """How many matching articles were collected since ``since``, and the latest ids."""
    from articles.search.recent import collected_since

    return collected_since(compiled(query), since)
