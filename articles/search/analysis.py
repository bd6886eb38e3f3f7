"""OpenSearch analysis for Arabic news: an exact field and a stemmed field.

Pure Python (no Django): ``analysis_settings()`` is the ``settings.analysis`` block of an index.
Intended mapping::

    "title": {"type": "text", "analyzer": STEMMED_ANALYZER,
              "fields": {"exact": {"type": "text", "analyzer": EXACT_ANALYZER}}}

Only bundled modules are used (analysis-common: mapping / pattern_replace char filters,
pattern_replace, pattern_capture, stop, stemmer_override token filters). The character
normalisation comes from :mod:`articles.text.arabic_chars` and every token rule from
:mod:`articles.text.arabic`, which apply the same rules in Python (``normalize``;
``strip_proclitics``, ``stem_variants``, ``exact_variants``),
so what the index does can be reproduced in tagging / dedup and is unit-tested against the engine.

Design (see also the module docstring of :mod:`articles.text.arabic_lexicon`)
---------------------------------------------------------------------------------
Character level (both analyzers, ``mapping`` + ``pattern_replace`` char filters, offsets are
corrected by Lucene so highlighting stays right):
  diacritics incl. superscript alef and decomposed hamza marks, tatweel, invisible marks removed;
  أ إ آ ٱ → ا; ؤ ئ → ء (مسؤول = مسئول); ى → ي; ة → ه; Persian ک ی ۀ پ چ ڤ … → Arabic;
  presentation forms (ﻻ, ﺍﻟﺪﻭﻟﺔ, ﷲ) → letters; Arabic-Indic / Persian digits → ASCII, ٫ → ".",
  thousands separators removed, era letter after a number removed (٢٠١٤م → 2014);
  compound names written joined are split (عبدالرحمن → عبد الرحمن, أبومحمد → ابو محمد; the
  mapping's multi-character rules, see ``arabic_lexicon.KUNYA_PARTS``), so the joined and the
  apart spelling give the same tokens and phrases over them stay exact.
  ``ar_spaced_acronym``: two to four single capital Latin letters separated by one space are
  joined (U S → US, E U → EU; "Plan A", "A U.S.", lower case untouched; see
  ``arabic_chars.SPACED_ACRONYM_RULE``), so U S / U.S. / US give one term.

Stemmed field ``ar_stem`` (recall), token filters in order (the engine's filter in brackets):
  1. lowercase (Latin); ``ar_acronym``: U.S. (token "u.s") → us, E.U. → eu (both fields);
  2. ``ar_name`` / ``ar_article_name`` [``ar_protected``]: a protected name, after any
     proclitic stack and with a nisba ending, becomes the bare name, marked final (never
     stripped/stemmed further): للبنان, اللبنانية → لبنان; طالبان stays طالبان;
     بالرقة → الرقة's base;
  3. ``ar_lexical`` [``ar_protected``]: proclitics in front of a protected word whose first
     letter only looks like a proclitic are removed, the word is kept (والوزير → وزير, never زير);
  4. ``ar_article``: ال / وال / بال / كال / فال / وبال … / لل / ولل removed (≥ 2 letters remain,
     or a digit / Latin letter follows: الـ20 → 20, الـFBI → fbi);
  5. ``ar_clitic_variants`` [``pattern_capture``, original kept]: for a bare و ف ب ل ك (and
     و/ف + ب/ل/ك) the stripped form is emitted *in addition* at the same position, under
     guards: ≥ 4 letters remain and they are not "2–3 letters + suffixes" (ب/ل/ك/ف), ≥ 3 remain
     (و). Keeping the original makes mis-stripping harmless for recall (فصائل keeps فصائل, so it
     still equals الفصائل); the guards and the protected list keep the extra tokens from
     colliding with real words;
  6. ``ar_stop``: function words;
  7. ``ar_plurals`` (stemmer_override): broken plurals → stem of the singular (marked final);
     دولي kept apart from دولة; feminine nouns whose meaning differs from the masculine
     (مستوطنة، مقاتلة، شرطة، عملية …, ``arabic_lexicon.FEMININE_NOUNS``) keep a stem of their own
     for all their forms, so مستوطنون never reaches مستوطنات; أبو/أبي/أبا → أبو;
  7b. ``ar_dual``: the dual of a ة noun becomes the singular (حكومتين → حكومه, then stemmed
     like حكومة);
  8. Lucene ArabicStemmer suffix rules, in its order (ها ان ات ون ين يه ه ي), as pattern_replace
     filters [one: ``ar_suffix``] that skip final-marked tokens (the engine's ``condition``
     filter is not usable: the analysis painless whitelist is missing on our nodes), then the
     mark is removed.

How the index applies these rules (speed; the token streams are identical to the rules as
written, terms, offsets and positions, checked on 3,000 SaudiNewsNet articles and ~290,000
distinct words): every token that a name / article-name / protected-word rule can touch, with
any proclitic stack and ending, is looked up in one ``stemmer_override`` FST (``ar_protected``,
``ar_x_protected``; tables from :func:`articles.text.arabic.protected_stem_table` /
``protected_exact_table``) that gives its final term between FINAL_MARKs, so the remaining
regexes need no alternation of ~130 literal words and no ``(?!protected$)`` guard; the nine suffix
filters are one (``ar_suffix``) and the three number char filters one (``ar_num``). The Python
functions keep applying the rules as written, and the tests compare them with the engine.

Exact field ``ar_exact`` (phrases, precise matching): same characters, no stemming, no stop
words, the article is KEPT: و/ف/ب/ك before the article are removed and لل becomes ال, so
«وبالإرهاب», «للإرهاب» index as «الإرهاب» but «إرهاب» stays different from «الإرهاب»; bare
proclitics get the same additional stripped variant as in the stemmed field; an article stack
before a number or a Latin word is removed (الـ20 → 20). Hence the quoted
phrase «"تنظيم الدولة"» matches «لتنظيم الدولة» / «وتنظيم الدولة» but not «تنظيم دولي» nor
«التنظيم الدولي».
"""

