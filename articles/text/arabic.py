"""Arabic text normalisation shared by ingestion, tagging and search.

Kept free of Django and OpenSearch so that every layer (and the analyzers' tests) can use it.

This module is the single source of truth for the character normalisation and the proclitic
rules: ``articles.search.analysis`` builds the OpenSearch ``mapping`` / ``pattern_replace``
filters from the tables and regular expressions defined here, and the Python functions below
apply exactly the same rules, so ``normalize(text)`` equals what the analyzers see before
tokenisation and ``stem_variants(token)`` equals what the stemmed field indexes for a token.

Regular expressions are written in the common subset of Python ``re`` and ``java.util.regex``
(look-ahead/behind, explicit character classes only) because the same strings go to the engine.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

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
    text = text.translate(_TABLE)
    for rx, repl in _NUMBER_RES:
        text = rx.sub(repl, text)
    if " " in text:
        text = _SPACED_ACRONYM_RE.sub(lambda m: "".join(g or "" for g in m.groups()), text)
    return text


# ------------------------------------------------------------------------------------------------
# Proclitics, names and stemming (token level; tokens are expected to be normalised)
# ------------------------------------------------------------------------------------------------

#: A normalised Arabic letter.
AR = "[\u0621-\u064a]"
#: Marks a token as final (names, stemmer overrides): the suffix rules skip it; removed at the end.
FINAL_MARK = "\ue000"
#: The engine's replacement for a protected token that is a stop word (removed by the stop filter).
STOP_MARK = "\ue001"

#: Lucene ArabicStemmer suffixes in its order, after normalisation (ة→ه, so ية/ة are covered).
LIGHT_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي")
#: "The rest is a short stem": 2–3 letters followed by light suffixes, innermost first (the
#: stemmer strips them outside-in in LIGHT_SUFFIXES order, so they stack in reverse order).
_SHORT_STEM = AR + "{2,3}" + "".join(f"(?:{s})?" for s in reversed(LIGHT_SUFFIXES)) + "$"

#: Endings allowed after a name base (nisba, plural, feminine) and after a lexical base.
NAME_ENDING_LIST = ("ا", "ي", "يه", "ه", "يين", "ين", "يون", "ون", "يان", "ان", "يات", "ات")
LEX_ENDING_LIST = (
    *("ه", "ت", "ات", "ان", "ين", "ون", "ي", "يه", "يين", "يون", "يات"),
    *("ها", "هم", "هما", "تها", "ته", "تهم", "تين", "تان", "ا"),
)
NAME_ENDINGS = "(?:" + "|".join(NAME_ENDING_LIST) + ")?"
LEX_ENDINGS = "(?:" + "|".join(LEX_ENDING_LIST) + ")?"

#: Proclitic stacks: any (conjunction? + preposition/article) and the article-bearing ones.
STACK_ANY = "(?:[وف]?(?:[بك]?ال|لل|[بلك])|[وف])"
STACK_ARTICLE = "(?:[وف]?[بك]?ال|[وف]?لل)"
#: The same stacks spelled out (finite languages of the two patterns above; checked in tests).
_CONJ = ("", "و", "ف")
STACKS_ARTICLE = tuple(c + p for c in _CONJ for p in ("ال", "بال", "كال", "لل"))
STACKS_ANY = (*STACKS_ARTICLE, *(c + p for c in _CONJ for p in "بلك"), "و", "ف")


def _alternation(words) -> str:
    # longest first so that alternation order never hides a longer word
    return "(?:" + "|".join(sorted(set(words), key=lambda w: (-len(w), w))) + ")"


def _name_base(word: str) -> str:
    w = normalize(word)
    return w[:-1] if w.endswith("ا") and len(w) > 3 else w


def _lex_base(word: str) -> str:
    w = normalize(word)
    return w[:-1] if w.endswith("ه") and len(w) > 3 else w


NAME_BASES = tuple(sorted({_name_base(w) for w in lex.NAMES}))
#: article names without their article: الرقة → رقه
ARTICLE_NAME_BASES = tuple(sorted({normalize(w)[2:] for w in lex.ARTICLE_NAMES}))
LEX_BASES = tuple(sorted({_lex_base(w) for w in lex.LEXICAL_INITIAL}))

_NAMES_RX = _alternation(NAME_BASES)
_ART_NAMES_RX = _alternation(ARTICLE_NAME_BASES)
_LEX_RX = _alternation(LEX_BASES)
#: A whole token that is protected from proclitic stripping.
PROTECTED_RX = f"(?:{_NAMES_RX}{NAME_ENDINGS}|{_LEX_RX}{LEX_ENDINGS})"

# --- stemmed field -----------------------------------------------------------------------------
#: (pattern, replacement) pairs in order; each becomes one pattern_replace token filter.
#: ``name``: optional proclitics + name + nisba ending → marked name base.
STEM_NAME_RULE = (f"^{STACK_ANY}?({_NAMES_RX}){NAME_ENDINGS}$", FINAL_MARK + "$1")
STEM_ARTICLE_NAME_RULE = (f"^{STACK_ARTICLE}({_ART_NAMES_RX})$", FINAL_MARK + "$1")
#: proclitics before a protected lexical word are removed, the word (with ending) is kept.
STEM_LEXICAL_RULE = (f"^{STACK_ANY}(?={_LEX_RX}{LEX_ENDINGS}$)", "")
#: What the article may stand before to be removed: ≥ 2 letters, or a digit / Latin letter
#: (الـ20، الـFBI، الـ٢٠: tatweel and Arabic-Indic digits are normalised away before).
AFTER_ARTICLE = f"(?:{AR}{{2}}|[0-9a-z])"
#: definite article, possibly after و/ف and ب/ك, or لل: removed when ≥ 2 letters remain.
STEM_ARTICLE_RULE = (
    f"^(?!{FINAL_MARK})(?!{PROTECTED_RX}$)(?:[وف]?[بك]?ال|[وف]?لل)(?={AFTER_ARTICLE})",
    "",
)
#: bare proclitics (و ف ب ل ك, stacked و/ف + ب/ل/ك): emitted as an *extra* token at the same
#: position (multiplexer), only when ≥ 4 letters remain (ب ل: the prepositions on indefinite
#: nouns, بقوات / لشؤون), ≥ 4 letters remain that are not "2–3 letters + suffixes" (ك ف, which
#: mostly start words: كتيبة, فعاليات), or ≥ 3 letters remain (و, like Lucene). Protected words
#: are never stripped.
CLITIC_RULE = (
    f"^(?!{FINAL_MARK})(?!{PROTECTED_RX}$)"
    f"(?:[وف]?[بل](?={AR}{{4}})|(?:[وف]?ك|ف)(?={AR}{{4}})(?!{_SHORT_STEM})|و(?={AR}{{3}}))",
    "",
)
#: Lucene-order light suffix stripping; each suffix at most once, ≥ 2 letters must remain.
#: One addition in front: a pronoun after the plural ات (عملياته, قواتهم) goes first, otherwise
#: Lucene's order (ات before ه) leaves عمليات.
SUFFIX_RULES = (
    (f"^(?!{FINAL_MARK})(.{{2,}}ات)(?:هما|هم|ه)$", "$1"),
    *((f"^(?!{FINAL_MARK})(.{{2,}}){s}$", "$1") for s in LIGHT_SUFFIXES),
)
UNMARK_RULE = (f"^{FINAL_MARK}", "")
#: Dual of a ة noun → the singular with its ة, before the suffix rules (which then stem it like
#: the singular): حكومتين → حكومه → حكوم, مدينتان → مدينه. ≥ 3 letters must precede the ت
#: (بوتين، روتين، ستين stay) and not end in س (باكستان-like -ستان names stay).
DUAL_RULE = (f"^({AR}{{2,}}[\u0621-\u0632\u0634-\u064a])ت(?:ين|ان)$", "$1ه")
#: Dotted acronyms (both fields, after lowercasing): U.S. (the tokenizer gives "u.s") → us,
#: E.U. → eu, U.S.A. → usa; so U.S. / US match. Single Latin letters around dots only.
ACRONYM_RULE = ("^([a-z])\\.([a-z])(?:\\.([a-z]))?(?:\\.([a-z]))?$", "$1$2$3$4")

# --- exact field -------------------------------------------------------------------------------
#: proclitics before a name / protected word are removed (the word keeps its ending).
EXACT_PROTECTED_RULE = (f"^[وف]?[بلك]?(?={PROTECTED_RX}$)", "")
#: و/ف/ب/ك before the article are removed, the article is kept: وبالإرهاب → الإرهاب; before a
#: number or a Latin word the whole stack goes (الـ20 → 20, للـFBI → fbi).
EXACT_ARTICLE_RULE = (
    f"^(?!{PROTECTED_RX}$)(?:(?:[وف][بك]?|[بك])(?=ال{AR}{{2}})|[وف]?(?:[بك]?ال|لل)(?=[0-9a-z]))",
    "",
)
#: ل + article (لل) becomes the article: للتحالف → التحالف.
EXACT_LAM_RULE = (f"^(?!{PROTECTED_RX}$)[وف]?لل(?={AR}{{2}})", "ال")


# --- engine form of the rules -------------------------------------------------------------------
# The rules above are the specification (the Python functions below apply them literally). The
# index applies them in a cheaper but equivalent form (see ``articles.search.analysis``): every
# token that one of the protected-word rules can touch (a name / article name / protected lexical
# word, with any proclitic stack and ending: finite languages, spelled out by
# ``protected_stem_table`` / ``protected_exact_table``) is looked up in a ``stemmer_override``
# FST and replaced by its final, marked analysis; the remaining rules then no longer need the
# ``(?!PROTECTED_RX$)`` look-aheads (a protected token is marked by then, and none of them can
# match a token that starts with the mark), which were the costly part: a literal alternation of
# ~130 words tried against every token.
ENGINE_ARTICLE_RULE = (f"^(?:[وف]?[بك]?ال|[وف]?لل)(?={AFTER_ARTICLE})", "")
ENGINE_CLITIC_PATTERN = (
    f"^(?:[وف]?[بل](?={AR}{{4}})|(?:[وف]?ك|ف)(?={AR}{{4}})(?!{_SHORT_STEM})|و(?={AR}{{3}}))"
)
ENGINE_X_ARTICLE_RULE = (
    f"^(?:(?:[وف][بك]?|[بك])(?=ال{AR}{{2}})|[وف]?(?:[بك]?ال|لل)(?=[0-9a-z]))",
    "",
)
ENGINE_X_LAM_RULE = (f"^[وف]?لل(?={AR}{{2}})", "ال")
#: SUFFIX_RULES (nine filters) as one: the suffixes the rules strip one after the other, outside
#: in, read left to right (innermost first), i.e. LIGHT_SUFFIXES reversed, with the extra
#: "ات + pronoun" rule as an alternative for the outer part; the leftmost position ≥ 2 from which
#: the whole rest is such a chain is where the stem ends. Equal to ``light_stem`` (checked
#: exhaustively in tests). Tokens the engine marks final end with FINAL_MARK, so they never match.
ENGINE_SUFFIX_CHAIN = (
    "".join(f"(?:{s})?" for s in reversed(LIGHT_SUFFIXES[3:]))
    + "(?:ات(?:هما|هم|ه)|"
    + "".join(f"(?:{s})?" for s in reversed(LIGHT_SUFFIXES[:3]))
    + ")"
)
#: The look-ahead (implied by the chain: its first letter, then chain letters only up to the end)
#: only makes the engine give up early at most positions; ``(?<=..)``: ≥ 2 letters remain.
ENGINE_SUFFIX_RULE = (f"(?=[يهوا][يهوناتم]*$)(?<=..){ENGINE_SUFFIX_CHAIN}$", "")
#: Removes FINAL_MARK wherever the engine put it (front: skip the proclitic rules, end: skip the
#: suffix rule).
ENGINE_UNMARK_RULE = (FINAL_MARK, "")


@lru_cache(maxsize=1)
def _compiled():
    def c(rule):
        pattern, repl = rule
        return re.compile(pattern), _replacement(repl)

    return {
        "name": c(STEM_NAME_RULE),
        "art_name": c(STEM_ARTICLE_NAME_RULE),
        "lex": c(STEM_LEXICAL_RULE),
        "article": c(STEM_ARTICLE_RULE),
        "clitic": c(CLITIC_RULE),
        "unmark": c(UNMARK_RULE),
        "x_protected": c(EXACT_PROTECTED_RULE),
        "x_article": c(EXACT_ARTICLE_RULE),
        "x_lam": c(EXACT_LAM_RULE),
        "dual": c(DUAL_RULE),
        "acronym": c(ACRONYM_RULE),
        "stop": frozenset(
            p + normalize(w) for w in lex.STOPWORDS for p in ("", "و", "ف") if len(w) > 1 or not p
        ),
        "override": _override_table(),
    }


def _replacement(repl: str):
    """A java-style replacement ("$1" = group 1; a group that did not take part gives "") for
    ``re.sub``: a plain string when it has no group reference (re's fast path), else a function
    (no template parsing on every call)."""
    if "$" not in repl:
        return repl
    parts = re.split(r"\$([0-9])", repl)  # text, group, text, group, ...

    def expand(m: re.Match) -> str:
        return "".join(p if i % 2 == 0 else (m.group(int(p)) or "") for i, p in enumerate(parts))

    return expand


def _apply(rule, token: str) -> str:
    rx, repl = rule
    return rx.sub(repl, token, count=1)


_SUFFIX_RES = [(re.compile(p), _replacement(r)) for p, r in SUFFIX_RULES]


@lru_cache(maxsize=1 << 16)
def light_stem(token: str) -> str:
    """Lucene-order light suffix stripping (ها ان ات ون ين يه ه ي), as the stemmed field does."""
    for rule in _SUFFIX_RES:
        token = _apply(rule, token)
    return token


def _feminine_forms(word: str) -> set[str]:
    """A ة noun's forms that share its stem: ات plural, duals, pronoun forms (normalised)."""
    base = normalize(word)[:-1]
    pronouns = ("ه", "ها", "هم", "هما")
    forms = {base + "ه", base + "ات", base + "تين", base + "تان"}
    forms |= {base + "ت" + p for p in pronouns} | {base + "ات" + p for p in pronouns}
    return forms


def _singular_stem(word: str) -> str:
    w = normalize(word)
    return w if w in _FEMININE else light_stem(w)


_FEMININE = frozenset(normalize(w) for w in lex.FEMININE_NOUNS)


def _override_table() -> dict[str, str]:
    """Broken plural (and its suffixed forms) → stem of the singular; feminine nouns with a
    meaning of their own → their own stem; the cases of أبو → one stem (all marked final)."""
    table: dict[str, str] = {}
    for word in lex.FEMININE_NOUNS:
        for form in _feminine_forms(word):
            table[form] = normalize(word)
    for form in lex.KUNYA_FORMS:
        table[normalize(form)] = normalize(lex.KUNYA_FORMS[0])
    for head in lex.NAME_HEADS:
        target = table.get(normalize(head), normalize(head))
        for stack in ("ب", "ل", "ك", "ف", "و", "وب", "ول", "وك", "فب", "فل", "فك"):
            table[stack + normalize(head)] = target
    for singular, plurals in lex.BROKEN_PLURALS:
        target = _singular_stem(singular)
        for plural in plurals:
            p = normalize(plural)
            forms = {p}
            if p.endswith("ه"):
                forms |= {p[:-1] + "ت" + e for e in ("ها", "هم", "ه", "هما")}
            else:
                forms |= {p + e for e in ("ها", "هم", "ه", "هما")}
            for f in forms:
                table.setdefault(f, target)
    for target, forms in lex.SEPARATE_STEMS:
        for f in forms:
            table[normalize(f)] = normalize(target)
    return table


def stemmer_overrides() -> dict[str, str]:
    """The ``stemmer_override`` table (normalised form → final stem), for the analysis builder."""
    return dict(_compiled()["override"])


def stopwords() -> list[str]:
    return sorted(_compiled()["stop"])


def _pre_clitic(token: str) -> str:
    """Names, protected words and the article, before the optional bare-proclitic variant."""
    c = _compiled()
    for key in ("name", "art_name", "lex", "article"):
        token = _apply(c[key], token)
    return token


def strip_proclitics(token: str) -> str:
    """The proclitic-free form the stemmed field uses for a normalised token.

    Names come back bare (``للبنان`` → ``لبنان``, ``الإيرانية`` → ``ايران``), the article and the
    ب/ك/و/ف/لل stacks around it are removed (``وللتحالف`` → ``تحالف``), bare proclitics are
    removed when the guards allow it (``بنيويورك`` → ``نيويورك``, ``بغداد``/``وزير`` unchanged).
    The index keeps the unstripped form too for bare proclitics; this returns the stripped one.
    """
    token = _pre_clitic(_apply(_compiled()["acronym"], token.lower()))
    token = _apply(_compiled()["clitic"], token)
    return token.removeprefix(FINAL_MARK)


def stem_variants(token: str) -> list[str]:
    """Terms the stemmed field indexes at one position for a normalised token (in order)."""
    return list(_stem_after_pre_clitic(_pre_clitic(_apply(_compiled()["acronym"], token.lower()))))


@lru_cache(maxsize=1 << 16)
def _stem_after_pre_clitic(token: str) -> tuple[str, ...]:
    c = _compiled()
    variants = [token]
    stripped = _apply(c["clitic"], token)
    if stripped != token:
        variants.append(stripped)
    out: list[str] = []
    for v in variants:
        if v in c["stop"]:
            continue
        if v in c["override"]:
            v = c["override"][v]
        else:
            v = light_stem(_apply(c["dual"], v))
        v = _apply(c["unmark"], v)
        if v not in out:
            out.append(v)
    return tuple(out)


def exact_variants(token: str) -> list[str]:
    """Terms the exact field indexes at one position for a normalised token (in order)."""
    c = _compiled()
    token = _apply(c["acronym"], token.lower())
    for key in ("x_protected", "x_article", "x_lam"):
        token = _apply(c[key], token)
    stripped = _apply(c["clitic"], token)
    return [token] if stripped == token else [token, stripped]


# ------------------------------------------------------------------------------------------------
# Tables for the engine (``stemmer_override`` FSTs), computed with the rules above
# ------------------------------------------------------------------------------------------------


def _protected_forms(stacks) -> set[str]:
    """Every token PROTECTED_RX matches, behind each of ``stacks`` ("" = no proclitic)."""
    words = {b + e for b in NAME_BASES for e in ("", *NAME_ENDING_LIST)}
    words |= {b + e for b in LEX_BASES for e in ("", *LEX_ENDING_LIST)}
    return {s + w for s in stacks for w in words}


@lru_cache(maxsize=1)
def protected_stem_table() -> dict[str, str]:
    """Token → its stemmed-field term between two FINAL_MARKs, for every token that the name,
    article-name or lexical rule rewrites or that PROTECTED_RX protects (all of them, with every
    proclitic stack and ending). For these tokens the stemmed field yields exactly one term, or
    none when the protected word is a stop word (فلإليه → إليه): then the value is STOP_MARK,
    which the engine's stop filter removes (see ``engine_stopwords``)."""
    forms = _protected_forms(("", *STACKS_ANY))
    forms |= {s + b for s in STACKS_ARTICLE for b in ARTICLE_NAME_BASES}
    c = _compiled()
    protected = re.compile(PROTECTED_RX)
    table: dict[str, str] = {}
    for form in forms:
        pre = _pre_clitic(form)
        if not (pre.startswith(FINAL_MARK) or protected.fullmatch(pre)):
            continue  # e.g. a stack + base the rules do not treat as protected: generic path
        variants = _stem_after_pre_clitic(pre)
        if _apply(c["clitic"], pre) != pre or len(variants) > 1:
            raise AssertionError(f"protected form {form!r} gives {variants!r}")
        if not variants:
            if pre not in c["stop"]:
                raise AssertionError(f"protected form {form!r} gives no term")
            table[form] = STOP_MARK
        else:
            table[form] = FINAL_MARK + variants[0] + FINAL_MARK
    return table


def engine_stopwords() -> list[str]:
    """The stop filter's list: the stop words and STOP_MARK (see protected_stem_table)."""
    return [*stopwords(), STOP_MARK]


@lru_cache(maxsize=1)
def protected_exact_table() -> dict[str, str]:
    """Token → FINAL_MARK + its exact-field term, for every token that the exact protected rule
    rewrites or that PROTECTED_RX protects."""
    forms = _protected_forms([a + b for a in _CONJ for b in ("", "ب", "ل", "ك")])
    protected = re.compile(PROTECTED_RX)
    c = _compiled()
    table: dict[str, str] = {}
    for form in forms:
        pre = _apply(c["x_protected"], form.lower())
        if not protected.fullmatch(pre):
            continue
        variants = exact_variants(form)
        if variants != [pre]:
            raise AssertionError(f"protected form {form!r} gives {variants!r}")
        table[form] = FINAL_MARK + pre
    return table
