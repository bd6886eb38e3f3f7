"""ctsearch benchmarks: every figure beside the raw engine doing the same work, in one run.

    make bench                      # the whole SaudiNewsNet corpus (31,030 articles)
    BENCH_SCALE=5000 make bench     # fewer; more than the corpus is generated (bench/corpus.py)

The run uses its own database (``ctsearch_bench_<hash of the checkout's path>``, or
``BENCH_DB``), index prefix and Redis database, so demo and test data, and another checkout's
bench, are never touched. It writes bench/results/latest.json, a
timestamped copy, and prints a short table. Ratios, not absolute times, are the figures to
compare: these machines are noisy, so each figure is measured against its raw counterpart in
the same run.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
# BENCH_DB names the database and the index prefix, so that a long run at a large scale can
# keep its data apart from the default one's.
sys.path.insert(0, str(REPO))

from bench.environment import bench_environment, default_bench_db, ports  # noqa: E402

BENCH_DB = os.environ.get("BENCH_DB") or default_bench_db()

# Isolate the run before Django reads its settings.
for name, value in bench_environment(BENCH_DB).items():
    os.environ.setdefault(name, value)


def ensure_database() -> None:
    import psycopg

    with psycopg.connect(
        f"postgres://ctsearch@127.0.0.1:{ports()[0]}/postgres", autocommit=True
    ) as connection:
        exists = connection.execute(
            "select 1 from pg_database where datname = %s", [BENCH_DB]
        ).fetchone()
        if not exists:
            connection.execute(f"create database {BENCH_DB} owner ctsearch")


ensure_database()

import django  # noqa: E402

django.setup()

import urllib3  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import F  # noqa: E402
from django.test import Client  # noqa: E402

from articles.models import Article, IndexChange  # noqa: E402
from articles.search import indexer  # noqa: E402
from articles.search.client import get_client  # noqa: E402
from articles.search.compiler import (  # noqa: E402
    compile_probe,
    compile_sampled_counts,
    compile_search,
    compile_story_copies,
)
from articles.search.documents import article_documents  # noqa: E402
from articles.search.index import alias_name, index_body  # noqa: E402
from articles.search.sampling import is_broad  # noqa: E402
from bench.collection_bench import bench_collection  # noqa: E402
from bench.corpus import write_corpus  # noqa: E402
from bench.load import bench_load, msearch_ndjson  # noqa: E402
from bench.peak import command_with_peak, read_peak_mb  # noqa: E402
from bench.queries import QUERIES, as_params  # noqa: E402

HTTP = urllib3.PoolManager(maxsize=4, timeout=urllib3.Timeout(total=300))


def engine(method: str, path: str, body: bytes | None = None, content_type="application/json"):
    response = HTTP.request(
        method,
        settings.OPENSEARCH_URL.split(",")[0].strip() + path,
        body=body,
        headers={"Content-Type": content_type},
    )
    if response.status >= 300:
        raise RuntimeError(f"{method} {path}: {response.status} {response.data[:300]!r}")
    return json.loads(response.data or b"{}")


def delete_bench_indices() -> None:
    client = get_client()
    for name in client.indices.get(index=f"{BENCH_DB}_*", expand_wildcards="all"):
        client.indices.delete(index=name)


def reset_store() -> None:
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "truncate articles_article, articles_indexchange, articles_source restart identity "
            "cascade"
        )
    delete_bench_indices()


# ------------------------------------------------------------------------------------- ingest


def bench_ingest(inputs: list[Path], expected: int, prepare=None) -> dict:
    """Files to searchable: `manage.py ingest` in a child process (as an operator runs it)
    while this process drains the outbox, as a Celery worker would. ``prepare()`` runs on the
    fresh store before the clock starts."""
    reset_store()
    indexer.ensure_index()
    if prepare:
        prepare()
    # The child's own peak (VmHWM after exec): ru_maxrss would carry this process's size in.
    handle, name = tempfile.mkstemp(suffix=".peak")
    os.close(handle)  # the child writes it
    report = Path(name)
    command = command_with_peak(
        REPO / "manage.py",
        "ingest",
        "--no-progress",
        "--no-index",
        *map(str, inputs),
        report=report,
    )
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    while child.poll() is None:
        if not indexer.drain(max_batches=1).sent:
            time.sleep(0.2)
    output = child.stdout.read()
    indexer.drain()
    # Searchable means refreshed: the drains above may have sent every document already, and
    # the index refreshes on its own only every REFRESH_INTERVAL.
    get_client().indices.refresh(index=alias_name())
    elapsed = time.perf_counter() - started
    peak_rss_mb = read_peak_mb(report)
    report.unlink(missing_ok=True)
    if child.returncode not in (0, 1):
        raise RuntimeError(f"ingest failed:\n{output}")
    articles = Article.objects.count()
    searchable = get_client().count(index=alias_name())["count"]
    assert searchable == articles, (searchable, articles)
    return {
        "articles": articles,
        "inputs": expected,
        "seconds": round(elapsed, 2),
        "articles_per_s": round(articles / elapsed, 1),
        "peak_rss_mb": round(peak_rss_mb, 1),
        "summary": output.strip().splitlines()[0] if output.strip() else "",
    }


def bulk_file(path: Path, sample: int | None = None) -> int:
    """The final documents, as the pipeline indexed them, in _bulk NDJSON form: all of them,
    or about ``sample`` taken at an even stride through the ids, so that a sample of a large
    run keeps the whole run's mix of sources and generated variants."""
    count = 0
    articles = Article.objects.all()
    if sample and (total := Article.objects.count()) > sample:
        stride = total // sample
        articles = articles.alias(stride_rest=F("id") % stride).filter(stride_rest=0)
    with path.open("w", encoding="utf-8") as out:
        for pk, document in article_documents(articles.order_by("id")):
            out.write(json.dumps({"index": {"_id": str(pk)}}) + "\n")
            out.write(json.dumps(document, ensure_ascii=False) + "\n")
            count += 1
    return count


