"""`make bench` part ``alerts``: ingest throughput with 10,000 stored alert queries against the
same ingest with none, in the same run, and the percolation time per drained batch.

Percolation runs inline after each drain batch (Celery eager), so its cost is added to the
ingest's wall time: a lower bound for a deployment where a worker percolates beside the drain.
"""

from __future__ import annotations

import itertools
import random
import re
import time
import tomllib
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from alerts import matching
from alerts.models import Alert, AlertMatch, SavedSearch
from articles.search.index import MAPPING_VERSION
from bench.corpus import real_articles
from bench.queries import WORDS
from ctsearch.celery import app

ALERTS = 10_000
GAZETTEER = (
    Path(__file__).resolve().parent.parent / "articles/enrichment/data/starter_gazetteer.toml"
)
VOCABULARY_ARTICLES = 5000
_WORD = re.compile(r"[^\W\d_]{3,}")


def alert_queries(n: int = ALERTS) -> list[str]:
    """The worst case: ``n`` distinct saved searches made of pairs of the 20 most common
    research words (AND, OR, phrase) over date ranges, so that nearly every alert is a candidate
    for every document and most match a large part of the corpus."""
    out: list[str] = []
    forms = ("{a} {b}", "{a} OR {b}", '"{a}" {b}')
    months = [f"2015-{m:02d}-01" for m in range(1, 13)] + [f"2014-{m:02d}-01" for m in range(1, 13)]
    for (a, b), form, since in itertools.product(itertools.permutations(WORDS, 2), forms, months):
        out.append(urlencode({"q": form.format(a=a, b=b), "date_from": since}))
        if len(out) == n:
            break
    return out


def realistic_queries(n: int = ALERTS, seed: int = 12) -> list[str]:
    """A realistic mix: ``n`` distinct saved searches like researchers keep, drawn from the
    corpus's vocabulary across frequency ranks (not only the commonest words) and from the
    gazetteer's actor and place names: single names and words, quoted title phrases, word
    pairs, OR and NOT, a quarter with a source filter, some with an actor or place facet, a
    third from a date. The vocabulary is read from the corpus files (the store is empty when
    the alerts are stored)."""
    rng = random.Random(seed)
    docs: Counter[str] = Counter()
    bigrams: Counter[str] = Counter()
    sources: set[str] = set()
    for article in itertools.islice(real_articles(), VOCABULARY_ARTICLES):
        title, body = article.get("title") or "", article.get("content") or ""
        sources.add(article["source"])
        words = _WORD.findall(f"{title} {body}")
        docs.update(set(words))
        titled = _WORD.findall(title)
        bigrams.update({f"{a} {b}" for a, b in itertools.pairwise(titled)})
    # Ranks 200 on: past the function words and the commonest news words (the worst case has
    # those), down to words seen in two articles.
    vocab = [w for w, c in docs.most_common() if c >= 2][200:]
    phrases = [p for p, c in bigrams.most_common() if 2 <= c <= 50]
    gazetteer = tomllib.loads(GAZETTEER.read_text())
    names = [
        a
        for kind in ("actors", "venues")
        for e in gazetteer[kind]
        for a in e.get("aliases", [])[:2]
    ]
    slugs = {kind: [e["slug"] for e in gazetteer[f"{kind}s"]] for kind in ("actor", "venue")}
    sources_ = sorted(sources)
    forms = [
        (30, lambda: rng.choice(vocab)),
        (15, lambda: _quoted(rng.choice(names))),
        (15, lambda: f'"{rng.choice(phrases)}"'),
        (15, lambda: f"{rng.choice(vocab)} {rng.choice(vocab)}"),
        (10, lambda: f"{rng.choice(vocab)} OR {_quoted(rng.choice(names))}"),
        (5, lambda: f"{rng.choice(vocab)} -{rng.choice(vocab)}"),
        (10, lambda: ""),  # a facet alone («everything about this actor»)
    ]
    weights = [w for w, _ in forms]
    out: dict[str, None] = {}
    while len(out) < n:
        params: dict = {}
        if q := rng.choices(forms, weights)[0][1]():
            params["q"] = q
        if rng.random() < 0.25:
            params["source"] = rng.choice(sources_)
        if not q or rng.random() < 0.1:
            kind = rng.choice(("actor", "venue"))
            params[kind] = rng.choice(slugs[kind])
        if rng.random() < 0.3:
            params["date_from"] = f"2015-{rng.randint(1, 7):02d}-01"
        out[urlencode(params)] = None
    return list(out)


