"""Gazetteer tagging of articles: actors, venues, places, topics and event dates. Pure Python.

Coordinate system
-----------------
Every span is a ``(start, end)`` pair of character offsets (Python slicing, end exclusive) into
the ORIGINAL, un-normalised document text ``document_text(title, body, byline)``, which is::

    title + "\\n\\n" + body                                  (no byline, the default)
    title + "\\n\\n" + byline + "\\n\\n" + body              (byline given, e.g. SaudiNewsNet's
                                                          ``author`` field «الرياض - واس»)

so ``document_text(...)[start:end]`` is the matched surface text (with its proclitics and
diacritics: a hit on «بنيويورك» spans the whole token).

Matching
--------
Text and aliases are tokenised on word characters; every token is normalised with
``articles.arabic.normalize`` (the search index's normalisation) and lower-cased. A text token
that is not itself a known alias token is tried without its proclitics through
``articles.arabic.exact_variants`` (و ف ب ك before the article, لل → ال, bare ب ل و ف ك with the
index's guards, so «بغداد», «وزير», «ولاية» are never cut), plus a fallback for short names
(«بمصر», «لقطر») that the generic length guards keep. Each known token becomes one character of a
"token stream" (unknown tokens a filler, punctuation a separator), and one Aho-Corasick automaton
(pyahocorasick) over the alias token sequences finds every match on token boundaries in one pass;
the longest match wins among overlapping names. Ambiguous aliases only count when the entity is
also found unambiguously in the document, or when they are coordinated with another actor
(«داعش والقاعدة»). Blocker phrases («القاعدة العسكرية», «مجموعة بن لادن») win by length and yield
nothing. See ``_venue_cue`` for venue detection.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import ahocorasick

from articles.text.arabic import PROTECTED_RX, exact_variants, normalize, strip_proclitics
from articles.text.dates import MONTHS, date_on_line, parse_arabic_date

FACETS = ("actors", "venues", "places", "topics")

# ------------------------------------------------------------------------------------------------
# Result types
# ------------------------------------------------------------------------------------------------


@dataclass
class TagHit:
    slug: str
    #: (start, end) character offsets in document_text(...) (see the module docstring)
    spans: list[tuple[int, int]] = field(default_factory=list)
    #: matched surface strings / cue snippets, at most MAX_EVIDENCE
    evidence: list[str] = field(default_factory=list)
    #: "auto" (tagger) or "curator"
    source: str = "auto"


@dataclass
class EventDate:
    date: dt.date
    precision: str  # "day" or "month" (month precision: the first day of the month)
    span: tuple[int, int]
    evidence: str


@dataclass
class Tags:
    actors: list[TagHit] = field(default_factory=list)
    venues: list[TagHit] = field(default_factory=list)
    places: list[TagHit] = field(default_factory=list)
    topics: list[TagHit] = field(default_factory=list)
    event_dates: list[dt.date] = field(default_factory=list)
    event_date_details: list[EventDate] = field(default_factory=list)

    def slugs(self, facet: str) -> set[str]:
        return {h.slug for h in getattr(self, facet)}

    def get(self, facet: str, slug: str) -> TagHit | None:
        return next((h for h in getattr(self, facet) if h.slug == slug), None)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (dates as ISO strings) for storage."""
        out: dict[str, Any] = {f: [asdict(h) for h in getattr(self, f)] for f in FACETS}
        out["event_dates"] = [d.isoformat() for d in self.event_dates]
        out["event_date_details"] = [
            {**asdict(e), "date": e.date.isoformat()} for e in self.event_date_details
        ]
        return out


@dataclass(frozen=True)
class Override:
    """A curator decision, stored by the Django layer as one row.

    ``facet`` is one of FACETS, ``action`` "add" or "remove". The latest decision for a
    (facet, slug) pair wins (pass overrides in chronological order).
    """

    facet: str
    slug: str
    action: str
    curator: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        if self.facet not in FACETS:
            raise ValueError(f"unknown facet {self.facet!r}")
        if self.action not in ("add", "remove"):
            raise ValueError(f"unknown action {self.action!r}")


MAX_EVIDENCE = 5

# ------------------------------------------------------------------------------------------------
# Tokenisation
# ------------------------------------------------------------------------------------------------

_WORD = r"[\w\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640\u200c\u200d]+"
#: word tokens, and separators: hard (sentence / line) and soft (comma, colon, dash-less)
_TOKEN_RX = re.compile(rf"{_WORD}|[.!?؟;؛\n\r•|]+|[,،:]+")
_WORD_START = re.compile(_WORD)
_HARD_CHARS = frozenset(".!?؟;؛\n\r•|")
_FILLER = "\x02"
_SOFT = "\x03"
_HARD = "\x04"
_CHAR_BASE = 0x4E00  # token ids are encoded as CJK characters, outside every real key

_W, _S, _H = 0, 1, 2  # token kinds


def document_text(title: str, body: str, byline: str = "") -> str:
    """The text all spans refer to (see the module docstring)."""
    title, body = title or "", body or ""
    if byline:
        return f"{title}\n\n{byline}\n\n{body}"
    return f"{title}\n\n{body}"


