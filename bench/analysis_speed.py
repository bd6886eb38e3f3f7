"""Indexing speed of the Arabic analysis against the ``standard`` analyzer, on real articles.

Plain script (no Django settings needed)::

    .venv/bin/python bench/analysis_speed.py --url http://127.0.0.1:59250 --docs 3000

Loads the first N articles (title, content, author) of the SaudiNewsNet dumps in
``/work/shared/corpora/saudinewsnet/*.zip`` (sorted file names, so every run uses the same doc
set), then bulk-indexes them (500 per request, no refresh) into fresh ``ctsearch_dev_perf_*``
indices:

* ``full``       : ``articles.search.index.index_body()`` (title/body/byline: ar_stem + .exact);
* ``full-std``   : the same mapping with ``standard`` for every text field and subfield;
* ``body-stem``  : only ``body`` with ``ar_stem``;
* ``body-exact`` : only ``body`` with ``ar_exact``;
* ``body-std``   : only ``body`` with ``standard``.

Prints docs/s for each (best of ``--repeat`` round-robin runs) and the ratio to its standard
counterpart, and optionally (``--analyze``) the ``_analyze`` time of each analyzer over a fixed
text. Indices are deleted afterwards.
"""

from __future__ import annotations

import argparse
import copy
import glob
import json
import sys
import time
import zipfile
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from articles.search.analysis import (  # noqa: E402
    EXACT_ANALYZER,
    STEMMED_ANALYZER,
    analysis_settings,
)
from articles.search.index import index_body  # noqa: E402

CORPUS = "/work/shared/corpora/saudinewsnet/*.zip"
PREFIX = "ctsearch_dev_perf_"
BATCH = 500


def load_docs(n: int) -> list[dict]:
    docs: list[dict] = []
    for path in sorted(glob.glob(CORPUS)):
        with zipfile.ZipFile(path) as z:
            for name in sorted(z.namelist()):
                for art in json.loads(z.read(name)):
                    docs.append(
                        {
                            "id": len(docs) + 1,
                            "title": art.get("title") or "",
                            "body": art.get("content") or "",
                            "byline": art.get("author") or "",
                        }
                    )
                    if len(docs) >= n:
                        return docs
    return docs


def _standardize(mapping: dict) -> dict:
    m = copy.deepcopy(mapping)
    for field in ("title", "body", "byline"):
        m["properties"][field]["analyzer"] = "standard"
        m["properties"][field]["fields"]["exact"]["analyzer"] = "standard"
    return m


def _body_only(analyzer: str) -> dict:
    return {
        "settings": {
            "index": {"number_of_shards": 1, "number_of_replicas": 0, "refresh_interval": "-1"},
            "analysis": analysis_settings(),
        },
        "mappings": {
            "dynamic": False,
            "properties": {
                "body": {"type": "text", "analyzer": analyzer, "index_options": "offsets"}
            },
        },
    }


def bodies() -> dict[str, dict]:
    full = index_body()
    full["settings"]["index"]["refresh_interval"] = "-1"
    std = copy.deepcopy(full)
    std["mappings"] = _standardize(std["mappings"])
    return {
        "full": full,
        "full-std": std,
        "body-stem": _body_only(STEMMED_ANALYZER),
        "body-exact": _body_only(EXACT_ANALYZER),
        "body-std": _body_only("standard"),
    }


def _payloads(docs: list[dict], index: str) -> list[str]:
    out = []
    for i in range(0, len(docs), BATCH):
        lines = []
        for d in docs[i : i + BATCH]:
            lines.append(json.dumps({"index": {"_index": index, "_id": d["id"]}}))
            lines.append(json.dumps(d, ensure_ascii=False))
        out.append("\n".join(lines) + "\n")
    return out


