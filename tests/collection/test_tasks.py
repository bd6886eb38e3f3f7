"""The beat task on a real Celery worker through the real Redis broker."""

from __future__ import annotations

import time

import pytest
from celery.contrib.testing.worker import start_worker

from articles.models import Article
from collection.actions import add_feed
from collection.tasks import collect_due_task, collect_feed_task
from ctsearch.celery import app
from tests.collection.site import rss
from tests.factories import make_source


@pytest.mark.django_db(transaction=True)
def test_beat_task_collects_due_feeds_on_a_worker(site, snn_articles):
    site.routes["/feed.xml"] = rss(site.base, site.add_articles(snn_articles[:2]))
    feed, _ = add_feed(
        make_source(slug="beat", name="جدول", status="active"), site.base + "/feed.xml"
    )
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        collect_due_task.delay()
        collect_due_task.delay()  # a second tick while the first runs queues nothing
        deadline = time.monotonic() + 60
        while Article.objects.count() < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
    assert Article.objects.filter(source__slug="beat").count() == 2
    feed.refresh_from_db()
    assert feed.article_count == 2 and feed.fetch_count == 1
    assert feed.next_fetch_at > feed.last_fetched_at


@pytest.mark.django_db
def test_task_for_a_deleted_feed_returns_quietly():
    assert "feeds: 1 skipped" in collect_feed_task.run(987654321)
