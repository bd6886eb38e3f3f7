"""Transliterated foreign names spelled several ways (issue 14): قوقل / غوغل / جوجل,
كاليفورنيا / كالفورنيا, واشنطن / واشنطون.

Kept out of the analysis on purpose: a spelling-blind key is far too coarse for ordinary Arabic
words, so search only uses it to recognise a gazetteer name typed another way
(``articles.enrichment.gazetteer.lookup_aliases``), and :func:`same_transliteration` decides.
"""

from __future__ import annotations

import re

from articles.text import arabic_lexicon as lex
from articles.text.arabic_chars import normalize

_TRANSLIT = {ord(c): group[0] for group in lex.TRANSLIT_CLASSES for c in group[1:]}
_LONG_VOWELS = re.compile("(?<=.)[اوي]|ء")
_VOWELS = frozenset("اويء")


def translit_key(word: str) -> str:
    """A coarse key for a transliterated foreign name: normalised (so ة = ه, أ = ا), the letter
    groups of ``arabic_lexicon.TRANSLIT_CLASSES`` merged (قوقل/غوغل/جوجل), long vowels after the
    first letter and hamza dropped (كاليفورنيا/كالفورنيا, واشنطن/واشنطون). Words with one key are
    only candidates: :func:`same_transliteration` decides."""
    w = normalize(word).lower().translate(_TRANSLIT)
    return _LONG_VOWELS.sub("", w)


def _edits(a: str, b: str) -> tuple[int, int] | None:
    """(long vowels added or dropped, letters swapped within a transliteration group) of the
    cheapest alignment of two normalised words, or None when another edit is needed."""
    inf = (99, 99)
    prev = [inf] * (len(b) + 1)
    prev[0] = (0, 0)
    for j in range(1, len(b) + 1):
        prev[j] = (prev[j - 1][0] + 1, 0) if b[j - 1] in _VOWELS and prev[j - 1] != inf else inf
    for i in range(1, len(a) + 1):
        cur = [inf] * (len(b) + 1)
        cur[0] = (prev[0][0] + 1, 0) if a[i - 1] in _VOWELS and prev[0] != inf else inf
        for j in range(1, len(b) + 1):
            x, y = a[i - 1], b[j - 1]
            options = []
            if x == y:
                options.append(prev[j - 1])
            elif x.translate(_TRANSLIT) == y.translate(_TRANSLIT):
                options.append((prev[j - 1][0], prev[j - 1][1] + 1))
            if x in _VOWELS:
                options.append((prev[j][0] + 1, prev[j][1]))
            if y in _VOWELS:
                options.append((cur[j - 1][0] + 1, cur[j - 1][1]))
            options = [o for o in options if o[0] < 99]
            cur[j] = min(options, key=lambda o: (o[0] + o[1], o[0])) if options else inf
        prev = cur
    return None if prev[-1] == inf else prev[-1]


def same_transliteration(word: str, name: str) -> bool:
    """Whether ``word`` is ``name`` spelled another way: letters swapped within transliteration
    groups (at most two: قوقل/غوغل) and, in words of six letters or more, up to two long vowels
    added or dropped (كالفورنيا/كاليفورنيا). Short words may only swap letters: a vowel more or
    less is how ordinary words differ from names (سورة/سورية, صورة/سورية, رئيس/روسيا)."""
    a, b = normalize(word).lower(), normalize(name).lower()
    if a == b or translit_key(a) != translit_key(b):
        return a == b
    edits = _edits(a, b)
    if edits is None:
        return False
    vowels, swaps = edits
    short = min(len(a), len(b)) < 6
    return swaps <= 2 and vowels <= (0 if short else 2)
