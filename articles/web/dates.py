"""Dates as the pages show them: parsing what the engine or a model gives, chart buckets and
their labels. Used by the chart and by the template filters."""

from __future__ import annotations

import calendar
import datetime as dt

from django.utils import dateformat
from django.utils.translation import gettext


def as_date(value) -> dt.date | None:
    """A date from a date, a datetime or an ISO string; None for anything else."""
    if not value:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00")).date()
    except ValueError:
        try:
            return dt.date.fromisoformat(str(value)[:10])
        except ValueError:
            return None


def bucket_end(start: dt.date, interval: str) -> dt.date:
    """The last day of the histogram bucket that starts on ``start``."""
    if interval == "week":
        return start + dt.timedelta(days=6)
    if interval == "month":
        return start.replace(day=calendar.monthrange(start.year, start.month)[1])
    if interval == "year":
        return start.replace(month=12, day=31)
    return start


def interval_name(interval: str) -> str:
    return {
        "day": gettext("day"),
        "week": gettext("week"),
        "month": gettext("month"),
        "year": gettext("year"),
    }.get(interval, interval)


def short_date(day: dt.date | None, interval: str) -> str:
    """A chart tick: the year, a month, or a day and month."""
    if day is None:
        return ""
    if interval == "year":
        return str(day.year)
    if interval == "month":
        return dateformat.format(day, "M Y")
    return dateformat.format(day, "j M")


def period_label(start: dt.date, end: dt.date, interval: str) -> str:
    """A bucket of the chart in words: a day, a week's range, a month, a year."""
    if interval == "year":
        return str(start.year)
    if interval == "month":
        return dateformat.format(start, "F Y")
    if interval == "week" or start != end:
        return gettext("%(start)s to %(end)s") % {
            "start": dateformat.format(start, "j F"),
            "end": dateformat.format(end, "j F Y"),
        }
    return dateformat.format(start, "j F Y")
