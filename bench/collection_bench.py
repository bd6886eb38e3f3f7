"""`make bench` part ``collection``: articles per second from a local feed server to searchable,
against `manage.py ingest` of the same pages from files, in the same run.

The pages are made from SaudiNewsNet texts (HTML with a title, a date and paragraphs) and
served by a threaded HTTP server on 127.0.0.1 with an RSS feed listing them all; the collector
fetches the feed and every page (no delay between requests: one host, our own), extracts each
with trafilatura and writes through the one pipeline. The files route ingests the very same
HTML pages from disk. Both end with the outbox drained and the index refreshed.
"""

from __future__ import annotations

import io
import json
import threading
import time
import zipfile
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "saudinewsnet"


def load_articles(n: int, corpus: Path = CORPUS) -> list[dict]:
    articles: list[dict] = []
    seen: set[str] = set()
    for day in sorted(corpus.glob("*.zip")):
        with zipfile.ZipFile(day) as archive:
            for row in json.loads(archive.read(archive.namelist()[0])):
                if len(row.get("content", "")) > 300 and row["url"] not in seen:
                    seen.add(row["url"])
                    articles.append(row)
                    if len(articles) == n:
                        return articles
    return articles


def page_html(article: dict, when: datetime) -> str:
    paragraphs = "".join(
        f"<p>{escape(p.strip())}</p>" for p in article["content"].split("\n") if p.strip()
    )
    return (
        '<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">'
        f"<title>{escape(article['title'])}</title>"
        f'<meta property="article:published_time" content="{when.isoformat()}"></head><body>'
        f"<article><h1>{escape(article['title'])}</h1>{paragraphs}</article></body></html>"
    )


class Site:
    """A feed of ``n`` items and their pages, served from memory on 127.0.0.1."""

    def __init__(self, articles: list[dict]) -> None:
        self.pages: dict[str, bytes] = {}
        start = datetime(2015, 7, 1, tzinfo=UTC)
        self.items = []
        for n, article in enumerate(articles):
            when = start + timedelta(minutes=n)
            path = f"/news/{n + 1}"
            self.pages[path] = page_html(article, when).encode()
            self.items.append((path, article["title"], when))
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.pages["/robots.txt"] = b"User-agent: *\nAllow: /\n"
        self.pages["/feed.xml"] = self._rss().encode()
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _rss(self) -> str:
        items = "".join(
            f"<item><title>{escape(title)}</title><link>{self.base}{path}</link>"
            f"<guid>{self.base}{path}</guid><pubDate>{format_datetime(when)}</pubDate></item>"
            for path, title, when in self.items
        )
        head = '<?xml version="1.0"?><rss version="2.0"><channel><title>b</title>'
        return f"{head}{items}</channel></rss>"

    def _handler(self):
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                body = site.pages.get(self.path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, *args):
                pass

        return Handler

    def __enter__(self) -> Site:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def bench_collection(work: Path, *, items: int, reset_store) -> dict:
    """Feed server -> searchable vs files -> searchable, same pages, same run."""
    from django.conf import settings
    from django.core.management import call_command

    from articles.models import Article, Source
    from articles.search import indexer
    from articles.search.client import get_client
    from articles.search.index import alias_name
    from collection.actions import add_feed
    from collection.collector import collect

    articles = load_articles(items)
    pages_dir = work / f"collection-pages-{len(articles)}"
    pages_dir.mkdir(parents=True, exist_ok=True)

    with Site(articles) as site:
        for path, _, _ in site.items:
            (pages_dir / f"{path.rsplit('/', 1)[1]}.html").write_bytes(site.pages[path])
        settings.COLLECTION_ALLOWED_HOSTS = [f"127.0.0.1:{site.server.server_port}"]
        settings.COLLECTION_HOST_DELAY = 0
        settings.COLLECTION_MAX_ITEMS = len(articles)

        reset_store()
        indexer.ensure_index()
        source = Source.objects.create(slug="bench-feed", name="bench feed")
        feed, _ = add_feed(source, site.base + "/feed.xml")
        started = time.perf_counter()
        report = collect([feed.pk])
        indexer.drain(refresh=True)
        feed_seconds = time.perf_counter() - started
        collected = Article.objects.count()
        assert get_client().count(index=alias_name())["count"] == collected

    reset_store()
    indexer.ensure_index()
    started = time.perf_counter()
    call_command(
        "ingest", str(pages_dir), "--source", "bench-files", "--no-progress", stdout=io.StringIO()
    )
    files_seconds = time.perf_counter() - started
    ingested = Article.objects.count()

    feed_rate = collected / feed_seconds
    files_rate = ingested / files_seconds
    return {
        "items": len(articles),
        "collected": collected,
        "feed_seconds": round(feed_seconds, 2),
        "feed_articles_per_s": round(feed_rate, 1),
        "files_ingested": ingested,
        "files_seconds": round(files_seconds, 2),
        "files_articles_per_s": round(files_rate, 1),
        "ratio": round(feed_rate / files_rate, 3),
        "summary": report.summary(),
    }