def _alias_tokens(alias: str) -> tuple[str, ...]:
    return tuple(normalize(m.group(0)).lower() for m in re.finditer(_WORD, alias)) or ()


def _alias_forms(alias: str) -> set[str]:
    """Spelling variants: «عبد الله» / «عبدالله», «أبو بكر» / «أبوبكر», «ابن» / «بن»."""
    forms = {alias}
    for pre in ("عبد", "أبو", "ابو"):
        forms |= {re.sub(rf"(?<!\S){pre} (?=\S)", pre, f) for f in list(forms)}
        forms |= {
            re.sub(rf"(?<!\S){pre}(?=[^\s\u064b-\u0652])(?!{pre})", pre + " ", f)
            for f in list(forms)
            if f"{pre} " not in f
        }
    return {f for f in forms if f.strip()}


# ------------------------------------------------------------------------------------------------
# Venue cue vocabulary (compared with strip_proclitics(normalize(token)))
# ------------------------------------------------------------------------------------------------


def _bases(words: Iterable[str]) -> frozenset[str]:
    out = set()
    for w in words:
        n = normalize(w).lower()
        out.add(n)
        out.add(strip_proclitics(n))
    return frozenset(out)


def _inflect(lemmas: Iterable[str]) -> list[str]:
    out = []
    for w in lemmas:
        out.append(w)
        if w.endswith("ة"):
            stem = w[:-1]
            out += [stem + "ات", stem + "تها", stem + "ته", stem + "ة"]
        else:
            out += [w + "ا", w + "ات", w + "ه", w + "ها", w + "هم", w + "اتها"]
    return out


_EVENT_NOUNS = _bases(
    _inflect(
        (
            "اجتماع",
            "مؤتمر",
            "قمة",
            "ملتقى",
            "منتدى",
            "ندوة",
            "لقاء",
            "محادثات",
            "مفاوضات",
            "مباحثات",
            "جلسة",
            "هجوم",
            "هجمات",
            "هجومات",
            "تفجير",
            "انفجار",
            "اعتداء",
            "غارة",
            "قصف",
            "اشتباك",
            "اشتباكات",
            "معركة",
            "معارك",
            "مواجهات",
            "مناورات",
            "تمرين",
            "زيارة",
            "حادث",
            "حادثة",
            "مجزرة",
            "مذبحة",
            "تظاهرة",
            "مظاهرة",
            "احتجاجات",
            "حفل",
            "مقتل",
            "مصرع",
            "اغتيال",
            "اختطاف",
            "اعتقال",
            "اعتقالات",
            "انعقاد",
            "افتتاح",
            "اختتام",
            "توقيع",
        )
    )
)
#: «عملية» / «عمليات» is an event only with a qualifier after it
_OPERATION = _bases(("عملية", "عمليات", "العملية", "العمليات"))
_OPERATION_QUALIFIERS = _bases(
    (
        "إرهابية",
        "انتحارية",
        "تفجير",
        "عسكرية",
        "أمنية",
        "نوعية",
        "استباقية",
        "إطلاق",
        "اختطاف",
        "طعن",
        "دهس",
        "اقتحام",
    )
)
_EVENT_VERBS = _bases(
    (
        *("عقد", "عقدت", "يعقد", "تعقد", "سيعقد", "ستعقد", "عقده", "عقدها", "عقدته", "عقدتها"),
        *("انعقد", "انعقدت", "ينعقد", "تنعقد", "سينعقد", "ستنعقد", "المنعقد", "المنعقدة"),
        *("أقيم", "أقيمت", "يقام", "تقام", "سيقام", "ستقام", "المقام", "المقامة"),
        *("جرى", "جرت", "يجري", "تجري"),
        *("احتضن", "احتضنت", "يحتضن", "تحتضن", "احتضان", "احتضنه", "احتضنته"),
        *("استضاف", "استضافت", "يستضيف", "تستضيف", "استضافة", "استضافه", "استضافته"),
        *("وقع", "وقعت", "يقع", "تقع"),
        *("اختتم", "اختتمت", "اختتام", "افتتح", "افتتحت", "افتتاح"),
        *("انطلق", "انطلقت", "انطلاق", "انطلقت", "التأم", "التأمت"),
        *("نفذ", "نفذت", "نفذه", "نفذها", "نفذوا", "فجر", "فجرت", "فجروا"),
        *("قتل", "قتلت", "قتلوا", "لقي", "لقوا", "استشهد", "استشهاد"),
        *("اعتقل", "اعتقلت", "القبض", "استهدف", "استهدفت", "استهداف", "ضرب", "ضربت"),
    )
)
#: verbs whose subject / object is the venue itself: «احتضنت الرباط اجتماعاً»
_SUBJECT_VERBS = _bases(
    (
        *("احتضن", "احتضنت", "يحتضن", "تحتضن", "احتضان", "استضاف", "استضافت", "يستضيف"),
        *("تستضيف", "استضافة", "شهد", "شهدت", "يشهد", "تشهد", "تعرض", "تعرضت", "هز", "هزت"),
    )
)
#: words between a cue and a locative that show the locative belongs to something else
_BLOCK_WORDS = _bases(
    (
        *("حول", "بشأن", "عن", "ضد", "تجاه", "إزاء", "ظاهرة", "دراسة", "بدراسة", "تهديد"),
        *("تهديدات", "تهديداته", "أوضاع", "الوضع", "الأوضاع", "الأزمة", "مستقبل", "ملف"),
        *("مثل", "خاصة", "منها", "بينها", "أبرزها", "مصالح", "انتشار", "وجود", "نفوذ"),
        *("التي", "الذي", "الذين", "اللتين", "اللذين", "مع", "مقره", "مقرها"),
    )
)
#: nouns allowed between the preposition and the place: «بمدينة مراكش», «في العاصمة الرياض»
_PLACE_FILLERS = _bases(
    (
        *("مدينة", "العاصمة", "عاصمة", "محافظة", "منطقة", "ولاية", "بلدة", "قرية", "حي"),
        *("إمارة", "إقليم", "جزيرة", "مقر", "ضاحية"),
    )
)
_LOCATIVE_WORDS = _bases(("في", "داخل", "بداخل"))
_WHERE = _bases(("حيث",))
_OUTLET_PREFIX = _bases(("صحيفة", "جريدة", "قناة", "نادي", "موقع", "وكالة", "مجلة", "إذاعة"))
_DATELINE_SEP = re.compile(r"[\s\"'«»“”()]*(?:[،,]?\s*[^\s\-–—ـ:]+\s*){0,2}?\s*[-–—ـ:]")

