"""The sample broad searches count their facets in (articles/search/sampling.py)."""

from collections import Counter
from fractions import Fraction

from articles.search import sampling
from articles.search.compiler import compile_probe, compile_sampled_counts, compile_search
from articles.search.facets import facet_keys, parse_facets, parse_total_stories
from articles.search.request import SearchRequest


def test_buckets_cover_the_range_evenly_for_consecutive_and_strided_story_ids():
    for ids in (range(1, 64_001), range(5, 640_001, 10)):
        counts = Counter(sampling.sample_bucket(i) for i in ids)
        assert sorted(counts) == list(range(sampling.SAMPLE_BUCKETS))
        expected = len(ids) / sampling.SAMPLE_BUCKETS
        assert all(abs(n - expected) < 0.05 * expected for n in counts.values())


def test_the_sample_is_one_story_in_sixteen():
    assert sampling.SAMPLE_FRACTION == sampling.SAMPLED_BUCKETS / sampling.SAMPLE_BUCKETS == 1 / 16
    assert sampling.sample_filter() == {"range": {"sample_bucket": {"lt": 4}}}
    assert sampling.scale(3, sampling.SAMPLE_FRACTION) == 48


def test_a_probe_counts_up_to_just_past_the_threshold_and_reads_either_relation():
    body = sampling.probe_body({"match_all": {}})
    assert body == {"size": 0, "query": {"match_all": {}}, "track_total_hits": 50_001}
    assert not sampling.is_broad({"hits": {"total": {"value": 50_000, "relation": "eq"}}})
    assert sampling.is_broad({"hits": {"total": {"value": 50_001, "relation": "gte"}}})
    assert not sampling.is_broad({})


def test_a_broad_search_counts_its_sample_in_a_request_of_its_own():
    request = SearchRequest(q="داعش", filters={"source": ("a",)})
    exact = compile_search(request)
    counts = compile_sampled_counts(request)
    # the hits' request is the search without aggregations, unchanged otherwise
    assert compile_search(request, aggs=False) == {k: v for k, v in exact.items() if k != "aggs"}
    # the counts: the same aggregations, over the query's matches in the sample, no hits
    assert counts["aggs"] == exact["aggs"] and counts["size"] == 0
    assert counts["query"] == {
        "bool": {"must": [exact["query"]], "filter": [sampling.sample_filter()]}
    }
    assert "post_filter" not in counts  # facet filters narrow the hits, not the counts


def test_the_probe_counts_what_the_aggregations_count():
    request = SearchRequest(q="داعش", filters={"source": ("a",)})
    probe = compile_probe(request)
    assert probe["query"] == compile_search(request)["query"]  # text and dates, no facet filter
    assert "aggs" not in probe and "post_filter" not in probe and probe["size"] == 0


def test_parsed_counts_of_a_sample_are_scaled_up():
    request = SearchRequest(filters={"source": ("b",)})
    aggs = {
        "facet_source": {
            "values": {"buckets": [{"key": "a", "doc_count": 3}]},
            "selected": {"buckets": [{"key": "b", "doc_count": 1}]},
        },
        "stories": {"count": {"value": 2}},
    }
    response = {"aggregations": aggs}
    fraction = Fraction(1, 16)
    facets = parse_facets(response, request, fraction=fraction)
    assert [(v["key"], v["count"]) for v in facets["source"]] == [("a", 48), ("b", 16)]
    assert parse_total_stories(response, fraction) == 32
    assert facet_keys(response, "source") == {"a", "b"}
    assert parse_facets(response, request)["source"][0]["count"] == 3
