"""Turning query-string parameters into a SearchRequest: shared by the JSON API and the page.

Every problem is reported as a ``ParamError`` naming the parameter, so the API can answer
400 ``{"error": {"field", "message"}}`` and the page can show the message by the field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from .facets import FACETS
from .query import MAX_PAGE_SIZE, SearchRequest

SORTS = ("relevance", "newest", "oldest")
DEFAULT_PAGE_SIZE = 20
MAX_PAGE = 10_000


class ParamError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _one(params, name: str) -> str:
    values = params.getlist(name)
    if len(values) > 1:
        raise ParamError(name, f"give {name} once")
    return values[0].strip() if values else ""


def _date(params, name: str) -> dt.date | None:
    value = _one(params, name)
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value) if len(value) == 10 else _bad_date(name)
    except ValueError:
        return _bad_date(name)


def _bad_date(name: str):
    raise ParamError(name, "use a date written YYYY-MM-DD, e.g. 2015-08-01")


def _int(params, name: str, default: int, low: int, high: int) -> int:
    value = _one(params, name)
    if not value:
        return default
    if not value.isascii() or not value.isdigit():
        raise ParamError(name, f"must be a whole number from {low} to {high}")
    number = int(value)
    if not low <= number <= high:
        raise ParamError(name, f"must be from {low} to {high}")
    return number


def _bool(params, name: str, *, default: bool = False) -> bool:
    value = _one(params, name).lower()
    if value == "":
        return default
    if value in ("0", "false", "no", "off"):
        return False
    if value in ("1", "true", "yes", "on"):
        return True
    raise ParamError(name, "use 1 or 0")


def search_request_from_params(
    params, *, expansions: Mapping[str, tuple[str, ...]] | None = None
) -> SearchRequest:
    """A SearchRequest from a Django QueryDict; unknown parameters are ignored.

    ``expansions`` (alias expansion, from the gazetteer) apply unless ``expand=0`` or
    ``exact=1`` (exact words only: no stemming, no aliases).
    """
    sort = _one(params, "sort") or None
    if sort is not None and sort not in SORTS:
        raise ParamError("sort", "use relevance, newest or oldest")
    date_from = _date(params, "date_from")
    date_to = _date(params, "date_to")
    if date_from and date_to and date_from > date_to:
        raise ParamError("date_from", "date_from is after date_to")
    filters = {
        name: tuple(dict.fromkeys(v.strip() for v in params.getlist(name) if v.strip()))
        for name in FACETS
        if params.getlist(name)
    }
    exact = _bool(params, "exact")
    expand = _bool(params, "expand", default=True) and not exact
    return SearchRequest(
        q=_one(params, "q"),
        filters=filters,
        date_from=date_from,
        date_to=date_to,
        sort=sort,
        page=_int(params, "page", 1, 1, MAX_PAGE),
        page_size=_int(params, "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE),
        exact_only=exact,
        expansions=(expansions or {}) if expand else {},
        collapse=not _bool(params, "all_copies"),
    )