_CUE_WINDOW = 6  # tokens between a cue and a locative «في/ب X»
_HEADER_LINE = 120  # a body line this long ends the header (where datelines are)

# ------------------------------------------------------------------------------------------------
# The gazetteer
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    layer: str  # "name" (actors, places, blockers), "topic", "topic_set"
    facet: str  # "actor", "place", "block", "topic", "topic_set"
    slug: str
    alias: str
    ambiguous: bool = False
    group: int = -1  # topic_set: index of the alternative group in the topic's cue set
    cue_set: int = -1


def _as_obj(x: Any) -> Any:
    if isinstance(x, dict):
        from types import SimpleNamespace

        return SimpleNamespace(**x)
    return x


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
        self._patterns: dict[str, list[_Entry]] = {}
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
        """Compile a gazetteer from ``articles.gazetteer_data``-shaped records (dataclasses or
        dicts with the same fields)."""
        if blockers is None:
            from articles.gazetteer_data import BLOCKERS

            blockers = BLOCKERS
        g = cls()
        for a in map(_as_obj, actors):
            g.actors[a.slug] = a
            for alias in a.aliases:
                g._add("name", "actor", a.slug, alias, False)
            for alias in getattr(a, "ambiguous", ()) or ():
                g._add("name", "actor", a.slug, alias, True)
        for v in map(_as_obj, venues):
            g.venues[v.slug] = v
            for alias in v.aliases:
                g._add("name", "place", v.slug, alias, False)
            for alias in getattr(v, "ambiguous", ()) or ():
                g._add("name", "place", v.slug, alias, True)
        for t in map(_as_obj, topics):
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
        for form in _alias_forms(alias):
            toks = _alias_tokens(form)
            if not toks:
                continue
            for t in toks:
                self._vocab.setdefault(t, len(self._vocab))
            if len(toks[0]) <= 3:
                self._short_first.add(toks[0])
            key = "".join(chr(_CHAR_BASE + self._vocab[t]) for t in toks)
            entry = _Entry(layer, facet, slug, alias, ambiguous, group, cue_set)
            bucket = self._patterns.setdefault(key, [])
            if entry not in bucket:
                bucket.append(entry)
            if facet in ("actor", "place", "block"):
                rows = self.alias_index.setdefault(toks, [])
                if (facet, slug, ambiguous) not in rows:
                    rows.append((facet, slug, ambiguous))

    # -- token resolution -------------------------------------------------------------------

    def _token(self, surface: str) -> tuple[str, str, str]:
        """(stream char, normalised token, matched key) for a surface token; cached."""
        hit = self._token_cache.get(surface)
        if hit is not None:
            return hit
        n = normalize(surface).lower()
        key = self._resolve(n)
        out = (chr(_CHAR_BASE + self._vocab[key]) if key else _FILLER, n, key or "")
        if len(self._token_cache) > _CACHE_ENTRIES:
            self._token_cache.clear()
        self._token_cache[surface] = out
        return out

    def _char(self, tok: str) -> str:
        """The stream character of a token of _TOKEN_RX (word or separator); cached."""
        if _WORD_START.match(tok):
            c, n, _k = self._token(tok)
            c = c if n else _SOFT  # a lone tatweel / mark is punctuation-like
        else:
            c = _HARD if any(ch in _HARD_CHARS for ch in tok) else _SOFT
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

    def _base(self, n: str) -> str:
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
_SHORT_PREFIXES = frozenset(("ب", "ل", "ك", "و", "ف", "وب", "فب", "ول", "فل", "وك"))

