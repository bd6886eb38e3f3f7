"""Tokens → syntax tree, with the limits that keep a query cheap, and the words a query seeks.

A small recursive-descent parser: user text never reaches ``query_string`` /
``simple_query_string``, so no Lucene syntax can be injected. It recovers from the common slips
instead of failing (unclosed quotes and parentheses close at the end; stray ``)``, dangling
``OR`` / ``NOT`` and a lone ``-`` are ignored) and raises a bilingual error for the rest.
"""

from __future__ import annotations

from ..errors import ErrorCode, QuerySyntaxError, QueryTooComplex
from ..rules import (
    MAX_DEPTH,
    MAX_PHRASE_WORDS,
    MAX_QUERY_LENGTH,
    MAX_TERMS,
    MIN_PREFIX_LETTERS,
)
from .lexer import LPAREN, NOT, OR, PHRASE, RPAREN, Token, clean, has_letters, tokens
from .nodes import And, Node, Not, Or, Phrase, Prefix, Word, positive_terms
from .normalize import prefix_letters

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

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.terms = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos][0] if self.pos < len(self.tokens) else None

    def take(self) -> Token:
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def count(self, n: int) -> None:
        self.terms += n
        if self.terms > MAX_TERMS:
            raise QueryTooComplex(*_TOO_MANY_TERMS, code=ErrorCode.TOO_MANY_TERMS)

    def parse(self) -> Node | None:
        parts: list[Node] = []
        while self.peek() is not None:
            if self.peek() == RPAREN:  # stray ")" at top level
                self.take()
                continue
            parts.extend(self.and_(depth=0))
        return _make(And, parts)

    def and_(self, depth: int) -> list[Node]:
        parts: list[Node] = []
        while self.peek() not in (None, RPAREN):
            if self.peek() == OR:  # OR with nothing on its left
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
        while self.peek() == OR:
            while self.peek() == OR:
                self.take()
            if self.peek() in (None, RPAREN):
                break  # dangling OR
            node = self.unary(depth)
            if node is not None:
                parts.append(node)
        return _make(Or, parts)

    def unary(self, depth: int) -> Node | None:
        negations = 0
        while self.peek() == NOT:
            self.take()
            negations += 1
        if self.peek() in (None, RPAREN, OR):
            return None  # NOT with nothing to negate
        node = self.primary(depth)
        if node is None or negations % 2 == 0:
            return node
        return Not(node)

    def primary(self, depth: int) -> Node | None:
        kind, text = self.take()
        if kind == LPAREN:
            if depth + 1 > MAX_DEPTH:
                raise QueryTooComplex(*_TOO_DEEP, code=ErrorCode.TOO_DEEP)
            parts = self.and_(depth + 1)
            if self.peek() == RPAREN:
                self.take()  # else: unclosed, closes at the end
            return _make(And, parts)
        if kind == PHRASE:
            words = tuple(w for w in text.split() if has_letters(w))
            if not words:
                return None
            if len(words) > MAX_PHRASE_WORDS:
                raise QueryTooComplex(*_PHRASE_TOO_LONG, code=ErrorCode.PHRASE_TOO_LONG)
            self.count(len(words))
            return Phrase(words)
        return self.word(text)

    def word(self, text: str) -> Node | None:
        if "*" in text:
            stem = text.rstrip("*")
            if "*" in stem:
                raise QuerySyntaxError(*_STAR_INSIDE, code=ErrorCode.MISPLACED_STAR)
            if len(prefix_letters(stem)) < MIN_PREFIX_LETTERS:
                raise QuerySyntaxError(*_SHORT_PREFIX, code=ErrorCode.SHORT_PREFIX)
            self.count(1)
            return Prefix(stem)
        if not has_letters(text):
            return None
        self.count(1)
        return Word(text)


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
    """
    q = (q or "").strip()
    if len(q) > MAX_QUERY_LENGTH:
        raise QueryTooComplex(*_TOO_LONG, code=ErrorCode.QUERY_TOO_LONG)
    return _Parser(tokens(clean(q))).parse()


def query_words(q: str) -> tuple[str, ...]:
    """The words and phrases a query looks for, as typed, to mark them in an article's text.

    Words and prefixes (without ``*``) as they are, a phrase as its words joined by a space;
    excluded terms (``-x``, ``NOT x``) are left out and repeats dropped, query order kept. Raises
    like :func:`parse`, so a query the search refuses marks nothing by accident.
    """
    out: dict[str, None] = {}
    for term in positive_terms(parse(q)):
        text = " ".join(term.words) if isinstance(term, Phrase) else term.text
        out[text] = None
    return tuple(out)
