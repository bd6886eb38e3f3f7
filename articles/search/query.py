"""The search query language and its compiler to OpenSearch DSL.

Everything here is a *pure* function of a :class:`SearchRequest`: no Django ORM, no network. The
JSON API, the HTML page and the saved-search alerts (percolator) all compile through this module,
so a search means the same thing everywhere.

Query language (parsed by a small recursive-descent parser; user text never reaches
``query_string`` / ``simple_query_string``, so no Lucene syntax can be injected):

* ``word word``              both words (AND). ``AND`` written in capitals is accepted (no-op).
* ``"a phrase"`` / ``«...»`` / ``“...”``   exact phrase on the unstemmed ``.exact`` fields. An
  unclosed quote closes at the end of the query.
* ``a OR b`` / ``a | b``     either. OR binds tighter than the implicit AND, as in web search
  engines: ``داعش هجوم OR تفجير`` = داعش AND (هجوم OR تفجير). «أو» is *not* an operator: it is a
  very common word in ordinary Arabic text and queries pasted from articles contain it. Only the
  capitalised Latin ``OR`` and ``|`` are operators; lowercase ``or`` is a word.
* ``-word``, ``-"phrase"``, ``-(group)``, ``NOT x``   exclude. A query of exclusions only means
  "everything except".
* ``( ... )``                grouping, nesting depth ≤ 8; unclosed groups close at the end, stray
  ``)`` are ignored.
* ``prefix*``                words starting with the prefix (≥ 2 letters before ``*``), on the
  exact fields.

Words made only of punctuation or symbols (``{``, ``^``, ``\\``, emoji) are ignored: the index
tokenizer would not produce a term for them either. Control characters become spaces; invisible
format characters (RLM/LRM, ZWNJ, bidi embeddings) are removed.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from types import MappingProxyType
from typing import Literal

from . import facets as _facets

# ------------------------------------------------------------------------------------------------
# Limits
# ------------------------------------------------------------------------------------------------

MAX_QUERY_LENGTH = 500
MAX_TERMS = 32
MAX_DEPTH = 8
MAX_PHRASE_WORDS = 12
MIN_PREFIX_LETTERS = 2
MAX_PAGE_SIZE = 100
#: The index setting ``max_result_window``: from + size beyond it is refused by the engine.
MAX_RESULT_WINDOW = 10_000
#: Alternatives used per expanded word (an expansion table can be large; the query must not be).
MAX_EXPANSIONS_PER_WORD = 10
#: Selected keys per facet (a URL can carry anything; a terms filter of thousands is a DoS).
MAX_FILTER_VALUES = 50
# Copies of a collapsed story listed with the result ("also published by …").
COPIES_SHOWN = 10

SortOrder = Literal["relevance", "newest", "oldest"]
SORTS: tuple[str, ...] = ("relevance", "newest", "oldest")

# Fields. A word scores both the stemmed field (recall) and the exact one (precision): a document
# that contains the very form typed ranks above one that only shares the stem.
WORD_FIELDS = ("title^3", "title.exact^4", "body", "body.exact^1.5", "byline")
EXACT_WORD_FIELDS = ("title.exact^4", "body.exact^1.5", "byline.exact")
PHRASE_FIELDS = ("title.exact^4", "body.exact^1.5", "byline.exact")
PREFIX_FIELDS = {"title.exact": 4.0, "body.exact": 1.5, "byline.exact": 1.0}

BODY_FRAGMENT_SIZE = 160
#: Highlighting re-analyses ``.exact`` text (no term vectors); the engine fails the whole search
#: when a field exceeds ``index.highlight.max_analyzed_offset`` (1,000,000), unless the request
#: caps the analysis. Matches beyond this offset are simply not marked.
HIGHLIGHT_MAX_OFFSET = 100_000
BODY_FRAGMENTS = 3
MARK_OPEN, MARK_CLOSE = "<mark>", "</mark>"


# ------------------------------------------------------------------------------------------------
# Errors: every one carries a message for users, in English and Arabic.
# ------------------------------------------------------------------------------------------------


class SearchRequestError(ValueError):
    """A request the user must change (the API answers 400 with ``message`` / ``message_ar``)."""

    def __init__(self, message: str, message_ar: str) -> None:
        super().__init__(message)
        self.message = message
        self.message_ar = message_ar

    def as_dict(self) -> dict[str, str]:
        return {
            "error": type(self).__name__,
            "message": self.message,
            "message_ar": self.message_ar,
        }


class QuerySyntaxError(SearchRequestError):
    """The query text cannot be understood (e.g. ``a*``, ``*``, ``x*y``)."""


class QueryTooComplex(QuerySyntaxError):
    """The query is over a limit (length, terms, nesting, phrase length, filter values)."""


class PageOutOfRange(SearchRequestError):
    """The page lies beyond what the engine can page to (max_result_window) or is invalid."""


# ------------------------------------------------------------------------------------------------
# The request
# ------------------------------------------------------------------------------------------------


def _freeze_mapping(value: Mapping | None) -> Mapping[str, tuple[str, ...]]:
    if not value:
        return MappingProxyType({})
    out: dict[str, tuple[str, ...]] = {}
    for key, values in value.items():
        if isinstance(values, str):
            values = (values,)
        out[str(key)] = tuple(values or ())
    return MappingProxyType(out)


@dataclass(frozen=True)
class SearchRequest:
    """One search, as the UI / API / a saved search describe it. Validated by the compiler."""

    q: str = ""
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    date_from: date | None = None
    date_to: date | None = None
    sort: SortOrder | None = None
    page: int = 1
    page_size: int = 20
    exact_only: bool = False
    expansions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # One result per story cluster (near-duplicate copies folded into it); the API and the
    # page ask for it unless the researcher wants every copy.
    collapse: bool = False

    def __post_init__(self) -> None:
        # Lists from a form / JSON become tuples, and the mappings read-only: the request is a
        # value that can be cached or stored with a saved search.
        object.__setattr__(self, "filters", _freeze_mapping(self.filters))
        object.__setattr__(self, "expansions", _freeze_mapping(self.expansions))

    @property
    def effective_sort(self) -> str:
        """``sort`` or, when unset, relevance for a text query and newest for browsing."""
        if self.sort:
            return self.sort
        return "relevance" if parse(self.q) is not None else "newest"


# ------------------------------------------------------------------------------------------------
# AST
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    text: str


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]


@dataclass(frozen=True)
class Prefix:
    text: str


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


Node = Word | Phrase | Prefix | Not | And | Or


# ------------------------------------------------------------------------------------------------
# Lexer
# ------------------------------------------------------------------------------------------------

#: Opening quote → the characters that close it. Arabic keyboards give «», word processors “”,
#: and right-to-left text often shows ” at the start of a quotation.
_QUOTES = {'"': '"', "«": "»", "“": '”"', "”": '”“"', "„": '“”"'}
_WORD_STOP = set('()|"«»“”„') | set(_QUOTES)

_LPAREN, _RPAREN, _OR, _NOT, _WORD, _PHRASE = "(", ")", "OR", "NOT", "WORD", "PHRASE"


def _clean(text: str) -> str:
    """Control characters → space; invisible format characters (RLM, ZWNJ, bidi) removed."""
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat == "Cc" or cat in ("Zl", "Zp"):
            out.append(" ")
        elif cat in ("Cf", "Cs", "Co", "Cn"):
            continue
        else:
            out.append(ch)
    return "".join(out)


def _has_letters(text: str) -> bool:
    return any(unicodedata.category(c)[0] in "LN" for c in text)


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            tokens.append((ch, ch))
            i += 1
        elif ch == "|":
            while i < n and text[i] == "|":
                i += 1
            tokens.append((_OR, "|"))
        elif ch in _QUOTES:
            closers = _QUOTES[ch]
            j = i + 1
            while j < n and text[j] not in closers:
                j += 1
            tokens.append((_PHRASE, text[i + 1 : j]))  # unclosed: runs to the end
            i = j + 1
        elif ch in "»":  # a closing guillemet with no opening one: punctuation
            i += 1
        elif ch == "-":
            j = i
            while j < n and text[j] == "-":
                j += 1
            if j < n and not text[j].isspace() and text[j] != ")":
                # -x, --x (double negation), -"phrase", -(group)
                tokens.extend([(_NOT, "-")] * (j - i))
            # a lone "-" (or "---") before a space is punctuation
            i = j
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in _WORD_STOP:
                j += 1
            word = text[i:j]
            i = j
            if word == "OR":
                tokens.append((_OR, word))
            elif word == "NOT":
                tokens.append((_NOT, word))
            elif word in ("AND", "&&"):
                continue  # explicit AND is the default
            else:
                tokens.append((_WORD, word))
    return tokens


# ------------------------------------------------------------------------------------------------
# Parser
# ------------------------------------------------------------------------------------------------

_TOO_LONG = (
    f"The search is too long (at most {MAX_QUERY_LENGTH} characters).",
    f"نص البحث طويل جدًا (الحد الأقصى {MAX_QUERY_LENGTH} حرفًا).",
)
_TOO_MANY_TERMS = (
    f"The search has too many words (at most {MAX_TERMS}).",
    f"يحتوي البحث على كلمات كثيرة جدًا (الحد الأقصى {MAX_TERMS} كلمة).",
)
_TOO_DEEP = (
    f"Too many nested parentheses (at most {MAX_DEPTH} levels).",
    f"أقواس متداخلة كثيرة جدًا (الحد الأقصى {MAX_DEPTH} مستويات).",
)
_PHRASE_TOO_LONG = (
    f"A quoted phrase may have at most {MAX_PHRASE_WORDS} words.",
    f"يمكن أن تحتوي العبارة بين علامتي التنصيص على {MAX_PHRASE_WORDS} كلمة على الأكثر.",
)
_SHORT_PREFIX = (
    f"Put at least {MIN_PREFIX_LETTERS} letters before * (for example: ارهاب*).",
    f"ضع {MIN_PREFIX_LETTERS} حرفين على الأقل قبل علامة * (مثال: ارهاب*).",
)
_STAR_INSIDE = (
    "* can only be used at the end of a word (for example: ارهاب*).",
    "لا يمكن استخدام علامة * إلا في نهاية الكلمة (مثال: ارهاب*).",
)


class _Parser:
    """Grammar (OR binds tighter than the implicit AND; NOT / - tightest)::

    query   := and
    and     := or*                       until ")" or the end
    or      := unary (OR unary)*         a dangling OR is ignored
    unary   := (NOT | -)* primary        an odd count negates; a dangling NOT is ignored
    primary := "(" and ")"? | PHRASE | WORD
    """

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.terms = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos][0] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def count(self, n: int) -> None:
        self.terms += n
        if self.terms > MAX_TERMS:
            raise QueryTooComplex(*_TOO_MANY_TERMS)

    def parse(self) -> Node | None:
        parts: list[Node] = []
        while self.peek() is not None:
            if self.peek() == _RPAREN:  # stray ")" at top level
                self.take()
                continue
            parts.extend(self.and_(depth=0))
        return _make(And, parts)

    def and_(self, depth: int) -> list[Node]:
        parts: list[Node] = []
        while self.peek() not in (None, _RPAREN):
            if self.peek() == _OR:  # OR with nothing on its left
                self.take()
                continue
            node = self.or_(depth)
            if node is not None:
                parts.append(node)
        return parts

    def or_(self, depth: int) -> Node | None:
        parts: list[Node] = []
        node = self.unary(depth)
        if node is not None:
            parts.append(node)
        while self.peek() == _OR:
            while self.peek() == _OR:
                self.take()
            if self.peek() in (None, _RPAREN):
                break  # dangling OR
            node = self.unary(depth)
            if node is not None:
                parts.append(node)
        return _make(Or, parts)

    def unary(self, depth: int) -> Node | None:
        negations = 0
        while self.peek() == _NOT:
            self.take()
            negations += 1
        if self.peek() in (None, _RPAREN, _OR):
            return None  # NOT with nothing to negate
        node = self.primary(depth)
        if node is None or negations % 2 == 0:
            return node
        return Not(node)

    def primary(self, depth: int) -> Node | None:
        kind, text = self.take()
        if kind == _LPAREN:
            if depth + 1 > MAX_DEPTH:
                raise QueryTooComplex(*_TOO_DEEP)
            parts = self.and_(depth + 1)
            if self.peek() == _RPAREN:
                self.take()  # else: unclosed, closes at the end
            return _make(And, parts)
        if kind == _PHRASE:
            words = tuple(w for w in text.split() if _has_letters(w))
            if not words:
                return None
            if len(words) > MAX_PHRASE_WORDS:
                raise QueryTooComplex(*_PHRASE_TOO_LONG)
            self.count(len(words))
            return Phrase(words)
        return self.word(text)

    def word(self, text: str) -> Node | None:
        if "*" in text:
            stem = text.rstrip("*")
            if "*" in stem:
                raise QuerySyntaxError(*_STAR_INSIDE)
            letters = _prefix_letters(stem)
            if len(letters) < MIN_PREFIX_LETTERS:
                raise QuerySyntaxError(*_SHORT_PREFIX)
            self.count(1)
            return Prefix(stem)
        if not _has_letters(text):
            return None
        self.count(1)
        return Word(text)


def _prefix_letters(stem: str) -> str:
    """The last run of letters/digits of a prefix, normalised: what the prefix query compares."""
    pieces = re.findall(r"\w+", _normalize(stem))
    return pieces[-1] if pieces else ""


def _make(cls: type[And] | type[Or], parts: list[Node]) -> Node | None:
    """And/Or of parts, flattened (a AND (b AND c) = a AND b AND c), None when empty."""
    flat: list[Node] = []
    for p in parts:
        if isinstance(p, cls):
            flat.extend(p.children)
        else:
            flat.append(p)
    if not flat:
        return None
    if len(flat) == 1:
        return flat[0]
    return cls(tuple(flat))


def parse(q: str) -> Node | None:
    """Parse a user query into an AST; ``None`` when it has nothing to search for.

    Raises :class:`QuerySyntaxError` / :class:`QueryTooComplex` with a user-facing message.
    Recovers from the common slips instead of failing: unclosed quotes and parentheses close at
    the end, stray ``)``, dangling ``OR`` / ``NOT`` and lone ``-`` are ignored.
    """
    q = (q or "").strip()
    if len(q) > MAX_QUERY_LENGTH:
        raise QueryTooComplex(*_TOO_LONG)
    return _Parser(_tokens(_clean(q))).parse()


# ------------------------------------------------------------------------------------------------
# Normalisation (mirrors the index analyzers when articles.arabic is available)
# ------------------------------------------------------------------------------------------------


@cache
def _arabic():
    try:
        from articles.text import arabic
    except ImportError:  # pragma: no cover - the module is part of the project
        return None
    return arabic


def _normalize(text: str) -> str:
    """The analyzers' character normalisation (alef/hamza/yeh/teh marbuta, diacritics), lowered.

    Needed wherever the engine does *not* analyse our input: prefix queries and expansion keys.
    """
    mod = _arabic()
    fn = getattr(mod, "normalize", None)
    if fn is not None:
        text = fn(text)
    return text.lower()


def _exact_variants(token: str) -> list[str]:
    mod = _arabic()
    fn = getattr(mod, "exact_variants", None)
    return list(fn(token)) if fn is not None else [token]


@cache
def _stopwords() -> frozenset[str]:
    mod = _arabic()
    fn = getattr(mod, "stopwords", None)
    if fn is None:
        return frozenset()
    return frozenset(_normalize(w) for w in fn())


_ARABIC_LETTER = re.compile("[\u0621-\u064a]")


def prefix_terms(stem: str) -> list[str]:
    """Index terms a ``stem*`` query should match as prefixes of the ``.exact`` field.

    Prefix queries are not analysed, so the prefix is normalised here like the exact analyzer
    does (characters, lowercase, و/ف/ب/ك before the article, لل → ال). The exact field keeps the
    article, so an Arabic prefix without it also matches the word with it (``ارهاب*`` finds
    إرهابي and الإرهابيين) – the stemmed field treats the article the same way.
    """
    pieces = re.findall(r"\w+", _normalize(stem))
    if not pieces:
        return []
    last = pieces[-1]
    terms: list[str] = []
    for v in [*_exact_variants(last)]:
        if len(v) >= MIN_PREFIX_LETTERS and v not in terms:
            terms.append(v)
    for v in list(terms):
        if _ARABIC_LETTER.match(v) and not v.startswith("ال") and "ال" + v not in terms:
            terms.append("ال" + v)
    return terms


# ------------------------------------------------------------------------------------------------
# Compiler
# ------------------------------------------------------------------------------------------------


def _multi_match(text: str, fields: tuple[str, ...], **extra) -> dict:
    return {"multi_match": {"query": text, "fields": list(fields), **extra}}


def _phrase(words: tuple[str, ...] | list[str]) -> dict:
    return _multi_match(" ".join(words), PHRASE_FIELDS, type="phrase")


def _expansions_for(word: str, expansions: Mapping[str, tuple[str, ...]]) -> list[str]:
    if not expansions:
        return []
    norm = _normalize(word)
    keys = expansions if norm in expansions else _normalized_keys(expansions)
    candidates = [norm]
    mod = _arabic()
    strip = getattr(mod, "strip_proclitics", None)
    if strip is not None:
        candidates.append(strip(norm))
    for key in candidates:
        if key in keys:
            alts = [a.strip() for a in keys[key] if a and a.strip()]
            alts = [a for a in alts if len(a.split()) <= MAX_PHRASE_WORDS]
            # An alias that contains the word itself («الدولة الإسلامية (داعش)») matches
            # nothing the word does not: it would only cost a phrase query on every search.
            words = {a: tuple(re.findall(r"\w+", _normalize(a))) for a in alts}
            alts = [a for a in alts if not {norm, key} & set(words[a])]
            # Likewise an alias that contains another one («تنظيم الدولة الإسلامية» after
            # «تنظيم الدولة»).
            alts = [
                a for a in alts if not any(b != a and _contains(words[a], words[b]) for b in alts)
            ]
            return alts[:MAX_EXPANSIONS_PER_WORD]
    return []


def _contains(words: tuple[str, ...], part: tuple[str, ...]) -> bool:
    """Whether ``part`` occurs in ``words`` as consecutive words (and is shorter)."""
    n = len(part)
    return 0 < n < len(words) and any(words[i : i + n] == part for i in range(len(words) - n + 1))


def _normalized_keys(expansions: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    return {_normalize(k): v for k, v in expansions.items()}


def _compile_word(node: Word, request: SearchRequest) -> dict:
    fields = EXACT_WORD_FIELDS if request.exact_only else WORD_FIELDS
    query = _multi_match(node.text, fields, type="best_fields", tie_breaker=0.3, operator="and")
    alternatives = _expansions_for(node.text, request.expansions)
    if not alternatives:
        return query
    # Aliases are names: matched as exact phrases (precision), scored a little below the word.
    should = [query] + [
        _multi_match(a, PHRASE_FIELDS, type="phrase", boost=0.8) for a in alternatives
    ]
    return {"bool": {"should": should, "minimum_should_match": 1}}


def _compile_prefix(node: Prefix) -> dict:
    pieces = re.findall(r"\w+", _normalize(node.text))
    should = [
        {"prefix": {f: {"value": term, "boost": boost}}}
        for term in prefix_terms(node.text)
        for f, boost in PREFIX_FIELDS.items()
    ]
    query: dict = {"bool": {"should": should, "minimum_should_match": 1}}
    if len(pieces) > 1:  # "al-qa*": the leading pieces must be there too
        query = {"bool": {"must": [_phrase(pieces[:-1]), query]}}
    return query


def _is_optional(node: Node) -> bool:
    """A bare stop word (في، من، أو …) scores but does not restrict: the stemmed field drops it."""
    return isinstance(node, Word) and _normalize(node.text) in _stopwords()


def _compile(node: Node, request: SearchRequest) -> dict:
    if isinstance(node, Word):
        return _compile_word(node, request)
    if isinstance(node, Phrase):
        return _phrase(node.words)
    if isinstance(node, Prefix):
        return _compile_prefix(node)
    if isinstance(node, Not):
        return {
            "bool": {
                "must": [{"match_all": {}}],
                "must_not": [_compile(node.child, request)],
            }
        }
    if isinstance(node, Or):
        return {
            "bool": {
                "should": [_compile(c, request) for c in node.children],
                "minimum_should_match": 1,
            }
        }
    # And
    positives = [c for c in node.children if not isinstance(c, Not)]
    negatives = [c.child for c in node.children if isinstance(c, Not)]
    if request.exact_only:  # no stemming: every word typed is required as written
        required, optional = positives, []
    else:
        required = [c for c in positives if not _is_optional(c)]
        optional = [c for c in positives if _is_optional(c)]
        if not required:  # a query of stop words only still has to match them
            required, optional = optional, []
    bool_: dict = {"must": [_compile(c, request) for c in required] or [{"match_all": {}}]}
    if optional:
        bool_["should"] = [_compile(c, request) for c in optional]
    if negatives:
        bool_["must_not"] = [_compile(c, request) for c in negatives]
    return {"bool": bool_}


def compile_text(request: SearchRequest) -> dict:
    """The clause for ``q`` alone (``match_all`` for an empty query)."""
    node = parse(request.q)
    if node is None:
        return {"match_all": {}}
    if isinstance(node, Not):
        node = And((node,))
    return _compile(node, request)


def _date_range(request: SearchRequest) -> dict | None:
    if request.date_from is None and request.date_to is None:
        return None
    rng: dict = {"format": "strict_date"}
    if request.date_from is not None:
        rng["gte"] = request.date_from.isoformat()
    if request.date_to is not None:
        # Inclusive to the end of the day: strictly before the next midnight (UTC).
        rng["lt"] = (request.date_to + timedelta(days=1)).isoformat()
    return {"range": {"sort_date": rng}}


def validate(request: SearchRequest) -> None:
    """Raise a :class:`SearchRequestError` for anything the user must change."""
    if request.sort is not None and request.sort not in SORTS:
        raise SearchRequestError(
            "Unknown sort order (use relevance, newest or oldest).",
            "ترتيب غير معروف (استخدم: الصلة أو الأحدث أو الأقدم).",
        )
    if request.date_from and request.date_to and request.date_from > request.date_to:
        raise SearchRequestError(
            "The start date is after the end date.",
            "تاريخ البداية بعد تاريخ النهاية.",
        )
    for name, values in request.filters.items():
        if name in _facets.FACETS and len(values) > MAX_FILTER_VALUES:
            raise QueryTooComplex(
                f"Too many values selected in one filter (at most {MAX_FILTER_VALUES}).",
                f"تم اختيار قيم كثيرة جدًا في مرشّح واحد (الحد الأقصى {MAX_FILTER_VALUES}).",
            )
    if not isinstance(request.page_size, int) or not 1 <= request.page_size <= MAX_PAGE_SIZE:
        raise PageOutOfRange(
            f"Results per page must be between 1 and {MAX_PAGE_SIZE}.",
            f"يجب أن يكون عدد النتائج في الصفحة بين 1 و{MAX_PAGE_SIZE}.",
        )
    if not isinstance(request.page, int) or request.page < 1:
        raise PageOutOfRange(
            "The page number must be 1 or more.", "يجب أن يكون رقم الصفحة 1 أو أكثر."
        )
    if request.page * request.page_size > MAX_RESULT_WINDOW:
        last = MAX_RESULT_WINDOW // request.page_size
        raise PageOutOfRange(
            f"Only the first {MAX_RESULT_WINDOW:,} results can be shown (page {last} at most); "
            "narrow the search with more words, filters or dates.",
            f"لا يمكن عرض أكثر من أول {MAX_RESULT_WINDOW} نتيجة (الصفحة {last} على الأكثر)؛ "
            "ضيّق البحث بكلمات أو مرشّحات أو تواريخ إضافية.",
        )


def _base_query(request: SearchRequest, *, with_facet_filters: bool) -> dict:
    text = compile_text(request)
    filters: list[dict] = []
    date_range = _date_range(request)
    if date_range:
        filters.append(date_range)
    if with_facet_filters:
        filters.extend(_facets.facet_filters(request))
    if not filters:
        return text
    return {"bool": {"must": [text], "filter": filters}}


def compile_query(request: SearchRequest) -> dict:
    """The ``query`` clause that defines the full result set: text, dates and facet filters.

    Self-contained (no aggs / sort / highlight / post_filter), so it can be stored in the
    percolator for saved-search alerts or used for a count.
    """
    validate(request)
    return _base_query(request, with_facet_filters=True)


def _sort(request: SearchRequest) -> list:
    order = request.effective_sort
    if order == "oldest":
        return [{"sort_date": {"order": "asc", "missing": "_last"}}, {"id": "asc"}]
    newest = [{"sort_date": {"order": "desc", "missing": "_last"}}, {"id": "desc"}]
    if order == "newest":
        return newest
    return [{"_score": "desc"}, *newest]


def highlight_spec() -> dict:
    """Title and body, on both the stemmed and the exact field.

    ``matched_fields`` only works with the ``fvh`` highlighter, which needs term vectors on
    every matched field; ``.exact`` has none, so both fields are highlighted by the unified
    highlighter and :func:`parse_hits` merges their marks. ``encoder: html`` escapes the article
    text, so the only markup in a fragment is ours.
    """
    body = {
        "type": "unified",
        "max_analyzer_offset": HIGHLIGHT_MAX_OFFSET,
        "fragment_size": BODY_FRAGMENT_SIZE,
        "number_of_fragments": BODY_FRAGMENTS,
        "order": "score",
    }
    title = {
        "type": "unified",
        "max_analyzer_offset": HIGHLIGHT_MAX_OFFSET,
        "number_of_fragments": 0,
    }
    return {
        "encoder": "html",
        "pre_tags": [MARK_OPEN],
        "post_tags": [MARK_CLOSE],
        "require_field_match": True,
        "fields": {
            "title": dict(title),
            "title.exact": dict(title),
            # the opening of the body when nothing matched (browsing, exclusions only)
            "body": {**body, "no_match_size": BODY_FRAGMENT_SIZE},
            "body.exact": dict(body),
        },
    }


def compile_search(request: SearchRequest, *, aggs: bool = True, highlight: bool = True) -> dict:
    """The full search body: query (text + dates), post_filter (facets), aggs, sort, highlight.

    Facet filters go to ``post_filter`` so that each facet's counts can ignore its own selection
    (disjunctive faceting, see :mod:`articles.search.facets`); hits are filtered by all of them.
    """
    validate(request)
    body: dict = {
        "query": _base_query(request, with_facet_filters=False),
        "sort": _sort(request),
        "from": (request.page - 1) * request.page_size,
        "size": request.page_size,
        "track_total_hits": True,
        # Result lists show fragments; the full body stays in the index.
        "_source": {"excludes": ["body", "content_hash"]},
    }
    post_filter = _facets.post_filter(request)
    if post_filter is not None:
        body["post_filter"] = post_filter
    if aggs:
        body["aggs"] = _facets.compile_aggs(request)
    if request.collapse:
        # One hit per story. Its copies come from compile_story_copies, one request for the
        # whole page: collapse's inner_hits would run one search per result (most of a
        # search's time on this engine).
        body["collapse"] = {"field": "story"}
    if highlight:
        body["highlight"] = highlight_spec()
    return body


def compile_story_copies(request: SearchRequest, story_ids: list[int]) -> dict:
    """The matching copies of these stories (the results of a collapsed page): per story, how
    many articles match the request and the first COPIES_SHOWN of them, oldest first."""
    stories = sorted(set(story_ids))
    return {
        "size": 0,
        "track_total_hits": False,
        "query": {
            "bool": {"must": [compile_query(request)], "filter": [{"terms": {"story": stories}}]}
        },
        "aggs": {
            "stories": {
                "terms": {"field": "story", "size": max(len(stories), 1)},
                "aggs": {
                    "copies": {
                        "top_hits": {
                            "size": COPIES_SHOWN,
                            "_source": ["source", "source_name", "url"],
                            "sort": [{"sort_date": "asc"}, {"id": "asc"}],
                        }
                    }
                },
            }
        },
    }


def parse_story_copies(response: Mapping) -> dict[int, tuple[int, list[dict]]]:
    """Story id → (matching articles, [first copies as ``{"id", "source", ...}``])."""
    out: dict[int, tuple[int, list[dict]]] = {}
    buckets = response.get("aggregations", {}).get("stories", {}).get("buckets", [])
    for bucket in buckets:
        hits = bucket.get("copies", {}).get("hits", {}).get("hits", [])
        copies = [{"id": int(h["_id"]), **(h.get("_source") or {})} for h in hits]
        out[int(bucket["key"])] = (int(bucket.get("doc_count", 0)), copies)
    return out


def attach_story_copies(hits: list[dict], copies: Mapping[int, tuple[int, list[dict]]]) -> None:
    """Put ``story_size`` and ``story_copies`` on parsed hits (see parse_hits)."""
    for hit in hits:
        size, members = copies.get(int(hit.get("story") or hit["id"]), (1, []))
        hit["story_size"] = max(size, 1)
        hit["story_copies"] = members or [{"id": hit["id"], "source": hit.get("source", "")}]


# ------------------------------------------------------------------------------------------------
# Hits
# ------------------------------------------------------------------------------------------------

_MARK_SPLIT = re.compile(f"({re.escape(MARK_OPEN)}|{re.escape(MARK_CLOSE)})")


def _unmark(fragment: str) -> tuple[str, list[tuple[int, int]]]:
    """Fragment → (text without our tags, marked spans)."""
    plain: list[str] = []
    spans: list[tuple[int, int]] = []
    pos, start = 0, None
    for part in _MARK_SPLIT.split(fragment):
        if part == MARK_OPEN:
            start = pos
        elif part == MARK_CLOSE:
            if start is not None:
                spans.append((start, pos))
            start = None
        else:
            plain.append(part)
            pos += len(part)
    return "".join(plain), spans


def _render(plain: str, spans: list[tuple[int, int]]) -> str:
    merged: list[list[int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    out, pos = [], 0
    for s, e in merged:
        out.extend([plain[pos:s], MARK_OPEN, plain[s:e], MARK_CLOSE])
        pos = e
    out.append(plain[pos:])
    return "".join(out)


def merge_fragments(*lists: list[str], limit: int | None = None) -> list[str]:
    """Merge fragments of the same text highlighted through different fields.

    Fragments over the same text (or one contained in another) become one with the union of the
    marks; fragments with marks come before unmarked ones (``no_match_size`` openings), which are
    dropped as soon as one fragment has a mark.
    """
    items: list[tuple[str, list[tuple[int, int]]]] = []
    for fragments in lists:
        for fragment in fragments or []:
            plain, spans = _unmark(fragment)
            for item in items:
                if plain in item[0]:
                    offset = item[0].index(plain)
                    item[1].extend((s + offset, e + offset) for s, e in spans)
                    break
                if item[0] in plain:
                    offset = plain.index(item[0])
                    item[1][:] = [(s + offset, e + offset) for s, e in item[1]] + spans
                    items[items.index(item)] = (plain, item[1])
                    break
            else:
                items.append((plain, list(spans)))
    marked = [_render(p, s) for p, s in items if s]
    result = marked or [p for p, _ in items]
    return result[:limit] if limit else result


def parse_hits(response: Mapping) -> list[dict]:
    """Hits of a :func:`compile_search` response: ``id``, ``score``, the source fields, and
    ``highlights`` = ``{"title": str | None, "body": [str]}`` (HTML-safe, only ``<mark>`` tags).
    """
    out: list[dict] = []
    for hit in response.get("hits", {}).get("hits", []):
        source = dict(hit.get("_source") or {})
        hl = hit.get("highlight") or {}
        title = merge_fragments(hl.get("title", []), hl.get("title.exact", []), limit=1)
        title_text = source.get("title")
        if title:
            title_hl: str | None = title[0]
        else:
            title_hl = html.escape(title_text) if title_text else None
        body = merge_fragments(hl.get("body", []), hl.get("body.exact", []), limit=BODY_FRAGMENTS)
        raw_id = source.pop("id", None) or hit.get("_id")
        try:
            hit_id: int | str | None = int(raw_id)
        except (TypeError, ValueError):
            hit_id = raw_id
        result = {
            **source,
            "id": hit_id,
            "score": hit.get("_score"),
            "highlights": {"title": title_hl, "body": body},
        }
        out.append(result)
    return out


def parse_total_stories(response: Mapping) -> int | None:
    """Stories among the hits (approximate beyond 40,000), when aggregations were asked for."""
    agg = response.get("aggregations", {}).get("stories")
    return int(agg["count"]["value"]) if agg else None


def parse_total(response: Mapping) -> int:
    """The exact number of hits (``track_total_hits`` is on)."""
    total = response.get("hits", {}).get("total", 0)
    return int(total.get("value", 0)) if isinstance(total, Mapping) else int(total)


__all__ = [
    "MAX_RESULT_WINDOW",
    "And",
    "Node",
    "Not",
    "Or",
    "PageOutOfRange",
    "Phrase",
    "Prefix",
    "QuerySyntaxError",
    "QueryTooComplex",
    "SearchRequest",
    "SearchRequestError",
    "Word",
    "compile_query",
    "compile_search",
    "compile_text",
    "highlight_spec",
    "merge_fragments",
    "parse",
    "parse_hits",
    "parse_total",
    "prefix_terms",
    "validate",
]