def raw_bulk(path: Path, index: str, body: dict, chunk_docs: int = 500) -> float:
    """Seconds for plain _bulk requests of the file into a fresh index with ``body``."""
    engine("PUT", f"/{index}", json.dumps(body).encode())
    started = time.perf_counter()
    lines: list[str] = []
    with path.open(encoding="utf-8") as source:
        for line in source:
            lines.append(line)
            if len(lines) == 2 * chunk_docs:
                _post_bulk(index, lines)
                lines = []
    if lines:
        _post_bulk(index, lines)
    engine("POST", f"/{index}/_refresh")
    return time.perf_counter() - started


def _post_bulk(index: str, lines: list[str]) -> None:
    result = engine("POST", f"/{index}/_bulk", "".join(lines).encode(), "application/x-ndjson")
    if result.get("errors"):
        raise RuntimeError("raw bulk refused documents")


def bench_raw_bulk(work: Path, sample: int | None = None) -> dict:
    path = work / "documents.ndjson"
    docs = bulk_file(path, sample)
    ours = raw_bulk(path, f"{BENCH_DB}_raw", index_body())
    standard = index_body()
    for field in ("title", "body", "byline"):
        props = standard["mappings"]["properties"][field]
        props["analyzer"] = "standard"
        props["fields"]["exact"]["analyzer"] = "standard"
    plain = raw_bulk(path, f"{BENCH_DB}_standard", standard)
    engine("POST", f"/{BENCH_DB}_raw/_forcemerge?max_num_segments=1")
    stats = engine("GET", f"/{BENCH_DB}_raw/_stats/store,docs")["_all"]["primaries"]
    return {
        "docs": docs,
        "raw_docs_per_s": round(docs / ours, 1),
        "standard_docs_per_s": round(docs / plain, 1),
        "bytes_per_doc": round(stats["store"]["size_in_bytes"] / max(stats["docs"]["count"], 1)),
    }


