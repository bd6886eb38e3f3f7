"""The compiled queries against a real OpenSearch node, with the real mapping and analyzers.

Checks what the pure tests cannot: that the engine accepts every body we build, and that the
semantics (AND / OR / NOT / phrase / prefix, disjunctive facet counts, escaped highlights) hold
on Arabic text. One small index, created for this module and deleted afterwards.
"""

from __future__ import annotations

import random
from datetime import date

import pytest

pytest.importorskip(
    "articles.search.analysis", reason="the index analysis module is not available yet"
)

from articles.search.compiler import compile_query, compile_search, compile_text
from articles.search.errors import QuerySyntaxError
from articles.search.facets import parse_facets
from articles.search.hits import parse_hits, parse_total
from articles.search.request import SearchRequest

from .scratch_index import scratch_index
from .test_query import HOSTILE

# This checkout's engine (its port may be its own: README, a second checkout).


def doc(id_, title, body, day, *, actors=(), venues=(), topics=(), source="a", language="ar"):
    return {
        "id": id_,
        "title": title,
        "body": body,
        "byline": "",
        "source": source,
        "language": language,
        "published_at": f"{day}T09:00:00Z",
        "sort_date": f"{day}T09:00:00Z",
        "actors": list(actors),
        "venues": list(venues),
        "topics": list(topics),
    }


DOCS = [
    doc(1, "هجوم لتنظيم داعش في بغداد",
        "قال مسؤولون إن تنظيم الدولة الإسلامية نفذ الهجوم الإرهابي في بغداد.",
        "2024-01-05", actors=["isis"], venues=["baghdad"], topics=["attack"], source="a"),
    doc(2, "القاعدة تتبنى تفجيرا في اليمن", "أعلن التنظيم مسؤوليته عن التفجير في عدن.",
        "2024-01-10", actors=["aq"], venues=["aden"], topics=["bombing"], source="b"),
    doc(3, "الإرهابيون يفجرون سيارة مفخخة في الموصل", "انفجار سيارة مفخخة تبناه داعش.",
        "2023-06-01", actors=["isis"], venues=["mosul"], topics=["bombing"], source="a"),
    doc(4, "مؤتمر لمكافحة الإرهاب في الرياض", "ناقش المؤتمر سبل مكافحة التطرف العنيف.",
        "2022-11-20", venues=["riyadh"], topics=["cve"], source="c"),
    doc(5, "تقرير عن داعش", "<script>alert('x')</script> نص عن داعش وأساليب التجنيد.",
        "2024-02-01", actors=["isis"], topics=["report"], source="b"),
    doc(6, "تنظيم دولي لمكافحة المخدرات", "قال التنظيم الدولي إن التعاون مستمر.",
        "2021-05-05", topics=["drugs"], source="c"),
    doc(7, "لتنظيم الدولة خلايا نائمة في سوريا", "تقديرات أمنية عن الخلايا النائمة.",
        "2023-09-09", venues=["syria"], topics=["cells"], source="d"),
    doc(8, "ISIS claims attack in Raqqa", "The group claimed the attack on Friday.",
        "2024-01-20", actors=["isis"], venues=["raqqa"], topics=["attack"], source="d",
        language="en"),
    doc(9, "الحوثيون يهاجمون سفينة تجارية", "هاجمت جماعة الحوثي سفينة في البحر الأحمر.",
        "2024-01-15", actors=["houthis"], venues=["red-sea"], topics=["attack"], source="b"),
    doc(10, "داعش والقاعدة: تنافس على النفوذ", "تحليل للتنافس بين التنظيمين في الساحل.",
        "2023-12-12", actors=["isis", "aq"], topics=["analysis"], source="c"),
    doc(11, "عملية أمنية ضد خلية إرهابية في عمان", "أحبطت قوات الأمن مخططا لخلية.",
        "2022-03-03", venues=["amman"], topics=["arrest"], source="a"),
    doc(12, "الإرهاب في أفريقيا", "تتوسع الدولة الإسلامية في غرب أفريقيا.",
        "2020-07-07", topics=["analysis"], source="d"),
]  # fmt: skip