def _quoted(name: str) -> str:
    return f'"{name}"' if " " in name else name


def store_alerts(queries: list[str]) -> float:
    """These saved searches with instant alerts (bulk: a benchmark fixture, not a user path),
    then every query compiled and registered; returns the registration seconds."""
    with connection.cursor() as cursor:
        cursor.execute("truncate alerts_savedsearch, alerts_digest restart identity cascade")
    user, _ = get_user_model().objects.get_or_create(
        username="bench-alerts", defaults={"email": "bench@example.org"}
    )
    searches = SavedSearch.objects.bulk_create(
        (
            SavedSearch(owner=user, name=f"alert {i}", query=q, index_version=MAPPING_VERSION)
            for i, q in enumerate(queries)
        ),
        batch_size=1000,
    )
    # Alerts from before the corpus's dates, so that every article is news to them and the
    # whole path runs: percolation and ledger. Daily, not instant: an instant match queues
    # that user's email, which eager Celery would build and send inside the drain (one
    # digest of 10,000 alerts), and sending is not ingest.
    now = timezone.now()
    since = datetime(2014, 1, 1, tzinfo=UTC)
    Alert.objects.bulk_create(
        (
            Alert(saved_search=s, cadence="daily", announce_from=since, watermark=now)
            for s in searches
        ),
        batch_size=1000,
    )
    started = time.perf_counter()
    matching.reregister_all()
    return time.perf_counter() - started


def bench_alerts(ingest: Callable[..., dict]) -> dict:
    """``ingest(prepare=…)`` is run.py's bench_ingest: once without alerts, then once with each
    set of alerts (one alone, the realistic mix of 10,000, the worst case of 10,000), in the
    same run."""
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("truncate alerts_savedsearch, alerts_digest restart identity cascade")
    app.conf.task_always_eager = True  # both runs percolate inline (none stored: a no-op)
    try:
        without = ingest()
    finally:
        app.conf.task_always_eager = False
    out: dict = {"alerts": ALERTS, "without_articles_per_s": without["articles_per_s"]}
    sets = (
        # The floor: one stored query still makes the engine analyse every document of the
        # batch again, into its in-memory index, before any query is verified.
        ("one", lambda: realistic_queries(1)),
        ("realistic", realistic_queries),
        ("worst", alert_queries),
    )
    for name, queries in sets:
        out[name] = _with_alerts(ingest, queries(), without["articles_per_s"])
    return out


def _timed(function: Callable, calls: list[tuple[int, float]]) -> Callable:
    """``function`` (of one sized argument: ids, documents), recording each call's size and
    seconds in ``calls``."""

    def timed(argument):
        started = time.perf_counter()
        try:
            return function(argument)
        finally:
            calls.append((len(argument), time.perf_counter() - started))

    return timed


def _with_alerts(ingest: Callable[..., dict], queries: list[str], without: float) -> dict:
    timings: list[tuple[int, float]] = []  # whole batches: the engine, then the ledger
    engine_calls: list[tuple[int, float]] = []  # the engine's percolate requests alone
    batch, percolate = matching.percolate_batch, matching.percolator.percolate
    register: list[float] = []
    matching.percolate_batch = _timed(batch, timings)
    matching.percolator.percolate = _timed(percolate, engine_calls)
    app.conf.task_always_eager = True
    try:
        with_alerts = ingest(prepare=lambda: register.append(store_alerts(queries)))
    finally:
        app.conf.task_always_eager = False
        matching.percolate_batch = batch
        matching.percolator.percolate = percolate
    per_batch = sorted(t for _, t in timings)
    engine = sorted(t for _, t in engine_calls)
    return {
        "alerts": Alert.objects.count(),
        "matches": AlertMatch.objects.count(),
        "register_s": round(register[0], 2) if register else None,
        "with_articles_per_s": with_alerts["articles_per_s"],
        "ratio": round(with_alerts["articles_per_s"] / without, 3),
        "batches": len(timings),
        "docs_per_batch": round(sum(n for n, _ in timings) / len(timings), 1) if timings else 0,
        "percolate_ms_p50": round(per_batch[len(per_batch) // 2] * 1000, 1) if timings else None,
        "percolate_ms_max": round(per_batch[-1] * 1000, 1) if timings else None,
        # The engine's percolate requests alone (the rest of a batch is the ledger's writes).
        "engine_ms_p50": round(engine[len(engine) // 2] * 1000, 1) if engine else None,
    }
