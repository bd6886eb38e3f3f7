"""The search query language: text → syntax tree (:func:`parse`), and the words it seeks.

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

Steps: :mod:`.lexer` (text → tokens), :mod:`.parser` (tokens → :mod:`.nodes`, limits),
:mod:`.normalize` (the analyzers' rules for what the engine does not analyse). Everything is
pure; the compiler (:mod:`articles.search.compiler`) turns the tree into DSL.
"""

from __future__ import annotations

from .nodes import And, Node, Not, Or, Phrase, Prefix, Word, positive_terms
from .normalize import prefix_terms
from .parser import parse, query_words

__all__ = [
    "And",
    "Node",
    "Not",
    "Or",
    "Phrase",
    "Prefix",
    "Word",
    "parse",
    "positive_terms",
    "prefix_terms",
    "query_words",
]
