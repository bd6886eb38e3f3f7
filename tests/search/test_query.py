"""The query language and its compiler, no engine: AST, DSL shapes, limits, hostile input."""

from __future__ import annotations

import json
import random
from datetime import date

import pytest

from articles.search.compiler import compile_query, compile_search, compile_text, highlight_spec
from articles.search.errors import (
    PageOutOfRange,
    QuerySyntaxError,
    QueryTooComplex,
    SearchRequestError,
)
from articles.search.hits import parse_hits
from articles.search.language import And, Not, Or, Phrase, Prefix, Word, parse, prefix_terms
from articles.search.request import SearchRequest
from articles.search.rules import MAX_RESULT_WINDOW

W = Word


def dumps(body: dict) -> str:
    return json.dumps(body, ensure_ascii=False)


# ------------------------------------------------------------------------------------------------
# Parser
# ------------------------------------------------------------------------------------------------

PARSES = [
    ("", None),
    ("   ", None),
    ("داعش", W("داعش")),
    ("داعش الموصل", And((W("داعش"), W("الموصل")))),
    # proclitics and Latin stay as typed: the analyzers deal with them
    ("والإرهاب بالموصل ISIS", And((W("والإرهاب"), W("بالموصل"), W("ISIS")))),
    ("al-Qaeda", W("al-Qaeda")),
    ('"تنظيم الدولة"', Phrase(("تنظيم", "الدولة"))),
    ("«تنظيم الدولة»", Phrase(("تنظيم", "الدولة"))),
    ("“تنظيم الدولة”", Phrase(("تنظيم", "الدولة"))),
    ("”تنظيم الدولة“", Phrase(("تنظيم", "الدولة"))),
    ('"تنظيم الدولة', Phrase(("تنظيم", "الدولة"))),  # unclosed: closes at the end
    ('""', None),
    ("داعش OR القاعدة", Or((W("داعش"), W("القاعدة")))),
    ("داعش | القاعدة", Or((W("داعش"), W("القاعدة")))),
    ("داعش||القاعدة", Or((W("داعش"), W("القاعدة")))),
    ("a OR b OR c", Or((W("a"), W("b"), W("c")))),
    # OR binds tighter than the implicit AND
    ("داعش هجوم OR تفجير", And((W("داعش"), Or((W("هجوم"), W("تفجير")))))),
    # «أو» and lowercase "or" are words
    ("قتل أو جرح", And((W("قتل"), W("أو"), W("جرح")))),
    ("a or b", And((W("a"), W("or"), W("b")))),
    ("a AND b", And((W("a"), W("b")))),
    ("-داعش", Not(W("داعش"))),
    ("الموصل -داعش", And((W("الموصل"), Not(W("داعش"))))),
    ('الموصل -"تنظيم الدولة"', And((W("الموصل"), Not(Phrase(("تنظيم", "الدولة")))))),
    ("الموصل NOT داعش", And((W("الموصل"), Not(W("داعش"))))),
    ("--داعش", W("داعش")),
    ("NOT NOT داعش", W("داعش")),
    ("-(a OR b) c", And((Not(Or((W("a"), W("b")))), W("c")))),
    ("(a OR b) (c OR d)", And((Or((W("a"), W("b"))), Or((W("c"), W("d")))))),
    ("a (b (c d))", And((W("a"), W("b"), W("c"), W("d")))),
    ("ارهاب*", Prefix("ارهاب")),
    ("ارهاب**", Prefix("ارهاب")),
    ("-ارهاب*", Not(Prefix("ارهاب"))),
    # recovery
    ("(a OR b", Or((W("a"), W("b")))),
    ("a b)", And((W("a"), W("b")))),
    (")(", None),
    ("()", None),
    ("a OR", W("a")),
    ("OR a", W("a")),
    ("a OR OR b", Or((W("a"), W("b")))),
    ("a NOT", W("a")),
    ("NOT", None),
    ("-", None),
    ("a - b", And((W("a"), W("b")))),
    ("a (NOT) b", And((W("a"), W("b")))),
    # punctuation-only words are dropped; Lucene syntax is just text
    ("داعش !!! ؟", W("داعش")),
    ("title:x AND y~2 ^3", And((W("title:x"), W("y~2"), W("^3")))),
    ("[a TO b]", And((W("[a"), W("TO"), W("b]")))),
    ("\\\\", None),
    ("🙂 داعش", W("داعش")),
    # invisible characters removed, control characters split words
    ("دا\u200fعش", W("داعش")),
    ("\u202bداعش\u202c", W("داعش")),
    ("داعش\x00الموصل", And((W("داعش"), W("الموصل")))),
]


