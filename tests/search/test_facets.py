"""Facets without an engine: declaration, disjunctive filters, date intervals, parsing."""

from __future__ import annotations

from datetime import date

import pytest

from articles.search.compiler import compile_search
from articles.search.facets import (
    FACETS,
    compile_aggs,
    date_interval,
    facet_filters,
    parse_facets,
    post_filter,
    selected,
)
from articles.search.request import SearchRequest


def test_facets_declared_once_in_order():
    assert list(FACETS) == ["actor", "venue", "topic", "source", "collection", "language"]
    assert {n: f.field for n, f in FACETS.items()} == {
        "actor": "actors",
        "venue": "venues",
        "topic": "topics",
        "source": "source",
        "collection": "collections",
        "language": "language",
    }
    for facet in FACETS.values():
        assert facet.label_en and facet.label_ar and facet.size > 0


def test_selected_ignores_unknown_and_empty():
    req = SearchRequest(
        filters={"actor": ("isis", " isis ", "", "aq"), "bogus": ("x",), "venue": (), "topic": [""]}
    )
    assert selected(req) == {"actor": ("isis", "aq")}


def test_or_within_and_across():
    req = SearchRequest(filters={"actor": ("isis", "aq"), "source": ("a",)})
    assert facet_filters(req) == [
        {"terms": {"actors": ["isis", "aq"]}},
        {"terms": {"source": ["a"]}},
    ]
    assert post_filter(req) == {"bool": {"filter": facet_filters(req)}}
    assert post_filter(SearchRequest()) is None


def test_each_facet_counts_with_all_filters_but_its_own():
    req = SearchRequest(filters={"actor": ("isis",), "source": ("a", "b"), "language": ("ar",)})
    aggs = compile_aggs(req)
    actors = {"terms": {"actors": ["isis"]}}
    sources = {"terms": {"source": ["a", "b"]}}
    langs = {"terms": {"language": ["ar"]}}
    assert aggs["facet_actor"]["filter"] == {"bool": {"filter": [sources, langs]}}
    assert aggs["facet_source"]["filter"] == {"bool": {"filter": [actors, langs]}}
    assert aggs["facet_language"]["filter"] == {"bool": {"filter": [actors, sources]}}
    assert aggs["facet_venue"]["filter"] == {"bool": {"filter": [actors, sources, langs]}}
    # the histogram shows the result set: every facet filter
    assert aggs["date"]["filter"] == {"bool": {"filter": [actors, sources, langs]}}
    # selected keys are counted exactly even outside the top N
    assert aggs["facet_source"]["aggs"]["selected"]["terms"]["include"] == ["a", "b"]
    assert "selected" not in aggs["facet_venue"]["aggs"]
    assert aggs["facet_actor"]["aggs"]["values"]["terms"] == {
        "field": "actors",
        "size": 20,
        "min_doc_count": 1,
    }


def test_no_filters_means_match_all_wrappers():
    aggs = compile_aggs(SearchRequest())
    assert all(aggs[f"facet_{n}"]["filter"] == {"match_all": {}} for n in FACETS)


@pytest.mark.parametrize(
    ("start", "end", "interval"),
    [
        (date(2024, 1, 1), date(2024, 1, 1), "day"),
        (date(2024, 1, 1), date(2024, 3, 2), "day"),  # 62 days
        (date(2024, 1, 1), date(2024, 3, 3), "week"),  # 63 days
        (date(2024, 1, 1), date(2025, 7, 2), "week"),  # 549 days
        (date(2024, 1, 1), date(2025, 7, 3), "month"),
        (date(2015, 1, 1), date(2024, 12, 31), "month"),  # 10 years
        (date(2010, 1, 1), date(2024, 12, 31), "year"),
        (None, date(2024, 1, 1), None),
        (date(2024, 1, 1), None, None),
        (None, None, None),
    ],
)
def test_date_interval(start, end, interval):
    assert date_interval(start, end) == interval


