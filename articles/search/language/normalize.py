"""The index analyzers' rules, applied to input the engine does *not* analyse.

Prefix queries and expansion keys reach the engine as they are written, so they are normalised
here the way ``articles.text.arabic`` (the Python twin of the analyzers) normalises indexed text.
"""

from __future__ import annotations

import re
from functools import cache

from articles.text import arabic, arabic_chars, arabic_lexicon

from ..rules import MIN_PREFIX_LETTERS

_ARABIC_LETTER = re.compile("[\u0621-\u064a]")


def normalize(text: str) -> str:
    """The analyzers' character normalisation (alef/hamza/yeh/teh marbuta, diacritics), lowered."""
    return arabic_chars.normalize(text).lower()


def strip_proclitics(word: str) -> str:
    return arabic.strip_proclitics(word)


def exact_variants(token: str) -> list[str]:
    """The forms the ``.exact`` analyzer indexes for a token."""
    return list(arabic.exact_variants(token))


@cache
def stopwords() -> frozenset[str]:
    """Normalised stop words (the stemmed field drops them)."""
    return frozenset(normalize(w) for w in arabic.stopwords())


@cache
def question_words() -> frozenset[str]:
    """Normalised words of a question (هل، كيف، what …): neither required nor scored."""
    return frozenset(normalize(w) for w in arabic_lexicon.QUESTION_WORDS)


def starts_arabic(text: str) -> bool:
    return bool(_ARABIC_LETTER.match(text))


def prefix_letters(stem: str) -> str:
    """The last run of letters/digits of a prefix, normalised: what the prefix query compares."""
    pieces = re.findall(r"\w+", normalize(stem))
    return pieces[-1] if pieces else ""


def prefix_terms(stem: str) -> list[str]:
    """Index terms a ``stem*`` query should match as prefixes of the ``.exact`` field.

    Prefix queries are not analysed, so the prefix is normalised here like the exact analyzer
    does (characters, lowercase, و/ف/ب/ك before the article, لل → ال). The exact field keeps the
    article, so an Arabic prefix without it also matches the word with it (``ارهاب*`` finds
    إرهابي and الإرهابيين) – the stemmed field treats the article the same way.
    """
    last = prefix_letters(stem)
    if not last:
        return []
    terms: list[str] = []
    for v in exact_variants(last):
        if len(v) >= MIN_PREFIX_LETTERS and v not in terms:
            terms.append(v)
    for v in list(terms):
        if starts_arabic(v) and not v.startswith("ال") and "ال" + v not in terms:
            terms.append("ال" + v)
    return terms
