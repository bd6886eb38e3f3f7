"""One article as the tagger reads it: its token stream, and helpers to walk it.

``Doc.chars`` is the stream (one character per token or separator, see ``tokens``); spans,
kinds and normalised forms are computed per token on demand, since only the tokens near a
match are ever looked at. Site furniture (related links, footers, news tickers) is blanked out
first, with the same length, so every offset stays valid.
"""

from __future__ import annotations

import operator
import re

from .matcher import Gazetteer
from .tokens import HARD, SOFT, TOKEN_RX, H, S, W

_HEADER_LINE = 120  # a body line this long ends the header (where datelines are)


class _View:
    """A read-only sequence computed on access (only tokens near hits are ever looked at)."""

    __slots__ = ("_fn", "_n")

    def __init__(self, fn, n: int) -> None:
        self._fn, self._n = fn, n

    def __getitem__(self, i: int):
        return self._fn(i)

    def __len__(self) -> int:
        return self._n


_group0 = operator.itemgetter(0)


class Doc:
    """Tokens of one document: ``chars`` is the stream (one character per token / separator);
    ``spans``, ``kinds``, ``norms`` and ``keys`` are computed per index on demand."""

    def __init__(self, text: str, g: Gazetteer, body_start: int) -> None:
        self.text = text
        self.body_start = body_start
        self.place_tokens: set[int] = set()
        self.venue_tokens: set[int] = set()
        ms = list(TOKEN_RX.finditer(_mask_boilerplate(text)))
        self.chars = g.stream_chars(map(_group0, ms))
        n = len(ms)
        self.spans = _View(lambda i: ms[i].span(), n)
        self.kinds = _View(self._kind, n)
        self.norms = _View(lambda i: g.token(ms[i][0])[1] if self._kind(i) == W else "", n)
        self.keys = _View(lambda i: g.token(ms[i][0])[2] if self._kind(i) == W else "", n)
        self._header_end: int | None = None

    def _kind(self, i: int) -> int:
        c = self.chars[i]
        return H if c == HARD else S if c == SOFT else W

    @property
    def header_end(self) -> int:
        """End of the header: the end of the first body line of _HEADER_LINE characters."""
        if self._header_end is None:
            text, pos = self.text, self.body_start
            self._header_end = len(text)
            while pos < len(text):
                nl = text.find("\n", pos)
                nl = len(text) if nl < 0 else nl
                if nl - pos >= _HEADER_LINE:
                    self._header_end = nl
                    break
                pos = nl + 1
        return self._header_end


#: lines that are site furniture, not article text: related links, footers, share buttons
_BOILERPLATE_LINE = re.compile(
    r"^\s*(?:اقرأ أيضا|اقرأ أيضاً|اقرأ ايضا|إقرأ أيضا|إقرأ أيضاً|اقرأ المزيد|ربما يعجبك أيضا"
    r"|مقالات ذات صلة|اتبعنا على|تعليقات عبر|انقر هنا|شارك هذا|previous post|next post"
    r"|read more|related)",
    re.IGNORECASE,
)
_BOILERPLATE_ANY = re.compile(
    r"^\s*(?:اقرأ|إقرأ|ربما يعجبك|مقالات ذات|اتبعنا|تعليقات عبر|انقر هنا|شارك هذا|previous post"
    r"|next post|read more|related)",
    re.IGNORECASE | re.MULTILINE,
)
#: a news ticker: many headlines on one line separated by runs of spaces
_TICKER_GAP = re.compile(r"\S\s{3,}(?=\S)")


def _mask_boilerplate(text: str) -> str:
    """Blank out (same length, so offsets stay valid) related-link lines, footers and tickers."""
    if not _BOILERPLATE_ANY.search(text) and not (
        "   " in text and len(_TICKER_GAP.findall(text)) >= 4
    ):
        return text
    out = []
    for line in text.split("\n"):
        if _BOILERPLATE_LINE.match(line) or (
            len(line) > 200 and len(_TICKER_GAP.findall(line)) >= 4
        ):
            out.append(" " * len(line))
        else:
            out.append(line)
    return "\n".join(out)


def neighbour_word(doc: Doc, i: int, step: int) -> int:
    """Index of the next word token from i in direction step, skipping a lone «و»; -1 when a
    separator or the text edge comes first."""
    j = i
    while True:
        j += step
        if j < 0 or j >= len(doc.kinds) or doc.kinds[j] != W:
            return -1
        if doc.norms[j] in ("و", "او"):
            continue
        return j


def snippet(doc: Doc, a: int, b: int) -> str:
    """Tokens a..b-1 as evidence text: whitespace collapsed, at most 100 characters."""
    s = doc.spans[a][0]
    e = doc.spans[b - 1][1]
    return " ".join(doc.text[s:e].split())[:100]


def paragraphs(doc: Doc) -> list[int]:
    """The paragraph number of each token (a paragraph ends at a line break)."""
    para, out = 0, []
    text = doc.text
    for i, c in enumerate(doc.chars):
        if c == HARD and text.count("\n", *doc.spans[i]) >= 1:
            para += 1
        out.append(para)
    return out
