"""Redis unreachable: writes still succeed, index changes wait in the outbox."""

from __future__ import annotations

import logging
import time

import pytest
from django.core.management import call_command

from articles.models import Article, IndexChange
from articles.search import indexer
from ctsearch.celery import app


def reset_connections() -> None:
    """Make the next send look up a pool for broker_url again. Pools are not closed: kombu
    keeps them in a process-wide registry and hands the same one back for the same URL."""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    saved = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:9/0"  # nothing listens there
    reset_connections()
    yield
    app.conf.broker_url = saved
    reset_connections()


@pytest.mark.django_db(transaction=True)
def test_ingest_with_redis_down_loses_nothing(seeds_dir, search_index, broker_down, caplog):
    # A test Celery worker started earlier in the run sets the root logger to ERROR; the
    # warning this test looks for is the tasks module's own.
    caplog.set_level(logging.WARNING, logger="articles.tasks")
    started = time.monotonic()
    call_command("ingest", str(seeds_dir), "--source", "seeds", "--no-progress", "--no-index")
    assert time.monotonic() - started < 60  # the failed notification does not hang ingestion
    assert Article.objects.count() == 5
    assert IndexChange.objects.count() == 5
    assert "could not queue an index drain" in caplog.text
    # What the periodic sweep does once a worker runs again:
    assert indexer.drain(refresh=True).sent == 5
