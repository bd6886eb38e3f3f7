"""A search as a value (:class:`SearchRequest`), its checks, and its form in a URL.

The page, the JSON API and export read a request from the query string with
:func:`from_params`; :func:`to_params` writes one back as the canonical query string (stable
order, defaults left out), so ``from_params(to_params(r)) == r`` for every request
``from_params`` makes, and a saved search can store exactly that string. :data:`PARAMS` is the one
list of a search's URL parameters.

Pure: no ORM, no network (expansions are looked up by the caller and passed in).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Protocol
from urllib.parse import parse_qsl, urlencode

from ..text.controls import has_controls, strip_controls
from .errors import ErrorCode, PageOutOfRange, ParamError, QueryTooComplex, SearchRequestError
from .facets import FACETS
from .language import parse
from .rules import (
    DEFAULT_PAGE_SIZE,
    EARLIEST_DATE,
    LATEST_DATE,
    MAX_FILTER_VALUES,
    MAX_PAGE,
    MAX_PAGE_SIZE,
    MAX_QUERY_LENGTH,
    MAX_RESULT_WINDOW,
    SORTS,
    SortOrder,
)

#: The URL parameters of a search, in the order :func:`to_params` writes them. Repeatable: the
#: facets (one value each time); every other parameter is given at most once.
PARAMS: tuple[str, ...] = (
    "q",
    "exact",
    "expand",
    "all_copies",
    "date_from",
    "date_to",
    "sort",
    "page_size",
    *FACETS,
    "page",
)
#: What a link to another page of the same search carries over (the page is the link's own).
STATE_PARAMS: tuple[str, ...] = tuple(name for name in PARAMS if name != "page")

#: How a boolean parameter is written; :func:`to_params` writes the first of each.
TRUE_VALUES = ("1", "true", "yes", "on")
FALSE_VALUES = ("0", "false", "no", "off")


def is_true(value: str | None) -> bool:
    """Whether a boolean parameter's value means "on" (anything else, "" included, is off)."""
    return (value or "").strip().lower() in TRUE_VALUES


def _freeze_mapping(value: Mapping | None) -> Mapping[str, tuple[str, ...]]:
    if not value:
        return MappingProxyType({})
    out: dict[str, tuple[str, ...]] = {}
    for key, values in value.items():
        if isinstance(values, str):
            values = (values,)
        out[str(key)] = tuple(values or ())
    return MappingProxyType(out)


@dataclass(frozen=True)
class SearchRequest:
    """One search, as the UI / API / a saved search describe it. Validated by the compiler."""

    q: str = ""
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sort: SortOrder | None = None
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    exact_only: bool = False
    expansions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # One result per story cluster (near-duplicate copies folded into it); the API and the
    # page ask for it unless the researcher wants every copy.
    collapse: bool = False
    # Whether the user wants alias expansions (the URL's ``expand``). The compiler reads only
    # ``expansions``; the flag is kept so that a stored request still says "no aliases" when the
    # gazetteer's expansions are looked up again.
    expand: bool = True

    def __post_init__(self) -> None:
        # Lists from a form / JSON become tuples, and the mappings read-only: the request is a
        # value that can be cached or stored with a saved search.
        object.__setattr__(self, "filters", _freeze_mapping(self.filters))
        object.__setattr__(self, "expansions", _freeze_mapping(self.expansions))

    @property
    def effective_sort(self) -> str:
        """``sort`` or, when unset, relevance for a text query and newest for browsing."""
        if self.sort:
            return self.sort
        return "relevance" if parse(self.q) is not None else "newest"


def dates_reversed(date_from: dt.date | None, date_to: dt.date | None) -> bool:
    """Whether the range starts after it ends (the one date-order check)."""
    return bool(date_from and date_to and date_from > date_to)


DATE_RANGE_MESSAGE = f"use a date from {EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()}"


def dates_in_range(*days: dt.date | None) -> bool:
    return all(day is None or EARLIEST_DATE <= day <= LATEST_DATE for day in days)


def _either(names: tuple[str, ...]) -> str:
    return ", ".join(names[:-1]) + " or " + names[-1]