def warm_up(inputs: list[Path], work: Path, articles: int = 10_000) -> float:
    """Run the ingest untimed on the first ``articles`` articles, so that neither side is timed
    on a cold engine, database and page cache.

    The ingest runs first and the raw side after it, so a cold start was the ingest's alone: on
    freshly started services it gave 60% and 62% of raw `_bulk` at 31,030 articles, the next
    run 72–74% (2026-12-04). Indexing 3,000 bare titles and bodies first left it at 62%, so the
    warm-up is the same pipeline, whole documents and all: after 3,000 articles 67%, after
    10,000 70%. Seconds taken, for the log."""
    sample = work / "warm-up.jsonl"
    with inputs[0].open(encoding="utf-8") as source, sample.open("w", encoding="utf-8") as out:
        out.writelines(itertools.islice(source, articles))
    try:
        return bench_ingest([sample], articles)["seconds"]
    finally:
        sample.unlink(missing_ok=True)


def bench_postgres_writes(sample: int = 5000) -> dict:
    """The upsert path (actions.upsert_articles) against COPY of the same rows."""
    from psycopg.types.json import Jsonb

    from articles import actions
    from articles.ingest.pipeline import content_hash

    # The columns the pipeline writes (actions.UPSERT_UPDATES), read back from stored rows.
    columns = [c for c in actions.UPSERT_UPDATES if c not in ("updated_at", "content_hash")]
    rows = list(Article.objects.values("source_id", "key", *columns)[:sample])
    for row in rows:
        row["key"] = "bench:" + row["key"]
        row["content_hash"] = content_hash(row)
    started = time.perf_counter()
    for start in range(0, len(rows), settings.INGEST_BATCH_SIZE):
        actions.upsert_articles(rows[start : start + settings.INGEST_BATCH_SIZE])
    upsert_seconds = time.perf_counter() - started
    Article.objects.filter(key__startswith="bench:").delete()
    IndexChange.objects.all().delete()

    now = datetime.now(UTC)
    for row in rows:  # what the upsert adds itself
        row.update(created_at=now, updated_at=now, collected_at=now, status="visible")
    columns = list(rows[0])
    with connection.cursor() as cursor:
        cursor.execute(
            "create temp table copy_target"
            " (like articles_article including defaults including identity)"
        )
        raw_cursor = cursor.cursor
        started = time.perf_counter()
        with raw_cursor.copy(f"copy copy_target ({', '.join(columns)}) from stdin") as copy:
            for row in rows:
                copy.write_row([Jsonb(v) if isinstance(v, dict) else v for v in row.values()])
        copy_seconds = time.perf_counter() - started
        cursor.execute("drop table copy_target")
    return {
        "rows": len(rows),
        "upsert_rows_per_s": round(len(rows) / upsert_seconds, 1),
        "copy_rows_per_s": round(len(rows) / copy_seconds, 1),
        "ratio": round(copy_seconds / upsert_seconds, 3),
    }


def bench_tagging(limit: int = 20_000) -> dict:
    """The tagger alone (gazetteer matching, venues, topics, event dates) on stored articles."""
    from articles.enrichment import gazetteer
    from articles.enrichment.tagger import tag

    _, compiled = gazetteer.current()
    texts = list(Article.objects.values_list("title", "body", "byline")[:limit])
    started = time.perf_counter()
    for title, body, byline in texts:
        tag(title, body, compiled, byline=byline)
    elapsed = time.perf_counter() - started
    return {"articles": len(texts), "articles_per_s": round(len(texts) / elapsed, 1)}


# ------------------------------------------------------------------------------------- search


def percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)

    def at(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000, 2)

    return {"p50_ms": at(0.50), "p95_ms": at(0.95), "p99_ms": at(0.99), "n": len(ordered)}