@pytest.mark.parametrize(("q", "expected"), PARSES)
def test_parse(q, expected):
    assert parse(q) == expected


@pytest.mark.parametrize(
    "q",
    ["*", "**", "a*", "ا*", "*ارهاب", "ار*هاب", "-*", '"x" *', "ـ*"],
)
def test_bad_wildcards_raise_a_clear_error(q):
    with pytest.raises(QuerySyntaxError) as exc:
        parse(q)
    assert "*" in exc.value.message
    assert "*" in exc.value.message_ar


def test_prefix_counts_normalised_letters():
    # diacritics do not count as letters; tatweel neither
    with pytest.raises(QuerySyntaxError):
        parse("اَ*")
    assert parse("إر*") == Prefix("إر")


def test_limits():
    with pytest.raises(QueryTooComplex) as exc:
        parse("ا" * 501)
    assert "500" in exc.value.message and exc.value.message_ar
    with pytest.raises(QueryTooComplex):
        parse("x" * 10_000)
    parse(" ".join(["كلمة"] * 32))
    with pytest.raises(QueryTooComplex) as exc:
        parse(" ".join(["كلمة"] * 33))
    assert "32" in exc.value.message
    parse("(" * 8 + "a" + ")" * 8)
    with pytest.raises(QueryTooComplex) as exc:
        parse("(" * 9 + "a" + ")" * 9)
    assert "8" in exc.value.message
    parse('"' + " ".join(["كلمة"] * 12) + '"')
    with pytest.raises(QueryTooComplex):
        parse('"' + " ".join(["كلمة"] * 13) + '"')
    # phrase words count towards the term limit
    with pytest.raises(QueryTooComplex):
        parse(" ".join(['"a b c d e f g h i j"'] * 4))


def test_errors_are_one_family():
    assert issubclass(QueryTooComplex, QuerySyntaxError)
    assert issubclass(QuerySyntaxError, SearchRequestError)
    assert issubclass(PageOutOfRange, SearchRequestError)
    err = QuerySyntaxError("m", "ر")
    assert err.as_dict() == {"error": "QuerySyntaxError", "message": "m", "message_ar": "ر"}


# ------------------------------------------------------------------------------------------------
# Compiled query shapes
# ------------------------------------------------------------------------------------------------


def q(text: str, **kw) -> dict:
    return compile_query(SearchRequest(q=text, **kw))


def test_empty_query_is_match_all():
    assert q("") == {"match_all": {}}
    assert q("!!!") == {"match_all": {}}


def test_word_scores_stemmed_and_exact_fields():
    mm = q("داعش")["multi_match"]
    assert mm["query"] == "داعش"
    assert mm["type"] == "best_fields"
    assert mm["operator"] == "and"
    assert set(mm["fields"]) == {"title^3", "title.exact^4", "body", "body.exact^1.5", "byline"}


def test_exact_only_searches_only_exact_fields():
    body = q("داعش OR الإرهاب هجوم* «تنظيم الدولة»", exact_only=True)
    fields = [f for mm in _find(body, "multi_match") for f in mm["fields"]]
    fields += [f for p in _find(body, "prefix") for f in p]
    assert fields and all(f.split("^")[0].endswith(".exact") for f in fields)


def _find(node, key):
    """All values under ``key`` anywhere in a DSL tree."""
    found = []
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key:
                found.append(v)
            found.extend(_find(v, key))
    elif isinstance(node, list):
        for v in node:
            found.extend(_find(v, key))
    return found