@pytest.fixture(scope="module")
def engine():
    with scratch_index("query", DOCS) as (client, name):
        yield client, name


def search(engine, **kw) -> dict:
    client, name = engine
    return client.search(index=name, body=compile_search(SearchRequest(**kw)))


def ids(engine, q: str = "", **kw) -> set[int]:
    return {hit["id"] for hit in parse_hits(search(engine, q=q, page_size=100, **kw))}


def test_and(engine):
    assert ids(engine, "داعش بغداد") == {1}
    assert ids(engine, "داعش AND بغداد") == {1}


def test_or(engine):
    assert ids(engine, "القاعدة OR الحوثيون") == {2, 9, 10}
    assert ids(engine, "القاعدة | الحوثيون") == {2, 9, 10}
    # OR binds tighter than AND
    assert ids(engine, "داعش بغداد OR الموصل") == {1, 3}


def test_not(engine):
    with_isis = ids(engine, "داعش")
    assert with_isis == {1, 3, 5, 10}
    assert ids(engine, "داعش -بغداد") == {3, 5, 10}
    assert ids(engine, "داعش NOT بغداد") == {3, 5, 10}
    assert ids(engine, "-داعش") == {d["id"] for d in DOCS} - with_isis
    assert ids(engine, "داعش -(بغداد OR الموصل)") == {5, 10}


def test_phrase(engine):
    # the proclitic form matches, the unrelated «تنظيم دولي / التنظيم الدولي» does not
    assert ids(engine, "«تنظيم الدولة»") == {1, 7}
    assert ids(engine, '"تنظيم الدولة"') == {1, 7}
    # unquoted تنظيم is stemmed: التنظيم, التنظيمين match too
    assert ids(engine, '-"تنظيم الدولة" تنظيم') == {2, 6, 10}


def test_prefix(engine):
    assert ids(engine, "إرهاب*") == {1, 3, 4, 11, 12}
    assert ids(engine, "الإرهاب*") == {1, 3, 4, 12}
    assert ids(engine, "isi*") == {8}


def test_exact_only(engine):
    stemmed = ids(engine, "الإرهاب")
    exact = ids(engine, "الإرهاب", exact_only=True)
    assert exact == {4, 12}
    assert exact < stemmed


def test_expansions(engine):
    assert ids(engine, "داعش", expansions={"داعش": ("الدولة الإسلامية",)}) == {1, 3, 5, 10, 12}


def test_stop_word_does_not_restrict(engine):
    assert ids(engine, "هجوم في بغداد") == ids(engine, "هجوم بغداد") == {1}


def test_dates_inclusive(engine):
    # doc 8 is at 09:00 on 2024-01-20: date_to includes the whole day
    assert ids(engine, date_from=date(2024, 1, 5), date_to=date(2024, 1, 20)) == {1, 2, 8, 9}
    assert ids(engine, date_from=date(2024, 1, 6), date_to=date(2024, 1, 19)) == {2, 9}


