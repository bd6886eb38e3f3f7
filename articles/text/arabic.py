"""Arabic token-level rules shared by tagging and search: proclitics, names, stemming.

Kept free of Django and OpenSearch so that every layer (and the analyzers' tests) can use it.

This module is the single source of truth for the proclitic, name and stemming rules:
``articles.search.analysis`` builds the OpenSearch token filters from the regular expressions and
tables defined here, and the Python functions below apply exactly the same rules, so
``stem_variants(token)`` equals what the stemmed field indexes for a token and
``exact_variants(token)`` what the exact field does. Tokens are expected to be normalised by
:func:`articles.text.arabic_chars.normalize` (the character level, before tokenisation).

Regular expressions are written in the common subset of Python ``re`` and ``java.util.regex``
(look-ahead/behind, explicit character classes only) because the same strings go to the engine.
"""

from __future__ import annotations

import re
from functools import lru_cache

from articles.text import arabic_lexicon as lex
from articles.text.arabic_chars import normalize

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