def test_and_or_not_shapes():
    body = q("داعش هجوم OR تفجير -سوريا")
    bool_ = body["bool"]
    assert len(bool_["must"]) == 2
    assert bool_["must"][1]["bool"]["minimum_should_match"] == 1
    assert len(bool_["must"][1]["bool"]["should"]) == 2
    assert bool_["must_not"][0]["multi_match"]["query"] == "سوريا"


def test_pure_negative_is_everything_but():
    body = q("-داعش")
    assert body["bool"]["must"] == [{"match_all": {}}]
    assert body["bool"]["must_not"][0]["multi_match"]["query"] == "داعش"
    body = q("-داعش -القاعدة")
    assert body["bool"]["must"] == [{"match_all": {}}]
    assert len(body["bool"]["must_not"]) == 2


def test_negation_inside_or():
    body = q("a OR -b")
    should = body["bool"]["should"]
    assert should[1]["bool"]["must"] == [{"match_all": {}}]
    assert should[1]["bool"]["must_not"][0]["multi_match"]["query"] == "b"


def test_phrase_is_exact_phrase():
    mm = q("«تنظيم الدولة»")["multi_match"]
    assert mm["type"] == "phrase"
    assert mm["query"] == "تنظيم الدولة"
    assert all(f.split("^")[0].endswith(".exact") for f in mm["fields"])


def test_prefix_is_normalised_and_matches_with_article():
    assert prefix_terms("إرهاب") == ["ارهاب", "الارهاب"]
    assert prefix_terms("والإرها") == ["الارها"]
    assert prefix_terms("ISIS") == ["isis"]
    prefixes = _find(q("إرهاب*"), "prefix")
    assert {next(iter(p)) for p in prefixes} == {"title.exact", "body.exact", "byline.exact"}
    assert {v["value"] for p in prefixes for v in p.values()} == {"ارهاب", "الارهاب"}


def test_prefix_with_punctuation_requires_the_leading_part():
    body = q("al-qa*")
    assert body["bool"]["must"][0]["multi_match"] == {
        "query": "al",
        "fields": ["title.exact^4", "body.exact^1.5", "byline.exact"],
        "type": "phrase",
    }
    assert {v["value"] for p in _find(body, "prefix") for v in p.values()} == {"qa"}


def test_stop_words_score_but_do_not_restrict():
    body = q("هجوم في بغداد")
    must = [m["multi_match"]["query"] for m in body["bool"]["must"]]
    stop, proximity = body["bool"]["should"]
    assert must == ["هجوم", "بغداد"]
    assert stop["bool"]["must"][0]["multi_match"]["query"] == "في"
    assert stop["bool"]["boost"] < 1
    assert proximity["multi_match"]["query"] == "هجوم بغداد"
    # alone they must match; excluded they are excluded; exact_only requires them
    assert q("في")["multi_match"]["query"] == "في"
    assert q("هجوم -في")["bool"]["must_not"]
    assert len(q("هجوم في", exact_only=True)["bool"]["must"]) == 2
    # «أو» is a word (a stop word), not an operator
    assert "should" in q("قتل أو جرح")["bool"]


def test_expansions_or_in_alias_phrases():
    req = dict(expansions={"داعش": ("الدولة الإسلامية", "تنظيم الدولة")})
    body = q("وداعش", **req)  # proclitic stripped to find the key
    should = body["bool"]["should"]
    assert body["bool"]["minimum_should_match"] == 1
    assert should[0]["multi_match"]["query"] == "وداعش"
    assert [s["multi_match"]["query"] for s in should[1:]] == ["الدولة الإسلامية", "تنظيم الدولة"]
    assert all(s["multi_match"]["type"] == "phrase" for s in should[1:])
    # keys are normalised too; unrelated words untouched
    assert "should" in q("داعش", expansions={"داعش": ("ISIS",)})["bool"]
    assert "multi_match" in q("القاعدة", **req)
    # negated expansions exclude the aliases as well
    assert len(_find(q("-داعش", **req)["bool"]["must_not"], "multi_match")) == 3