def test_disjunctive_facet_counts(engine):
    req = dict(filters={"actor": ("isis",), "source": ("a",), "nonsense": ("x",)})
    response = search(engine, **req)
    assert parse_total(response) == 2
    assert {h["id"] for h in parse_hits(response)} == {1, 3}
    facets = parse_facets(response["aggregations"], SearchRequest(**req))
    counts = {name: {v["key"]: v["count"] for v in values} for name, values in facets.items()
              if name != "date"}  # fmt: skip
    # actor: filtered by source=a only → docs 1, 3, 11
    assert counts["actor"] == {"isis": 2}
    # source: filtered by actor=isis only → docs 1a 3a 5b 8d 10c
    assert counts["source"] == {"a": 2, "b": 1, "c": 1, "d": 1}
    # the others: by both → docs 1, 3
    assert counts["topic"] == {"attack": 1, "bombing": 1}
    assert counts["venue"] == {"baghdad": 1, "mosul": 1}
    assert counts["language"] == {"ar": 2}
    selected = {v["key"] for v in facets["source"] if v["selected"]}
    assert selected == {"a"}

    # OR within a facet
    req = dict(filters={"actor": ("isis", "aq"), "source": ("a",)})
    response = search(engine, **req)
    assert {h["id"] for h in parse_hits(response)} == {1, 3}
    facets = parse_facets(response["aggregations"], SearchRequest(**req))
    assert {v["key"]: v["count"] for v in facets["source"]} == {"a": 2, "b": 2, "c": 1, "d": 1}
    # a selected key with no documents still shows, with 0
    req = dict(filters={"actor": ("nobody",)})
    facets = parse_facets(search(engine, **req)["aggregations"], SearchRequest(**req))
    assert {"key": "nobody", "label": "nobody", "count": 0, "selected": True} in facets["actor"]

    # compile_query (percolator form) selects the same documents as post_filter
    client, name = engine
    req = SearchRequest(q="داعش", filters={"source": ("a", "b")})
    body = {"query": compile_query(req), "size": 100}
    assert {int(h["_id"]) for h in client.search(index=name, body=body)["hits"]["hits"]} == {
        h["id"] for h in parse_hits(search(engine, q="داعش", filters={"source": ("a", "b")}))
    }


def test_date_histogram(engine):
    req = dict(date_from=date(2024, 1, 1), date_to=date(2024, 1, 31))
    response = search(engine, **req)
    date_facet = parse_facets(response["aggregations"], SearchRequest(**req))["date"]
    assert date_facet["interval"] == "day"
    assert len(date_facet["buckets"]) == 31
    nonzero = {b["start"]: b["count"] for b in date_facet["buckets"] if b["count"]}
    assert nonzero == {"2024-01-05": 1, "2024-01-10": 1, "2024-01-15": 1, "2024-01-20": 1}

    req = dict(date_from=date(2020, 1, 1), date_to=date(2024, 12, 31))
    date_facet = parse_facets(search(engine, **req)["aggregations"], SearchRequest(**req))["date"]
    assert date_facet["interval"] == "month"
    assert sum(b["count"] for b in date_facet["buckets"]) == len(DOCS)

    # open range: the engine picks; all documents are counted
    date_facet = parse_facets(search(engine)["aggregations"], SearchRequest())["date"]
    assert date_facet["interval"] in ("day", "week", "month", "year")
    assert sum(b["count"] for b in date_facet["buckets"]) == len(DOCS)


def test_highlight_escapes_article_html(engine):
    hits = {h["id"]: h for h in parse_hits(search(engine, q="داعش"))}
    body = " ".join(hits[5]["highlights"]["body"])
    assert "&lt;script&gt;" in body
    assert "<mark>داعش</mark>" in body
    assert body.replace("<mark>", "").replace("</mark>", "").count("<") == 0
    assert hits[5]["highlights"]["title"] == "تقرير عن <mark>داعش</mark>"
    assert "body" not in hits[5]  # the full text stays in the index


def test_highlight_marks_stemmed_and_exact_matches(engine):
    hits = {h["id"]: h for h in parse_hits(search(engine, q="إرهاب*"))}
    assert "<mark>الإرهابيون</mark>" in hits[3]["highlights"]["title"]
    hits = {h["id"]: h for h in parse_hits(search(engine, q="الحوثيون"))}
    assert "<mark>" in hits[9]["highlights"]["title"]


def test_aliases_are_marked_in_the_stemmed_fields_pass(engine):
    """An alias is an exact phrase in the search; its marks come from the stemmed fields' one
    pass (highlight_query), and an unrelated «الدولة» elsewhere stays unmarked."""
    expansions = {"داعش": ("الدولة الإسلامية",)}
    request = SearchRequest(q="داعش", expansions=expansions)
    assert set(compile_search(request)["highlight"]["fields"]) == {"title", "body"}
    hits = {h["id"]: h for h in parse_hits(search(engine, q="داعش", expansions=expansions))}
    assert set(hits) == {1, 3, 5, 10, 12}
    assert hits[1]["highlights"]["body"] == [
        "قال مسؤولون إن تنظيم <mark>الدولة</mark> <mark>الإسلامية</mark> نفذ الهجوم الإرهابي في"
        " بغداد."
    ]
    assert hits[1]["highlights"]["title"] == "هجوم لتنظيم <mark>داعش</mark> في بغداد"
    assert hits[12]["highlights"]["body"] == [
        "تتوسع <mark>الدولة</mark> <mark>الإسلامية</mark> في غرب أفريقيا."
    ]
    # the stemmed pass never marks the alias's words on their own
    assert "<mark>" not in (hits[12]["highlights"]["title"] or "")


