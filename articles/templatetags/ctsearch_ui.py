"""Template helpers of the pages: Gregorian and Hijri dates, periods, the language switch."""

from __future__ import annotations

import datetime as dt

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import dateformat
from django.utils.translation import get_language, gettext

register = template.Library()


def _lang() -> str:
    return (get_language() or "ar")[:2]


def _as_date(value) -> dt.date | None:
    from articles.views import as_date

    return as_date(value)


@register.filter
def as_date(value) -> dt.date | None:
    return _as_date(value)


@register.filter
def gregorian(value) -> str:
    """``6 أغسطس 2015`` / ``6 August 2015``."""
    day = _as_date(value)
    return dateformat.format(day, "j F Y") if day else ""


@register.filter
def hijri(value) -> str:
    """The Umm al-Qura date: ``21 شوال 1436 هـ`` / ``21 Shawwal 1436 AH``; empty out of range."""
    day = _as_date(value)
    if day is None:
        return ""
    from hijridate import Gregorian

    try:
        h = Gregorian(day.year, day.month, day.day).to_hijri()
    except (OverflowError, ValueError):  # Umm al-Qura covers 1343–1500 AH (1924–2077)
        return ""
    lang = "ar" if _lang() == "ar" else "en"
    return f"{h.day} {h.month_name(lang)} {h.year} {h.notation(lang)}"


@register.filter
def iso(value) -> str:
    day = _as_date(value)
    return day.isoformat() if day else ""


def short_date(day: dt.date | None, interval: str) -> str:
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


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """The current page in each language (same path and query: the state survives)."""
    request = context.get("request")
    path = request.get_full_path() if request else "/"
    current = _lang()
    links = []
    for code, name in settings.LANGUAGES:
        url = translate_url(path, code)
        links.append({"code": code, "name": name, "url": url, "current": code == current})
    return links


@register.filter
def facet_count(value) -> str:
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return ""


@register.filter
def number(value) -> str:
    """Thousands separated, Western digits (the digits researchers copy into their tools)."""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return str(value)