def test_expansions_skip_aliases_the_word_or_a_shorter_alias_already_matches():
    aliases = (
        "تنظيم الدولة",
        "تنظيم الدولة الإسلامية",  # contains «تنظيم الدولة»: no document more
        "الدولة الإسلامية في العراق والشام (داعش)",  # contains the word itself
        "تنظيم داعش",
        "ISIS",
    )
    should = q("داعش", expansions={"داعش": aliases})["bool"]["should"]
    assert [s["multi_match"]["query"] for s in should[1:]] == ["تنظيم الدولة", "ISIS"]


def test_date_range_inclusive_to_end_of_day():
    body = q("", date_from=date(2024, 1, 1), date_to=date(2024, 1, 31))
    assert body["bool"]["filter"] == [
        {"range": {"sort_date": {"format": "strict_date", "gte": "2024-01-01", "lt": "2024-02-01"}}}
    ]
    only_to = q("x", date_to=date(2024, 2, 29))["bool"]["filter"][0]["range"]["sort_date"]
    assert only_to == {"format": "strict_date", "lt": "2024-03-01"}
    with pytest.raises(SearchRequestError):
        q("", date_from=date(2024, 2, 1), date_to=date(2024, 1, 1))


def test_compile_query_includes_facet_filters_for_the_percolator():
    body = q("داعش", filters={"actor": ["isis", "aq"], "source": ["x"], "nope": ["y"]})
    assert body["bool"]["filter"] == [
        {"terms": {"actors": ["isis", "aq"]}},
        {"terms": {"source": ["x"]}},
    ]


def test_compile_search_shape():
    req = SearchRequest(
        q="داعش",
        filters={"actor": ("isis",)},
        date_from=date(2024, 1, 1),
        date_to=date(2024, 3, 1),
        page=3,
        page_size=10,
    )
    body = compile_search(req)
    assert body["from"] == 20 and body["size"] == 10
    assert body["track_total_hits"] is True
    # facets are in post_filter, not in the query (disjunctive counts)
    assert "actors" not in dumps(body["query"])
    assert body["post_filter"] == {"bool": {"filter": [{"terms": {"actors": ["isis"]}}]}}
    assert set(body["aggs"]) >= {"facet_actor", "facet_source", "date"}
    assert body["sort"][0] == {"_score": "desc"}
    hl = body["highlight"]
    assert hl["encoder"] == "html"
    assert hl["pre_tags"] == ["<mark>"] and hl["post_tags"] == ["</mark>"]
    # a plain word marks through the stemmed fields alone (test_exact_fields_highlighted_…)
    assert set(hl["fields"]) == {"title", "body"}
    # whole texts: the passages are cut by articles.search.snippets
    assert {f["number_of_fragments"] for f in hl["fields"].values()} == {0}
    assert "matched_fields" not in dumps(hl)
    # query-only compile is the same text + date clause, plus the facet filters
    assert compile_query(req)["bool"]["must"] == body["query"]["bool"]["must"]
    assert compile_search(SearchRequest(q="x"), aggs=False, highlight=False).keys() == {
        "query",
        "sort",
        "from",
        "size",
        "track_total_hits",
        "_source",
    }


@pytest.mark.parametrize(
    ("q_", "sort", "first"),
    [
        ("داعش", None, {"_score": "desc"}),
        ("", None, {"sort_date": {"order": "desc", "missing": "_last"}}),
        ("!!", None, {"sort_date": {"order": "desc", "missing": "_last"}}),
        ("داعش", "newest", {"sort_date": {"order": "desc", "missing": "_last"}}),
        ("داعش", "oldest", {"sort_date": {"order": "asc", "missing": "_last"}}),
        ("", "relevance", {"_score": "desc"}),
    ],
)
def test_sort(q_, sort, first):
    body = compile_search(SearchRequest(q=q_, sort=sort))
    assert body["sort"][0] == first
    assert body["sort"][-1] in ({"id": "desc"}, {"id": "asc"})


def test_unknown_sort_is_an_error():
    with pytest.raises(SearchRequestError):
        compile_search(SearchRequest(sort="random"))


