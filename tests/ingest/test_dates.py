import datetime as dt

import pytest

from articles.ingest.dates import find_published_date
from articles.text.dates import parse_arabic_date

from .helpers import seed_text

D = dt.date

BODY = (
    "وقال المتحدث إن التحالف الدولي سيواصل عملياته ضد التنظيم في المنطقة خلال الأشهر المقبلة. " * 4
)


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("نشر في هسبريس يوم 04 - 07 - 2018", D(2018, 7, 4)),
        ("4/7/2018", D(2018, 7, 4)),
        ("07/25/2018", D(2018, 7, 25)),  # month-first only when day-first is impossible
        ("2018-07-04", D(2018, 7, 4)),
        ("2018-07-04T10:30:00+01:00", D(2018, 7, 4)),
        ("٠٤-٠٧-٢٠١٨", D(2018, 7, 4)),
        ("٤ يوليو ٢٠١٨", D(2018, 7, 4)),
        ("28 يونيو 2021", D(2021, 6, 28)),
        ("28 يونيه 2021", D(2021, 6, 28)),
        ("28 حزيران/يونيو 2021", D(2021, 6, 28)),
        ("3 كانون الثاني 2020", D(2020, 1, 3)),
        ("3 كانون ثاني 2020", D(2020, 1, 3)),
        ("12 تشرين الأول 2019", D(2019, 10, 12)),
        ("12 تشرين الثاني، 2019", D(2019, 11, 12)),
        ("25 كانون الأول 2019", D(2019, 12, 25)),
        ("1 فبراير 2020", D(2020, 2, 1)),
        ("1 شباط 2020", D(2020, 2, 1)),
        ("5 مارس 2020", D(2020, 3, 5)),
        ("5 آذار 2020", D(2020, 3, 5)),
        ("9 أبريل 2020", D(2020, 4, 9)),
        ("9 ابريل 2020", D(2020, 4, 9)),
        ("9 نيسان 2020", D(2020, 4, 9)),
        ("16 مايو 2003", D(2003, 5, 16)),
        ("16 أيار 2003", D(2003, 5, 16)),
        ("16 ماي 2003", D(2003, 5, 16)),
        ("1 يوليوز 2015", D(2015, 7, 1)),
        ("1 تموز 2015", D(2015, 7, 1)),
        ("3 أغسطس 2019", D(2019, 8, 3)),
        ("3 غشت 2019", D(2019, 8, 3)),
        ("3 آب 2019", D(2019, 8, 3)),
        ("11 سبتمبر 2001", D(2001, 9, 11)),
        ("11 شتنبر 2001", D(2001, 9, 11)),
        ("11 أيلول 2001", D(2001, 9, 11)),
        ("7 أكتوبر 2023", D(2023, 10, 7)),
        ("13 نوفمبر 2015", D(2015, 11, 13)),
        ("13 نونبر 2015", D(2015, 11, 13)),
        ("31 ديسمبر 2019", D(2019, 12, 31)),
        ("31 دجنبر 2019", D(2019, 12, 31)),
        ("15 جانفي 2015", D(2015, 1, 15)),
        ("15 فيفري 2015", D(2015, 2, 15)),
        ("15 أفريل 2015", D(2015, 4, 15)),
        ("15 جوان 2015", D(2015, 6, 15)),
        ("15 جويلية 2015", D(2015, 7, 15)),
        ("15 أوت 2015", D(2015, 8, 15)),
        ("الأربعاء 20 شوال 1439 هـ - 04 يوليو 2018 م", D(2018, 7, 4)),
        ("July 4, 2018", D(2018, 7, 4)),
        ("4 يوليو 2018م", D(2018, 7, 4)),
    ],
)
def test_parse_arabic_date(fragment, expected):
    assert parse_arabic_date(fragment) == expected


@pytest.mark.parametrize(
    "fragment",
    ["31 فبراير 2020", "2019-02-30", "32/01/2020", "13/13/2020", "5 مايو 1439", "لا تاريخ هنا", ""],
)
def test_parse_arabic_date_rejects_impossible_or_missing(fragment):
    assert parse_arabic_date(fragment) is None


@pytest.mark.parametrize(
    "line",
    [
        "نشر في هسبريس يوم 04 - 07 - 2018",
        "نُشر بتاريخ ٤ تموز ٢٠١٨",
        "تاريخ النشر: 2018/07/04",
        "تم النشر في: 04 يوليو 2018 - 10:30",
        "Published on July 4, 2018",
        "الأربعاء 04 يوليو 2018 - 10:30",  # a bare date line in the header
    ],
)
def test_find_published_date_in_header(line):
    text = f"عنوان المقال\n{line}\n\n{BODY}"
    assert find_published_date(text) == D(2018, 7, 4)


def test_keyword_line_at_the_end_counts():
    assert find_published_date(f"عنوان\n\n{BODY}\n\nنشر بتاريخ 04-07-2018") == D(2018, 7, 4)


def test_event_date_in_body_is_not_a_publication_date():
    text = f"عنوان\n\n{BODY}\n\nانعقد يوم 28 يونيو 2021، اجتماع التحالف الدولي. {BODY}"
    assert find_published_date(text) is None


def test_long_paragraph_mentioning_publication_is_ignored():
    text = f"عنوان\n\n{BODY} ونشر التنظيم يوم 5 مايو 2019 تسجيلا مصورا. {BODY}"
    assert find_published_date(text) is None


def test_seed_002_has_no_publication_date():
    assert find_published_date(seed_text("002")) is None


def test_seed_001_date():
    assert find_published_date(seed_text("001")) == D(2018, 7, 4)


@pytest.mark.parametrize("prefix", ["000", "003", "004"])
def test_other_seeds_have_no_date(prefix):
    assert find_published_date(seed_text(prefix)) is None


@pytest.mark.parametrize(
    "line",
    [
        "نشرت الوزارة في 5 مايو 2019 بيانا أكدت فيه تفكيك الخلية الإرهابية بالكامل",
        "وقالت المصادر إن التنظيم نشر يوم 5 مايو 2019 تسجيلا",
    ],
)
def test_sentences_using_the_verb_are_not_date_lines(line):
    assert find_published_date(f"عنوان\n\n{BODY}\n\n{line}\n\n{BODY}") is None