# ------------------------------------------------------------------------------------------------
# Tagging
# ------------------------------------------------------------------------------------------------


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


class _Doc:
    """Tokens of one document: ``chars`` is the stream (one character per token / separator);
    ``spans``, ``kinds``, ``norms`` and ``keys`` are computed per index on demand."""

    def __init__(self, text: str, g: Gazetteer, body_start: int) -> None:
        self.text = text
        self.body_start = body_start
        self.place_tokens: set[int] = set()
        self.venue_tokens: set[int] = set()
        ms = list(_TOKEN_RX.finditer(_mask_boilerplate(text)))
        get = g._char_cache.get
        char = g._char
        self.chars = [get(t) or char(t) for t in map(_group0, ms)]
        n = len(ms)
        self.spans = _View(lambda i: ms[i].span(), n)
        self.kinds = _View(self._kind, n)
        self.norms = _View(lambda i: g._token(ms[i][0])[1] if self._kind(i) == _W else "", n)
        self.keys = _View(lambda i: g._token(ms[i][0])[2] if self._kind(i) == _W else "", n)
        self._header_end: int | None = None

    def _kind(self, i: int) -> int:
        c = self.chars[i]
        return _H if c == _HARD else _S if c == _SOFT else _W

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


def _select_longest(cands: list[tuple[int, int, tuple[_Entry, ...]]]):
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


@dataclass
class _Mention:
    start: int  # token index (inclusive)
    end: int  # token index (exclusive)
    facet: str  # "actor" or "place"
    slug: str
    how: str = ""


def tag(title: str, body: str, gazetteer: Gazetteer, byline: str = "") -> Tags:
    """Tag one article. Spans refer to ``document_text(title, body, byline)``."""
    g = gazetteer
    title = title or ""
    text = document_text(title, body, byline)
    body_start = len(title) + 2
    doc = _Doc(text, g, body_start)
    stream = "".join(doc.chars)

    names: list[tuple[int, int, tuple[_Entry, ...]]] = []
    topic_c: list[tuple[int, int, tuple[_Entry, ...]]] = []
    topic_sets: list[tuple[int, int, tuple[_Entry, ...]]] = []
    for end, (length, entries) in g._automaton.iter(stream):
        s = end - length + 1
        layers = {e.layer for e in entries}
        if "name" in layers:
            names.append((s, end + 1, tuple(e for e in entries if e.layer == "name")))
        if "topic" in layers:
            topic_c.append((s, end + 1, tuple(e for e in entries if e.layer == "topic")))
        if "topic_set" in layers:
            topic_sets.append((s, end + 1, tuple(e for e in entries if e.layer == "topic_set")))

    mentions = _resolve_names(_select_longest(names), doc, g)
    tags = Tags()
    _assign(mentions, doc, g, tags)
    tags.topics = _topics(_select_longest(topic_c), topic_sets, doc, g)
    _event_dates(doc, tags)
    return tags


def _neighbour_word(doc: _Doc, i: int, step: int) -> int:
    """Index of the next word token from i in direction step, skipping a lone «و»; -1 when a
    separator or the text edge comes first."""
    j = i
    while True:
        j += step
        if j < 0 or j >= len(doc.kinds) or doc.kinds[j] != _W:
            return -1
        if doc.norms[j] in ("و", "او"):
            continue
        return j


def _resolve_names(selected, doc: _Doc, g: Gazetteer) -> list[_Mention]:
    sure: list[_Mention] = []
    unsure: list[tuple[int, int, tuple[_Entry, ...]]] = []
    for s, e, entries in selected:
        if any(x.facet == "block" for x in entries):
            continue
        # a place right after «لـ» / «صحيفة» is a newspaper: «لـ«الرياض»», «صحيفة الوطن»
        p = _neighbour_word(doc, s, -1)
        if p >= 0 and all(x.facet == "place" for x in entries):
            if doc.norms[p] == "ل" or g._base(doc.norms[p]) in _OUTLET_PREFIX:
                continue
        firm = [x for x in entries if not x.ambiguous]
        if firm:
            x = firm[0]
            sure.append(_Mention(s, e, x.facet, x.slug))
        else:
            unsure.append((s, e, entries))
    supported = {(m.facet, m.slug) for m in sure}
    ends = {m.end: m for m in sure}
    starts = {m.start: m for m in sure}
    for s, e, entries in unsure:
        chosen = [x for x in entries if (x.facet, x.slug) in supported]
        how = "supported"
        if not chosen:
            # coordination: «داعش والقاعدة», «“داعش” و”القاعدة”», «القاعدة وداعش»
            left = _neighbour_word(doc, s, -1)
            right = _neighbour_word(doc, e - 1, 1)
            joined = doc.norms[s].startswith("و") or (s > 0 and doc.norms[s - 1] == "و")
            nb = None
            if joined and left >= 0 and left + 1 in ends:
                nb = ends[left + 1]
            elif (
                right >= 0
                and right in starts
                and (doc.norms[right].startswith("و") or doc.norms[right - 1] == "و")
            ):
                nb = starts[right]
            if nb is not None:
                chosen = [x for x in entries if x.facet == nb.facet]
                if nb.facet == "place":
                    kind = g.venues[nb.slug].kind
                    chosen = [x for x in chosen if g.venues[x.slug].kind == kind]
                how = "coordinated"
        if chosen:
            sure.append(_Mention(s, e, chosen[0].facet, chosen[0].slug, how))
    sure.sort(key=lambda m: m.start)
    return sure


