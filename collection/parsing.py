"""Feeds to entries: RSS/Atom with feedparser, sitemaps with defusedxml. Pure (bytes in).

A malformed feed still yields every item feedparser could read (its ``bozo`` flag); the
problem is returned beside the entries for the feed's record. Sitemaps are parsed with
defusedxml, which refuses entity declarations (no billion laughs, no external entities).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html as html_module
import re
import warnings
from dataclasses import dataclass

import defusedxml.ElementTree as SafeET
import feedparser
from defusedxml import DefusedXmlException

from .urls import canonical_url

MAX_ENTRIES = 5000


@dataclass(frozen=True)
class Entry:
    """One item a feed listed."""

    url: str  # canonical
    guid: str
    title: str = ""
    author: str = ""
    published_at: dt.datetime | None = None
    summary: str = ""
    updated: str = ""  # what the feed says about the item's version

    @property
    def item_hash(self) -> str:
        """Changes when the feed says the item changed (new title, new date, new URL)."""
        text = "\x1f".join((self.url, self.title, self.updated))
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Parsed:
    entries: list[Entry]
    problem: str = ""  # a malformed feed: what was wrong (its entries may still be there)


def parse_feed(kind: str, body: bytes, base_url: str) -> Parsed:
    if kind == "rss":
        return parse_rss(body, base_url)
    return parse_sitemap(body, base_url)


def _struct_time(value) -> dt.datetime | None:
    if not value:
        return None
    try:
        return dt.datetime(*value[:6], tzinfo=dt.UTC)
    except (TypeError, ValueError):
        return None


def parse_rss(body: bytes, base_url: str) -> Parsed:
    # Never let feedparser fetch anything: it is given bytes, and relative links resolve
    # against the feed's own URL.
    result = feedparser.parse(body, response_headers={"content-location": base_url})
    with warnings.catch_warnings():
        # feedparser warns when "updated" falls back to "published"; that fallback is wanted.
        warnings.simplefilter("ignore", DeprecationWarning)
        entries = [entry for item in result.entries[:MAX_ENTRIES] if (entry := _entry(item))]
    problem = ""
    if result.get("bozo"):
        problem = f"malformed feed: {result.get('bozo_exception')}"[:500]
    return Parsed(entries, problem)


def _entry(item) -> Entry | None:
    link = (item.get("link") or "").strip()
    if not link.startswith(("http://", "https://")):
        return None
    url = canonical_url(link)
    return Entry(
        url=url,
        guid=(item.get("id") or "").strip()[:2000] or url,
        title=(item.get("title") or "").strip(),
        author=(item.get("author") or "").strip(),
        published_at=_struct_time(item.get("published_parsed") or item.get("updated_parsed")),
        summary=_plain(item.get("summary") or ""),
        updated=str(item.get("updated") or item.get("published") or ""),
    )


def _plain(html: str) -> str:
    """Text of a feed summary (feedparser sanitises it; tags go, paragraphs stay)."""
    text = re.sub(r"<\s*(br|/p|/div)[^>]*>", "\n", html, flags=re.IGNORECASE)
    text = re.sub(r"<[^>]+>", "", text)
    return html_module.unescape(text).strip()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse_sitemap(body: bytes, base_url: str) -> Parsed:
    """A urlset (with news: extensions when present) or a sitemap index (its child sitemaps are
    returned as entries whose ``guid`` starts with ``sitemap:``)."""
    try:
        root = SafeET.fromstring(body)
    except (SafeET.ParseError, DefusedXmlException) as error:
        return Parsed([], f"sitemap is not well-formed XML: {error}"[:500])
    entries: list[Entry] = []
    is_index = _local(root.tag) == "sitemapindex"
    for node in list(root)[:MAX_ENTRIES]:
        fields = {}
        for child in node.iter():
            name = _local(child.tag)
            if child.text and child.text.strip() and name not in fields:
                fields[name] = child.text.strip()
        loc = fields.get("loc", "")
        if not loc.startswith(("http://", "https://")):
            continue
        url = canonical_url(loc)
        when = fields.get("publication_date") or fields.get("lastmod") or ""
        entries.append(
            Entry(
                url=url,
                guid=f"sitemap:{url}" if is_index else url,
                title=fields.get("title", ""),
                published_at=_iso(when),
                updated=fields.get("lastmod", "") or when,
            )
        )
    return Parsed(entries)


def _iso(value: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
