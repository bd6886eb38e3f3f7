"""A search page's state: the URL's parameters, cleaned, and the ``SearchRequest`` they make.

Every page state is in the URL (a GET form), so a search is a link to share and the back button
works. Links for facets, chips, pages and chart bars are built from ``State``; problems with a
parameter are reported in the page's language and that parameter is left out.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import QueryDict
from django.utils.translation import get_language, gettext

from articles.enrichment import gazetteer
from articles.search.errors import ErrorCode, ParamError, SearchRequestError
from articles.search.request import STATE_PARAMS, SearchRequest, from_params
from articles.search.rules import (
    EARLIEST_DATE,
    LATEST_DATE,
    MAX_PAGE,
    MAX_PAGE_SIZE,
    MAX_QUERY_LENGTH,
)


def is_arabic() -> bool:
    return (get_language() or "ar")[:2] == "ar"


class State:
    """The page's parameters, cleaned: links for facets, chips, pages and bars come from here.

    Only the search's own parameters (``STATE_PARAMS``) are kept; anything else is dropped from
    generated links.
    """

    def __init__(self, params: QueryDict) -> None:
        self.items: list[tuple[str, str]] = []
        for name in STATE_PARAMS:
            for value in params.getlist(name):
                value = value.strip()
                if value and (name, value) not in self.items:
                    self.items.append((name, value))
        page = params.get("page", "").strip()
        self.page = page

    def query(self) -> QueryDict:
        qd = QueryDict(mutable=True)
        for name, value in self.items:
            qd.appendlist(name, value)
        if self.page:
            qd["page"] = self.page
        return qd

    def get(self, name: str) -> str:
        for key, value in self.items:
            if key == name:
                return value
        return ""

    def values(self, name: str) -> list[str]:
        return [v for k, v in self.items if k == name]

    def url(self, *, drop=(), add=(), set_=None, page: int | None = None) -> str:
        """``?...`` with (name, value) pairs dropped/added and names set; page 1 unless given."""
        set_ = set_ or {}
        items = [
            (k, v)
            for k, v in self.items
            if (k, v) not in drop and k not in set_ and (k, None) not in drop
        ]
        for k, v in add:
            if (k, v) not in items:
                items.append((k, v))
        for k, v in set_.items():
            if v:
                items.append((k, v))
        if page and page > 1:
            items.append(("page", str(page)))
        return "?" + urlencode(items) if items else "?"

    def without(self, *names: str) -> list[tuple[str, str]]:
        return [(k, v) for k, v in self.items if k not in names]


def param_message(problem: ParamError) -> str:
    """The page's own (translated) wording of a parameter problem, chosen by its code."""
    code, field = problem.code, problem.field
    if code == ErrorCode.REPEATED:
        return gettext("Give this only once.")
    if code == ErrorCode.DATE_ORDER:
        return gettext("The start date is after the end date.")
    if code == ErrorCode.DATE_RANGE:
        return gettext("Use a date from %(first)s to %(last)s.") % {
            "first": EARLIEST_DATE.isoformat(),
            "last": LATEST_DATE.isoformat(),
        }
    if code == ErrorCode.BAD_DATE:
        return gettext("Use a date written YYYY-MM-DD, for example 2015-08-01.")
    if code == ErrorCode.UNKNOWN_SORT:
        return gettext("Choose relevance, newest or oldest.")
    if code in (ErrorCode.NOT_A_NUMBER, ErrorCode.OUT_OF_RANGE) and field == "page":
        return gettext("The page must be a whole number from 1 to %(max)s.") % {"max": MAX_PAGE}
    if code in (ErrorCode.NOT_A_NUMBER, ErrorCode.OUT_OF_RANGE) and field == "page_size":
        return gettext("Results per page must be a whole number from 1 to %(max)s.") % {
            "max": MAX_PAGE_SIZE
        }
    if code == ErrorCode.QUERY_TOO_LONG:
        return gettext("The search is too long (at most %(max)s characters).") % {
            "max": MAX_QUERY_LENGTH
        }
    if code == ErrorCode.NOT_A_BOOLEAN:
        return gettext("Use 1 (on) or 0 (off).")
    return problem.message


def request_error_message(problem: SearchRequestError) -> str:
    return problem.message_ar if is_arabic() else problem.message


def parse_request(params: QueryDict) -> tuple[SearchRequest | None, dict[str, str], QueryDict]:
    """A SearchRequest and the problems found; a bad parameter is reported and left out."""
    errors: dict[str, str] = {}
    params = params.copy()
    for _ in range(len(STATE_PARAMS) + 2):
        try:
            q = params.get("q", "")
            return from_params(params, expansions=gazetteer.expansions_for(q)), errors, params
        except ParamError as problem:
            errors[problem.field] = param_message(problem)
            if problem.code == ErrorCode.DATE_ORDER:
                params.pop("date_to", None)
            params.pop(problem.field, None)
    return None, errors, params
