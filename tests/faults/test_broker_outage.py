"""Redis unreachable: writes still succeed, index changes wait in the outbox."""

from __future__ import annotations

import time

import pytest
from django.core.management import call_command

from articles.models import Article, IndexChange
from articles.search import indexer
from ctsearch.celery import app


@pytest.fixture
def broker_down():
    saved = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:9/0"  # nothing listens there
    app.pool.force_close_all()
    app._pool = None
    yield
    app.conf.broker_url = saved
    app.pool.force_close_all()
    app._pool = None


@pytest.mark.django_db(transaction=True)
def test_ingest_with_redis_down_loses_nothing(seeds_dir, search_index, broker_down, caplog):
    started = time.monotonic()
    call_command("ingest", str(seeds_dir), "--source", "seeds", "--no-progress", "--no-index")
    assert time.monotonic() - started < 60  # the failed notification does not hang ingestion
    assert Article.objects.count() == 5
    assert IndexChange.objects.count() == 5
    assert "could not queue an index drain" in caplog.text
    # What the periodic sweep does once a worker runs again:
    assert indexer.drain(refresh=True).sent == 5
