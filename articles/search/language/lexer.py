"""Query text → tokens: quotes, parentheses, ``OR`` / ``|``, ``NOT`` / ``-`` and words.

Control characters become spaces and invisible format characters (RLM/LRM, ZWNJ, bidi
embeddings) are removed before tokenizing, so text pasted from articles splits where it looks
like it does.
"""

from __future__ import annotations

import unicodedata

#: Opening quote → the characters that close it. Arabic keyboards give «», word processors “”,
#: and right-to-left text often shows ” at the start of a quotation.
_QUOTES = {'"': '"', "«": "»", "“": '”"', "”": '”“"', "„": '“”"'}
_WORD_STOP = set('()|"«»“”„') | set(_QUOTES)

LPAREN, RPAREN, OR, NOT, WORD, PHRASE = "(", ")", "OR", "NOT", "WORD", "PHRASE"

Token = tuple[str, str]


def clean(text: str) -> str:
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


def has_letters(text: str) -> bool:
    """Whether the text has a letter or digit (the index tokenizer ignores everything else)."""
    return any(unicodedata.category(c)[0] in "LN" for c in text)


def tokens(text: str) -> list[Token]:
    """``(kind, text)`` pairs; ``AND`` / ``&&`` are dropped (AND is the default)."""
    out: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            out.append((ch, ch))
            i += 1
        elif ch == "|":
            while i < n and text[i] == "|":
                i += 1
            out.append((OR, "|"))
        elif ch in _QUOTES:
            closers = _QUOTES[ch]
            j = i + 1
            while j < n and text[j] not in closers:
                j += 1
            out.append((PHRASE, text[i + 1 : j]))  # unclosed: runs to the end
            i = j + 1
        elif ch in "»":  # a closing guillemet with no opening one: punctuation
            i += 1
        elif ch == "-":
            j = i
            while j < n and text[j] == "-":
                j += 1
            if j < n and not text[j].isspace() and text[j] != ")":
                # -x, --x (double negation), -"phrase", -(group)
                out.extend([(NOT, "-")] * (j - i))
            # a lone "-" (or "---") before a space is punctuation
            i = j
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in _WORD_STOP:
                j += 1
            word = text[i:j]
            i = j
            if word == "OR":
                out.append((OR, word))
            elif word == "NOT":
                out.append((NOT, word))
            elif word in ("AND", "&&"):
                continue  # explicit AND is the default
            else:
                out.append((WORD, word))
    return out
