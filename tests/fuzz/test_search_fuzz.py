"""The query language and the search parameters, fuzzed with Hypothesis: whatever a user or a
script sends, the answer is a result or a clear 400, never a 5xx and never an exception out of
the pure layer. The pure path runs 10,000 examples; the HTTP paths run against the real engine
with fewer (CTSEARCH_FUZZ=long runs them at 10,000 too)."""

from __future__ import annotations

import json
import os
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.search.compiler import compile_search
from articles.search.errors import ParamError, SearchRequestError
from articles.search.request import PARAMS, from_params, to_params, validate

LONG = os.environ.get("CTSEARCH_FUZZ") == "long"
PURE_EXAMPLES = 10_000
HTTP_EXAMPLES = 10_000 if LONG else 150

# What researchers type, and what attackers add: Arabic letters and marks, operators, quotes
# of every kind, brackets, wildcards, controls, bidi marks, emoji and Lucene syntax.
PIECES = [
    "داعش",
    "تنظيم",
    "الدولة",
    "«",
    "»",
    "“",
    "”",
    '"',
    "(",
    ")",
    "|",
    "-",
    "*",
    "OR",
    "AND",
    "NOT",
    "or",
    " ",
    "  ",
    "\t",
    "\n",
    "ـ",
    "ً",
    "\u200f",
    "\u202e",
    "\x00",
    "\x1b",
    "😀",
    "{",
    "}",
    "[",
    "]",
    "^",
    "~",
    ":",
    "\\",
    "/",
    "?",
    "!",
    "٢٠١٥",
    "2015",
    "ISIS",
    "u.s.",
    "<b>",
    "&amp;",
    "%",
    "'",
    ";",
    "ال",
    "بال",
    "و",
]
query_text = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=60).map("".join),
    st.text(max_size=600),
)
param_value = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["", "0", "1", "true", "relevance", "newest", "oldest", "9999-12-31"]),
)
params = st.dictionaries(
    st.sampled_from([*PARAMS, "lang", "page"]),
    st.lists(param_value, min_size=1, max_size=3),
    max_size=8,
)


def _query_string(q: str, extra: dict[str, list[str]]) -> str:
    pairs = [("q", q)] + [(name, value) for name, values in extra.items() for value in values]
    return urlencode(pairs)


@settings(max_examples=PURE_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(q=query_text, extra=params)
def test_any_request_compiles_or_is_refused_with_a_reason(q, extra):
    try:
        request = from_params(_query_string(q, extra))
        validate(request)
        body = compile_search(request)  # the query text is parsed here
    except (ParamError, SearchRequestError) as problem:
        assert str(problem)
        return
    json.dumps(body)  # what goes to the engine is plain JSON
    assert from_params(to_params(request)) == request


@pytest.fixture(scope="module")
def fuzz_client(django_db_setup, django_db_blocker):
    from django.contrib.auth import get_user_model
    from django.test import Client

    from articles.search.client import get_client
    from articles.search.indexer import drain, ensure_index
    from tests.conftest import delete_test_indices
    from tests.factories import make_article, make_source

    with django_db_blocker.unblock():
        get_client.cache_clear()
        delete_test_indices(get_client())
        ensure_index()
        source = make_source(slug="fuzz-source", name="مصدر")
        make_article(
            source=source, title="بيان تنظيم داعش", body="أعلن تنظيم الدولة مسؤوليته عن الهجوم."
        )
        make_article(
            source=source, title="مجلس الأمن", body="اجتماع مجلس الأمن في نيويورك حول الإرهاب."
        )
        from articles.actions import record_index_changes
        from articles.models import Article

        record_index_changes(Article.objects.values_list("pk", flat=True))
        drain(refresh=True)
        user, _ = get_user_model().objects.get_or_create(username="fuzzer")
        client = Client()
        client.force_login(user)
        yield client
        Article.objects.filter(source=source).delete()
        source.delete()
        user.delete()
        delete_test_indices(get_client())


@pytest.mark.parametrize("path", ["/api/v1/search", "/en/", "/export.csv"])
def test_the_api_page_and_export_never_answer_5xx(fuzz_client, path):
    @settings(max_examples=HTTP_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    @given(q=query_text, extra=params)
    def check(q, extra):
        response = fuzz_client.get(f"{path}?{_query_string(q, extra)}")
        assert response.status_code < 500, (response.status_code, q, extra)
        if path.startswith("/api/"):
            assert response["Content-Type"].startswith("application/json")

    check()
