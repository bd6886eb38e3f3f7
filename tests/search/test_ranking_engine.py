"""Ranking of natural questions and long queries, on a real OpenSearch node (issue 14).

Question words (هل، كيف، ما هي، what …) neither restrict nor score; the query's words near each
other (a phrase-with-slop should clause on the stemmed fields) lift an article above one where
they are scattered; a long query of plain words asks for all but a quarter of them. Texts written
for these tests; one small index, deleted afterwards.
"""

from __future__ import annotations

import pytest

from articles.search.compiler import compile_search
from articles.search.hits import parse_hits
from articles.search.request import SearchRequest

from .scratch_index import scratch_index

# This checkout's engine (its port may be its own: README, a second checkout).


def doc(id_: int, title: str, body: str) -> dict:
    day = f"2015-08-{id_:02d}T09:00:00Z"
    return {"id": id_, "title": title, "body": body, "byline": "", "sort_date": day}


FILLER = "وقالت مصادر محلية إن الوضع هادئ في المدينة وإن الحركة عادت إلى طبيعتها. "
DOCS = [
    # the words together
    doc(1, "تقرير", FILLER + "وأعلنت السلطات القبض على خلية تابعة لداعش في الرياض. " + FILLER),
    # the same words scattered over a long text
    doc(
        2,
        "تقرير",
        "أعلنت وزارة الداخلية حصيلة العام. "
        + FILLER * 4
        + "ومن بين الموقوفين خلية نائمة. "
        + FILLER * 4
        + "وذكرت أن داعش خسر مواقع. "
        + FILLER * 4
        + "وتم القبض على مهربين قرب الرياض.",
    ),
    # question words everywhere, the subject nowhere
    doc(3, "كيف ولماذا وهل ومتى", "كيف يمكن ذلك؟ ولماذا؟ وهل؟ ومتى وأين وما هي الأسباب؟"),
    doc(4, "تجنيد الشباب", "يجند تنظيم داعش الشباب عبر مواقع التواصل الاجتماعي."),
    # four of the five words of a long query
    doc(5, "حملة أمنية", "ضبطت الشرطة خلية إرهابية تخطط لهجوم على مسجد في الدمام."),
]


@pytest.fixture(scope="module")
def engine():
    with scratch_index("ranking", DOCS) as (client, name):
        yield client, name


def ranked(engine, q: str) -> list[int]:
    client, name = engine
    body = compile_search(SearchRequest(q=q, page_size=20), aggs=False, highlight=False)
    return [hit["id"] for hit in parse_hits(client.search(index=name, body=body))]


def test_words_near_each_other_rank_first(engine):
    assert ranked(engine, "القبض على خلية داعش في الرياض")[:2] == [1, 2]


def test_question_words_neither_restrict_nor_score(engine):
    assert ranked(engine, "كيف يجند داعش الشباب") == [4]
    assert ranked(engine, "ما هو تجنيد الشباب") == [4]
    assert 3 not in ranked(engine, "هل يجند داعش الشباب")
    assert ranked(engine, "how does ISIS recruit") == []


def test_a_query_of_question_words_only_still_searches_them(engine):
    assert 3 in ranked(engine, "كيف")


def test_long_query_needs_most_words_not_all(engine):
    # five content words, the article has four of them (no «الرياض»)
    assert 5 in ranked(engine, "خلية إرهابية تخطط لهجوم الرياض")
    # three words of five are not enough
    assert 5 not in ranked(engine, "خلية إرهابية طائرة مسيرة الرياض")


def test_phrases_stay_exact(engine):
    assert ranked(engine, '"خلية تابعة لداعش"') == [1]
    assert ranked(engine, '"خلية داعش"') == []