def validate(request: SearchRequest) -> None:
    """Raise a :class:`SearchRequestError` for anything the user must change."""
    if request.sort is not None and request.sort not in SORTS:
        raise SearchRequestError(
            f"Unknown sort order (use {_either(SORTS)}).",
            "ترتيب غير معروف (استخدم: الصلة أو الأحدث أو الأقدم).",
            code=ErrorCode.UNKNOWN_SORT,
        )
    if not dates_in_range(request.date_from, request.date_to):
        raise SearchRequestError(
            f"Dates must be from {EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()}.",
            f"يجب أن تكون التواريخ من {EARLIEST_DATE.isoformat()} إلى {LATEST_DATE.isoformat()}.",
            code=ErrorCode.DATE_RANGE,
        )
    if dates_reversed(request.date_from, request.date_to):
        raise SearchRequestError(
            "The start date is after the end date.",
            "تاريخ البداية بعد تاريخ النهاية.",
            code=ErrorCode.DATE_ORDER,
        )
    for name, values in request.filters.items():
        if name in FACETS and len(values) > MAX_FILTER_VALUES:
            raise QueryTooComplex(
                f"Too many values selected in one filter (at most {MAX_FILTER_VALUES}).",
                f"تم اختيار قيم كثيرة جدًا في مرشّح واحد (الحد الأقصى {MAX_FILTER_VALUES}).",
                code=ErrorCode.TOO_MANY_VALUES,
            )
    if not isinstance(request.page_size, int) or not 1 <= request.page_size <= MAX_PAGE_SIZE:
        raise PageOutOfRange(
            f"Results per page must be between 1 and {MAX_PAGE_SIZE}.",
            f"يجب أن يكون عدد النتائج في الصفحة بين 1 و{MAX_PAGE_SIZE}.",
            code=ErrorCode.PAGE_SIZE,
        )
    if not isinstance(request.page, int) or request.page < 1:
        raise PageOutOfRange(
            "The page number must be 1 or more.", "يجب أن يكون رقم الصفحة 1 أو أكثر."
        )
    if request.page * request.page_size > MAX_RESULT_WINDOW:
        last = MAX_RESULT_WINDOW // request.page_size
        raise PageOutOfRange(
            f"Only the first {MAX_RESULT_WINDOW:,} results can be shown (page {last} at most); "
            "narrow the search with more words, filters or dates.",
            f"لا يمكن عرض أكثر من أول {MAX_RESULT_WINDOW} نتيجة (الصفحة {last} على الأكثر)؛ "
            "ضيّق البحث بكلمات أو مرشّحات أو تواريخ إضافية.",
            code=ErrorCode.RESULT_WINDOW,
        )


# ------------------------------------------------------------------------------------------------
# The URL form
# ------------------------------------------------------------------------------------------------


class QueryParams(Protocol):
    """What :func:`from_params` reads: a Django ``QueryDict`` or anything with ``getlist``."""

    def getlist(self, key: str) -> list[str]: ...


class _QueryString:
    def __init__(self, text: str) -> None:
        self._pairs = parse_qsl(text.removeprefix("?"), keep_blank_values=True)

    def getlist(self, key: str) -> list[str]:
        return [value for name, value in self._pairs if name == key]


def _clean(value: str) -> str:
    return strip_controls(value).strip()


def _one(params: QueryParams, name: str, *, text: bool = False) -> str:
    """The parameter's one value. Free text (``q``) loses control characters and surrounding
    spaces; any other value must be exactly a word of the contract: a control character or a
    space in ``page=\x172`` or ``all_copies=\x17`` is a 400, not a value read otherwise."""
    values = params.getlist(name)
    if len(values) > 1:
        raise ParamError(name, ErrorCode.REPEATED, f"give {name} once")
    if not values:
        return ""
    if text:
        return _clean(values[0])
    if has_controls(values[0]) or values[0] != values[0].strip():
        raise ParamError(name, ErrorCode.UNPRINTABLE, "remove spaces and control characters")
    return values[0]


def _date(params: QueryParams, name: str) -> dt.date | None:
    value = _one(params, name)
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value) if len(value) == 10 else _bad_date(name)
    except ValueError:
        return _bad_date(name)
    if not dates_in_range(day):
        raise ParamError(name, ErrorCode.DATE_RANGE, DATE_RANGE_MESSAGE)
    return day