def run_one(s: requests.Session, url: str, name: str, body: dict, docs: list[dict]) -> float:
    index = f"{PREFIX}{name.replace('-', '_')}"
    s.delete(f"{url}/{index}", params={"ignore_unavailable": "true"})
    r = s.put(f"{url}/{index}", json=body)
    r.raise_for_status()
    payloads = _payloads(docs, index)
    try:
        t0 = time.perf_counter()
        for p in payloads:
            r = s.post(
                f"{url}/_bulk",
                data=p.encode("utf-8"),
                headers={"Content-Type": "application/x-ndjson"},
                timeout=600,
            )
            r.raise_for_status()
            if r.json().get("errors"):
                item = next(i for i in r.json()["items"] if "error" in i["index"])
                raise RuntimeError(f"{name}: bulk error {item}")
        elapsed = time.perf_counter() - t0
    finally:
        s.delete(f"{url}/{index}", params={"ignore_unavailable": "true"})
    return len(docs) / elapsed


def analyze_timing(s: requests.Session, url: str, docs: list[dict], rounds: int) -> None:
    index = f"{PREFIX}analyze"
    s.delete(f"{url}/{index}", params={"ignore_unavailable": "true"})
    settings = {"index.analyze.max_token_count": 1_000_000, "analysis": analysis_settings()}
    s.put(f"{url}/{index}", json={"settings": settings}).raise_for_status()
    text = "\n".join(d["body"] for d in docs[:50])
    try:
        for analyzer in (STEMMED_ANALYZER, EXACT_ANALYZER, "standard"):
            body = {"analyzer": analyzer, "text": text}
            s.post(f"{url}/{index}/_analyze", json=body).raise_for_status()  # warm up
            best = float("inf")
            for _ in range(rounds):
                t0 = time.perf_counter()
                r = s.post(f"{url}/{index}/_analyze", json=body)
                r.raise_for_status()
                best = min(best, time.perf_counter() - t0)
            n = len(r.json()["tokens"])
            print(f"_analyze {analyzer:10s} {best * 1000:8.1f} ms  {n} tokens ({len(text)} chars)")
    finally:
        s.delete(f"{url}/{index}", params={"ignore_unavailable": "true"})


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--url", default="http://127.0.0.1:59250")
    ap.add_argument("--docs", type=int, default=3000)
    ap.add_argument("--repeat", type=int, default=1, help="best of N runs per index")
    ap.add_argument(
        "--only", default="", help="comma-separated subset of: " + ", ".join(bodies().keys())
    )
    ap.add_argument("--analyze", action="store_true", help="also time _analyze per analyzer")
    args = ap.parse_args(argv)

    docs = load_docs(args.docs)
    chars = sum(len(d["title"]) + len(d["body"]) + len(d["byline"]) for d in docs)
    print(f"{len(docs)} docs, {chars / 1e6:.1f} M chars, batches of {BATCH}")
    s = requests.Session()
    if args.analyze:
        analyze_timing(s, args.url.rstrip("/"), docs, rounds=5)

    wanted = [n for n in args.only.split(",") if n] or list(bodies().keys())
    # warm-up (JIT, caches): a small run that is not reported
    run_one(s, args.url.rstrip("/"), "warmup", bodies()["full"], docs[: min(500, len(docs))])
    rates: dict[str, float] = {}
    # round robin, best of --repeat: the machine's load moves, this keeps the ratios fair
    for r in range(args.repeat):
        for name in wanted:
            rate = run_one(s, args.url.rstrip("/"), name, bodies()[name], docs)
            rates[name] = max(rates.get(name, 0.0), rate)
            print(f"[{r + 1}/{args.repeat}] {name:11s} {rate:8.0f} docs/s", flush=True)
    for name in wanted:
        print(f"best {name:11s} {rates[name]:8.0f} docs/s")
    for name, ref in (("full", "full-std"), ("body-stem", "body-std"), ("body-exact", "body-std")):
        if name in rates and ref in rates:
            print(f"ratio {name} / {ref}: {rates[name] / rates[ref]:.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
