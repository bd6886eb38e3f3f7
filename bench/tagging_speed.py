"""Throughput of the gazetteer tagger alone on SaudiNewsNet (no database, no services).

Plain script, not a test::

    .venv/bin/python bench/tagging_speed.py [--workers N] DIR_OF_SAUDINEWSNET_ZIPS

Tags every article of every ``*.zip`` in the directory with the starter gazetteer
(``articles.enrichment.tagger.default_gazetteer``), one zip per task on ``--workers`` processes
(default: one per core), and prints articles/s, words/s and the number of tags per facet.
``make bench`` measures the tagger on stored articles with the curated gazetteer instead.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import sys
import time
import zipfile
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from articles.enrichment.tagger import default_gazetteer, tag  # noqa: E402
from articles.enrichment.tags import FACETS  # noqa: E402


def bench_file(path: str) -> tuple[int, int, dict[str, int]]:
    """(articles, words, tags per facet) of one SaudiNewsNet zip."""
    g = default_gazetteer()
    n = words = 0
    counts = dict.fromkeys(FACETS, 0)
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            for rec in json.loads(z.read(name)):
                t = tag(
                    rec.get("title") or "", rec.get("content") or "", g, rec.get("author") or ""
                )
                n += 1
                words += len((rec.get("content") or "").split())
                for f in FACETS:
                    counts[f] += len(getattr(t, f))
    return n, words, counts


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Tag a SaudiNewsNet directory and report speed.")
    ap.add_argument("directory")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args(argv)
    files = sorted(glob.glob(os.path.join(args.directory, "*.zip")))
    t0 = time.perf_counter()
    total = words = 0
    counts = dict.fromkeys(FACETS, 0)
    if args.workers <= 1:
        results = map(bench_file, files)
    else:
        results = ProcessPoolExecutor(args.workers).map(bench_file, files)
    for n, w, c in results:
        total += n
        words += w
        for f in FACETS:
            counts[f] += c[f]
    secs = time.perf_counter() - t0
    print(
        f"{total} articles, {words} words in {secs:.1f}s with {args.workers} worker(s): "
        f"{total / secs:.0f} articles/s, {words / secs / 1e6:.2f}M words/s; tags: {counts}"
    )


if __name__ == "__main__":
    main()
