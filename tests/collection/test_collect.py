"""Feeds collected from a real local HTTP server into PostgreSQL and the search index."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.core.management import call_command
from django.utils import timezone
from werkzeug import Request, Response

from articles.models import Article
from articles.search import indexer
from articles.search.request import SearchRequest
from articles.search.service import search
from collection.actions import add_feed, mark_due
from collection.collector import collect, due_feeds
from collection.models import Feed, FeedItem
from tests.collection.site import atom, rss, sitemap, slow, status
from tests.factories import make_source

pytestmark = pytest.mark.django_db


def _feed(site, path="/feed.xml", *, kind="", slug="testsite", status="active") -> Feed:
    source = make_source(slug=slug, name="موقع تجريبي", status=status)
    feed, _ = add_feed(source, site.base + path, kind=kind)
    return feed


def _again(feed: Feed):
    mark_due([feed.pk])
    return collect([feed.pk])


def test_new_items_land_and_are_searchable(site, snn_articles, search_index):
    items = site.add_articles(snn_articles[:3])
    site.routes["/feed.xml"] = rss(site.base, items)
    feed = _feed(site)

    report = collect([feed.pk])

    assert report.total("created") == 3, report.feeds[0].error
    article = Article.objects.get(key=f"{site.base}/news/1")  # tracking parameters gone
    assert article.title == items[0]["title"]
    assert article.published_at_source == "metadata"  # the page's own date wins
    assert article.body.startswith(items[0]["body"].strip()[:40])
    feed.refresh_from_db()
    assert (feed.last_status, feed.article_count, feed.consecutive_failures) == (200, 3, 0)
    assert feed.last_new_article_at is not None
    assert FeedItem.objects.filter(feed=feed, article__isnull=False).count() == 3

    indexer.drain(refresh=True)
    found = search(SearchRequest(filters={"source": ("testsite",)}))
    assert found.total == 3
    word = max(items[1]["title"].split(), key=len)
    assert search(SearchRequest(q=word, filters={"source": ("testsite",)})).total >= 1


def test_second_fetch_adds_nothing_and_unchanged_body_is_not_parsed(site, snn_articles):
    items = site.add_articles(snn_articles[:2])
    site.routes["/feed.xml"] = rss(site.base, items)
    feed = _feed(site)
    collect([feed.pk])
    pages_before = site.hits("/news/1")

    report = _again(feed)

    assert report.feeds[0].outcome == "unchanged"
    assert Article.objects.count() == 2
    assert site.hits("/news/1") == pages_before


def test_conditional_get_304(site, snn_articles):
    items = site.add_articles(snn_articles[:1])
    body = rss(site.base, items)

    def feed_with_etag(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304)
        return Response(body, content_type="application/rss+xml", headers={"ETag": '"v1"'})

    site.routes["/feed.xml"] = feed_with_etag
    feed = _feed(site)
    collect([feed.pk])

    report = _again(feed)

    assert report.feeds[0].outcome == "not-modified"
    feed.refresh_from_db()
    assert feed.last_status == 304 and feed.etag == '"v1"'


def test_new_item_in_feed_adds_only_it_and_changed_article_updates_in_place(site, snn_articles):
    items = site.add_articles(snn_articles[:3])
    site.routes["/feed.xml"] = rss(site.base, items[:2])
    feed = _feed(site)
    collect([feed.pk])
    first = Article.objects.get(key=f"{site.base}/news/1")

    # The site corrects article 1 (new text, new date in the feed) and publishes article 3.
    site.routes["/news/1"] = site.routes["/news/1"].replace(
        "</article>", "<p>تصحيح: أضيفت فقرة.</p></article>"
    )
    items[0] = {**items[0], "when": items[0]["when"] + dt.timedelta(hours=1)}
    site.routes["/feed.xml"] = rss(site.base, items)
    report = _again(feed)

    assert (report.total("created"), report.total("updated")) == (1, 1)
    assert Article.objects.count() == 3
    first_after = Article.objects.get(key=f"{site.base}/news/1")
    assert first_after.pk == first.pk and "تصحيح" in first_after.body


def test_feed_date_used_when_page_has_none_with_its_provenance(site, snn_articles):
    items = site.add_articles(snn_articles[:1], dated=False)
    site.routes["/feed.xml"] = rss(site.base, items)
    feed = _feed(site)
    collect([feed.pk])
    article = Article.objects.get()
    assert article.published_at_source == "feed"
    assert article.published_at == items[0]["when"]


def test_atom_and_sitemaps(site, snn_articles):
    items = site.add_articles(snn_articles[:6])
    site.routes["/atom.xml"] = atom(site.base, items[:2])
    site.routes["/sitemap.xml"] = sitemap(site.base, items[2:4])
    site.routes["/news-sitemap.xml"] = sitemap(site.base, items[4:6], news=True)
    source = make_source(slug="multi", name="موقع", status="active")
    feeds = [
        add_feed(source, site.base + "/atom.xml", kind="rss")[0],
        add_feed(source, site.base + "/sitemap.xml")[0],
        add_feed(source, site.base + "/news-sitemap.xml")[0],
    ]
    assert [f.kind for f in feeds] == ["rss", "sitemap", "news_sitemap"]

    report = collect([f.pk for f in feeds])

    assert [r.report.created for r in report.feeds] == [2, 2, 2], report.summary()
    assert Article.objects.filter(key=f"{site.base}/news/1").exists()  # fragment dropped


def test_429_with_retry_after_is_honoured(site):
    site.routes["/feed.xml"] = status(429, **{"Retry-After": "7200"})
    feed = _feed(site)
    report = collect([feed.pk])
    feed.refresh_from_db()
    assert report.feeds[0].outcome == "failed"
    assert feed.last_status == 429 and feed.consecutive_failures == 1
    assert feed.next_fetch_at >= timezone.now() + dt.timedelta(seconds=7100)
    assert feed.pk not in set(due_feeds().values_list("pk", flat=True))


def test_server_errors_back_off_then_pause_the_feed_with_a_reason(site, settings):
    settings.COLLECTION_MAX_FAILURES = 3
    site.routes["/feed.xml"] = status(500)
    feed = _feed(site)
    delays = []
    for _ in range(3):
        before = timezone.now()
        _again(feed)
        feed.refresh_from_db()
        delays.append((feed.next_fetch_at - before).total_seconds())
    assert delays[1] > 1.9 * feed.poll_interval and delays[2] > 3.9 * feed.poll_interval
    assert not feed.enabled
    assert "3 failures in a row" in feed.paused_reason and "HTTP 500" in feed.paused_reason
    assert feed.pk not in set(due_feeds(include_not_due=True).values_list("pk", flat=True))


def test_timeout_backs_off(site, settings):
    settings.COLLECTION_TIMEOUT = 0.3
    site.routes["/feed.xml"] = slow(1.0)
    feed = _feed(site)
    started = time.monotonic()
    collect([feed.pk])
    assert time.monotonic() - started < 1.0
    feed.refresh_from_db()
    assert "timed out" in feed.last_error and feed.consecutive_failures == 1
    assert feed.next_fetch_at > timezone.now()


def test_410_gone_disables_the_feed(site):
    site.routes["/feed.xml"] = status(410)
    feed = _feed(site)
    collect([feed.pk])
    feed.refresh_from_db()
    assert not feed.enabled and feed.paused_reason.startswith("410 Gone")


def test_redirect_to_a_private_address_is_refused(site, snn_articles):
    site.routes["/feed.xml"] = status(302, Location=f"http://localhost:{site.server.port}/x.xml")
    site.routes["/x.xml"] = rss(site.base, site.add_articles(snn_articles[:1]))
    feed = _feed(site)
    collect([feed.pk])
    feed.refresh_from_db()
    assert "refused" in feed.last_error and "loopback" in feed.last_error
    assert site.hits("/x.xml") == 0
    assert Article.objects.count() == 0


def test_robots_disallow_is_obeyed(site, snn_articles):
    site.routes["/robots.txt"] = "User-agent: *\nDisallow: /news/\n"
    site.routes["/feed.xml"] = rss(site.base, site.add_articles(snn_articles[:2]))
    feed = _feed(site)
    report = collect([feed.pk])
    assert site.hits("/news/1") == 0 and Article.objects.count() == 0
    assert "robots.txt disallows" in report.feeds[0].error
    assert FeedItem.objects.filter(feed=feed, attempts=1).count() == 2


def test_malformed_feed_yields_what_it_can(site, snn_articles):
    items = site.add_articles(snn_articles[:2])
    broken = rss(site.base, items).replace("</channel></rss>", "<item><title>خبر & مكسور")
    site.routes["/feed.xml"] = broken
    feed = _feed(site)
    report = collect([feed.pk])
    assert report.total("created") == 2
    feed.refresh_from_db()
    assert feed.last_error.startswith("malformed feed")


def test_huge_body_is_cut_off_with_a_clear_error(site, settings):
    settings.COLLECTION_MAX_BYTES = 20_000
    site.routes["/big.xml"] = "<rss>" + "x" * 50_000 + "</rss>"
    chunks = ["<rss>", *(["y" * 8_000] * 10), "</rss>"]
    site.routes["/stream.xml"] = lambda request: Response(iter(chunks), mimetype="text/xml")
    source = make_source(slug="big", name="كبير", status="active")
    declared = add_feed(source, site.base + "/big.xml")[0]
    streamed = add_feed(source, site.base + "/stream.xml")[0]
    collect([declared.pk, streamed.pk])
    declared.refresh_from_db()
    streamed.refresh_from_db()
    assert "exceeds the limit of 20,000 bytes" in declared.last_error
    assert "cut off at 20,000 bytes" in streamed.last_error


def test_one_broken_feed_never_stops_the_others(site, snn_articles):
    site.routes["/broken.xml"] = status(500)
    site.routes["/feed.xml"] = rss(site.base, site.add_articles(snn_articles[:2]))
    source = make_source(slug="two", name="اثنان", status="active")
    broken = add_feed(source, site.base + "/broken.xml")[0]
    good = add_feed(source, site.base + "/feed.xml")[0]
    report = collect([broken.pk, good.pk])
    assert [r.outcome for r in report.feeds] == ["failed", "collected"]
    assert report.total("created") == 2


def test_only_enabled_feeds_of_active_sources_are_due(site):
    active = _feed(site, "/a.xml", slug="active-one")
    _feed(site, "/b.xml", slug="paused-one", status="paused")
    off = _feed(site, "/c.xml", slug="off-one")
    off.enabled, off.paused_reason = False, "off"
    off.save()
    assert list(due_feeds(include_not_due=True).values_list("pk", flat=True)) == [active.pk]


def test_collect_and_add_feed_commands(site, snn_articles, search_index, capsys):
    site.routes["/feed.xml"] = rss(site.base, site.add_articles(snn_articles[:2]))
    make_source(slug="cmd", name="أمر", status="active")
    call_command("add_feed", "cmd", site.base + "/feed.xml")
    call_command("collect", "--source", "cmd", "--once", "--no-progress")
    out = capsys.readouterr().out
    assert "added rss feed" in out
    assert "feeds: 1 collected / articles created 2" in out
    assert "indexed" in out


def test_sitemap_index_is_reported_not_crawled(site):
    site.routes["/sitemap.xml"] = (
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{site.base}/sitemap-2015.xml</loc></sitemap></sitemapindex>"
    )
    feed = _feed(site, "/sitemap.xml")
    collect([feed.pk])
    feed.refresh_from_db()
    assert feed.last_error.startswith("sitemap index listing 1 sitemaps")
    assert site.hits("/sitemap-2015.xml") == 0