def bench_search(repeats: int = 5) -> dict:
    client = Client()
    index = alias_name()
    requests = [(params, request) for params, request in as_params(QUERIES)]
    api, raw, bare, no_highlight = [], [], [], []
    sampled_queries = set()

    def time_raw(request, into: list[float], aggs: bool = True, **variant) -> None:
        """The requests the API makes for ``request``, straight to the engine: the probe (is it
        broad?), the search and, for a collapsed page, the one request for its stories' copies.
        Without aggregations there is nothing to sample and no probe."""
        started = time.perf_counter()
        sampled = False
        if aggs:
            probe = engine("POST", f"/{index}/_search", json.dumps(compile_probe(request)).encode())
            sampled = is_broad(probe)
            if sampled:
                sampled_queries.add(repr(request))
        body = compile_search(request, aggs=aggs and not sampled, **variant)
        if sampled:  # the hits and the sample's counts side by side, as the API sends them
            ndjson = msearch_ndjson([body, compile_sampled_counts(request)])
            result = engine("POST", f"/{index}/_msearch", ndjson, "application/x-ndjson")
            result = result["responses"][0]
        else:
            result = engine("POST", f"/{index}/_search", json.dumps(body).encode())
        stories = [h["_source"].get("story") or h["_id"] for h in result["hits"]["hits"]]
        if request.collapse and stories:
            copies = json.dumps(compile_story_copies(request, stories)).encode()
            engine("POST", f"/{index}/_search", copies)
        into.append(time.perf_counter() - started)

    for round_number in range(repeats + 1):
        warmup = round_number == 0  # the first round warms caches and is not counted
        for params, request in requests:
            started = time.perf_counter()
            response = client.get("/api/v1/search", params)
            elapsed = time.perf_counter() - started
            if response.status_code != 200:
                raise RuntimeError(f"{params}: {response.status_code} {response.content[:300]}")
            if not warmup:
                api.append(elapsed)
            time_raw(request, [] if warmup else raw)
            time_raw(request, [] if warmup else bare, aggs=False)
            time_raw(request, [] if warmup else no_highlight, highlight=False)
    api_p, raw_p = percentiles(api), percentiles(raw)
    bare_p, no_hl_p = percentiles(bare), percentiles(no_highlight)
    return {
        "queries": len(requests),
        # how many of them matched more than SAMPLE_ABOVE articles (facets counted in a sample)
        "sampled_queries": len(sampled_queries),
        "repeats": repeats,
        "api": api_p,
        "raw": raw_p,
        "ratio": round(api_p["p95_ms"] / raw_p["p95_ms"], 3),
        "facets": {
            "without_aggs": bare_p,
            "ratio_p95": round(raw_p["p95_ms"] / bare_p["p95_ms"], 3),
        },
        "highlighting": {
            "without_highlight": no_hl_p,
            "overhead_p95": round(raw_p["p95_ms"] / no_hl_p["p95_ms"] - 1, 3),
        },
    }


# -------------------------------------------------------------------------------------- main


