"""Saved HTML pages to an ``ArticleRecord`` with trafilatura.

trafilatura finds the main text and the page metadata (title, author, date from structured
markup, canonical/og:url, site name). Its output still contains in-article chrome («اقرأ
أيضاً», share rows, tag lines), so it goes through the same ``strip_chrome`` as text pages.

trafilatura only fetches when asked to (``fetch_url``); ``bare_extraction`` on a string works
offline, and a test checks that no socket is opened.
"""

from __future__ import annotations

import datetime as dt
import logging
import re

from .chrome import normalise_line, strip_chrome
from .dates import find_published_date
from .records import ArticleRecord, DateProvenance, Rejection
from .textpage import date_to_datetime, derive_title

# trafilatura logs every page it finds too short at WARNING; the Rejection says it once.
logging.getLogger("trafilatura").setLevel(logging.ERROR)

_HTML_LANG = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})", re.IGNORECASE)
_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—:»]\s+")


def parse_html_page(
    html: str, *, origin: str, key: str, raw_encoding: str
) -> ArticleRecord | Rejection:
    """Extract the article from one HTML page; a ``Rejection`` when it has no main text."""
    from trafilatura import bare_extraction  # imported lazily: slow import, only for HTML

    try:
        doc = bare_extraction(
            html,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            include_formatting=False,
            favor_precision=True,
            deduplicate=False,
            # Dates from markup only: htmldate's extensive search would pick any date in the
            # text, which is exactly what a publication date must not be.
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception as exc:
        return Rejection(origin, f"HTML could not be parsed: {exc}")
    if doc is None or not (doc.text or "").strip():
        return Rejection(origin, "no main text found in HTML page")

    lines = [normalise_line(line) for line in doc.text.splitlines()]
    paragraphs = [line for line in strip_chrome(lines) if line]
    sitename = (doc.sitename or "").strip()
    title = _clean_title(doc.title or "", sitename)
    # trafilatura sometimes repeats the headline as the first paragraph.
    if paragraphs and title and paragraphs[0] == title:
        paragraphs = paragraphs[1:]
    if not paragraphs:
        return Rejection(origin, "no main text found in HTML page (only page furniture)")

    extra: dict[str, str] = {}
    if not title:
        title = derive_title(paragraphs)
        extra["title_derived"] = "true"

    published_at, provenance = _published(doc.date, doc.text)
    if published_at is not None:
        extra["published_precision"] = "day"

    url = (doc.url or "").strip()
    lang = _HTML_LANG.search(html[:4096])
    return ArticleRecord(
        title=title,
        body="\n\n".join(paragraphs),
        raw=html,
        origin=origin,
        key=url or key,
        url=url,
        canonical_url=url,
        byline=(doc.author or "").strip(),
        published_at=published_at,
        published_at_source=provenance,
        source_name=sitename,
        language=lang.group(1).lower() if lang else (doc.language or ""),
        raw_encoding=raw_encoding,
        extra=extra,
    )


def _clean_title(title: str, sitename: str) -> str:
    """Drop a « | Site name» suffix or prefix from the <title>."""
    title = normalise_line(title)
    if not sitename:
        return title
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) > 1:
        if parts[-1].strip() == sitename:
            return title[: title.rfind(parts[-1])].rstrip(" |-–—:»")
        if parts[0].strip() == sitename:
            return title[len(parts[0]) :].lstrip(" |-–—:»")
    return title


def _published(meta_date: str | None, text: str) -> tuple[dt.datetime | None, DateProvenance]:
    if meta_date:
        try:
            return date_to_datetime(dt.date.fromisoformat(meta_date[:10])), DateProvenance.METADATA
        except ValueError:
            pass
    date = find_published_date(text)
    if date is not None:
        return date_to_datetime(date), DateProvenance.PAGE
    return None, DateProvenance.NONE