def test_pagination_limits():
    body = compile_search(SearchRequest(page=500, page_size=20))
    assert body["from"] + body["size"] == MAX_RESULT_WINDOW
    with pytest.raises(PageOutOfRange) as exc:
        compile_search(SearchRequest(page=501, page_size=20))
    assert "10,000" in exc.value.message and "500" in exc.value.message_ar
    for bad in (dict(page=0), dict(page_size=0), dict(page_size=101), dict(page=-3)):
        with pytest.raises(PageOutOfRange):
            compile_search(SearchRequest(**bad))
    with pytest.raises(PageOutOfRange):
        compile_query(SearchRequest(page=10_001))


def test_too_many_filter_values():
    with pytest.raises(QueryTooComplex):
        compile_search(SearchRequest(filters={"actor": tuple(str(i) for i in range(51))}))
    compile_search(SearchRequest(filters={"unknown": tuple(str(i) for i in range(500))}))


def test_request_is_immutable_and_accepts_lists():
    req = SearchRequest(filters={"actor": ["a", "b"], "source": "x"})
    assert req.filters["actor"] == ("a", "b")
    assert req.filters["source"] == ("x",)
    with pytest.raises(TypeError):
        req.filters["actor"] = ("c",)  # type: ignore[index]


# ------------------------------------------------------------------------------------------------
# Hostile input
# ------------------------------------------------------------------------------------------------

