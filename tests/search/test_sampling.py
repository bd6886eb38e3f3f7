"""The sample broad searches count their facets in (articles/search/sampling.py)."""

from collections import Counter

from articles.search import sampling


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
