"""What can go wrong with a search, as exceptions the page, the API and export catch.

* :class:`ParamError`: a URL parameter cannot be read (``page=x``); names the parameter.
* :class:`SearchRequestError` and its kinds: a readable request the user must change (a query
  the parser refuses, a page beyond the result window); carries English and Arabic messages.
* :class:`SearchUnavailable`: the engine cannot answer now; nothing for the user to change.

Every user error carries a stable :class:`ErrorCode`, so a caller that words the problem its
own way (the page, in the active language) chooses by code and never by the English text.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    # parameters (ParamError)
    REPEATED = "repeated"  # a single-valued parameter given twice
    UNPRINTABLE = "unprintable"  # a control character or surrounding space in a keyword value
    BAD_DATE = "bad_date"
    DATE_RANGE = "date_range"  # a date before EARLIEST_DATE or after LATEST_DATE
    NOT_A_NUMBER = "not_a_number"
    OUT_OF_RANGE = "out_of_range"
    NOT_A_BOOLEAN = "not_a_boolean"
    # parameters and requests
    UNKNOWN_SORT = "unknown_sort"
    DATE_ORDER = "date_order"  # date_from after date_to
    # requests (SearchRequestError)
    INVALID_REQUEST = "invalid_request"
    TOO_MANY_VALUES = "too_many_values"  # in one facet filter
    PAGE_SIZE = "page_size"
    PAGE_NUMBER = "page_number"
    RESULT_WINDOW = "result_window"  # the page lies beyond MAX_RESULT_WINDOW
    # the query text (QuerySyntaxError, QueryTooComplex)
    QUERY_SYNTAX = "query_syntax"
    QUERY_TOO_LONG = "query_too_long"
    TOO_MANY_TERMS = "too_many_terms"
    TOO_DEEP = "too_deep"
    PHRASE_TOO_LONG = "phrase_too_long"
    SHORT_PREFIX = "short_prefix"
    MISPLACED_STAR = "misplaced_star"


class ParamError(ValueError):
    """A URL parameter that cannot be read; the API answers 400 naming ``field``."""

    def __init__(self, field: str, code: ErrorCode, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.code = code
        self.message = message


class SearchRequestError(ValueError):
    """A request the user must change (the API answers 400 with ``message`` / ``message_ar``)."""

    default_code = ErrorCode.INVALID_REQUEST

    def __init__(self, message: str, message_ar: str, *, code: ErrorCode | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.message_ar = message_ar
        self.code = code or self.default_code

    def as_dict(self) -> dict[str, str]:
        return {
            "error": type(self).__name__,
            "message": self.message,
            "message_ar": self.message_ar,
        }


class QuerySyntaxError(SearchRequestError):
    """The query text cannot be understood (e.g. ``a*``, ``*``, ``x*y``)."""

    default_code = ErrorCode.QUERY_SYNTAX


class QueryTooComplex(QuerySyntaxError):
    """The query is over a limit (length, terms, nesting, phrase length, filter values)."""


class PageOutOfRange(SearchRequestError):
    """The page lies beyond what the engine can page to (max_result_window) or is invalid."""

    default_code = ErrorCode.PAGE_NUMBER


class SearchUnavailable(RuntimeError):
    """The engine cannot answer now (down, timing out, or no index built yet)."""
