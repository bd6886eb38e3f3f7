"""Transliterated foreign names spelled several ways find the gazetteer's name, and ordinary
Arabic words never do (issue 14). Pure: the shipped starter gazetteer, no database."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from articles.enrichment import starter
from articles.enrichment.gazetteer import _alias_table, lookup_aliases
from articles.text.arabic_chars import normalize
from articles.text.translit import same_transliteration

SPELLED_OTHERWISE = [
    ("قوقل", "غوغل"),
    ("جوجل", "غوغل"),
    ("قوقل", "جوجل"),
    ("كالفورنيا", "كاليفورنيا"),
    ("واشنطون", "واشنطن"),
    ("طكساس", "تكساس"),
    ("بيونغ يانغ".split()[0], "بيونج"),
    ("ستوكهولم", "ستوكهلم"),
    ("زيوريخ", "ذيوريخ"),
]

#: Ordinary words one vowel or one letter away from a name: they must stay apart.
NEAR_MISSES = [
    ("رئيس", "روسيا"),
    ("صورة", "سورية"),
    ("سورة", "سورية"),
    ("سيارة", "سورية"),
    ("جماعة", "جامعة"),
    ("عراقي", "العراق"),
]

#: Common words of the news: none may be taken for a gazetteer name spelled another way.
COMMON_WORDS = (
    "وزير رئيس حكومة هجوم تفجير انتحاري مسجد شرطة جيش قوات دولة سلاح مدينة قرية جبهة حرب سلام "
    "اتفاق مفاوضات اعتقال محكمة سجن قائد زعيم تنظيم جماعة حركة معارضة مقاومة طائرة صاروخ قنبلة "
    "ضحايا قتلى جرحى لاجئين حدود مطار ميناء سفارة وزارة برلمان انتخابات اقتصاد نفط تمويل تجنيد "
    "شباب نساء أطفال مدرسة جامعة مستشفى طريق سيارة شاحنة سفينة بحر جبل صحراء غابة ليل نهار صباح "
    "مساء أسبوع شهر سنة يوم ساعة دقيقة بيان مصدر مسؤول متحدث خبير تقرير صحيفة قناة موقع فيديو "
    "صورة رسالة هاتف عملية خلية كتيبة لواء ميليشيا مسلحين متطرفين إرهاب إرهابي أمن أمني "
    "استخبارات مخابرات حصار قصف غارة اشتباكات معركة هدنة أسرى رهائن اختطاف اغتيال إعدام محاكمة "
    "سورة ساحة سياسة سياسي رياضة ثورة ثروة دورة قرار أقارب عراقي عرب غرب قرب جرب"
).split()


@pytest.mark.parametrize(("word", "name"), SPELLED_OTHERWISE)
def test_spelled_otherwise_is_the_same_name(word, name):
    assert same_transliteration(word, name)


@pytest.mark.parametrize(("word", "name"), NEAR_MISSES)
def test_near_misses_stay_apart(word, name):
    assert not same_transliteration(word, name)


def _shipped_table() -> dict[str, tuple[str, ...]]:
    def records(rows):
        return {i: r for i, r in enumerate(rows) if not getattr(r, "ambiguous", ())}

    return _alias_table(
        SimpleNamespace(actors=records(starter.ACTORS), venues=records(starter.VENUES))
    )


def test_common_words_are_never_taken_for_a_name():
    table = _shipped_table()
    names = {normalize(a).lower() for aliases in table.values() for a in aliases}
    wrong = {
        w: lookup_aliases(table, w)
        for w in COMMON_WORDS
        if normalize(w).lower() not in names and lookup_aliases(table, w)
    }
    assert not wrong


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("أفقانستان", "أفغانستان"),
        ("باكسطان", "باكستان"),
        ("تهران", "طهران"),
        ("بوطين", "بوتين"),
        ("واشنطون", "واشنطن"),
    ],
)
def test_a_name_spelled_otherwise_expands_to_the_entity(typed, name):
    assert name in lookup_aliases(_shipped_table(), typed)