def test_date_histogram_bounded_and_open():
    req = SearchRequest(date_from=date(2024, 1, 1), date_to=date(2024, 1, 31))
    hist = compile_aggs(req)["date"]["aggs"]["histogram"]["date_histogram"]
    assert hist["calendar_interval"] == "day"
    assert hist["field"] == "sort_date"
    assert hist["extended_bounds"] == {"min": "2024-01-01", "max": "2024-01-31"}
    assert hist["min_doc_count"] == 0
    open_ = compile_aggs(SearchRequest(date_from=date(2024, 1, 1)))["date"]["aggs"]
    assert open_["auto"]["auto_date_histogram"]["minimum_interval"] == "day"
    assert open_["years"]["date_histogram"]["calendar_interval"] == "year"


def _terms(*pairs):
    return {"buckets": [{"key": k, "doc_count": n} for k, n in pairs]}


def test_parse_facets_selected_labels_and_zero_counts():
    req = SearchRequest(filters={"actor": ("isis", "rare", "gone")})
    aggs = {
        "facet_actor": {
            "doc_count": 10,
            "values": _terms(("isis", 7), ("aq", 3)),
            "selected": _terms(("isis", 7), ("rare", 1)),
        },
        "facet_source": {"doc_count": 10, "values": _terms(("a", 10))},
        "date": {
            "doc_count": 10,
            "auto": {
                "interval": "1M",
                "buckets": [
                    {"key_as_string": "2024-01-01", "key": 1704067200000, "doc_count": 4},
                    {"key": 1706745600000, "doc_count": 6},
                ],
            },
            "years": _terms(),
        },
    }
    labels = {("actor", "isis"): "داعش", ("source", "a"): "Source A"}
    out = parse_facets({"aggregations": aggs}, req, lambda f, k: labels.get((f, k)))
    assert out["actor"] == [
        {"key": "isis", "label": "داعش", "count": 7, "selected": True},
        {"key": "aq", "label": "aq", "count": 3, "selected": False},
        {"key": "rare", "label": "rare", "count": 1, "selected": True},
        {"key": "gone", "label": "gone", "count": 0, "selected": True},
    ]
    assert out["source"] == [{"key": "a", "label": "Source A", "count": 10, "selected": False}]
    assert out["venue"] == [] and out["topic"] == [] and out["language"] == []
    assert out["date"] == {
        "interval": "month",
        "buckets": [{"start": "2024-01-01", "count": 4}, {"start": "2024-02-01", "count": 6}],
    }


@pytest.mark.parametrize(
    ("auto_interval", "expected"), [("1d", "day"), ("7d", "week"), ("1M", "month")]
)
def test_parse_auto_intervals(auto_interval, expected):
    aggs = {"date": {"auto": {"interval": auto_interval, "buckets": []}, "years": _terms()}}
    assert parse_facets(aggs, SearchRequest())["date"]["interval"] == expected


def test_parse_coarse_auto_interval_uses_years():
    aggs = {
        "date": {
            "auto": {
                "interval": "3M",
                "buckets": [{"key_as_string": "2015-01-01", "key": 0, "doc_count": 9}],
            },
            "years": {
                "buckets": [
                    {"key_as_string": "2015-01-01", "key": 0, "doc_count": 5},
                    {"key_as_string": "2016-01-01", "key": 0, "doc_count": 4},
                ]
            },
        }
    }
    out = parse_facets(aggs, SearchRequest())["date"]
    assert out == {
        "interval": "year",
        "buckets": [{"start": "2015-01-01", "count": 5}, {"start": "2016-01-01", "count": 4}],
    }


def test_parse_bounded_histogram():
    req = SearchRequest(date_from=date(2020, 1, 1), date_to=date(2024, 12, 31))
    aggs = {"date": {"histogram": _terms()}}
    aggs["date"]["histogram"]["buckets"] = [
        {"key_as_string": "2020-01-01", "key": 0, "doc_count": 0}
    ]
    assert parse_facets(aggs, req)["date"] == {
        "interval": "month",
        "buckets": [{"start": "2020-01-01", "count": 0}],
    }


def test_parse_empty_response():
    out = parse_facets({}, SearchRequest(filters={"topic": ("x",)}))
    assert out["topic"] == [{"key": "x", "label": "x", "count": 0, "selected": True}]
    assert out["date"] == {"interval": "day", "buckets": []}


def test_compile_search_uses_the_facet_module():
    req = SearchRequest(filters={"venue": ("mosul",)})
    body = compile_search(req)
    assert body["aggs"] == compile_aggs(req)
    assert body["post_filter"] == post_filter(req)
