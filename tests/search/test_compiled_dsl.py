"""The compiled DSL, pinned byte for byte: a refactor of the compiler must not change a search.

``golden/compiled_dsl.json`` holds, per case, the body the compiler produced when the case was
added. The comparison is on the JSON text (key order included), so a reordered clause fails
too. After an *intended* change of the DSL, regenerate the file with::

    CTSEARCH_UPDATE_GOLDEN=1 pytest tests/search/test_compiled_dsl.py
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest
from django.test import override_settings

from articles.search.compiler import (
    compile_query,
    compile_search,
    compile_story_copies,
    compile_text,
    highlight_spec,
)
from articles.search.request import SearchRequest

GOLDEN = Path(__file__).parent / "golden" / "compiled_dsl.json"
EXPANSIONS = {"داعش": ("الدولة الإسلامية", "تنظيم الدولة", "ISIS")}


def _cases() -> dict[str, dict]:
    # The stock highlighter's name, whatever engine the tests run against: the file pins the
    # compiler, not the deployment (test_whole_text_highlighter compares the two highlighters).
    with override_settings(OPENSEARCH_HIGHLIGHTER="unified"):
        return _compiled()


def _compiled() -> dict[str, dict]:
    full = SearchRequest(
        q="داعش هجوم OR تفجير -سوريا «تنظيم الدولة» ارهاب* في",
        filters={"actor": ("isis", "aq"), "source": ("alarabiya",), "nope": ("x",)},
        date_from=date(2015, 8, 1),
        date_to=date(2015, 8, 31),
        sort=None,
        page=3,
        page_size=50,
        expansions=EXPANSIONS,
        collapse=True,
    )
    return {
        "browse": compile_search(SearchRequest()),
        "browse_collapsed": compile_search(SearchRequest(collapse=True)),
        "full": compile_search(full),
        "full_query": compile_query(full),
        "full_copies": compile_story_copies(full, [9, 3, 9, 5]),
        "exact_only": compile_search(
            SearchRequest(q="وداعش al-qa* «تنظيم الدولة»", exact_only=True, sort="oldest")
        ),
        "open_range_no_aggs": compile_search(
            SearchRequest(
                q="(a OR b) NOT c",
                filters={"language": ("ar",), "topic": ("bombing", "kidnap")},
                date_from=date(2014, 1, 1),
                sort="newest",
            ),
            aggs=False,
        ),
        "long_range_no_highlight": compile_search(
            SearchRequest(
                q="-داعش -القاعدة",
                date_from=date(2001, 1, 1),
                date_to=date(2020, 12, 31),
                sort="relevance",
            ),
            highlight=False,
        ),
        "week_range": compile_search(
            SearchRequest(q="هجوم في بغداد", date_from=date(2015, 1, 1), date_to=date(2015, 12, 1))
        ),
        "text_expanded": compile_text(SearchRequest(q="وداعش -داعش", expansions=EXPANSIONS)),
        "highlight": highlight_spec(),
    }


def _dump(body: dict) -> str:
    return json.dumps(body, ensure_ascii=False, indent=1)


@pytest.fixture(scope="module")
def golden() -> dict:
    if os.environ.get("CTSEARCH_UPDATE_GOLDEN"):
        GOLDEN.write_text(_dump(_cases()) + "\n", encoding="utf-8")
    # json keeps the file's key order, so dumping it again gives the stored text.
    return json.loads(GOLDEN.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", list(_cases()))
def test_compiled_dsl_is_unchanged(golden, name):
    assert _dump(_cases()[name]) == _dump(golden[name])


def test_every_golden_case_is_checked(golden):
    assert set(golden) == set(_cases())
