"""Dates as Arabic text writes them: the grammar shared by ingest and enrichment.

Month names (Egyptian / Gulf, Levantine, Maghrebi and English), the day-month-year patterns,
``parse_arabic_date`` for a fragment and ``date_on_line`` for a publication line («نشر في ...
يوم ...»). Ingestion uses them to find the page's publication date
(``articles.ingest.dates``); the tagger finds the event dates an article reports with the same
month names and skips its publication line (``articles.enrichment.event_dates``).

Matching runs on ``fold(text)``, a copy of the text with the same length (one character for
one), so match positions stay valid: Western digits, hamza-less alef, and harakat kept in place.
"""

from __future__ import annotations

import datetime as dt
import re

from .arabic_chars import to_western_digits

_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "،": ","})

MONTHS: dict[int, tuple[str, ...]] = {
    1: ("يناير", "كانون الثاني", "كانون ثاني", "جانفي", "جانفييه", "January", "Jan"),
    2: ("فبراير", "فبرابر", "شباط", "فيفري", "February", "Feb"),
    3: ("مارس", "آذار", "March", "Mar"),
    4: ("أبريل", "ابريل", "إبريل", "نيسان", "أفريل", "April", "Apr"),
    5: ("مايو", "أيار", "ماي", "May"),
    6: ("يونيو", "يونيه", "حزيران", "جوان", "June", "Jun"),
    7: ("يوليو", "يوليه", "يوليوز", "تموز", "جويلية", "جويليه", "July", "Jul"),
    8: ("أغسطس", "غشت", "آب", "أوت", "August", "Aug"),
    9: ("سبتمبر", "شتنبر", "أيلول", "September", "Sep", "Sept"),
    10: ("أكتوبر", "تشرين الأول", "تشرين أول", "October", "Oct"),
    11: ("نوفمبر", "نونبر", "تشرين الثاني", "تشرين ثاني", "November", "Nov"),
    12: ("ديسمبر", "دجنبر", "كانون الأول", "كانون أول", "December", "Dec"),
}


def fold(text: str) -> str:
    """Western digits, hamza-less alef, ى → ي, ة → ه, «،» → «,»; same length as ``text``."""
    return to_western_digits(text).translate(_FOLD)


#: folded, lower-cased month name -> month number
MONTH_BY_NAME: dict[str, int] = {
    fold(name).lower(): number for number, names in MONTHS.items() for name in names
}


def _month_alternation() -> str:
    # Longest first so «مايو» wins over «ماي»; spaces inside names match any whitespace.
    names = sorted(MONTH_BY_NAME, key=len, reverse=True)
    return "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in names)


#: any month name (folded text, case-insensitive patterns)
MONTH = rf"(?:{_month_alternation()})"
#: «حزيران/يونيو», «يونيو (حزيران)», «يونيو - حزيران»: a second name for the same month.
MONTH_PAIR = rf"(?P<month>{MONTH})(?:\s*[/\-(–]\s*{MONTH}\s*\)?)?"
_SEP = r"\s*[-/.]\s*"
_NB = r"(?<![\w])"  # not preceded by a letter or digit
_NA = r"(?![\w])"  # not followed by one
_NDIGIT = r"(?!\d)"  # «2018م», «2018-07-04T10:00»: letters may follow a number, digits not

_DATE_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        # 2018-07-04, 2018/7/4 (ISO order; a time may follow)
        rf"{_NB}(?P<year>\d{{4}}){_SEP}(?P<mnum>\d{{1,2}}){_SEP}(?P<day>\d{{1,2}}){_NDIGIT}",
        # 04 - 07 - 2018, 4/7/2018 (day first, as Arabic sites write it)
        rf"{_NB}(?P<day>\d{{1,2}}){_SEP}(?P<mnum>\d{{1,2}}){_SEP}(?P<year>\d{{4}}){_NDIGIT}",
        # 4 يوليو 2018, 4 من يوليو، 2018, 04 تموز/يوليو 2018
        rf"{_NB}(?P<day>\d{{1,2}})\s*(?:من\s+)?{MONTH_PAIR}\s*,?\s*(?P<year>\d{{4}}){_NDIGIT}",
        # July 4, 2018 / يوليو 4، 2018
        rf"{_NB}{MONTH_PAIR}\s+(?P<day>\d{{1,2}})\s*,?\s*(?P<year>\d{{4}}){_NDIGIT}",
    )
)

_MIN_YEAR = 1900


def _build_date(year: int, month: int, day: int) -> dt.date | None:
    if not _MIN_YEAR <= year <= dt.date.today().year + 1:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _date_from_match(m: re.Match[str]) -> dt.date | None:
    year, day = int(m["year"]), int(m["day"])
    groups = m.groupdict()
    if groups.get("month"):
        month = MONTH_BY_NAME.get(re.sub(r"\s+", " ", m["month"]).lower())
        if month is None:
            return None
        return _build_date(year, month, day)
    month = int(m["mnum"])
    date = _build_date(year, month, day)
    if date is None and month > 12 >= day:
        # Day-first is the norm, but a month-first date (07/25/2018) is unambiguous.
        date = _build_date(year, day, month)
    return date


def first_date(folded: str) -> tuple[dt.date, int, int] | None:
    """Earliest valid date in already-folded text: ``(date, start, end)``."""
    best: tuple[dt.date, int, int] | None = None
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(folded):
            if best is not None and m.start() >= best[1]:
                break
            date = _date_from_match(m)
            if date is not None:
                best = (date, m.start(), m.end())
                break
    return best


def parse_arabic_date(fragment: str) -> dt.date | None:
    """The first valid date written in ``fragment`` (Arabic, Maghrebi or English month names,
    Arabic-Indic or Western digits, day-first or ISO order); None when there is none.

    Impossible dates (31 February, month 13) and years outside 1900..next year are ignored.
    """
    found = first_date(fold(fragment))
    return found[0] if found else None


# «نشر في», «نُشر بتاريخ», «تاريخ النشر», «تم النشر», «Published», «Posted on».
_HARAKA = "[\u064b-\u0652]*"
_PUBLISH_KEYWORD = re.compile(
    rf"(?:{_NB}(?:و?تم\s+)?(?:ال)?ن{_HARAKA}ش{_HARAKA}ر{_HARAKA}(?:ت|ه|ها)?{_HARAKA}{_NA}"
    rf"|تاريخ\s+(?:ال)?نشر|{_NB}published|{_NB}posted\s+on|{_NB}date\s+published)",
    re.IGNORECASE,
)
#: a clock time next to a date: «10:30», «10:30 ص», «3:05 pm»
TIME = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?\s*(?:[صم]|am|pm)?", re.IGNORECASE)

# A metadata line is short; a body paragraph that happens to say «نشر» is not one.
MAX_DATE_LINE = 120


def date_on_line(line: str) -> dt.date | None:
    """The publication date stated by a short metadata line such as «نشر في ... يوم ...»."""
    if len(line) > MAX_DATE_LINE:
        return None
    folded = fold(line)
    keyword = _PUBLISH_KEYWORD.search(folded)
    # The keyword opens a metadata line; deeper in, «نشر» is a verb in a sentence.
    if keyword is None or keyword.start() > 20:
        return None
    rest = folded[keyword.end() :]
    found = first_date(rest)
    if found is None:
        return None
    # «نشرت الوزارة في 5 مايو 2019 بيانا أكدت فيه ...» is a sentence, not a date line.
    after = TIME.sub(" ", rest[found[2] :])
    if len(re.findall(r"\w+", after)) > 4:
        return None
    return found[0]
