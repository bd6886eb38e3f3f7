"""Publication dates stated in Arabic page text.

Only a date the page presents as its publication date counts: one on a short line introduced by
a publication keyword («نشر في هسبريس يوم 04 - 07 - 2018», «تاريخ النشر: ...»), or a short
header line that is essentially a date, before the article body starts. Dates inside body
paragraphs are events («انعقد يوم 28 يونيو 2021»), not publication dates. The date grammar
itself (month names, patterns, the publication line) is ``articles.text.dates``.
"""

from __future__ import annotations

import datetime as dt
import re

from articles.text.dates import MAX_DATE_LINE, TIME, date_on_line, first_date, fold

_NB = r"(?<![\w])"  # not preceded by a letter or digit
_NA = r"(?![\w])"  # not followed by one

# A line introducing a date without saying «published»: only trusted in the page header.
_DATE_KEYWORD = re.compile(rf"{_NB}(?:بتاريخ|التاريخ|تاريخ|اليوم|يوم){_NA}")
_WEEKDAYS = re.compile(
    r"(?:الاحد|الاثنين|الإثنين|الثلاثاء|الاربعاء|الخميس|الجمعه|الجمعة|السبت)|"
    r"(?:sunday|monday|tuesday|wednesday|thursday|friday|saturday)",
    re.IGNORECASE,
)

# Lines at the top of the page before the first body paragraph.
_HEADER_LINES = 12
_BODY_PARAGRAPH = 200


def _is_bare_date_line(line: str) -> dt.date | None:
    """A short line that is only a date (with weekday, time, «بتاريخ» ...): header metadata."""
    if len(line) > 80:
        return None
    folded = fold(line)
    found = first_date(folded)
    if found is None:
        return None
    date, start, end = found
    rest = folded[:start] + " " + folded[end:]
    rest = TIME.sub(" ", _WEEKDAYS.sub(" ", _DATE_KEYWORD.sub(" ", rest)))
    rest = re.sub(r"\d+\s*ه[ـ]?|\d{4}\s*م", " ", rest)  # a Hijri date next to it, «2018 م»
    leftover = re.findall(r"\w+", rest)
    return date if len(leftover) <= 2 else None


def find_published_date(text: str) -> dt.date | None:
    """The publication date the page states, or None.

    First a short line with a publication keyword anywhere in the page; then, within the header
    (the short lines before the first body paragraph), a line that is essentially a date.
    """
    lines = [line.strip() for line in text.splitlines()]
    for line in lines:
        if line and len(line) <= MAX_DATE_LINE:
            date = date_on_line(line)
            if date is not None:
                return date
    seen = 0
    for line in lines:
        if not line:
            continue
        if len(line) >= _BODY_PARAGRAPH:
            break
        seen += 1
        if seen > _HEADER_LINES:
            break
        date = _is_bare_date_line(line)
        if date is not None:
            return date
    return None
