"""The language an article is stored with when its input does not say
(``pipeline.detect_language``): the script most of its letters are written in."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from articles.ingest.pipeline import detect_language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("أدان مجلس الأمن الهجوم", "ar"),
        ("The Security Council condemned the attack", "en"),
        ("أدان مجلس الأمن الدولي (UN) الهجوم", "ar"),
        ("ISIS claimed it: داعش", "en"),
        ("2015 - 10 - 12 !!", "und"),
        ("", "und"),
        ("ڤيينا ۋ", "ar"),  # Arabic supplement and extended letters count as Arabic
    ],
)
def test_language_of_examples(text, language):
    assert detect_language(text) == language


def _by_regex(text: str) -> str:
    # The definition: count Arabic-script and Latin letters in the first 2,000 characters.
    sample = text[:2000]
    arabic = len(re.findall(r"[\u0600-\u06ff\u0750-\u077f]", sample))
    latin = len(re.findall(r"[A-Za-z]", sample))
    if arabic == latin == 0:
        return "und"
    return "ar" if arabic >= latin else "en"


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=2100))
def test_language_is_the_majority_script(text):
    assert detect_language(text) == _by_regex(text)


@given(st.text(alphabet="abcXYZ @[`{ابت\u0750\u077f\u0800\U0001f600", min_size=1900, max_size=2200))
def test_only_the_first_two_thousand_characters_count(text):
    assert detect_language(text) == _by_regex(text)
