"""Unit tests of the Python mirror of the analysis (no engine needed)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.text import arabic_chars
from articles.text.arabic import (
    exact_variants,
    light_stem,
    stem_variants,
    strip_proclitics,
)
from articles.text.arabic_chars import normalize, to_western_digits


def test_to_western_digits_unchanged_behaviour():
    assert to_western_digits("عام ٢٠١٤ و۱۳۹۹") == "عام 2014 و1399"
    assert to_western_digits("أ ة ى ـ") == "أ ة ى ـ"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("أإآٱ", "اااا"),
        ("مسؤول مسئول", "مسءول مسءول"),
        ("مصطفى", "مصطفي"),
        ("الدولة", "الدوله"),
        ("الإِرْهَابُ", "الارهاب"),
        ("هٰذا", "هذا"),
        ("الإرهـــاب بالـإرهاب", "الارهاب بالارهاب"),
        ("ا\u0654من ا\u0655رهاب مسو\u0654ول", "امن ارهاب مسءول"),
        ("اﻷمن ﻻ ﺩﺍﻋﺶ ﷲ", "الامن لا داعش الله"),
        ("کرکوک ایران الجبهۀ", "كركوك ايران الجبهه"),
        (
            "دا\u200fعش الإر\u200cهاب الت\u200dحالف ا\u00adلأمن \u061cداعش \u200eداعش",
            "داعش الارهاب التحالف الامن داعش داعش",
        ),
        ("٠١٢٣٤٥٦٧٨٩ ۰۱۲۳۴۵۶۷۸۹", "0123456789 0123456789"),
        ("١٫٤ مليون", "1.4 مليون"),
        ("١٬٠٠٠ و 1,000,000", "1000 و 1000000"),
        ("1,5 مليار", "1.5 مليار"),
        ("عام ٢٠١٤م وفي 2014 م و١٤٣٥هـ", "عام 2014 وفي 2014 و1435"),
        ("2014 من", "2014 من"),
        ("Reuters 2021", "Reuters 2021"),
        ("", ""),
    ],
)
def test_normalize(raw, expected):
    assert normalize(raw) == expected


def test_normalize_is_idempotent():
    text = "وقال مسؤول أمني إن «داعش» نفّذ ٣ هجمات بالـإرهاب عام ٢٠١٤م في کرکوک"
    once = normalize(text)
    assert normalize(once) == once


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("بنيويورك", "نيويورك"),
        ("لداعش", "داعش"),
        ("بتمويل", "تمويل"),
        ("وللتحالف", "تحالف"),
        ("وبالإرهاب", "ارهاب"),
        ("بالـإرهاب", "ارهاب"),
        ("لشؤون", "شءون"),
        ("وقال", "قال"),
        # radical first letters stay
        ("بغداد", "بغداد"),
        ("وزير", "وزير"),
        ("والوزير", "وزير"),
        ("ولاية", "ولايه"),
        ("لبنان", "لبنان"),
        ("للبنان", "لبنان"),
        ("كركوك", "كركوك"),
        ("ورقة", "ورقه"),
        ("واحد", "واحد"),
        ("فرقة", "فرقه"),
        ("الألغام", "الغام"),
        ("ألغام", "الغام"),
        # short rest after ك / ف: kept
        ("كتيبة", "كتيبه"),
        ("فعاليات", "فعاليات"),
    ],
)
def test_strip_proclitics(word, expected):
    assert strip_proclitics(normalize(word)) == expected


def test_strip_proclitics_names_come_back_bare():
    assert strip_proclitics(normalize("الإيرانية")) == "ايران"
    assert strip_proclitics(normalize("فرنسا")) == "فرنس"  # name base (final ا dropped)
    assert strip_proclitics(normalize("طالبان")) == "طالبان"


def test_light_stem_follows_lucene_order():
    assert light_stem("مقاتلون") == "مقاتل"
    assert light_stem("عمليات") == "عمل"
    assert light_stem("عملياته") == "عمل"
    assert light_stem("دوله") == "دول"
    assert light_stem("بين") == "بين"  # ≥ 2 letters must remain


def _stem(word: str) -> list[str]:
    return stem_variants(normalize(word))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("مقاتل", "مقاتلو"),
        ("خلية", "خلايا"),
        ("هجوم", "هجمات"),
        ("سلاح", "والأسلحة"),
        ("قائد", "القادة"),
        ("عنصر", "عناصر"),
        ("أجنبي", "الأجانب"),
        ("لغم", "الألغام"),
        ("وزير", "وزراء"),
        ("دولة", "الدول"),
        ("إيران", "الإيرانية"),
        ("فرنسا", "الفرنسي"),
        ("الوثيقة", "وثيقة"),
        ("الفصائل", "فصائل"),
    ],
)
def test_stem_variants_conflate(a, b):
    assert set(_stem(a)) & set(_stem(b)), (_stem(a), _stem(b))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("الدولة", "الدولار"),
        ("الدولة", "الدولي"),
        ("طالبان", "طالب"),
        ("السودان", "السود"),
        ("البحرين", "البحر"),
        ("الرقة", "ورقة"),
        ("وزير", "زير"),
        ("لبنان", "بنان"),
        ("أحد", "واحد"),
        ("الله", "له"),
    ],
)
def test_stem_variants_keep_apart(a, b):
    assert not set(_stem(a)) & set(_stem(b)), (_stem(a), _stem(b))


def test_stopwords_removed_from_stemmed_field_only():
    assert _stem("في") == []
    assert _stem("وفي") == []
    assert exact_variants("في") == ["في"]


def test_exact_variants_keep_article():
    assert exact_variants(normalize("وبالإرهاب")) == ["الارهاب"]
    assert exact_variants(normalize("للتحالف")) == ["التحالف"]
    assert exact_variants(normalize("إرهاب")) == ["ارهاب"]
    assert exact_variants(normalize("لتنظيم")) == ["لتنظيم", "تنظيم"]
    assert exact_variants(normalize("للبنان")) == ["لبنان"]
    assert exact_variants(normalize("مقاتلو")) == ["مقاتلو"]


# --- the engine form of the rules (articles.search.analysis) equals the rules -------------------


def test_stacks_spell_out_the_stack_patterns():
    import itertools
    import re

    from articles.text import arabic

    for pattern, stacks in (
        (arabic.STACK_ANY, arabic.STACKS_ANY),
        (arabic.STACK_ARTICLE, arabic.STACKS_ARTICLE),
    ):
        language = {
            "".join(p)
            for n in range(1, 6)
            for p in itertools.product("وفبكلا", repeat=n)
            if re.fullmatch(pattern, "".join(p))
        }
        assert language == set(stacks)


def _suffix_samples():
    import itertools

    letters = "اتنهيومب"  # every letter of a suffix, and one that is in none
    for n in range(6):
        for p in itertools.product(letters, repeat=n):
            yield "".join(p)
    pieces = ["ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي", "هما", "هم", "ا", "ت", "ن"]
    for k in (3, 4):
        for p in itertools.product(pieces, repeat=k):
            for stem in ("", "ب", "بب", "يه"):
                yield stem + "".join(p)


def test_engine_suffix_rule_equals_light_stem():
    """The single suffix filter of the engine strips exactly what the nine rules strip."""
    import re

    from articles.text import arabic

    rx = re.compile(arabic.ENGINE_SUFFIX_RULE[0])
    bad = [w for w in _suffix_samples() if rx.sub("", w) != light_stem.__wrapped__(w)]
    assert not bad, bad[:20]


def test_engine_suffix_rule_skips_marked_tokens():
    import re

    from articles.text import arabic

    rx = re.compile(arabic.ENGINE_SUFFIX_RULE[0])
    fm = arabic.FINAL_MARK
    assert rx.sub("", fm + "عمليات" + fm) == fm + "عمليات" + fm


def test_protected_tables_follow_the_rules():
    from articles.text import arabic

    stem = arabic.protected_stem_table()
    exact = arabic.protected_exact_table()
    fm = arabic.FINAL_MARK
    assert stem["للبنان"] == fm + "لبنان" + fm
    assert stem["والوزراء"] == fm + "وزير" + fm  # lexical + broken plural
    assert stem["ولايه"] == fm + "ولا" + fm  # not the stop word «ولا»
    assert stem[normalize("فلإليه")] == arabic.STOP_MARK  # protected إليه is a stop word
    assert arabic.STOP_MARK in arabic.engine_stopwords()
    assert exact["للبنان"] == fm + "لبنان"
    for form, target in stem.items():
        expected = stem_variants(form)
        assert expected == ([target.strip(fm)] if target != arabic.STOP_MARK else []), form
    for form, target in exact.items():
        assert exact_variants(form) == [target.removeprefix(fm)], form


def test_engine_number_rule_equals_number_rules():
    """One char filter pass (after "," → ",." in the character map) equals the three rules."""
    import itertools
    import re

    from articles.text import arabic_chars

    pattern, replacement = arabic_chars.ENGINE_NUMBER_RULE
    assert replacement == "$1$2$3"
    rx = re.compile(pattern)

    def engine(text: str) -> str:
        for k, v in arabic_chars.ENGINE_NUMBER_MAP.items():
            text = text.replace(k, v)
        return rx.sub(lambda m: "".join(g or "" for g in m.groups()), text)

    def rules(text: str) -> str:
        for p, r in arabic_chars.NUMBER_RULES:
            text = re.sub(p, r.replace("$1", r"\1"), text)
        return text

    bad = [
        s
        for n in range(7)
        for s in map("".join, itertools.product("01 ,مه.", repeat=n))
        if engine(s) != rules(s)
    ]
    assert not bad, bad[:20]


# Characters the normalisation maps, and some it does not (Arabic, Latin, digits, an astral
# emoji, a lone surrogate, NUL, the separators the number and acronym rules look for).
_MAPPED = "".join(chr(code) for code in sorted(arabic_chars._TABLE))
_ALPHABET = _MAPPED + "ابتثجحخدذرسشصضطظعغفقكلمنهوي AUS.,0123456789\n😀\ud800\x00م"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=80), st.integers(0, 400))
def test_the_fast_character_map_equals_str_translate(text, padding):
    text = "ا" * padding + text  # short texts take str.translate, long ones the array
    assert arabic_chars._translate(text) == text.translate(arabic_chars._TABLE)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=60))
def test_normalize_equals_the_rules_applied_one_after_the_other(text):
    """``normalize`` skips rules that cannot apply; applying every one gives the same text."""
    expected = arabic_chars._SEQUENCE_RE.sub(
        lambda m: arabic_chars.SEQUENCE_MAP[m.group(0)], text
    ).translate(arabic_chars._TABLE)
    for rx, repl in arabic_chars._NUMBER_RES:
        expected = rx.sub(repl, expected)
    expected = arabic_chars._SPACED_ACRONYM_RE.sub(
        lambda m: "".join(g or "" for g in m.groups()), expected
    )
    assert normalize(text) == expected
