"""ops/opensearch's ``ctsearch_whole`` highlighter gives the stock ``unified`` highlighter's
marked text, for every kind of query the compiler builds, on a real node.

``OPENSEARCH_HIGHLIGHTER`` picks one of the two; the first exists only on the nodes the project
starts itself (ops/services.sh, ops/cluster.sh). Both are asked for the same fields of the same
hits here and must answer with the same strings: marks, HTML escaping (``<script>`` stays
text), trimming, and the opening of the text when nothing matched (``no_match_size``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import override_settings

from articles.search.compiler import compile_search, highlight_spec
from articles.search.hits import parse_hits
from articles.search.request import SearchRequest

from .scratch_index import scratch_index
from .test_query_engine import DOCS, doc

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
EXPANSIONS = {
    # «في» is a stop word: the stemmed field's phrase has a gap, which the stock highlighter
    # allows to close up (its span query takes the gap as slop).
    "داعش": ("الدولة الإسلامية", "تنظيم الدولة", "ISIS", "الدولة الإسلامية في العراق والشام"),
    "الحوثيين": ("أنصار الله", "الحوثي"),
    "اعتداء": ("الهجوم على السفارة",),
}
QUERIES = [
    "",  # browsing: nothing to mark, the opening of each body
    "داعش",
    "الحوثيين",
    "الإرهاب",
    "«تنظيم الدولة»",
    '"الدولة الإسلامية"',
    "ارهاب*",
    "داعش OR القاعدة",
    "الإرهاب -سوريا",
    "(هجوم OR تفجير) بغداد",
    "داعش في",
    "script",
    "الرباط التحالف",
    "مكافحة الإرهاب",
    '"مجلس الأمن"',
    "«التحالف الدولي»",
    "التحالف الدولي ضد داعش",
    "داعش NOT العراق",
    "الرباط*",
    "اعتداء",
]


GAPS = [
    doc(50, "بيان الدولة الإسلامية في العراق والشام", "نشرت الدولة الإسلامية العراق والشام "
        "بيانا، ثم الدولة الإسلامية في في العراق والشام، والدولة الإسلامية في العراق الشام.",
        "2015-08-02"),
    doc(51, "الهجوم على السفارة", "بعد الهجوم على السفارة قيل الهجوم السفارة، ثم الهجوم على مبنى "
        "السفارة، ثم السفارة على الهجوم.", "2015-08-03"),
]  # fmt: skip


def _docs() -> list[dict]:
    """The engine tests' short articles, phrases with and without their gaps, and, when the seeds
    are at hand, five long real ones."""
    docs = list(DOCS) + GAPS
    if SEEDS.is_dir():
        for n, path in enumerate(sorted(SEEDS.glob("*.txt")), start=100):
            title, _, body = path.read_text(encoding="utf-8").strip().partition("\n")
            docs.append(doc(n, title, body.strip(), "2015-08-01", source="seed"))
    return docs


@pytest.fixture(scope="module")
def engine():
    with scratch_index("whole_highlighter", _docs()) as (client, name):
        yield client, name


def _highlights(engine, body: dict) -> dict:
    client, name = engine
    answer = client.search(index=name, body=body)
    return {hit["_id"]: hit.get("highlight") for hit in answer["hits"]["hits"]}


def _both(engine, make_body) -> tuple[dict, dict]:
    with override_settings(OPENSEARCH_HIGHLIGHTER="unified"):
        stock = _highlights(engine, make_body())
    with override_settings(OPENSEARCH_HIGHLIGHTER="ctsearch_whole"):
        whole = _highlights(engine, make_body())
    return stock, whole


@pytest.mark.parametrize("q", QUERIES)
def test_search_marks_are_the_stock_highlighters(engine, q):
    request = SearchRequest(q=q, expansions=EXPANSIONS, page_size=50)
    stock, whole = _both(engine, lambda: compile_search(request, aggs=False))
    assert whole == stock
    if q and q != "script" and whole:  # some queries match only the seeds, when they are here
        fragments = [f for h in whole.values() if h for fs in h.values() for f in fs]
        assert any("<mark>" in f for f in fragments)


def test_stored_query_marks_are_the_stock_highlighters(engine):
    """Without a request (an alert's or the article page's marks) all four fields are marked."""
    query = compile_search(SearchRequest(q="داعش هجوم", expansions=EXPANSIONS))["query"]

    def body() -> dict:
        return {"query": query, "size": 50, "highlight": highlight_spec()}

    stock, whole = _both(engine, body)
    assert whole == stock
    assert any(h and "body.exact" in h for h in whole.values())


def test_article_text_stays_text(engine):
    with override_settings(OPENSEARCH_HIGHLIGHTER="ctsearch_whole"):
        body = compile_search(SearchRequest(q="داعش", expansions=EXPANSIONS), aggs=False)
        client, name = engine
        hits = {h["id"]: h for h in parse_hits(client.search(index=name, body=body))}
    marked = hits[5]["highlights"]["body"][0]
    assert "<script>" not in marked
    assert "&lt;script&gt;" in marked
    assert "<mark>داعش</mark>" in marked


def test_the_project_node_has_the_highlighter(engine):
    """ops/services.sh starts nodes with ops/opensearch's plugin (and restarts an older node)."""
    client, _ = engine
    plugins = {p["component"] for p in client.cat.plugins(format="json")}
    assert "ctsearch.opensearch.CtsearchPlugin" in plugins


def test_alias_phrases_are_marked_where_they_match(engine):
    """The exact phrases are matched by ops/opensearch's own code (ExactPhrases): each of their
    words is marked where the whole phrase is, and nowhere else."""
    with override_settings(OPENSEARCH_HIGHLIGHTER="ctsearch_whole"):
        body = compile_search(SearchRequest(q="داعش", expansions=EXPANSIONS), aggs=False)
        client, name = engine
        hits = {h["id"]: h for h in parse_hits(client.search(index=name, body=body))}
    assert (
        "<mark>تنظيم</mark> <mark>الدولة</mark> <mark>الإسلامية</mark>"
        in (hits[1]["highlights"]["body"][0])
    )
    assert "<mark>الدولة</mark> <mark>الإسلامية</mark>" in hits[12]["highlights"]["body"][0]


@pytest.mark.parametrize(
    "query",
    [
        {"prefix": {"title.exact": "بغد"}},
        {"match_phrase": {"title.exact": "في بغداد"}},
        {"bool": {"should": [{"match": {"title": "داعش"}}, {"prefix": {"title.exact": "الدول"}}]}},
    ],
)
def test_marks_from_other_fields_are_the_stock_highlighters(engine, query):
    """``require_field_match: false`` (OpenSearch's default, not ctsearch's): a title's prefix
    or phrase marks the body's words too."""

    def body() -> dict:
        from django.conf import settings

        whole = {"type": settings.OPENSEARCH_HIGHLIGHTER, "number_of_fragments": 0}
        fields = {"body": dict(whole), "body.exact": dict(whole)}
        return {
            "query": query,
            "size": 50,
            "highlight": {"require_field_match": False, "fields": fields},
        }

    stock, whole = _both(engine, body)
    assert whole == stock
    assert whole  # the title matched
    if "prefix" in query:  # expanded to the body's own words
        assert any(h and "body" in h for h in whole.values())