def _snippet(doc: _Doc, a: int, b: int) -> str:
    s = doc.spans[a][0]
    e = doc.spans[b - 1][1]
    return " ".join(doc.text[s:e].split())[:100]


def _locative(doc: _Doc, m: _Mention, g: Gazetteer) -> int:
    """Token index where the locative phrase of mention m starts (its preposition), or -1."""
    n, k = doc.norms[m.start], doc.keys[m.start]
    if n != k:  # a proclitic was stripped
        pre = n[: len(n) - len(k)] if n.endswith(k) else n[:1]
        if "ب" in pre:
            return m.start
    j = m.start
    for _ in range(3):  # «في مدينة مراكش», «في العاصمة السعودية الرياض», «بمدينة مراكش»
        p = j - 1
        if p < 0 or doc.kinds[p] != _W:
            return -1
        pn = doc.norms[p]
        pb = g._base(pn)
        if pb in _LOCATIVE_WORDS or pn in ("في", "وفي", "ففي"):
            return p
        if pb in _PLACE_FILLERS:
            if pn != pb and pn.endswith(pb) and "ب" in pn[: len(pn) - len(pb)]:
                return p  # «بمدينة» / «بالعاصمة»
            j = p
            continue
        if pn.startswith("ال") and pn.endswith("يه"):  # «في العاصمة السعودية الرياض»
            j = p
            continue
        return -1
    return -1


def _is_event_cue(doc: _Doc, i: int, g: Gazetteer, verbs: bool = True) -> bool:
    if doc.kinds[i] != _W:
        return False
    b = g._base(doc.norms[i])
    if b in _EVENT_NOUNS or (verbs and b in _EVENT_VERBS):
        return True
    if b in _OPERATION:
        q = i + 1
        return (
            q < len(doc.kinds)
            and doc.kinds[q] == _W
            and any(g._base(doc.norms[q]).startswith(x) for x in _OPERATION_QUALIFIERS)
        )
    return False


def _venue_cue(doc: _Doc, m: _Mention, g: Gazetteer) -> str | None:
    """Why mention m (a place) is the venue of a reported event, or None.

    Rules, strongest first (each returns «rule: snippet» as evidence):

    * dateline: in the byline or the header lines, the place opens a line and a dash or colon
      follows within two words: «الرياض - واس:», «لندن: رنيم حنوش», «المغرب- حسن الأشرف».
    * construct: an event noun right before a city: «اجتماع روما», «مؤتمر نيويورك».
    * subject: a hosting / witnessing verb right before the place and an event noun within five
      tokens after it: «احتضنت الرباط اجتماعاً», «تعرضت الدار البيضاء لهجمات».
    * locative: «في/ب (+ مدينة/العاصمة ...) X» with an event noun or verb at most six tokens
      before it in the same sentence, and no word in between that shows the locative belongs to
      something else (حول، بشأن، ضد، ظاهرة، تهديدات، a purpose «لـ» verbal noun, another place):
      «المؤتمر الدولي المنعقد الأربعاء الماضي، بمدينة مراكش», «هجمات 11 سبتمبر في الولايات
      المتحدة».
    * where: a locative followed by «حيث» and an event verb / noun: «بنيويورك حيث احتضن».
    """
    text = doc.text
    # -- dateline
    s0 = doc.spans[m.start][0]
    if doc.body_start <= s0 < doc.header_end:
        prev = m.start - 1
        if prev < 0 or (doc.kinds[prev] == _H and "\n" in text[slice(*doc.spans[prev])]):
            e0 = doc.spans[m.end - 1][1]
            sep = _DATELINE_SEP.match(text, e0, min(len(text), e0 + 40))
            if sep:
                return "dateline: " + " ".join(text[s0 : sep.end()].split())
    # -- construct
    p = _neighbour_word(doc, m.start, -1)
    if p == m.start - 1 and p >= 0 and g.venues[m.slug].kind == "city":
        if _is_event_cue(doc, p, g, verbs=False):
            return "construct: " + _snippet(doc, p, m.end)
    # -- subject
    j = m.start
    for _ in range(2):
        q = j - 1
        if q < 0 or doc.kinds[q] != _W:
            break
        qb = g._base(doc.norms[q])
        if qb in _SUBJECT_VERBS:
            for t in range(m.end, min(len(doc.kinds), m.end + 5)):
                if doc.kinds[t] == _H:
                    break
                if _is_event_cue(doc, t, g, verbs=False):
                    return "subject: " + _snippet(doc, q, t + 1)
            break
        if qb in _PLACE_FILLERS:
            j = q
            continue
        break
    loc = _locative(doc, m, g)
    if loc < 0:
        return None
    # -- locative with a cue before it
    steps = 0
    i = loc - 1
    while i >= 0 and steps < _CUE_WINDOW:
        kind = doc.kinds[i]
        if kind == _H:
            break
        if kind == _W:
            steps += 1
            if _is_event_cue(doc, i, g):
                return "locative: " + _snippet(doc, i, m.end)
            n = doc.norms[i]
            b = g._base(n)
            if b in _BLOCK_WORDS or n in _BLOCK_WORDS:
                break
            if n.startswith("ل") and not n.startswith("لل") and b != n:
                break  # purpose: «لمكافحة الإرهاب في أفريقيا»
            if i in doc.place_tokens and i not in doc.venue_tokens:
                break  # another (non-venue) place: the locative belongs to it
        i -= 1
    # -- «... بنيويورك حيث احتضن ...»
    i, steps = m.end, 0
    while i < len(doc.kinds) and steps < 4:
        if doc.kinds[i] == _H:
            break
        if doc.kinds[i] == _W:
            steps += 1
            if g._base(doc.norms[i]) in _WHERE:
                for t in range(i + 1, min(len(doc.kinds), i + 4)):
                    if doc.kinds[t] == _H:
                        break
                    if _is_event_cue(doc, t, g):
                        return "where: " + _snippet(doc, loc, t + 1)
                break
        i += 1
    return None


