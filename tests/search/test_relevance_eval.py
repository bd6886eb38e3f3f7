"""The judged evaluation's data and metrics (bench/relevance_eval.py); no engine needed."""

from __future__ import annotations

import math

from bench.relevance_eval import load_judgments, load_queries, mrr, ndcg


def test_judgments_refer_to_queries_and_use_the_grades():
    queries = dict(load_queries())
    judgments = load_judgments()
    assert len(queries) >= 30
    assert set(judgments) <= set(queries)
    grades = [g for per_query in judgments.values() for g in per_query.values()]
    assert set(grades) <= {0, 1, 2}
    assert sum(g > 0 for g in grades) >= 100


def test_ndcg_and_mrr():
    assert ndcg([2, 1, 0], [2, 1, 0]) == 1.0
    assert ndcg([0, 0], [1]) == 0.0
    assert math.isclose(ndcg([0, 2], [2]), 1 / math.log2(3))
    assert ndcg([], []) == 0.0
    assert mrr([0, 0, 1]) == 1 / 3
    assert mrr([0] * 10 + [2]) == 0.0
