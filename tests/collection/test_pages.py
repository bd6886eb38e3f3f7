"""The curators' pages: source health and add-a-source-by-homepage, in Arabic and English,
without JavaScript, with CSRF, and accessible (axe-core, in Debian's chromium)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from articles.models import Article, Source
from collection.actions import add_feed, record_failure
from collection.models import Feed
from tests.browser import assert_accessible, needs_chromium
from tests.factories import make_article, make_source

HOMEPAGE = (
    '<!doctype html><html lang="ar"><head><title>صحيفة الاختبار</title>'
    '<link rel="alternate" type="application/rss+xml" href="/feed.xml"></head>'
    "<body><a href='/news/1'>خبر</a></body></html>"
)


def _site_with_feeds(site) -> None:
    site.routes["/"] = HOMEPAGE
    site.routes["/robots.txt"] = f"User-agent: *\nAllow: /\nSitemap: {site.base}/news-sitemap.xml\n"


def _health_data() -> None:
    broken = make_source(slug="broken", name="مصدر معطل")
    feed, _ = add_feed(broken, "https://broken.example/feed.xml")
    record_failure(feed.pk, error="HTTP 500 from https://broken.example/feed.xml", status=500)
    quiet = make_source(slug="quiet", name="مصدر صامت")
    ten_days_ago = timezone.now() - dt.timedelta(days=10)
    for n in range(30):
        make_article(source=quiet, created_at=ten_days_ago - dt.timedelta(hours=n * 4))
    make_source(slug="fine", name="مصدر سليم")


@pytest.mark.django_db
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_health_page_puts_problems_first(admin_client, prefix):
    _health_data()
    response = admin_client.get(f"{prefix}/collection/health/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("مصدر معطل") < html.index("مصدر صامت") < html.index("مصدر سليم")
    assert "HTTP 500" in html and "<svg" in html
    assert ('dir="rtl"' in html) == (prefix == "")
    assert ("Gone silent" in html) == (prefix == "/en")
    by_name = admin_client.get(f"{prefix}/collection/health/", {"sort": "name"}).content.decode()
    assert by_name.index("مصدر سليم") < by_name.index("مصدر صامت")


@pytest.mark.django_db
def test_add_source_by_homepage_without_javascript(site, admin_user):
    _site_with_feeds(site)
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    page = client.get("/en/collection/sources/add/")
    token = page.cookies[django_settings.CSRF_COOKIE_NAME].value
    assert client.post("/en/collection/sources/add/", {"homepage": site.base}).status_code == 403

    found = client.post(
        "/en/collection/sources/add/",
        {"step": "discover", "homepage": site.base + "/", "csrfmiddlewaretoken": token},
    )
    html = found.content.decode()
    assert f"{site.base}/feed.xml" in html and f"{site.base}/news-sitemap.xml" in html
    assert "صحيفة الاختبار" in html

    created = client.post(
        "/en/collection/sources/add/",
        {
            "step": "create",
            "csrfmiddlewaretoken": token,
            "homepage": site.base + "/",
            "name": "صحيفة الاختبار",
            "slug": "test-paper",
            "country": "SA",
            "language": "ar",
            "kind": "newspaper",
            "status": "active",
            "candidates": [f"{site.base}/feed.xml", f"{site.base}/news-sitemap.xml"],
            "enable": [f"{site.base}/feed.xml"],
        },
    )
    assert created.status_code == 302
    source = Source.objects.get(slug="test-paper")
    assert (source.status, source.kind, source.country) == ("active", "newspaper", "SA")
    assert source.status_changes.get().changed_by == admin_user
    feeds = {f.url: f for f in Feed.objects.filter(source=source)}
    assert feeds[f"{site.base}/feed.xml"].enabled
    news = feeds[f"{site.base}/news-sitemap.xml"]
    assert not news.enabled and news.kind == "news_sitemap"


@pytest.mark.django_db
def test_discovery_problem_is_shown(admin_client, settings, site):
    _site_with_feeds(site)
    settings.COLLECTION_ALLOWED_HOSTS = []  # the local site is loopback: the guard refuses
    html = admin_client.post(
        "/en/collection/sources/add/", {"step": "discover", "homepage": site.base + "/"}
    ).content.decode()
    assert "refused" in html and "loopback" in html
    assert not Article.objects.exists()


# --- in the browser ------------------------------------------------------------------------


@pytest.fixture
def curator_page(browser, live_server, admin_user, client):
    client.force_login(admin_user)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@needs_chromium
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_curator_pages_are_accessible(curator_page, live_server, site, prefix):
    _health_data()
    _site_with_feeds(site)
    page = curator_page
    page.goto(f"{live_server.url}{prefix}/collection/health/")
    assert page.locator("h1").count() == 1
    assert page.get_attribute("html", "dir") == ("rtl" if prefix == "" else "ltr")
    assert_accessible(page, f"health {prefix or '/ar'}")

    page.goto(f"{live_server.url}{prefix}/collection/sources/add/")
    assert_accessible(page, f"add source {prefix or '/ar'}")
    page.fill("#id_homepage", site.base + "/")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_selector("input[name=enable]")
    assert_accessible(page, f"discovered feeds {prefix or '/ar'}")
    page.fill("#id_slug", f"paper{prefix.strip('/')}")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(f"**{prefix}/collection/health/")
    assert Source.objects.filter(slug=f"paper{prefix.strip('/')}").exists()


def test_the_header_links_curators_to_source_health_and_no_one_else(client, django_user_model):
    from django.contrib.auth.models import Group

    curator = django_user_model.objects.create_user("cur", password="a long pass phrase")
    curator.groups.add(Group.objects.get(name="curator"))
    researcher = django_user_model.objects.create_user("res", password="a long pass phrase")
    researcher.groups.add(Group.objects.get(name="researcher"))
    client.force_login(curator)
    assert (
        'href="/en/collection/health/"'
        in client.get("/en/accounts/password_change/").content.decode()
    )
    client.force_login(researcher)
    assert "/collection/health/" not in client.get("/en/accounts/password_change/").content.decode()
