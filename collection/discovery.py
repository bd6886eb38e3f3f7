"""Find a site's feeds and sitemaps from its homepage, through the guarded fetcher:
``<link rel=alternate>`` (and feed-looking links) with trafilatura's feed finder, and the
``Sitemap:`` lines of robots.txt. Nothing is registered here: the curator picks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from urllib.parse import urlsplit

from articles.ingest.decoding import decode_bytes
from articles.ingest.records import UndecodableInput

from .actions import guess_kind
from .fetcher import Fetcher, FetchProblem

_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
MAX_CANDIDATES = 20


@dataclass(frozen=True)
class Candidate:
    url: str
    kind: str
    found_in: str  # "page" or "robots.txt"


@dataclass
class Discovery:
    homepage: str
    title: str = ""
    candidates: tuple[Candidate, ...] = ()
    problem: str = ""


def discover(homepage: str, *, fetcher: Fetcher | None = None) -> Discovery:
    from trafilatura.feeds import FeedParameters, determine_feed

    fetcher = fetcher or Fetcher()
    try:
        page = fetcher.get(homepage)
        html, _ = decode_bytes(page.body)
    except (FetchProblem, UndecodableInput) as error:
        return Discovery(homepage, problem=str(error))
    parts = urlsplit(page.url)
    params = FeedParameters(page.url, parts.hostname or "", page.url)
    found: dict[str, Candidate] = {}
    for url in determine_feed(html, params):
        found.setdefault(url, Candidate(url, guess_kind(url), "page"))
    rules = fetcher._robots_for(page.url)
    for url in list(rules.sitemaps) if rules is not None else []:
        found.setdefault(
            url, Candidate(url, guess_kind(url) if "sitemap" in url else "sitemap", "robots.txt")
        )
    title = _TITLE.search(html[:20000])
    return Discovery(
        page.url,
        title=unescape(title.group(1)).strip()[:200] if title else "",
        candidates=tuple(list(found.values())[:MAX_CANDIDATES]),
    )
