"""The syntax tree of a parsed query: what the parser produces and the compiler consumes."""

from __future__ import annotations

from dataclasses import dataclass


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


def positive_terms(node: Node | None) -> list[Word | Phrase | Prefix]:
    """The words, phrases and prefixes a result is found by, in query order; what sits under a
    ``Not`` is left out (an excluded word is never in a result, so there is nothing to mark)."""
    if node is None or isinstance(node, Not):
        return []
    if isinstance(node, And | Or):
        return [term for child in node.children for term in positive_terms(child)]
    return [node]