def _add_hit(
    bucket: dict[str, TagHit], slug: str, span: tuple[int, int], ev: str, order: list[str]
) -> None:
    h = bucket.get(slug)
    if h is None:
        h = bucket[slug] = TagHit(slug)
        order.append(slug)
    if span not in h.spans:
        h.spans.append(span)
    if ev and ev not in h.evidence and len(h.evidence) < MAX_EVIDENCE:
        h.evidence.append(ev)


def _assign(mentions: list[_Mention], doc: _Doc, g: Gazetteer, tags: Tags) -> None:
    doc.place_tokens = {i for m in mentions if m.facet == "place" for i in range(m.start, m.end)}
    actors: dict[str, TagHit] = {}
    venues: dict[str, TagHit] = {}
    places: dict[str, TagHit] = {}
    oa: list[str] = []
    ov: list[str] = []
    op: list[str] = []
    venue_mentions: list[_Mention] = []
    prev_place: _Mention | None = None
    prev_place_actor = False
    for m in mentions:
        span = (doc.spans[m.start][0], doc.spans[m.end - 1][1])
        surface = doc.text[span[0] : span[1]]
        if m.facet == "actor":
            _add_hit(actors, m.slug, span, surface, oa)
            continue
        why = _venue_cue(doc, m, g)
        if why is None and venue_mentions:
            # «في الرياض وجدة»: coordinated with the venue right before it
            last = venue_mentions[-1]
            left = _neighbour_word(doc, m.start, -1)
            joined = doc.norms[m.start].startswith("و") or doc.norms[m.start - 1] == "و"
            if joined and left >= 0 and left + 1 == last.end:
                why = "coordinated: " + _snippet(doc, last.start, m.end)
        if why is not None:
            venue_mentions.append(m)
            doc.venue_tokens.update(range(m.start, m.end))
            _add_hit(venues, m.slug, span, why, ov)
            continue
        _add_hit(places, m.slug, span, surface, op)
        state = getattr(g.venues[m.slug], "actor", None)
        # «في سوريا واليمن», «إدلب وأفغانستان»: a place coordinated with a place that is not
        # acting is not acting either
        chained = prev_place is not None and _coordinated(doc, prev_place, m)
        acting = False
        if state and state in g.actors and _locative(doc, m, g) < 0:
            p = _neighbour_word(doc, m.start, -1)
            if chained:
                acting = prev_place_actor
            else:
                acting = p < 0 or g._base(doc.norms[p]) not in _NON_ACTOR_BEFORE
            if acting:
                _add_hit(actors, state, span, surface, oa)
        prev_place, prev_place_actor = m, acting
    # most specific venue: a country is dropped when one of its cities is a venue
    cities = {g.venues[s].country for s in ov if g.venues[s].kind == "city"}
    for s in list(ov):
        v = g.venues[s]
        if v.kind == "country" and v.country in cities:
            h = venues.pop(s)
            ov.remove(s)
            for sp in h.spans:
                _add_hit(places, s, sp, doc.text[sp[0] : sp[1]], op)
    for s in ov:
        places.pop(s, None)
        if s in op:
            op.remove(s)
    tags.actors = [actors[s] for s in oa]
    tags.venues = [venues[s] for s in ov]
    tags.places = [places[s] for s in op]


def _coordinated(doc: _Doc, a: _Mention, b: _Mention) -> bool:
    """b follows a, joined by «و» / «أو» (attached or standalone) or a comma."""
    j = b.start - 1
    joined = doc.norms[b.start][:1] == "و" and doc.keys[b.start] != doc.norms[b.start]
    while j >= a.end:
        if doc.kinds[j] == _W and doc.norms[j] in ("و", "او"):
            joined = True
        elif doc.kinds[j] == _S:
            joined = True
        else:
            return False
        j -= 1
    return joined


