"""`make bench` part ``alerts``: ingest throughput with 10,000 stored alert queries against the
same ingest with none, in the same run, and the percolation time per drained batch.

Percolation runs inline after each drain batch (Celery eager), so its cost is added to the
ingest's wall time: a lower bound for a deployment where a worker percolates beside the drain.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from alerts import matching
from alerts.models import Alert, SavedSearch
from articles.search.index import MAPPING_VERSION
from bench.queries import WORDS
from ctsearch.celery import app

ALERTS = 10_000


def alert_queries(n: int = ALERTS) -> list[str]:
    """``n`` distinct saved searches: word pairs (AND, OR, phrase) over date ranges."""
    out: list[str] = []
    forms = ("{a} {b}", "{a} OR {b}", '"{a}" {b}')
    months = [f"2015-{m:02d}-01" for m in range(1, 13)] + [f"2014-{m:02d}-01" for m in range(1, 13)]
    for (a, b), form, since in itertools.product(itertools.permutations(WORDS, 2), forms, months):
        out.append(urlencode({"q": form.format(a=a, b=b), "date_from": since}))
        if len(out) == n:
            break
    return out


def store_alerts(n: int = ALERTS) -> float:
    """``n`` saved searches with instant alerts (bulk: a benchmark fixture, not a user path),
    then every query compiled and registered; returns the registration seconds."""
    with connection.cursor() as cursor:
        cursor.execute("truncate alerts_savedsearch, alerts_digest restart identity cascade")
    user, _ = get_user_model().objects.get_or_create(
        username="bench-alerts", defaults={"email": "bench@example.org"}
    )
    searches = SavedSearch.objects.bulk_create(
        (
            SavedSearch(owner=user, name=f"alert {i}", query=q, index_version=MAPPING_VERSION)
            for i, q in enumerate(alert_queries(n))
        ),
        batch_size=1000,
    )
    # Alerts from before the corpus's dates, so that every article is news to them and the
    # whole path runs: percolation and ledger (the worst case).
    now = timezone.now()
    since = datetime(2014, 1, 1, tzinfo=UTC)
    Alert.objects.bulk_create(
        (
            Alert(saved_search=s, cadence="instant", announce_from=since, watermark=now)
            for s in searches
        ),
        batch_size=1000,
    )
    started = time.perf_counter()
    matching.reregister_all()
    return time.perf_counter() - started


def bench_alerts(ingest: Callable[..., dict]) -> dict:
    """``ingest(prepare=…)`` is run.py's bench_ingest: once without alerts, once with."""
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("truncate alerts_savedsearch, alerts_digest restart identity cascade")
    app.conf.task_always_eager = True  # both runs percolate inline (none stored: a no-op)
    try:
        without = ingest()
    finally:
        app.conf.task_always_eager = False
    timings: list[tuple[int, float]] = []
    original = matching.percolate_batch

    def timed(article_ids):
        ids = list(article_ids)
        started = time.perf_counter()
        try:
            return original(ids)
        finally:
            timings.append((len(ids), time.perf_counter() - started))

    register: list[float] = []
    matching.percolate_batch = timed
    app.conf.task_always_eager = True
    try:
        with_alerts = ingest(prepare=lambda: register.append(store_alerts()))
    finally:
        app.conf.task_always_eager = False
        matching.percolate_batch = original
    per_batch = sorted(t for _, t in timings)
    return {
        "alerts": Alert.objects.count(),
        "register_s": round(register[0], 2) if register else None,
        "without_articles_per_s": without["articles_per_s"],
        "with_articles_per_s": with_alerts["articles_per_s"],
        "ratio": round(with_alerts["articles_per_s"] / without["articles_per_s"], 3),
        "batches": len(timings),
        "docs_per_batch": round(sum(n for n, _ in timings) / len(timings), 1) if timings else 0,
        "percolate_ms_p50": round(per_batch[len(per_batch) // 2] * 1000, 1) if timings else None,
        "percolate_ms_max": round(per_batch[-1] * 1000, 1) if timings else None,
    }
