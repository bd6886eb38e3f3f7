"""The compiled gazetteer: every alias as a token sequence in one Aho-Corasick automaton.

``Gazetteer.from_data`` compiles entity records (``entries.Actor`` / ``Venue`` / ``Topic``, or
dicts with their fields) and blocker phrases. The tagger maps each token of a document to one
stream character (``stream_chars``: a known alias token is its vocabulary id), and the
automaton (pyahocorasick) finds every alias on token boundaries in one pass (``find``);
``select_longest`` keeps the longest of overlapping matches.

A text token that is not itself a known alias token is tried without its proclitics through
``articles.text.arabic.exact_variants`` (و ف ب ك before the article, لل → ال, bare ب ل و ف ك with
the index's guards, so «بغداد», «وزير», «ولاية» are never cut), plus a fallback for short names
(«بمصر», «لقطر») that the generic length guards keep.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import ahocorasick

from articles.text.arabic import PROTECTED_RX, exact_variants, strip_proclitics
from articles.text.arabic_chars import normalize

from .entries import as_record
from .tokens import (
    CHAR_BASE,
    FILLER,
    HARD,
    HARD_CHARS,
    SOFT,
    WORD_START,
    alias_forms,
    alias_tokens,
)


@dataclass(frozen=True)
class Entry:
    layer: str  # "name" (actors, places, blockers), "topic", "topic_set"
    facet: str  # "actor", "place", "block", "topic", "topic_set"
    slug: str
    alias: str
    ambiguous: bool = False
    group: int = -1  # topic_set: index of the alternative group in the topic's cue set
    cue_set: int = -1


#: Entries per token cache (each cleared when full). Word frequencies are Zipfian, so this
#: keeps the hit rate of an unbounded cache while holding ingest memory to tens of megabytes.
_CACHE_ENTRIES = 100_000


class Gazetteer:
    """Entities and the compiled matcher. Build once (``from_data``), reuse for every article."""

    def __init__(self) -> None:
        self.actors: dict[str, Any] = {}
        self.venues: dict[str, Any] = {}
        self.topics: dict[str, Any] = {}
        self.blockers: tuple[str, ...] = ()
        self._vocab: dict[str, int] = {}
        self._short_first: set[str] = set()
        self._automaton = ahocorasick.Automaton(ahocorasick.STORE_ANY, ahocorasick.KEY_STRING)
        self._patterns: dict[str, list[Entry]] = {}
        self._token_cache: dict[str, tuple[str, str, str]] = {}
        self._char_cache: dict[str, str] = {}
        self._base_cache: dict[str, str] = {}
        #: normalised alias key -> [(facet, slug, ambiguous)] for the integrity checks
        self.alias_index: dict[tuple[str, ...], list[tuple[str, str, bool]]] = {}

    # -- building ---------------------------------------------------------------------------

    @classmethod
    def from_data(
        cls,
        actors: Iterable[Any],
        venues: Iterable[Any],
        topics: Iterable[Any],
        blockers: Iterable[str] | None = None,
    ) -> Gazetteer:
        """Compile a gazetteer from entry records (``entries.Actor`` / ``Venue`` / ``Topic``, or
        dicts with the same fields); ``blockers`` default to the starter gazetteer's."""
        if blockers is None:
            from .starter import BLOCKERS

            blockers = BLOCKERS
        g = cls()
        for a in map(as_record, actors):
            g.actors[a.slug] = a
            for alias in a.aliases:
                g._add("name", "actor", a.slug, alias, False)
            for alias in getattr(a, "ambiguous", ()) or ():
                g._add("name", "actor", a.slug, alias, True)
        for v in map(as_record, venues):
            g.venues[v.slug] = v
            for alias in v.aliases:
                g._add("name", "place", v.slug, alias, False)
            for alias in getattr(v, "ambiguous", ()) or ():
                g._add("name", "place", v.slug, alias, True)
        for t in map(as_record, topics):
            g.topics[t.slug] = t
            for cue in t.cues:
                g._add("topic", "topic", t.slug, cue, False)
            for si, cue_set in enumerate(getattr(t, "cue_sets", ()) or ()):
                for gi, group in enumerate(cue_set):
                    for cue in group:
                        g._add("topic_set", "topic_set", t.slug, cue, False, gi, si)
        g.blockers = tuple(blockers)
        for phrase in g.blockers:
            g._add("name", "block", "", phrase, False)
        for key, entries in g._patterns.items():
            g._automaton.add_word(key, (len(key), tuple(entries)))
        g._automaton.make_automaton()
        return g

    def _add(self, layer, facet, slug, alias, ambiguous, group=-1, cue_set=-1) -> None:
        for form in alias_forms(alias):
            toks = alias_tokens(form)
            if not toks:
                continue
            for t in toks:
                self._vocab.setdefault(t, len(self._vocab))
            if len(toks[0]) <= 3:
                self._short_first.add(toks[0])
            key = "".join(chr(CHAR_BASE + self._vocab[t]) for t in toks)
            entry = Entry(layer, facet, slug, alias, ambiguous, group, cue_set)
            bucket = self._patterns.setdefault(key, [])
            if entry not in bucket:
                bucket.append(entry)
            if facet in ("actor", "place", "block"):
                rows = self.alias_index.setdefault(toks, [])
                if (facet, slug, ambiguous) not in rows:
                    rows.append((facet, slug, ambiguous))

    # -- token resolution -------------------------------------------------------------------

    def stream_chars(self, tokens: Iterable[str]) -> list[str]:
        """The stream character of each token of ``tokens.TOKEN_RX`` (word or separator)."""
        get = self._char_cache.get
        char = self._char
        return [get(t) or char(t) for t in tokens]

    def find(self, stream: str) -> Iterator[tuple[int, tuple[int, tuple[Entry, ...]]]]:
        """Every alias in a token stream: (index of its last token, (its length, its entries)).

        An alias is made of known tokens only, so the automaton is run over each run of them
        (a sixth of an article's tokens, in about 44 short runs): it took about 300 ns for
        each token of the whole stream, most of them unknown words, and the runs cost less than
        half of that. The automaton is at its root at the start of every run either way."""
        scan = self._automaton.iter
        for run in _KNOWN_RUN.finditer(stream):
            yield from scan(stream, run.start(), run.end())

    def token(self, surface: str) -> tuple[str, str, str]:
        """(stream char, normalised token, matched key) for a surface token; cached."""
        hit = self._token_cache.get(surface)
        if hit is not None:
            return hit
        n = normalize(surface).lower()
        key = self._resolve(n)
        out = (chr(CHAR_BASE + self._vocab[key]) if key else FILLER, n, key or "")
        if len(self._token_cache) > _CACHE_ENTRIES:
            self._token_cache.clear()
        self._token_cache[surface] = out
        return out

    def _char(self, tok: str) -> str:
        """The stream character of a token of TOKEN_RX (word or separator); cached."""
        if WORD_START.match(tok):
            c, n, _k = self.token(tok)
            c = c if n else SOFT  # a lone tatweel / mark is punctuation-like
        else:
            c = HARD if any(ch in HARD_CHARS for ch in tok) else SOFT
        if len(self._char_cache) > _CACHE_ENTRIES:
            self._char_cache.clear()
        self._char_cache[tok] = c
        return c

    def _resolve(self, n: str) -> str | None:
        vocab = self._vocab
        if n in vocab:
            return n
        if len(n) < 3 or n[0] not in "وفبلك":
            return None
        cands = (n[1:], n[2:], n[3:], "ال" + n[2:], "ال" + n[3:])
        if not any(c in vocab for c in cands):
            return None
        for v in exact_variants(n):
            if v in vocab:
                return v
        # short names the generic guards keep whole: «بمصر», «لقطر», «وقطر»
        if _PROTECTED.fullmatch(n):
            return None
        for k in (1, 2):
            pre, rest = n[:k], n[k:]
            if pre in _SHORT_PREFIXES and rest in self._short_first and len(rest) >= 3:
                return rest
        return None

    def base(self, n: str) -> str:
        """A normalised token without its proclitics (cached): what the cue lists hold."""
        b = self._base_cache.get(n)
        if b is None:
            b = strip_proclitics(n) if n else n
            if len(self._base_cache) > _CACHE_ENTRIES:
                self._base_cache.clear()
            self._base_cache[n] = b
        return b

    # -- helpers for callers ----------------------------------------------------------------

    def name(self, facet: str, slug: str) -> str:
        table = {"actors": self.actors, "topics": self.topics}.get(facet, self.venues)
        e = table.get(slug)
        return e.name_ar if e else slug


_PROTECTED = re.compile(PROTECTED_RX)
#: A run of known tokens in a token stream (vocabulary ids are encoded from CHAR_BASE up).
_KNOWN_RUN = re.compile(f"[{chr(CHAR_BASE)}-\U0010ffff]+")
_SHORT_PREFIXES = frozenset(("ب", "ل", "ك", "و", "ف", "وب", "فب", "ول", "فل", "وك"))


Match = tuple[int, int, tuple[Entry, ...]]  # (first token, end token, entries)


def select_longest(cands: list[Match]) -> list[Match]:
    """Non-overlapping matches, longest first, then leftmost."""
    cands.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
    taken: set[int] = set()
    out = []
    for s, e, entries in cands:
        if any(i in taken for i in range(s, e)):
            continue
        taken.update(range(s, e))
        out.append((s, e, entries))
    out.sort()
    return out