#: a country after these is a place, not an acting state: «من المغرب», «إلى أوروبا»
_NON_ACTOR_BEFORE = _bases(("من", "إلى", "الى", "نحو", "عبر", "داخل", "خارج", "جنوب", "شمال"))


def _topics(selected, set_matches, doc: _Doc, g: Gazetteer) -> list[TagHit]:
    hits: dict[str, TagHit] = {}
    order: list[str] = []
    for s, e, entries in selected:
        span = (doc.spans[s][0], doc.spans[e - 1][1])
        for x in entries:
            _add_hit(hits, x.slug, span, doc.text[span[0] : span[1]], order)
    # cue sets: all groups of one set within one paragraph
    if set_matches:
        para_of = _paragraphs(doc)
        found: dict[tuple[str, int, int], dict[int, tuple[int, int]]] = {}
        for s, e, entries in set_matches:
            span = (doc.spans[s][0], doc.spans[e - 1][1])
            for x in entries:
                found.setdefault((x.slug, x.cue_set, para_of[s]), {}).setdefault(x.group, span)
        for (slug, si, _para), groups in found.items():
            need = len(g.topics[slug].cue_sets[si])
            if len(groups) == need:
                spans = [groups[k] for k in sorted(groups)]
                ev = " + ".join(doc.text[a:b] for a, b in spans)
                for sp in spans:
                    _add_hit(hits, slug, sp, "", order)
                h = hits[slug]
                if ev not in h.evidence and len(h.evidence) < MAX_EVIDENCE:
                    h.evidence.append(ev)
    out = [hits[s] for s in order]
    direct = set(order)
    for slug in sorted(expand_topic_ancestors(direct, g.topics) - direct):
        children = sorted(c for c in direct if slug in _ancestors(c, g.topics))
        out.append(TagHit(slug, [], [f"derived from {c}" for c in children][:MAX_EVIDENCE]))
    return out


def _paragraphs(doc: _Doc) -> list[int]:
    para, out = 0, []
    text = doc.text
    for i, c in enumerate(doc.chars):
        if c == _HARD and text.count("\n", *doc.spans[i]) >= 1:
            para += 1
        out.append(para)
    return out


def _ancestors(slug: str, topics: dict[str, Any]) -> list[str]:
    out, seen = [], {slug}
    t = topics.get(slug)
    while t is not None and t.parent and t.parent not in seen:
        out.append(t.parent)
        seen.add(t.parent)
        t = topics.get(t.parent)
    return out


def expand_topic_ancestors(slugs: Iterable[str], topics: Any) -> set[str]:
    """The slugs plus all their ancestors. ``topics`` is a {slug: topic} mapping or a list of
    topic records (anything with ``slug`` and ``parent``)."""
    if not isinstance(topics, dict):
        topics = {t.slug: t for t in map(_as_obj, topics)}
    out = set(slugs)
    for s in list(out):
        out.update(_ancestors(s, topics))
    return out


# ------------------------------------------------------------------------------------------------
# Event dates
# ------------------------------------------------------------------------------------------------

_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "،": ","})


def _fold(text: str) -> str:
    # same length as the input: positions stay valid
    from articles.text.arabic import to_western_digits

    return to_western_digits(text).translate(_FOLD)


def _month_rx() -> str:
    names = sorted({_fold(n) for ns in MONTHS.values() for n in ns}, key=len, reverse=True)
    return "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in names)


_M = f"(?:{_month_rx()})"
_DATE_RX = re.compile(
    rf"(?<![\w])(?:(?P<day>\d{{1,2}})\s*(?:من\s+)?)?(?P<month>{_M})"
    rf"(?:\s*[/\-(–]\s*{_M}\s*\)?)?\s*,?\s*(?:من\s+)?(?:(?:عام|العام|سنه)\s+)?(?P<year>\d{{4}})(?!\d)"
    rf"|(?<![\w/.-])(?P<nd>\d{{1,2}})[/.-](?P<nm>\d{{1,2}})[/.-](?P<ny>\d{{4}})(?![\d/])",
    re.IGNORECASE,
)


_YEAR = re.compile(r"(?<![0-9٠-٩])[12١٢][0-9٠-٩]{3}(?![0-9٠-٩])")


def _event_dates(doc: _Doc, tags: Tags) -> None:
    """Dates (day or month precision) written in the text, except the page's own publication
    line; only the neighbourhood of each 4-digit year is folded and searched."""
    text = doc.text
    seen: set[dt.date] = set()
    done_to = 0
    for y in _YEAR.finditer(text):
        w0 = max(done_to, y.start() - 40)
        window = _fold(text[w0 : y.end()])
        done_to = y.end()
        for m in _DATE_RX.finditer(window):
            if m.end() != len(window):
                continue  # must end at this year
            a, b = w0 + m.start(), w0 + m.end()
            line_a = text.rfind("\n", 0, a) + 1
            line_b = text.find("\n", b)
            line = text[line_a : len(text) if line_b < 0 else line_b].strip()
            if len(line) <= 120 and date_on_line(line) is not None:
                break  # the publication line («نشر في ...») is metadata
            if m.group("month"):
                day = m.group("day")
                frag = f"{day or 1} {m.group('month')} {m.group('year')}"
                precision = "day" if day else "month"
            else:
                frag = f"{m.group('nd')}/{m.group('nm')}/{m.group('ny')}"
                precision = "day"
            d = parse_arabic_date(frag)
            if d is None:
                break
            tags.event_date_details.append(
                EventDate(d, precision, (a, b), " ".join(text[a:b].split()))
            )
            if d not in seen:
                seen.add(d)
                tags.event_dates.append(d)
            break