def table(results: dict) -> str:
    rows: list[tuple[str, str, str, str]] = []
    if i := results.get("ingest"):
        raw = f"raw _bulk {i['raw_docs_per_s']} docs/s" if "ratio" in i else ""
        ratio = f"{i['ratio']:.0%}" if "ratio" in i else ""
        rows.append(("ingest end-to-end", f"{i['articles_per_s']} articles/s", raw, ratio))
        rows.append(("ingest wall time", f"{i['seconds']} s", "", ""))
        rows.append(("ingest peak RSS", f"{i['peak_rss_mb']} MB", "", ""))
    if pg := results.get("postgres"):
        rows.append(
            (
                "PostgreSQL writes",
                f"{pg['upsert_rows_per_s']} rows/s",
                f"COPY {pg['copy_rows_per_s']} rows/s",
                f"{pg['ratio']:.0%}",
            )
        )
    if s := results.get("search"):
        api, raw = s["api"], s["raw"]
        rows += [
            (
                "search p95 (API)",
                f"{api['p95_ms']} ms",
                f"raw {raw['p95_ms']} ms",
                f"{s['ratio']}x",
            ),
            (
                "search p50 / p99 (API)",
                f"{api['p50_ms']} / {api['p99_ms']} ms",
                f"raw {raw['p50_ms']} / {raw['p99_ms']} ms",
                "",
            ),
            (
                "facets cost (p95)",
                "",
                f"bare {s['facets']['without_aggs']['p95_ms']} ms",
                f"{s['facets']['ratio_p95']}x",
            ),
            (
                "highlighting cost (p95)",
                "",
                f"none {s['highlighting']['without_highlight']['p95_ms']} ms",
                f"+{s['highlighting']['overhead_p95']:.0%}",
            ),
        ]
    if x := results.get("index"):
        rows += [
            ("index size", f"{x['bytes_per_doc']} bytes/doc", "", ""),
            (
                "analyzer indexing",
                f"{x['ours_docs_per_s']} docs/s",
                f"standard {x['standard_docs_per_s']} docs/s",
                f"{x['ratio']:.0%}",
            ),
        ]
    if c := results.get("collection"):
        rows.append(
            (
                "feed collection",
                f"{c['feed_articles_per_s']} articles/s",
                f"ingest files {c['files_articles_per_s']} articles/s",
                f"{c['ratio']:.0%}",
            )
        )
    if t := results.get("tagging"):
        rows.append(("tagging", f"{t['articles_per_s']} articles/s", "", ""))
    if a := results.get("alerts"):
        for name, label in (
            ("one", "one alert"),
            ("realistic", "realistic mix"),
            ("worst", "worst case"),
        ):
            if not (r := a.get(name)):
                continue
            rows += [
                (
                    f"ingest with {r['alerts']} alerts, {label}",
                    f"{r['with_articles_per_s']} articles/s",
                    f"none {a['without_articles_per_s']} articles/s",
                    f"{r['ratio']:.0%}",
                ),
                (
                    f"percolation per batch, {label}",
                    f"p50 {r['percolate_ms_p50']} ms",
                    f"max {r['percolate_ms_max']} ms, engine p50 {r['engine_ms_p50']} ms, "
                    f"{r['docs_per_batch']} docs",
                    f"{r['matches']} matches",
                ),
            ]
    for level in results.get("load", {}).get("levels", []):
        api, raw = level["api"], level["raw"]
        rows.append(
            (
                f"load, {level['clients']} client(s), gunicorn",
                f"{api['per_s']} req/s, p50/p95/p99 {api['p50_ms']}/{api['p95_ms']}/"
                f"{api['p99_ms']} ms, {api['errors']} errors",
                f"raw {raw['per_s']} req/s, p95 {raw['p95_ms']} ms, {raw['errors']} errors",
                f"{level['throughput_ratio']:.0%} of raw req/s, p95 {level['p95_ratio']:.2f}×",
            )
        )
    width = [max(len(r[c]) for r in rows) for c in range(4)]
    return "\n".join("  ".join(r[c].ljust(width[c]) for c in range(4)) for r in rows)


#: What `make bench` measures; BENCH_PARTS=ingest,search picks some (search needs an index
#: from ingest, in this run or the previous one).
PARTS = ("ingest", "raw", "postgres", "tagging", "search", "load", "collection", "alerts")