#: Also used by the engine test.
HOSTILE = [
    '{"script": {"source": "Math.random()"}}',
    '{"query": {"match_all": {}}}',
    "title:x AND y~2 ^3 [a TO b]",
    "body:/.*/ OR _exists_:title",
    "\\",
    '\\\\ \\" \\*',
    "a\\",
    "x" * 10_000,
    "\x00\x01\x1b[31m داعش \x7f",
    "\u200f\u200e\u202b\u202e داعش \u2066\u2069",
    "🙂🔥💣 داعش 🇸🇾",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "$(rm -rf /)",
    "*:*",
    "?",
    "a?b~",
    "~~~ ^^^ !!!",
    '"" "" ""',
    "«»«»",
    "(((((((((",
    ")))))))))",
    "NOT NOT NOT",
    "OR OR OR",
    "| || |||",
    "- -- ---",
    "ﷲ ﻻ ﺍﻟﺪﻭﻟﺔ",
    "داعش\ttab\nnewline\r\n",
    "\ud800",
    "@#$%^&",
    "٢٠١٤م هجوم",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_is_text_or_a_clear_error(text):
    try:
        body = compile_search(SearchRequest(q=text))
    except QuerySyntaxError as exc:
        assert exc.message and exc.message_ar
        return
    dumped = dumps(body)
    assert "query_string" not in dumped
    # the user text only ever appears as a "query"/"value" string, never as DSL keys
    for key in _keys(body["query"]):
        assert key in _DSL_KEYS, key


_DSL_KEYS = {
    "bool", "must", "must_not", "should", "filter", "minimum_should_match", "match_all",
    "multi_match", "query", "fields", "type", "tie_breaker", "operator", "boost", "prefix", "slop",
    "value", "title.exact", "body.exact", "byline.exact", "range", "sort_date", "format", "gte",
    "lt", "terms", "actors", "venues", "topics", "source", "language",
}  # fmt: skip


def _keys(node):
    if isinstance(node, dict):
        for k, v in node.items():
            yield k
            yield from _keys(v)
    elif isinstance(node, list):
        for v in node:
            yield from _keys(v)


def test_fuzz_compile_never_fails_unexpectedly():
    alphabet = [*'"«»“”()|-*~^:\\{}[] ', "OR", "NOT", "AND", " OR ", " NOT ", "أو"]
    alphabet += [*"ابتثجحخدذرسشصضطظعغفقكلمنهويءآأإىة", "ال", "و", "\u064e", "\u200f", "x"]
    rng = random.Random(20240601)
    for _ in range(600):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        try:
            body = compile_search(SearchRequest(q=text))
        except (QuerySyntaxError, QueryTooComplex):
            continue
        dumped = dumps(body)
        assert "query_string" not in dumped
        assert set(_keys(body["query"])) <= _DSL_KEYS, text


# ------------------------------------------------------------------------------------------------
# Hits and highlights
# ------------------------------------------------------------------------------------------------


def test_parse_hits():
    response = {
        "hits": {
            "total": {"value": 2, "relation": "eq"},
            "hits": [
                {
                    "_id": "7",
                    "_score": 2.5,
                    "_source": {"id": 7, "title": "هجوم <b>داعش</b>", "source": "a"},
                    "highlight": {
                        "title": ["هجوم &lt;b&gt;<mark>داعش</mark>&lt;&#x2F;b&gt;"],
                        "body": ["&lt;script&gt; <mark>داعش</mark>"],
                        "body.exact": ["&lt;script&gt; <mark>داعش</mark>"],
                    },
                },
                {"_id": "8", "_score": None, "_source": {"id": 8, "title": "A & <B>"}},
            ],
        }
    }
    first, second = parse_hits(response)
    assert first["id"] == 7 and first["score"] == 2.5 and first["source"] == "a"
    assert first["highlights"] == {
        "title": "هجوم &lt;b&gt;<mark>داعش</mark>&lt;/b&gt;",
        "body": ["&lt;script&gt; <mark>داعش</mark>"],
    }
    assert second["highlights"] == {"title": "A &amp; &lt;B&gt;", "body": []}


@pytest.mark.parametrize(
    ("request_", "exact", "marks_query"),
    [
        (SearchRequest(q="داعش"), False, False),
        # two plain words: the highlighter is spared the proximity phrase (highlight_query)
        (SearchRequest(q="داعش الموصل -سوريا"), False, True),  # what is excluded is never marked
        (SearchRequest(q=""), False, False),
        (SearchRequest(q='"مجلس الأمن"'), True, False),
        (SearchRequest(q="إرهاب*"), True, False),
        (SearchRequest(q="الإرهاب في اليمن"), True, True),  # a stop word is in .exact only
        (SearchRequest(q="داعش", exact_only=True), True, False),
        # an alias is marked through the stemmed fields (highlight_query)
        (SearchRequest(q="داعش", expansions={"داعش": ("تنظيم الدولة",)}), False, True),
        (SearchRequest(q='داعش "مجلس الأمن"', expansions={"داعش": ("تنظيم الدولة",)}), True, False),
    ],
)
def test_exact_fields_highlighted_only_when_the_query_needs_them(request_, exact, marks_query):
    """Each highlighted field is another pass over the hits' text; the stemmed fields mark
    every plain word the exact ones would, and aliases through a query on the stemmed fields."""
    spec = highlight_spec(request_)
    fields = set(spec["fields"])
    assert fields >= {"title", "body"}
    assert ({"title.exact", "body.exact"} <= fields) is exact
    assert ("highlight_query" in spec) is marks_query
    if marks_query and not exact:
        assert ".exact" not in dumps(spec["highlight_query"])
    assert set(highlight_spec()["fields"]) == {"title", "title.exact", "body", "body.exact"}


@pytest.mark.parametrize(
    ("q", "words"),
    [
        ("هجوم بغداد", ["هجوم", "بغداد"]),
        ("داعش الموصل -سوريا", ["داعش", "الموصل", "تنظيم الدولة"]),
        ("(هجوم بغداد) OR اليمن", ["هجوم", "بغداد", "اليمن"]),  # nested in an OR
        ("الإرهاب في اليمن", ["الإرهاب", "في", "اليمن"]),
    ],
)
def test_the_highlighter_never_gets_the_proximity_phrase(q, words):
    """The proximity phrase marks no term its words' own clauses do not, and a phrase costs the
    highlighter a span query for every hit and field: the search keeps it, the marks do not."""
    request = SearchRequest(q=q, expansions={"داعش": ("تنظيم الدولة",)})
    assert '"slop"' in dumps(compile_text(request))
    marks = dumps(highlight_spec(request)["highlight_query"])
    assert '"slop"' not in marks
    for word in words:
        assert f'"query": "{word}"' in marks