# ------------------------------------------------------------------------------------------------
# Curator overrides
# ------------------------------------------------------------------------------------------------


def curated(auto: Tags, overrides: Sequence[Override], gazetteer: Gazetteer | None = None) -> Tags:
    """``auto`` with the curators' decisions applied; ``auto`` is not modified.

    The last decision per (facet, slug) wins. "remove" drops the tag whatever the tagger says
    (so re-tagging never brings it back: apply ``curated`` to every fresh ``tag`` result);
    "add" keeps the automatic hit when there is one (its spans and evidence, source becomes
    "curator") or adds a span-less TagHit with source "curator". With a gazetteer, topics added
    by a curator also bring their ancestors (unless a curator removed those).
    """
    last: dict[tuple[str, str], Override] = {}
    for o in overrides:
        last[(o.facet, o.slug)] = o
    out = Tags(event_dates=list(auto.event_dates), event_date_details=list(auto.event_date_details))
    removed = {k for k, o in last.items() if o.action == "remove"}
    for facet in FACETS:
        hits = [
            TagHit(h.slug, list(h.spans), list(h.evidence), h.source)
            for h in getattr(auto, facet)
            if (facet, h.slug) not in removed
        ]
        by_slug = {h.slug: h for h in hits}
        for (f, slug), o in last.items():
            if f != facet or o.action != "add":
                continue
            h = by_slug.get(slug)
            note = f"curator: {o.curator}" if o.curator else "curator"
            if h is None:
                h = TagHit(slug, [], [note], "curator")
                hits.append(h)
                by_slug[slug] = h
            else:
                h.source = "curator"
        if facet == "topics" and gazetteer is not None:
            for h in list(hits):
                if h.source != "curator":
                    continue
                for anc in _ancestors(h.slug, gazetteer.topics):
                    if anc not in by_slug and ("topics", anc) not in removed:
                        a = TagHit(anc, [], [f"derived from {h.slug}"], "curator")
                        hits.append(a)
                        by_slug[anc] = a
        setattr(out, facet, hits)
    return out


# ------------------------------------------------------------------------------------------------
# Default gazetteer
# ------------------------------------------------------------------------------------------------

_DEFAULT: Gazetteer | None = None


def default_gazetteer() -> Gazetteer:
    """The gazetteer built from ``articles.gazetteer_data`` (built once per process)."""
    global _DEFAULT
    if _DEFAULT is None:
        from articles import gazetteer_data as data

        _DEFAULT = Gazetteer.from_data(data.ACTORS, data.VENUES, data.TOPICS, data.BLOCKERS)
    return _DEFAULT


# ------------------------------------------------------------------------------------------------
# Throughput measurement: python -m articles.tagging [--workers N] DIR_OF_SAUDINEWSNET_ZIPS
# ------------------------------------------------------------------------------------------------


def _bench_file(path: str) -> tuple[int, int, dict[str, int]]:
    import json
    import zipfile

    g = default_gazetteer()
    n = words = 0
    counts = dict.fromkeys(FACETS, 0)
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            for rec in json.loads(z.read(name)):
                t = tag(
                    rec.get("title") or "", rec.get("content") or "", g, rec.get("author") or ""
                )
                n += 1
                words += len((rec.get("content") or "").split())
                for f in FACETS:
                    counts[f] += len(getattr(t, f))
    return n, words, counts


def _main(argv: Sequence[str] | None = None) -> None:
    import argparse
    import glob
    import os
    import time
    from concurrent.futures import ProcessPoolExecutor

    ap = argparse.ArgumentParser(description="Tag a SaudiNewsNet directory and report speed.")
    ap.add_argument("directory")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args(argv)
    files = sorted(glob.glob(os.path.join(args.directory, "*.zip")))
    t0 = time.perf_counter()
    total = words = 0
    counts = dict.fromkeys(FACETS, 0)
    if args.workers <= 1:
        results = map(_bench_file, files)
    else:
        results = ProcessPoolExecutor(args.workers).map(_bench_file, files)
    for n, w, c in results:
        total += n
        words += w
        for f in FACETS:
            counts[f] += c[f]
    secs = time.perf_counter() - t0
    print(
        f"{total} articles, {words} words in {secs:.1f}s with {args.workers} worker(s): "
        f"{total / secs:.0f} articles/s, {words / secs / 1e6:.2f}M words/s; tags: {counts}"
    )


if __name__ == "__main__":
    _main()