def main() -> None:
    scale = int(os.environ.get("BENCH_SCALE", "31030"))
    work = REPO / "var" / "bench"
    work.mkdir(parents=True, exist_ok=True)
    inputs = write_corpus(scale, work / f"corpus-{scale}")
    results: dict = {
        "scale": scale,
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
    }
    parts = set(os.environ.get("BENCH_PARTS", ",".join(PARTS)).split(","))
    if unknown := parts - set(PARTS):
        raise SystemExit(f"BENCH_PARTS: unknown {sorted(unknown)}; choose from {PARTS}")
    if "ingest" in parts:  # the warm-up replaces the store: only before an ingest
        print(f"warm-up: {warm_up(inputs, work):.1f} s of ingest, untimed", flush=True)
        print(f"ingest: {scale} articles …", flush=True)
        results["ingest"] = bench_ingest(inputs, scale)
        print(f"ingest: {json.dumps(results['ingest'], ensure_ascii=False)}", flush=True)
    if "raw" in parts:
        print("raw _bulk of the same documents …", flush=True)
        # BENCH_RAW_SAMPLE: at a million articles the raw side takes a sample of the same mix.
        sample = int(os.environ.get("BENCH_RAW_SAMPLE", "0")) or None
        raw = bench_raw_bulk(work, sample)
        raw_note = f" ({raw['docs']} of them)" if sample else ""
        print(f"raw _bulk: {raw['raw_docs_per_s']} docs/s{raw_note}", flush=True)
        if "ingest" in results:
            ingest = results["ingest"]
            ingest["raw_docs_per_s"] = raw["raw_docs_per_s"]
            ingest["ratio"] = round(ingest["articles_per_s"] / raw["raw_docs_per_s"], 3)
        results["index"] = {
            "bytes_per_doc": raw["bytes_per_doc"],
            "raw_docs": raw["docs"],
            "ours_docs_per_s": raw["raw_docs_per_s"],
            "standard_docs_per_s": raw["standard_docs_per_s"],
            "ratio": round(raw["raw_docs_per_s"] / raw["standard_docs_per_s"], 3),
        }
    if "postgres" in parts:
        print("PostgreSQL write path vs COPY …", flush=True)
        results["postgres"] = bench_postgres_writes()
    if "tagging" in parts:
        print("tagging …", flush=True)
        results["tagging"] = bench_tagging()
    if "search" in parts:
        print("search: API vs raw engine …", flush=True)
        results["search"] = bench_search(int(os.environ.get("BENCH_SEARCH_REPEATS", "5")))
    if "load" in parts:
        print("load: 1, 8 and 32 clients on gunicorn vs the raw engine …", flush=True)
        results["load"] = bench_load(
            list(as_params(QUERIES)),
            alias_name(),
            settings.OPENSEARCH_URL,
            compile_search,
            compile_story_copies,
            compile_probe,
            compile_sampled_counts,
        )
    if "collection" in parts:
        items = int(os.environ.get("BENCH_COLLECTION_ITEMS", "1000"))
        print(f"collection: {items} items from a local feed server vs the same files …")
        results["collection"] = bench_collection(work, items=items, reset_store=reset_store)
    if "alerts" in parts:
        from bench.alerts import ALERTS, bench_alerts

        print(f"ingest with {ALERTS} stored alerts vs none …", flush=True)
        results["alerts"] = bench_alerts(
            lambda prepare=None: bench_ingest(inputs, scale, prepare=prepare)
        )
    for name in (f"{BENCH_DB}_raw", f"{BENCH_DB}_standard"):
        get_client().indices.delete(index=name, ignore_unavailable=True)

    RESULTS.mkdir(parents=True, exist_ok=True)
    text = json.dumps(results, indent=2, ensure_ascii=False)
    (RESULTS / "latest.json").write_text(text)
    stamp = results["started_at"].replace(":", "").replace("-", "")
    (RESULTS / f"{stamp}.json").write_text(text)
    print()
    print(table(results))
    print(f"\nwritten to {RESULTS / 'latest.json'}")


def machine() -> dict:
    info = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    try:
        info["memory_gb"] = round(
            os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3, 1
        )
        cpu = Path("/proc/cpuinfo").read_text()
        info["cpu"] = next(
            line.split(":", 1)[1].strip() for line in cpu.splitlines() if "model name" in line
        )
    except (OSError, StopIteration, ValueError):
        pass
    info["opensearch"] = get_client().info()["version"]["number"]
    return info


if __name__ == "__main__":
    main()
