"""Tokenisation: the text spans refer to, word and separator tokens, and alias spellings.

Text and aliases are tokenised on word characters; each token becomes one character of a
"token stream" (``matcher.Gazetteer`` maps known tokens to their vocabulary id, unknown ones to
``FILLER``, punctuation to ``SOFT`` / ``HARD`` separators), so that alias matching is string
matching on token boundaries.
"""

from __future__ import annotations

import re

from articles.text.arabic_chars import normalize

WORD = r"[\w\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640\u200c\u200d]+"
#: word tokens, and separators: hard (sentence / line) and soft (comma, colon, dash-less)
TOKEN_RX = re.compile(rf"{WORD}|[.!?؟;؛\n\r•|]+|[,،:]+")
WORD_START = re.compile(WORD)
HARD_CHARS = frozenset(".!?؟;؛\n\r•|")
FILLER = "\x02"
SOFT = "\x03"
HARD = "\x04"
CHAR_BASE = 0x4E00  # token ids are encoded as CJK characters, outside every real key

W, S, H = 0, 1, 2  # token kinds


def document_text(title: str, body: str, byline: str = "") -> str:
    """The text all spans refer to (see ``articles.enrichment.tagger``)."""
    title, body = title or "", body or ""
    if byline:
        return f"{title}\n\n{byline}\n\n{body}"
    return f"{title}\n\n{body}"


def alias_tokens(alias: str) -> tuple[str, ...]:
    """The normalised, lower-cased word tokens of an alias (its key in the token stream)."""
    return tuple(normalize(m.group(0)).lower() for m in re.finditer(WORD, alias)) or ()


def alias_forms(alias: str) -> set[str]:
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
