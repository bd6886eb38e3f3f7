"""A news site served by a real local HTTP server (pytest-httpserver): robots.txt, RSS, Atom,
sitemaps and Arabic article pages made from SaudiNewsNet texts (read from ../shared, never
copied into the repository)."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
import zipfile
from collections.abc import Callable
from email.utils import format_datetime
from html import escape
from pathlib import Path

from werkzeug import Request, Response

SMALLEST_DAY = "2015-07-23.zip"


def saudinewsnet_articles(corpus_dir: Path, n: int) -> list[dict]:
    with zipfile.ZipFile(corpus_dir / SMALLEST_DAY) as archive:
        name = archive.namelist()[0]
        rows = json.loads(archive.read(name))
    chosen, titles = [], set()
    for row in rows:
        if len(row.get("content", "")) > 600 and row["title"] not in titles:
            titles.add(row["title"])
            chosen.append(row)
        if len(chosen) == n:
            break
    return chosen


def article_page(article: dict, *, dated: bool = True) -> str:
    paragraphs = "".join(
        f"<p>{escape(p.strip())}</p>" for p in article["content"].split("\n") if p.strip()
    )
    date = f'<meta property="article:published_time" content="{article["date"]}">' if dated else ""
    return (
        '<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">'
        f"<title>{escape(article['title'])}</title>{date}</head><body>"
        "<nav><a href='/'>الرئيسية</a></nav>"
        f"<article><h1>{escape(article['title'])}</h1>{paragraphs}</article>"
        "<footer>جميع الحقوق محفوظة</footer></body></html>"
    )


def rss(base: str, items: list[dict], *, extra: str = "") -> str:
    entries = "".join(
        "<item>"
        f"<title>{escape(item['title'])}</title>"
        f"<link>{base}{item['path']}?utm_source=rss&amp;utm_medium=feed</link>"
        f'<guid isPermaLink="false">{item["guid"]}</guid>'
        f"<pubDate>{format_datetime(item['when'])}</pubDate>"
        f"<author>{escape(item.get('author', ''))}</author>"
        f"<description>{escape(item['title'])}</description>"
        "</item>"
        for item in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>موقع تجريبي</title><link>{base}/</link><description>أخبار</description>"
        f"{entries}{extra}</channel></rss>"
    )


def atom(base: str, items: list[dict]) -> str:
    entries = "".join(
        "<entry>"
        f"<title>{escape(item['title'])}</title>"
        f'<link rel="alternate" href="{base}{item["path"]}#top"/>'
        f"<id>{item['guid']}</id>"
        f"<updated>{item['when'].isoformat()}</updated>"
        f"<author><name>{escape(item.get('author', 'مراسل'))}</name></author>"
        "</entry>"
        for item in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>موقع</title><id>{base}/</id><updated>2015-07-23T00:00:00Z</updated>"
        f"{entries}</feed>"
    )


def sitemap(base: str, items: list[dict], *, news: bool = False) -> str:
    ns = ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"' if news else ""
    urls = ""
    for item in items:
        extra = ""
        if news:
            extra = (
                "<news:news><news:publication><news:name>موقع</news:name>"
                "<news:language>ar</news:language></news:publication>"
                f"<news:publication_date>{item['when'].isoformat()}</news:publication_date>"
                f"<news:title>{escape(item['title'])}</news:title></news:news>"
            )
        urls += (
            f"<url><loc>{base}{item['path']}</loc>"
            f"<lastmod>{item['when'].date().isoformat()}</lastmod>{extra}</url>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"{ns}>{urls}</urlset>'
    )


Handler = Callable[[Request], Response]


class Site:
    """Every path of the test server answered from ``routes`` (bytes/str or a handler); the
    requests it received are kept in ``log`` (path, headers)."""

    def __init__(self, httpserver) -> None:
        self.server = httpserver
        self.base = httpserver.url_for("").rstrip("/")
        self.routes: dict[str, object] = {"/robots.txt": "User-agent: *\nAllow: /\n"}
        self.log: list[tuple[str, dict]] = []
        httpserver.expect_request(re.compile(".*")).respond_with_handler(self.handle)

    def handle(self, request: Request) -> Response:
        self.log.append((request.path, dict(request.headers)))
        route = self.routes.get(request.path)
        if route is None:
            return Response("not found", status=404)
        if callable(route):
            return route(request)
        return Response(route, content_type=_type(request.path))

    def hits(self, path: str) -> int:
        return sum(1 for p, _ in self.log if p == path)

    def add_articles(self, articles: list[dict], *, dated: bool = True) -> list[dict]:
        """Pages for SaudiNewsNet articles; returns feed items describing them."""
        items = []
        for n, article in enumerate(articles):
            when = dt.datetime(2015, 7, 23, 8, n, tzinfo=dt.UTC)
            path = f"/news/{n + 1}"
            self.routes[path] = article_page({**article, "date": when.isoformat()}, dated=dated)
            items.append(
                {
                    "path": path,
                    "guid": f"tag:test,2015:{n + 1}",
                    "title": article["title"],
                    "when": when,
                    "author": article.get("author", ""),
                    "body": article["content"],
                }
            )
        return items


def _type(path: str) -> str:
    if path.endswith(".txt"):
        return "text/plain; charset=utf-8"
    if path.endswith(".xml") or path.endswith(".atom"):
        return "application/xml; charset=utf-8"
    return "text/html; charset=utf-8"


def slow(seconds: float, body: str = "late") -> Handler:
    def handler(request: Request) -> Response:
        time.sleep(seconds)
        return Response(body)

    return handler


def status(code: int, **headers) -> Handler:
    return lambda request: Response("", status=code, headers=headers)
