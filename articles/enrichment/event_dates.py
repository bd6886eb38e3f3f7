"""Event dates: the dates an article reports («انعقد يوم 28 يونيو 2021»), day or month precision.

The month names and the publication-line grammar are ``articles.text.dates``; the page's own
publication line («نشر في ...») is metadata, not an event.
"""

from __future__ import annotations

import datetime as dt
import re

from articles.text.dates import MAX_DATE_LINE, MONTH_PAIR, date_on_line, fold, parse_arabic_date

from .document import Doc
from .tags import EventDate, Tags

#: «28 يونيو 2021», «يونيو 2021», «حزيران/يونيو من عام 2021», «28/6/2021», on folded text
_DATE_RX = re.compile(
    rf"(?<![\w])(?:(?P<day>\d{{1,2}})\s*(?:من\s+)?)?{MONTH_PAIR}"
    rf"\s*,?\s*(?:من\s+)?(?:(?:عام|العام|سنه)\s+)?(?P<year>\d{{4}})(?!\d)"
    rf"|(?<![\w/.-])(?P<nd>\d{{1,2}})[/.-](?P<nm>\d{{1,2}})[/.-](?P<ny>\d{{4}})(?![\d/])",
    re.IGNORECASE,
)
#: A four-digit year. It starts with its first digit, not with the look-behind: Python's re
#: then jumps from one 1 or 2 to the next instead of trying every position (42 -> 15 µs an
#: article).
_YEAR = re.compile(r"[12١٢](?<![0-9٠-٩][12١٢])[0-9٠-٩]{3}(?![0-9٠-٩])")


def find_event_dates(doc: Doc, tags: Tags) -> None:
    """Dates (day or month precision) written in the text, except the page's own publication
    line; only the neighbourhood of each 4-digit year is folded and searched."""
    text = doc.text
    seen: set[dt.date] = set()
    done_to = 0
    for y in _YEAR.finditer(text):
        w0 = max(done_to, y.start() - 40)
        window = fold(text[w0 : y.end()])
        done_to = y.end()
        for m in _DATE_RX.finditer(window):
            if m.end() != len(window):
                continue  # must end at this year
            a, b = w0 + m.start(), w0 + m.end()
            line_a = text.rfind("\n", 0, a) + 1
            line_b = text.find("\n", b)
            line = text[line_a : len(text) if line_b < 0 else line_b].strip()
            if len(line) <= MAX_DATE_LINE and date_on_line(line) is not None:
                break  # the publication line («نشر في ...») is metadata
            if m.group("month"):
                day = m.group("day")
                frag = f"{day or 1} {m.group('month')} {m.group('year')}"
                precision = "day" if day else "month"
            else:
                frag = f"{m.group('nd')}/{m.group('nm')}/{m.group('ny')}"
                precision = "day"
            d = parse_arabic_date(frag)
            if d is None:
                break
            tags.event_date_details.append(
                EventDate(d, precision, (a, b), " ".join(text[a:b].split()))
            )
            if d not in seen:
                seen.add(d)
                tags.event_dates.append(d)
            break
