"""Template helpers of the pages: Gregorian and Hijri dates, periods, the language switch."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import dateformat
from django.utils.translation import get_language

from articles.web.dates import as_date

register = template.Library()


def _lang() -> str:
    return (get_language() or "ar")[:2]


register.filter("as_date", as_date)


@register.filter
def gregorian(value) -> str:
    """``6 أغسطس 2015`` / ``6 August 2015``."""
    day = as_date(value)
    return dateformat.format(day, "j F Y") if day else ""


@register.filter
def hijri(value) -> str:
    """The Umm al-Qura date: ``21 شوال 1436 هـ`` / ``21 Shawwal 1436 AH``; empty out of range."""
    day = as_date(value)
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
    day = as_date(value)
    return day.isoformat() if day else ""


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
