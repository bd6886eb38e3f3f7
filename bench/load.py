"""`make bench` part ``load``: many researchers at once, as deployed.

The search API is served by gunicorn with the production settings file (ctsearch/gunicorn.py:
gthread workers) on a free loopback port, over the bench database and index. 1, 8 and 32
clients each send the benchmark's query mix back to back for a fixed time; then the raw engine
gets the very same requests' DSL (the search, and the story-copies request of a collapsed
page, exactly as the API sends them) under the same concurrency, in the same run.

Clients are threads with one urllib3 connection each: urllib3 is already a dependency, a
blocking client per simulated researcher is what a browser or script does, and the client's
own cost (a few hundred microseconds per request) is small beside a search. An asyncio load
library would add a dependency without changing what is measured. On this 2-core machine the
clients, gunicorn and OpenSearch share the CPUs, so throughput is a property of the whole box:
compare the API with the raw engine in the same run, not with another machine.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

import urllib3

REPO = Path(__file__).resolve().parent.parent
CLIENTS = tuple(int(n) for n in os.environ.get("BENCH_LOAD_CLIENTS", "1,8,32").split(","))
SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "20"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(port: int) -> subprocess.Popen:
    env = {**os.environ, "GUNICORN_BIND": f"127.0.0.1:{port}"}
    log = (REPO / "var" / "bench" / "gunicorn-load.log").open("w")
    server = subprocess.Popen(
        [str(REPO / ".venv" / "bin" / "gunicorn"), "-c", str(REPO / "ctsearch" / "gunicorn.py"),
         "--access-logfile", "/dev/null", "ctsearch.wsgi"],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    http = urllib3.PoolManager(timeout=2, retries=False)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if http.request("GET", f"http://127.0.0.1:{port}/healthz").status == 200:
                return server
        except urllib3.exceptions.HTTPError:
            pass
        if server.poll() is not None:
            break
        time.sleep(0.5)
    server.kill()
    raise RuntimeError("gunicorn did not start: see var/bench/gunicorn-load.log")


def percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)

    def at(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000, 1)

    return {"p50_ms": at(0.50), "p95_ms": at(0.95), "p99_ms": at(0.99)} if ordered else {}


def run_clients(
    clients: int, host: str, port: int, send: Callable[[urllib3.HTTPConnectionPool, int], bool]
) -> dict:
    """``clients`` threads, each with its own connection to host:port, calling ``send(pool,
    i)`` back to back for SECONDS."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    stop = threading.Event()

    def client(n: int) -> None:
        pool = urllib3.HTTPConnectionPool(host, port, maxsize=1, timeout=60, retries=False)
        i = n  # clients start at different queries of the mix
        while not stop.is_set():
            started = time.perf_counter()
            try:
                ok = send(pool, i)
            except urllib3.exceptions.HTTPError:
                ok = False
            latencies[n].append(time.perf_counter() - started)
            errors[n] += not ok
            i += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(SECONDS)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    samples = [s for per_client in latencies for s in per_client]
    return {
        "clients": clients,
        "requests": len(samples),
        "errors": sum(errors),
        "per_s": round(len(samples) / elapsed, 1),
        **percentiles(samples),
    }


def msearch_ndjson(bodies: list[dict]) -> bytes:
    """An ``_msearch`` request body: each search body after an empty header (the index is in
    the path), one JSON document a line."""
    return "".join(json.dumps(line) + "\n" for body in bodies for line in ({}, body)).encode()


def bench_load(
    requests: list,
    index: str,
    engine_url: str,
    compile_search,
    compile_copies,
    compile_probe,
    compile_sampled_counts,
) -> dict:
    """``requests``: (params, SearchRequest) pairs of the query mix. The raw side sends what the
    API sends: the probe, the search (its counts sampled when the probe says broad) and, for a
    collapsed page, the stories' copies; for a broad search, the hits and its sample's counts
    in one ``_msearch``."""
    from articles.search.sampling import is_broad

    port = free_port()
    server = start_gunicorn(port)
    engine_host, engine_port = engine_url.rsplit("//", 1)[1].rsplit(":", 1)
    paths = [f"/api/v1/search?{urlencode(params, doseq=True)}" for params, _ in requests]
    bodies = [
        (
            json.dumps(compile_probe(request)).encode(),
            {
                False: ("_search", json.dumps(compile_search(request)).encode()),
                True: (
                    "_msearch",
                    msearch_ndjson(
                        [compile_search(request, aggs=False), compile_sampled_counts(request)]
                    ),
                ),
            },
            request,
        )
        for _, request in requests
    ]
    headers = {"Content-Type": "application/json"}

    def api(pool: urllib3.HTTPConnectionPool, i: int) -> bool:
        response = pool.request("GET", paths[i % len(paths)])
        return response.status == 200

    def raw(pool: urllib3.HTTPConnectionPool, i: int) -> bool:
        probe, searches, request = bodies[i % len(bodies)]
        response = pool.request("POST", f"/{index}/_search", body=probe, headers=headers)
        if response.status != 200:
            return False
        endpoint, body = searches[is_broad(json.loads(response.data))]
        kind = {"Content-Type": "application/x-ndjson"} if endpoint == "_msearch" else headers
        response = pool.request("POST", f"/{index}/{endpoint}", body=body, headers=kind)
        if response.status != 200:
            return False
        answer = json.loads(response.data)
        if endpoint == "_msearch":
            answer = answer["responses"][0]
        hits = answer["hits"]["hits"]
        stories = [h["_source"].get("story") or h["_id"] for h in hits]
        if request.collapse and stories:
            copies = json.dumps(compile_copies(request, stories)).encode()
            response = pool.request("POST", f"/{index}/_search", body=copies, headers=headers)
        return response.status == 200

    results = {"seconds_per_level": SECONDS, "levels": []}
    try:
        for clients in CLIENTS:
            print(f"  load: {clients} client(s), API then raw engine …", flush=True)
            api_result = run_clients(clients, "127.0.0.1", port, api)
            raw_result = run_clients(clients, engine_host, int(engine_port), raw)
            results["levels"].append(
                {
                    "clients": clients,
                    "api": api_result,
                    "raw": raw_result,
                    "throughput_ratio": round(api_result["per_s"] / raw_result["per_s"], 3),
                    "p95_ratio": round(api_result["p95_ms"] / raw_result["p95_ms"], 3),
                }
            )
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
    return results


if __name__ == "__main__":
    sys.exit("run through bench/run.py: BENCH_PARTS=load make bench")
