"""The request's URL form, no engine: from_params / to_params, parameter errors and their codes."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qsl

import pytest
from django.http import QueryDict

from articles.search.errors import ErrorCode, ParamError, SearchRequestError
from articles.search.facets import FACETS
from articles.search.request import (
    PARAMS,
    STATE_PARAMS,
    TRUE_VALUES,
    SearchRequest,
    dates_reversed,
    from_params,
    is_true,
    to_params,
    validate,
)
from articles.search.rules import DEFAULT_PAGE_SIZE, MAX_PAGE, MAX_PAGE_SIZE, SORTS

ROUND_TRIPS = {
    "browse": SearchRequest(collapse=True),
    "every copy": SearchRequest(),
    "arabic": SearchRequest(q="داعش «تنظيم الدولة» -سوريا إرهاب*", collapse=True),
    "operators and symbols": SearchRequest(q='a OR b | (c NOT "d e") & = + ? # %', collapse=True),
    "facets": SearchRequest(
        filters={
            "actor": ("isis", "aq"),
            "venue": ("mosul",),
            "topic": ("bombing", "kidnap", "finance"),
            "source": ("alarabiya", "الشرق"),
            "language": ("ar", "en"),
        },
        collapse=True,
    ),
    "dates": SearchRequest(date_from=date(2015, 8, 1), date_to=date(2015, 8, 31), collapse=True),
    "from only": SearchRequest(date_from=date(2001, 9, 11), collapse=True),
    "to only": SearchRequest(date_to=date(2024, 2, 29), collapse=True),
    "same day": SearchRequest(date_from=date(2015, 8, 6), date_to=date(2015, 8, 6)),
    **{f"sort {s}": SearchRequest(q="داعش", sort=s, collapse=True) for s in SORTS},
    "exact": SearchRequest(q="الإرهاب", exact_only=True, collapse=True),
    "exact, no aliases": SearchRequest(q="x", exact_only=True, expand=False, collapse=True),
    "no aliases": SearchRequest(q="داعش", expand=False, collapse=True),
    "paging": SearchRequest(q="هجوم", page=7, page_size=50, collapse=True),
    "last page": SearchRequest(page=MAX_PAGE, page_size=1, collapse=True),
    "everything": SearchRequest(
        q="هجوم في بغداد OR الموصل",
        filters={"actor": ("isis",), "source": ("a", "b")},
        date_from=date(2014, 6, 1),
        date_to=date(2014, 6, 30),
        sort="oldest",
        page=3,
        page_size=MAX_PAGE_SIZE,
        exact_only=True,
        expand=False,
        collapse=False,
    ),
}


@pytest.mark.parametrize("name", list(ROUND_TRIPS))
def test_to_params_round_trips(name):
    request = ROUND_TRIPS[name]
    text = to_params(request)
    assert from_params(text) == request
    # the page and the API read a QueryDict: the same request
    assert from_params(QueryDict(text)) == request
    # canonical: writing it again gives the same string
    assert to_params(from_params(text)) == text


def test_round_trip_with_expansions_looked_up_again():
    aliases = {"داعش": ("الدولة الإسلامية",)}
    request = from_params("q=%D8%AF%D8%A7%D8%B9%D8%B4", expansions=aliases)
    assert request.expansions == aliases and request.expand
    assert from_params(to_params(request), expansions=aliases) == request
    # "no aliases" survives in the string: the expansions found again are not applied
    without = from_params(to_params(SearchRequest(q="داعش", expand=False)), expansions=aliases)
    assert without.expansions == {} and not without.expand


def test_to_params_order_and_defaults():
    assert to_params(SearchRequest(collapse=True)) == ""
    assert to_params(SearchRequest()) == "all_copies=1"
    request = SearchRequest(
        q="a b",
        filters={"source": ("s",), "actor": ("x", "y"), "nope": ("z",)},
        date_to=date(2015, 1, 2),
        sort="newest",
        page=2,
        page_size=DEFAULT_PAGE_SIZE,
        exact_only=True,
        collapse=True,
    )
    # PARAMS order, facets in FACETS order, unknown facets and defaults left out
    assert to_params(request) == (
        "q=a+b&exact=1&date_to=2015-01-02&sort=newest&actor=x&actor=y&source=s&page=2"
    )
    names = [name for name, _ in parse_qsl(to_params(ROUND_TRIPS["everything"]))]
    assert names == sorted(names, key=PARAMS.index)


def test_arabic_is_percent_encoded_utf8():
    text = to_params(SearchRequest(q="داعش", filters={"source": ("الشرق",)}, collapse=True))
    assert text.isascii()
    assert text == "q=%D8%AF%D8%A7%D8%B9%D8%B4&source=%D8%A7%D9%84%D8%B4%D8%B1%D9%82"


def test_the_url_parameters_are_listed_once():
    assert set(FACETS) < set(PARAMS)
    assert len(PARAMS) == len(set(PARAMS))
    assert STATE_PARAMS == tuple(p for p in PARAMS if p != "page")
    # every parameter from_params reads is in PARAMS: an unknown one is ignored
    assert from_params("color=red&page_sizes=3&actors=x") == SearchRequest(collapse=True)


def test_from_params_cleans_values():
    request = from_params(QueryDict("q=+x+&actor=a&actor=+a+&actor=&actor=b&exact=TRUE"))
    assert request.q == "x"
    assert request.filters == {"actor": ("a", "b")}
    assert request.exact_only and request.expansions == {}


@pytest.mark.parametrize(
    ("query", "field", "code"),
    [
        ("q=a&q=b", "q", ErrorCode.REPEATED),
        ("sort=newest&sort=oldest", "sort", ErrorCode.REPEATED),
        ("date_from=2015-13-01", "date_from", ErrorCode.BAD_DATE),
        ("date_to=yesterday", "date_to", ErrorCode.BAD_DATE),
        ("date_from=2015-8-1", "date_from", ErrorCode.BAD_DATE),
        ("date_from=2015-08-10&date_to=2015-08-01", "date_from", ErrorCode.DATE_ORDER),
        ("sort=random", "sort", ErrorCode.UNKNOWN_SORT),
        ("page=abc", "page", ErrorCode.NOT_A_NUMBER),
        ("page=-1", "page", ErrorCode.NOT_A_NUMBER),
        ("page=%D9%A3", "page", ErrorCode.NOT_A_NUMBER),  # Arabic-Indic digit
        ("page=0", "page", ErrorCode.OUT_OF_RANGE),
        (f"page={MAX_PAGE + 1}", "page", ErrorCode.OUT_OF_RANGE),
        ("page_size=1000", "page_size", ErrorCode.OUT_OF_RANGE),
        ("exact=maybe", "exact", ErrorCode.NOT_A_BOOLEAN),
        ("expand=2", "expand", ErrorCode.NOT_A_BOOLEAN),
        ("all_copies=x", "all_copies", ErrorCode.NOT_A_BOOLEAN),
    ],
)
def test_param_errors_name_the_field_and_a_code(query, field, code):
    with pytest.raises(ParamError) as exc:
        from_params(query)
    assert exc.value.field == field
    assert exc.value.code == code
    assert exc.value.message


def test_request_errors_carry_codes():
    cases = [
        (SearchRequest(sort="random"), ErrorCode.UNKNOWN_SORT),  # type: ignore[arg-type]
        (SearchRequest(date_from=date(2015, 2, 1), date_to=date(2015, 1, 1)), ErrorCode.DATE_ORDER),
        (SearchRequest(filters={"actor": [str(i) for i in range(51)]}), ErrorCode.TOO_MANY_VALUES),
        (SearchRequest(page_size=0), ErrorCode.PAGE_SIZE),
        (SearchRequest(page=0), ErrorCode.PAGE_NUMBER),
        (SearchRequest(page=501), ErrorCode.RESULT_WINDOW),
    ]
    for request, code in cases:
        with pytest.raises(SearchRequestError) as exc:
            validate(request)
        assert exc.value.code == code, request


def test_one_date_order_check():
    assert dates_reversed(date(2015, 2, 1), date(2015, 1, 1))
    assert not dates_reversed(date(2015, 1, 1), date(2015, 1, 1))
    assert not dates_reversed(None, date(2015, 1, 1))
    assert not dates_reversed(date(2015, 1, 1), None)


@pytest.mark.parametrize("value", [*TRUE_VALUES, "TRUE", " on ", "Yes"])
def test_is_true(value):
    assert is_true(value)


@pytest.mark.parametrize("value", ["", None, "0", "false", "off", "no", "maybe"])
def test_is_not_true(value):
    assert not is_true(value)


def test_a_request_built_in_code_with_an_extreme_date_is_refused():
    import datetime as dt

    from articles.search.errors import ErrorCode, SearchRequestError
    from articles.search.request import SearchRequest, validate

    with pytest.raises(SearchRequestError) as problem:
        validate(SearchRequest(q="داعش", date_to=dt.date(9999, 12, 31)))
    assert problem.value.code == ErrorCode.DATE_RANGE


def test_a_blank_facet_value_selects_nothing_and_round_trips():
    # Found by the fuzzer: ?actor= made an empty filter, which matched no article at all.
    request = from_params("q=%D8%AF%D8%A7%D8%B9%D8%B4&actor=&actor=+")
    assert request.filters == {}
    assert from_params(to_params(request)) == request
