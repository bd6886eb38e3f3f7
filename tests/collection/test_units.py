"""Pure parts of the collector: canonical URLs, the address guard, feed and sitemap parsing."""

from __future__ import annotations

import threading
import time

import pytest

from collection.fetcher import _shared_slot, address_refused, parse_retry_after
from collection.parsing import parse_rss, parse_sitemap
from collection.urls import canonical_url


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (
            "https://Example.COM:443/a/b?id=3&utm_source=rss&utm_medium=x#comments",
            "https://example.com/a/b?id=3",
        ),
        ("http://example.com?fbclid=1&gclid=2", "http://example.com/"),
        ("http://example.com:8080/x?b=2&a=1", "http://example.com:8080/x?b=2&a=1"),
        (
            "http://aawsat.com/home/article/410826/بريطانيا",
            "http://aawsat.com/home/article/410826/بريطانيا",
        ),
    ],
)
def test_canonical_url(url, canonical):
    assert canonical_url(url) == canonical


@pytest.mark.parametrize(
    ("ip", "refused"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("192.168.0.1", "private"),
        ("169.254.169.254", "link-local"),
        ("::ffff:127.0.0.1", "loopback"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("100.64.0.1", "non-public"),
        ("8.8.8.8", None),
        ("2001:4860:4860::8888", None),
    ],
)
def test_address_guard(ip, refused):
    reason = address_refused(ip)
    assert (reason is None) if refused is None else (refused in reason)


def test_retry_after_in_seconds_or_as_a_date():
    assert parse_retry_after("120") == 120
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0
    assert parse_retry_after("soon") is None


def test_sitemap_entities_are_refused():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>http://x.example/&lol2;</loc></url></urlset>"
    )
    parsed = parse_sitemap(bomb, "http://x.example/sitemap.xml")
    assert parsed.entries == [] and "not well-formed" in parsed.problem


def test_sitemap_index_lists_child_sitemaps():
    index = (
        b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>http://x.example/s1.xml</loc></sitemap></sitemapindex>"
    )
    assert [e.guid for e in parse_sitemap(index, "").entries] == ["sitemap:http://x.example/s1.xml"]


def test_rss_without_links_or_with_relative_links():
    feed = (
        b'<rss version="2.0"><channel><title>t</title>'
        b"<item><title>a</title><link>/news/1?utm_campaign=x</link></item>"
        b"<item><title>b</title></item></channel></rss>"
    )
    parsed = parse_rss(feed, "http://x.example/feed.xml")
    assert [e.url for e in parsed.entries] == ["http://x.example/news/1"]
    assert parsed.entries[0].guid == "http://x.example/news/1"


def test_one_request_at_a_time_per_host_across_processes():
    """The shared (Redis) slot: a second holder waits for the first, then for the delay."""
    host = f"slot-test-{time.time()}"
    first = _shared_slot(host, 0.3, hold=5)
    assert first.held
    times = {}

    def second():
        slot = _shared_slot(host, 0.3, hold=5)
        times["got"] = time.monotonic()
        slot.release()

    thread = threading.Thread(target=second)
    thread.start()
    time.sleep(0.2)
    released = time.monotonic()
    first.release()
    thread.join(5)
    assert times["got"] - released >= 0.25  # waited for the release and the delay
