"""What the query language exposes beyond the tree: the words a query seeks, for marking."""

from __future__ import annotations

import pytest

from articles.search.errors import ErrorCode, QuerySyntaxError, QueryTooComplex
from articles.search.language import parse, query_words


@pytest.mark.parametrize(
    ("q", "words"),
    [
        ("", ()),
        ("!!! ؟", ()),
        ("داعش", ("داعش",)),
        ("داعش الموصل داعش", ("داعش", "الموصل")),
        ("«تنظيم الدولة» هجوم", ("تنظيم الدولة", "هجوم")),
        ("داعش هجوم OR تفجير", ("داعش", "هجوم", "تفجير")),
        ("ارهاب*", ("ارهاب",)),
        ("الموصل -داعش", ("الموصل",)),
        ("الموصل NOT داعش", ("الموصل",)),
        ('الموصل -"تنظيم الدولة"', ("الموصل",)),
        ("-(a OR b) c", ("c",)),
        ("a OR -b", ("a",)),
        ("NOT NOT داعش", ("داعش",)),
        ("قتل أو جرح", ("قتل", "أو", "جرح")),
        ("title:x AND y", ("title:x", "y")),
        ("دا\u200fعش", ("داعش",)),
    ],
)
def test_query_words(q, words):
    assert query_words(q) == words


def test_query_words_refuses_what_the_search_refuses():
    with pytest.raises(QuerySyntaxError) as exc:
        query_words("a*")
    assert exc.value.code == ErrorCode.SHORT_PREFIX


@pytest.mark.parametrize(
    ("q", "code"),
    [
        ("ar*hab", ErrorCode.MISPLACED_STAR),
        ("ا" * 501, ErrorCode.QUERY_TOO_LONG),
        (" ".join(["كلمة"] * 33), ErrorCode.TOO_MANY_TERMS),
        ("(" * 9 + "a" + ")" * 9, ErrorCode.TOO_DEEP),
        ('"' + " ".join(["كلمة"] * 13) + '"', ErrorCode.PHRASE_TOO_LONG),
    ],
)
def test_query_errors_carry_codes(q, code):
    with pytest.raises(QuerySyntaxError) as exc:
        parse(q)
    assert exc.value.code == code
    if code != ErrorCode.MISPLACED_STAR:
        assert isinstance(exc.value, QueryTooComplex)