from __future__ import annotations

import functools

from articles.text import arabic, arabic_chars

STEMMED_ANALYZER = "ar_stem"
EXACT_ANALYZER = "ar_exact"
#: Names of the char filters, in order, for callers that build custom analyzers / normalizers
#: (use them together: ``ar_chars`` writes "," as ",." and ``ar_num`` puts it right).
CHAR_FILTERS = ["ar_chars", "ar_num", "ar_spaced_acronym"]


def _esc(text: str) -> str:
    """Escape for a Lucene mapping rule: every character as \\uXXXX (survives trimming)."""
    return "".join(f"\\u{ord(c):04x}" for c in text)


def _mapping_rules() -> list[str]:
    rules = {**arabic_chars.CHAR_MAP, **arabic_chars.SEQUENCE_MAP, **arabic_chars.ENGINE_NUMBER_MAP}
    return [f"{_esc(k)} => {_esc(v)}" for k, v in sorted(rules.items())]


def _pr(rule: tuple[str, str]) -> dict:
    pattern, replacement = rule
    return {"type": "pattern_replace", "pattern": pattern, "replacement": replacement}


def _override_rules(table: dict[str, str]) -> list[str]:
    """``stemmer_override`` rules, one per target: ``form, form, ... => target``."""
    by_target: dict[str, list[str]] = {}
    for form, target in table.items():
        by_target.setdefault(target, []).append(form)
    return [f"{', '.join(sorted(forms))} => {t}" for t, forms in sorted(by_target.items())]


def _build() -> dict:
    char_filter = {
        "ar_chars": {"type": "mapping", "mappings": _mapping_rules()},
        "ar_num": {
            "type": "pattern_replace",
            "pattern": arabic_chars.ENGINE_NUMBER_RULE[0],
            "replacement": arabic_chars.ENGINE_NUMBER_RULE[1],
        },
        "ar_spaced_acronym": _pr(arabic_chars.SPACED_ACRONYM_RULE),
    }

    mark = arabic.FINAL_MARK
    token_filter = {
        "ar_protected": {
            "type": "stemmer_override",
            "rules": _override_rules(arabic.protected_stem_table()),
        },
        "ar_article": _pr(arabic.ENGINE_ARTICLE_RULE),
        "ar_clitic_variants": {
            "type": "pattern_capture",
            "preserve_original": True,
            "patterns": [arabic.ENGINE_CLITIC_PATTERN + "(.+)"],
        },
        "ar_stop": {"type": "stop", "stopwords": arabic.engine_stopwords()},
        "ar_plurals": {
            "type": "stemmer_override",
            "rules": _override_rules(
                {k: mark + v + mark for k, v in arabic.stemmer_overrides().items()}
            ),
        },
        "ar_dual": _pr(arabic.DUAL_RULE),
        "ar_suffix": _pr(arabic.ENGINE_SUFFIX_RULE),
        "ar_acronym": _pr(arabic.ACRONYM_RULE),
        "ar_unmark": _pr(arabic.ENGINE_UNMARK_RULE),
        "ar_x_protected": {
            "type": "stemmer_override",
            "rules": _override_rules(arabic.protected_exact_table()),
        },
        "ar_x_article": _pr(arabic.ENGINE_X_ARTICLE_RULE),
        "ar_x_lam": _pr(arabic.ENGINE_X_LAM_RULE),
    }
    analyzer = {
        STEMMED_ANALYZER: {
            "type": "custom",
            "char_filter": list(CHAR_FILTERS),
            "tokenizer": "standard",
            "filter": [
                "lowercase",
                "ar_acronym",
                "ar_protected",
                "ar_article",
                "ar_clitic_variants",
                "ar_stop",
                "ar_plurals",
                "ar_dual",
                "ar_suffix",
                "ar_unmark",
            ],
        },
        EXACT_ANALYZER: {
            "type": "custom",
            "char_filter": list(CHAR_FILTERS),
            "tokenizer": "standard",
            "filter": [
                "lowercase",
                "ar_acronym",
                "ar_x_protected",
                "ar_x_article",
                "ar_x_lam",
                "ar_clitic_variants",
                "ar_unmark",
            ],
        },
    }
    return {"char_filter": char_filter, "filter": token_filter, "analyzer": analyzer}


@functools.cache
def analysis_settings() -> dict:
    """The ``settings.analysis`` block. Built on first use: it takes a second and holds about
    24 MB, which a process that never creates an index (the ingest command, a web worker)
    should not pay."""
    return _build()


#: Baseline used by the evaluation: Lucene's built-in ``arabic`` analyzer for both fields.
BUILTIN_ANALYSIS: dict = {}
BUILTIN_ANALYZER = "arabic"
