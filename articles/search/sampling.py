"""Facet counts from a sample, for searches that match a large share of the archive.

At a million articles, counting six facets, the dates and the stories over every match of a
broad search is most of its time (README → Performance). Past :data:`SAMPLE_ABOVE` matches the
aggregations count a fixed sample instead and are scaled up; the hits, their order and the total
stay exact, and the API and the page say the counts are estimates. The counts are a request of
their own (``compiler.compile_sampled_counts``) whose query keeps only the sample, sent with the
hits' request in one ``_msearch``: as a filter aggregation inside the hits' request, the sample
still cost a test of every match (at a million articles, 60 ms for browsing everything).

The sample is drawn by *story*, not by article: every article carries ``sample_bucket``, a hash of
its story id into :data:`SAMPLE_BUCKETS` buckets, and the sample is the first
:data:`SAMPLED_BUCKETS` of them. A story is then in the sample with all its copies or not at all,
so the number of stories in the sample, scaled up, estimates the stories of the whole result
(a sample of articles would see most stories once and overcount them). The bucket is indexed, so
selecting the sample is a range filter on a small integer field: a bitset, not a scan. 64
buckets leave room to change the fraction without re-indexing.

Whether a search is broad is asked first, with a count that stops at :data:`SAMPLE_ABOVE`
(:func:`probe_body`): cheap, because the engine stops counting there.
"""

from __future__ import annotations

from fractions import Fraction

#: Searches whose aggregations would count more articles than this get sampled counts.
SAMPLE_ABOVE = 50_000
SAMPLE_BITS = 6
SAMPLE_BUCKETS = 1 << SAMPLE_BITS  # 64
SAMPLED_BUCKETS = 4
#: The share of stories the sampled aggregations count (1 in 16).
SAMPLE_FRACTION = Fraction(SAMPLED_BUCKETS, SAMPLE_BUCKETS)
#: The share counted when a search is not sampled: all of it.
EXACT = Fraction(1)
SAMPLE_FIELD = "sample_bucket"

# Fibonacci hashing (Knuth): consecutive story ids spread evenly over the buckets.
_GOLDEN = 0x9E3779B97F4A7C15
_MASK = (1 << 64) - 1


def sample_bucket(story_id: int) -> int:
    """The bucket of a story (0 … SAMPLE_BUCKETS - 1), the same for all its articles."""
    return ((story_id * _GOLDEN) & _MASK) >> (64 - SAMPLE_BITS)


def sample_filter() -> dict:
    """The clause that keeps the sample."""
    return {"range": {SAMPLE_FIELD: {"lt": SAMPLED_BUCKETS}}}


def probe_body(query: dict) -> dict:
    """A count of ``query``'s matches that stops past :data:`SAMPLE_ABOVE` (no hits, no aggs)."""
    return {"size": 0, "query": query, "track_total_hits": SAMPLE_ABOVE + 1}


def is_broad(probe_response: dict) -> bool:
    """Whether a :func:`probe_body` response counted more than :data:`SAMPLE_ABOVE` matches."""
    total = probe_response.get("hits", {}).get("total", {})
    return int(total.get("value", 0)) > SAMPLE_ABOVE or total.get("relation") == "gte"


def scale(count: int, fraction: Fraction) -> int:
    """A count in the sample, as an estimate for the whole result."""
    return round(count / fraction)