@pytest.mark.parametrize(
    "q", ["هجوم بغداد", "داعش بغداد", "الإرهاب في بغداد", "(هجوم بغداد) OR الحوثيون"]
)
def test_marks_without_the_proximity_phrase_are_the_marks_with_it(engine, q):
    """The highlighter is not given the proximity phrase (it costs a span query per hit and
    field): every hit's marks are what the whole search query gives."""
    client, name = engine
    request = SearchRequest(q=q, page_size=100, expansions={"داعش": ("الدولة الإسلامية",)})
    body = compile_search(request)
    marks = body["highlight"]["highlight_query"]
    assert "slop" not in str(marks)
    lean = parse_hits(client.search(index=name, body=body))
    proximity = list(_clauses_with_slop(compile_text(request)))
    assert proximity
    body["highlight"]["highlight_query"] = {"bool": {"should": [marks, *proximity]}}
    full = parse_hits(client.search(index=name, body=body))
    assert any("<mark>" in str(h["highlights"]) for h in lean)
    assert [h["highlights"] for h in lean] == [h["highlights"] for h in full]


def _clauses_with_slop(clause):
    if isinstance(clause, dict):
        if "slop" in clause.get("multi_match", {}):
            yield clause
        for value in clause.values():
            yield from _clauses_with_slop(value)
    elif isinstance(clause, list):
        for item in clause:
            yield from _clauses_with_slop(item)


def test_long_bodies_give_passages_around_the_marks():
    filler = "نص عادي بلا كلمات البحث، " * 40
    body = f"{filler}هجوم لتنظيم داعش في المدينة. {filler}عاد داعش إلى الواجهة. {filler}"
    with scratch_index("query", [doc(1, "خبر", body, "2024-01-01")]) as (client, name):
        response = client.search(index=name, body=compile_search(SearchRequest(q="داعش")))
    (hit,) = parse_hits(response)
    fragments = hit["highlights"]["body"]
    assert len(fragments) == 2
    assert all("<mark>داعش</mark>" in f and len(f) < 200 for f in fragments)


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_never_reaches_the_engine_as_syntax(engine, text):
    try:
        response = search(engine, q=text)
    except QuerySyntaxError:
        return
    assert parse_total(response) >= 0
    for hit in parse_hits(response):
        for fragment in [hit["highlights"]["title"] or "", *hit["highlights"]["body"]]:
            assert fragment.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_fuzz_against_the_engine(engine):
    """Random operator soup: the engine accepts every body we build, or we refuse politely."""
    alphabet = [*'"«»()|-*~^:\\{}[] ', " OR ", " NOT ", "أو", "داعش", "ال", "و", "x", "تنظيم"]
    rng = random.Random(7)
    for _ in range(150):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        try:
            response = search(engine, q=text)
        except QuerySyntaxError:
            continue
        assert parse_total(response) >= 0, text


def test_huge_body_does_not_break_highlighting():
    """A body over index.highlight.max_analyzed_offset must not fail the search."""
    # > 1,000,000 characters in few tokens (indexing cost is per token)
    big = doc(1, "داعش", ("ب" * 200 + " ") * 5_000 + "داعش", "2024-01-01")
    with scratch_index("query", [big], timeout=60) as (client, name):
        response = client.search(index=name, body=compile_search(SearchRequest(q="داعش")))
    (hit,) = parse_hits(response)
    assert hit["highlights"]["title"] == "<mark>داعش</mark>"
    assert hit["highlights"]["body"]