def _bad_date(name: str):
    raise ParamError(name, ErrorCode.BAD_DATE, "use a date written YYYY-MM-DD, e.g. 2015-08-01")


def _int(params: QueryParams, name: str, default: int, low: int, high: int) -> int:
    value = _one(params, name)
    if not value:
        return default
    if not value.isascii() or not value.isdigit():
        raise ParamError(
            name, ErrorCode.NOT_A_NUMBER, f"must be a whole number from {low} to {high}"
        )
    number = int(value)
    if not low <= number <= high:
        raise ParamError(name, ErrorCode.OUT_OF_RANGE, f"must be from {low} to {high}")
    return number


def _bool(params: QueryParams, name: str, *, default: bool = False) -> bool:
    value = _one(params, name).lower()
    if value == "":
        return default
    if value in FALSE_VALUES:
        return False
    if value in TRUE_VALUES:
        return True
    raise ParamError(name, ErrorCode.NOT_A_BOOLEAN, "use 1 or 0")


def from_params(
    params: QueryParams | str, *, expansions: Mapping[str, tuple[str, ...]] | None = None
) -> SearchRequest:
    """A SearchRequest from a Django QueryDict (or a query string); unknown parameters are
    ignored. Raises :class:`ParamError` for the first parameter that cannot be read.

    ``expansions`` (alias expansion, from the gazetteer) apply unless ``expand=0`` or
    ``exact=1`` (exact words only: no stemming, no aliases).
    """
    if isinstance(params, str):
        params = _QueryString(params)
    # The length the contract states is the length sent, before controls and spaces are cut.
    if any(len(value) > MAX_QUERY_LENGTH for value in params.getlist("q")):
        raise ParamError(
            "q",
            ErrorCode.QUERY_TOO_LONG,
            f"the search may be at most {MAX_QUERY_LENGTH} characters",
        )
    sort = _one(params, "sort") or None
    if sort is not None and sort not in SORTS:
        raise ParamError("sort", ErrorCode.UNKNOWN_SORT, f"use {_either(SORTS)}")
    date_from = _date(params, "date_from")
    date_to = _date(params, "date_to")
    if dates_reversed(date_from, date_to):
        raise ParamError("date_from", ErrorCode.DATE_ORDER, "date_from is after date_to")
    # Blank values select nothing (``?actor=`` is an empty form field, not "no actor").
    filters = {
        name: values
        for name in FACETS
        if (values := tuple(dict.fromkeys(c for v in params.getlist(name) if (c := _clean(v)))))
    }
    exact = _bool(params, "exact")
    expand = _bool(params, "expand", default=True)
    return SearchRequest(
        q=_one(params, "q", text=True),
        filters=filters,
        date_from=date_from,
        date_to=date_to,
        sort=sort,
        page=_int(params, "page", 1, 1, MAX_PAGE),
        page_size=_int(params, "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE),
        exact_only=exact,
        expansions=(expansions or {}) if expand and not exact else {},
        collapse=not _bool(params, "all_copies"),
        expand=expand,
    )


def to_params(request: SearchRequest) -> str:
    """The canonical query string of a request: :data:`PARAMS` order, defaults left out.

    The inverse of :func:`from_params` (expansions are not part of it: they are looked up again
    from ``q`` when the string is read). Filters on unknown facets are not written.
    """
    on, off = TRUE_VALUES[0], FALSE_VALUES[0]
    values: dict[str, list[str]] = {
        "q": [request.q] if request.q else [],
        "exact": [on] if request.exact_only else [],
        "expand": [] if request.expand else [off],
        "all_copies": [] if request.collapse else [on],
        "date_from": [request.date_from.isoformat()] if request.date_from else [],
        "date_to": [request.date_to.isoformat()] if request.date_to else [],
        "sort": [request.sort] if request.sort else [],
        "page_size": [] if request.page_size == DEFAULT_PAGE_SIZE else [str(request.page_size)],
        **{name: list(request.filters.get(name, ())) for name in FACETS},
        "page": [] if request.page == 1 else [str(request.page)],
    }
    return urlencode([(name, value) for name in PARAMS for value in values[name]])
