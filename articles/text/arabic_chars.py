"""Arabic character normalisation shared by ingestion, tagging and search (before tokenisation).

Kept free of Django and OpenSearch so that every layer (and the analyzers' tests) can use it.

Single source of truth for the character level: ``articles.search.analysis`` builds the
OpenSearch ``mapping`` / ``pattern_replace`` char filters from the tables and regular expressions
defined here, and ``normalize(text)`` applies exactly the same rules, so it equals what the
analyzers see before tokenisation. The token-level rules (proclitics, names, stemming) and the
engine's tables are in :mod:`articles.text.arabic`.

Regular expressions are written in the common subset of Python ``re`` and ``java.util.regex``
(look-ahead/behind, explicit character classes only) because the same strings go to the engine.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np

from articles.text import arabic_lexicon as lex

# Arabic-Indic (U+0660–U+0669) and Persian/Urdu (U+06F0–U+06F9) digits to ASCII.
_DIGITS = {ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")}
_DIGITS.update({ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")})


def to_western_digits(text: str) -> str:
    """Replace Arabic-Indic and Persian digits with ASCII digits; nothing else changes."""
    return text.translate(_DIGITS)


# ------------------------------------------------------------------------------------------------
# Character normalisation
# ------------------------------------------------------------------------------------------------

#: Removed: tashkeel and Quranic marks (incl. superscript alef U+0670 and the combining hamza /
#: madda U+0653–U+0655 of decomposed text), tatweel, and invisible format characters (RLM, LRM,
#: ALM, ZWNJ, ZWJ, ZWSP, soft hyphen, BOM, bidi embeddings / isolates, word joiner).
_REMOVED = (
    [chr(c) for c in range(0x0610, 0x061B)]  # Quranic honorifics / small letters
    + [chr(c) for c in range(0x064B, 0x0660)]  # fathatan .. wavy hamza below (tashkeel)
    + ["\u0670"]  # superscript (dagger) alef
    + [chr(c) for c in range(0x06D6, 0x06EE) if c not in (0x06E5, 0x06E6)]  # Quranic marks
    + ["\u0640"]  # tatweel
    + ["\u00ad", "\u061c", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2060", "\ufeff"]
    + [chr(c) for c in range(0x202A, 0x202F)]  # LRE RLE PDF LRO RLO
    + [chr(c) for c in range(0x2066, 0x206A)]  # LRI RLI FSI PDI
)

#: Single-character replacements (before presentation forms are added).
_REPLACED = {
    # alef forms → bare alef
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",  # alef wasla
    "ٲ": "ا",
    "ٳ": "ا",
    "ٵ": "ا",
    # hamza seats → hamza: مسؤول / مسئول, شؤون / شئون, هيئة all agree
    "ؤ": "ء",
    "ئ": "ء",
    "ٶ": "ء",
    "ٸ": "ء",
    # alef maqsura, taa marbuta
    "ى": "ي",
    "ة": "ه",
    # Persian / Urdu / Kurdish letters
    "ی": "ي",  # Farsi yeh U+06CC
    "ې": "ي",
    "ۍ": "ي",
    "ے": "ي",
    "ک": "ك",  # keheh U+06A9
    "ڪ": "ك",
    "گ": "ك",
    "ۀ": "ه",  # heh with yeh above U+06C0
    "ہ": "ه",
    "ھ": "ه",
    "ە": "ه",
    "ۃ": "ه",
    "پ": "ب",
    "چ": "ج",
    "ژ": "ز",
    "ڤ": "ف",  # veh, used for V in names (ڤيينا)
    "ڨ": "ق",
    # punctuation / numbers
    "٫": ".",  # Arabic decimal separator: ١٫٤ = 1.4
    "٬": "",  # Arabic thousands separator: ١٬٠٠٠ = 1000
    "٪": "%",
    **{chr(k): v for k, v in _DIGITS.items()},
}

#: Letter + combining hamza above → the precomposed hamza letter (then normalised to ء).
_DECOMPOSED_HAMZA = {"و\u0654": "ء", "ي\u0654": "ء", "ى\u0654": "ء"}

_BASE_TABLE: dict[int, str] = {ord(c): "" for c in _REMOVED}
_BASE_TABLE.update({ord(k): v for k, v in _REPLACED.items()})
_DECOMPOSED_RE = re.compile("|".join(_DECOMPOSED_HAMZA))


def _base_normalize(text: str) -> str:
    text = _DECOMPOSED_RE.sub(lambda m: _DECOMPOSED_HAMZA[m.group(0)], text)
    return text.translate(_BASE_TABLE)


def _presentation_forms() -> dict[str, str]:
    """Arabic presentation forms A (U+FB50–U+FDFF) and B (U+FE70–U+FEFF) → normalised letters
    (NFKC compatibility decomposition, then the base normalisation). ﻻ → لا, ﷲ → الله."""
    out: dict[str, str] = {}
    for cp in [*range(0xFB50, 0xFE00), *range(0xFE70, 0xFF00)]:
        ch = chr(cp)
        if unicodedata.category(ch) == "Cn":
            continue
        value = _base_normalize(unicodedata.normalize("NFKC", ch))
        if value.strip() == "":
            value = ""
        if value != ch:
            out[ch] = value
    return out


#: Every single-character rule of the normalisation (what the ``mapping`` char filter gets).
CHAR_MAP: dict[str, str] = {c: "" for c in _REMOVED}
CHAR_MAP.update(_REPLACED)
CHAR_MAP.update(_presentation_forms())


def _spellings(word: str) -> set[str]:
    """Raw spellings of a (hamza-spelled) word that normalise alike: initial alef with or
    without hamza, final ة/ه, final ى/ي (the ``mapping`` char filter compares raw text)."""
    out = {word}
    if word[0] in "اأإآ":
        out |= {a + word[1:] for a in "اأإ"}
    for final, alts in (("ة", "ةه"), ("ه", "ةه"), ("ى", "ىي"), ("ي", "ىي")):
        out |= {w[:-1] + a for w in list(out) if w.endswith(final) for a in alts}
    return out


def _joined_names() -> dict[str, str]:
    """Joined compound names → the apart form, normalised (see ``arabic_lexicon.KUNYA_PARTS``):
    عبدالله → عبد الله, أبومحمد → ابو محمد, أبوعبدالرحمن → ابو عبد الرحمن."""
    out = {"عبدال": "عبد ال"}
    for head in _spellings("أبو"):
        out[head + "ال"] = "ابو ال"
        out[head + "عبدال"] = "ابو عبد ال"
        for part in lex.KUNYA_PARTS:
            for spelling in _spellings(part):
                out[head + spelling] = "ابو " + _base_normalize(part)
    return out


#: Multi-character rules (longest match wins in the ``mapping`` char filter too).
SEQUENCE_MAP: dict[str, str] = {**_DECOMPOSED_HAMZA, **_joined_names()}

_TABLE = {ord(k): v for k, v in CHAR_MAP.items()}


def _lookup_table() -> np.ndarray:
    """``_TABLE`` as an array over the Basic Multilingual Plane: the code point each one
    becomes, 0 for a character removed, itself for one left alone. Characters that become
    several are not in it (``_EXPANDING_RE``)."""
    table = np.arange(0x10000, dtype=np.uint32)
    for code, to in _TABLE.items():
        if len(to) <= 1:
            table[code] = ord(to) if to else 0
    return table


_LOOKUP = _lookup_table()
#: Characters that become several (presentation forms, ligatures): rare in news text.
_EXPANDING_RE = re.compile(
    "[" + "".join(re.escape(chr(code)) for code, to in _TABLE.items() if len(to) > 1) + "]"
)


#: Below this length the array's fixed cost (about 10 µs) is more than the dict lookups (the
#: tagger normalises single words).
_ARRAY_FROM = 200


def _translate(text: str) -> str:
    """``text.translate(_TABLE)``, computed over an array of code points: ``str.translate``
    looks each character up in a dict, about 170 ns a character on Arabic text (most of the
    ingest's normalisation time); this is about twenty times faster. A text with a character
    that expands (``_EXPANDING_RE``) or a code point the table cannot index (NUL, which it uses
    for "removed") takes ``str.translate`` itself, so the result is always the same."""
    if len(text) < _ARRAY_FROM or "\x00" in text or _EXPANDING_RE.search(text):
        return text.translate(_TABLE)
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    mapped = np.where(codes < 0x10000, _LOOKUP[codes & 0xFFFF], codes)
    kept = mapped[mapped != 0]
    return kept.tobytes().decode("utf-32-le", "surrogatepass")


def _trie_pattern(keys: list[str]) -> str:
    """One regex for literal ``keys`` that prefers the longest at each position, as a trie
    (shared prefixes factored out): an alternation of ~140 words would be tried at every alef."""
    if keys == [""]:
        return ""
    by_first: dict[str, list[str]] = {}
    for k in keys:
        if k:
            by_first.setdefault(k[0], []).append(k[1:])
    branches = [re.escape(c) + _trie_pattern(sorted(rest)) for c, rest in sorted(by_first.items())]
    group = "(?:" + "|".join(branches) + ")" if len(branches) > 1 else branches[0]
    return f"(?:{group})?" if "" in keys else group


#: SEQUENCE_MAP in one pass, longest key first at each position (as the mapping filter does).
_SEQUENCE_RE = re.compile(_trie_pattern(sorted(SEQUENCE_MAP)))

#: Digit-context rules, applied after the character map, as (java/python regex, replacement).
#: Python's re accepts ``$1``-style groups via the converter below.
NUMBER_RULES: tuple[tuple[str, str], ...] = (
    # 1,000,000 → 1000000 (the Arabic ٬ is already removed by the character map)
    ("(?<=[0-9]),(?=[0-9]{3}(?![0-9]))", ""),
    # 1,5 (comma as decimal separator) → 1.5, like ١٫٥
    ("(?<=[0-9]),(?=[0-9])", "."),
    # ٢٠١٤م / 2014 م / ١٤٣٥هـ → 2014 / 1435 (era suffix after a number)
    ("([0-9]) ?[مه](?![\u0621-\u064a0-9])", "$1"),
)
_NUMBER_RES = [(re.compile(p), r.replace("$1", r"\1")) for p, r in NUMBER_RULES]
#: (A rule whose pattern has a "," cannot match a text without one.)
_NUMBER_RES_WITHOUT_COMMA = [(rx, repl) for rx, repl in _NUMBER_RES if "," not in rx.pattern]
#: What the acronym rule's leading look-ahead requires.
_ACRONYM_HINT_RE = re.compile("[A-Z] [A-Z]")

#: NUMBER_RULES in one pass for the engine (each pattern_replace char filter is a full copy of the
#: text): the character map first writes every "," as ",." so that the decimal rule can take its
#: "." from the text; then one regex, replacement "$1$2$3", does, in order of the alternatives:
#: thousands separator → "", decimal comma → ".", any other "," stays "," (the "." is dropped),
#: era letter after a number → the number. The three rules never decide differently in one pass
#: than one after the other (none of them creates or removes the context another one tests); the
#: equivalence with ``normalize`` is checked exhaustively in tests. The leading look-ahead lets
#: the engine skip every position that is neither a comma nor a digit at once.
ENGINE_NUMBER_MAP = {",": ",."}
ENGINE_NUMBER_RULE = (
    "(?=[,0-9])(?:"
    ",(?<=[0-9],)\\.(?=[0-9]{3}(?![0-9]))"
    "|,(?<=[0-9],)(\\.)(?=[0-9])"
    "|(,)\\."
    "|([0-9]) ?[مه](?![\u0621-\u064a0-9])"
    ")",
    "$1$2$3",
)

#: Acronyms written with spaces (before tokenisation, so upper case is still seen): a run of two
#: to four single capital Latin letters separated by one space is joined, "U S" → "US",
#: "E U" → "EU", "I S I S" → "ISIS"; the dotted spelling ("U.S." → u.s → us) is a token filter
#: (``ACRONYM_RULE``). Guards: a letter counts only if nothing alphanumeric touches it and no
#: ".x" follows it ("A U.S. drone" keeps its "A", "J. K." initials keep their dots), and the run
#: is maximal (not preceded nor followed by another single capital), so "Plan A" and lists of
#: five or more letters are left alone; lower case is never joined.
_ALNUM = "[A-Za-z0-9]"
_SINGLE = f"[A-Z](?!{_ALNUM})(?!\\.{_ALNUM})"
#: The leading look-ahead lets the engine skip every position that is not "X Y" at once (the
#: look-behinds would otherwise be tried at every character of every article).
SPACED_ACRONYM_RULE = (
    f"(?=[A-Z] [A-Z])(?<!{_ALNUM})(?<!{_ALNUM}\\.)(?<!(?<!{_ALNUM})[A-Z] )"
    f"({_SINGLE}) ({_SINGLE})(?: ({_SINGLE}))?(?: ({_SINGLE}))?"
    f"(?! {_SINGLE})",
    "$1$2$3$4",
)
_SPACED_ACRONYM_RE = re.compile(SPACED_ACRONYM_RULE[0])


def normalize(text: str) -> str:
    """The character normalisation of the analyzers, in Python.

    Removes diacritics, tatweel and invisible marks; unifies alef / hamza-seat / yeh / teh
    marbuta / Persian letters; expands presentation forms; converts digits to ASCII; removes
    thousands separators and the era letter after numbers (٢٠١٤م → 2014); joins acronyms written
    with spaces ("U S" → "US", ``SPACED_ACRONYM_RULE``). Other word boundaries and Latin text are
    untouched (no lowercasing: the analyzers lowercase after tokenisation).
    """
    if not text:
        return text
    text = _SEQUENCE_RE.sub(lambda m: SEQUENCE_MAP[m.group(0)], text)
    text = _translate(text)
    # Each rule below starts with a look-behind or look-ahead, which Python's re tries at every
    # position (about 100 µs for a 4,000-character article); a plain test first skips the rules
    # that cannot apply: the comma rules need a ",", the acronym rule a capital, space, capital.
    for rx, repl in _NUMBER_RES if "," in text else _NUMBER_RES_WITHOUT_COMMA:
        text = rx.sub(repl, text)
    if _ACRONYM_HINT_RE.search(text):
        text = _SPACED_ACRONYM_RE.sub(lambda m: "".join(g or "" for g in m.groups()), text)
    return text
