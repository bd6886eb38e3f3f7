"""Ingestion runs on a real Celery worker through the real Redis broker."""

import time

import pytest
from celery.contrib.testing.worker import start_worker

from articles.models import Article
from articles.tasks import ingest_paths_task
from ctsearch.celery import app


@pytest.mark.django_db(transaction=True)
def test_ingest_task_runs_on_a_worker(seeds_dir):
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        ingest_paths_task.delay([str(seeds_dir)], "seeds")
        deadline = time.monotonic() + 60
        while Article.objects.count() < 5 and time.monotonic() < deadline:
            time.sleep(0.2)
    assert Article.objects.filter(source__slug="seeds").count() == 5
