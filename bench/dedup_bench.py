"""Throughput and memory of near-duplicate clustering (articles.enrichment.dedup) on SaudiNewsNet.

Plain script, not a test:

    .venv/bin/python bench/dedup_bench.py [--corpus DIR] [--scale 1000000] [--examples 3]

Reports articles/s for the signatures (normalise + shingle + MinHash), for rebuilding the
index from stored signatures (``StoryIndex.build``) and for incremental ``add``, the clusters
found, and the peak RSS. ``--scale N`` also rebuilds a synthetic index of N signatures (the
corpus signatures tiled with a per-copy XOR mask, so each copy keeps the corpus's duplicate
structure and copies never match each other).
"""

from __future__ import annotations

import argparse
import collections
import json
import resource
import sys
import time
import zipfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from articles.enrichment import dedup, minhash  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def load(folder: Path) -> list[dict]:
    articles: list[dict] = []
    for path in sorted(folder.glob("*.zip")):
        with zipfile.ZipFile(path) as zf:
            for name in zf.namelist():
                if name.endswith(".json"):
                    articles.extend(json.loads(zf.read(name)))
    return articles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--corpus", type=Path, default=REPO.parent / "shared" / "corpora" / "saudinewsnet"
    )
    parser.add_argument("--scale", type=int, default=0, help="also rebuild N synthetic sigs")
    parser.add_argument("--examples", type=int, default=3)
    args = parser.parse_args()

    t = time.perf_counter()
    articles = load(args.corpus)
    n = len(articles)
    print(f"loaded {n} articles in {time.perf_counter() - t:.1f}s; RSS {peak_rss_mb():.0f} MB")
    print(
        f"parameters: n={minhash.SHINGLE_N} num_perm={minhash.NUM_PERM} "
        f"threshold={dedup.THRESHOLD} lsh_threshold={dedup.LSH_THRESHOLD} "
        f"bands x rows={dedup.lsh_params()} ({minhash.SIGNATURE_VERSION})"
    )

    t = time.perf_counter()
    sigs = np.stack([minhash.signature(a["content"]) for a in articles])
    dt_sig = time.perf_counter() - t
    print(f"signatures: {dt_sig:.1f}s = {n / dt_sig:,.0f} articles/s (one core)")

    blobs = [minhash.signature_to_bytes(s) for s in sigs]
    t = time.perf_counter()
    stored = minhash.signatures_from_bytes(blobs)
    index = dedup.StoryIndex.build(range(n), stored)
    dt_build = time.perf_counter() - t
    print(f"rebuild from bytes: {dt_build:.2f}s = {n / dt_build:,.0f} articles/s")

    t = time.perf_counter()
    incremental = dedup.StoryIndex()
    for i in range(n):
        incremental.add(i, sigs[i])
    dt_add = time.perf_counter() - t
    print(f"incremental add: {dt_add:.1f}s = {n / dt_add:,.0f} articles/s")
    assert incremental.stories() == index.stories(), "build and add disagree"

    total = dt_sig + dt_build
    print(f"signature + clustering: {n / total:,.0f} articles/s; peak RSS {peak_rss_mb():.0f} MB")

    clusters = index.clusters()
    in_clusters = sum(len(m) for m in clusters.values())
    empty = int(np.all(sigs == np.uint32(0xFFFFFFFF), axis=1).sum())
    sizes = collections.Counter(len(m) for m in clusters.values())
    print(
        f"stories: {n - in_clusters + len(clusters)} for {n} articles ({empty} empty); "
        f"{len(clusters)} clusters of ≥2 holding {in_clusters} articles; "
        f"largest {max(sizes) if sizes else 0}; sizes {sorted(sizes.items())[:8]} ..."
    )
    ranked = sorted(clusters.items(), key=lambda kv: -len(kv[1]))
    for story, members in ranked[: args.examples]:
        print(f"--- story {story}: {len(members)} articles")
        for m in members[:12]:
            a = articles[m]
            print(f"    {a['source']:<12} {a['date_extracted'][:10]}  {a['title'][:80]}")

    if args.scale:
        copies = -(-args.scale // n)
        rng = np.random.default_rng(0)
        masks = rng.integers(0, 2**32, size=(copies, 1, minhash.NUM_PERM), dtype=np.uint32)
        masks[0] = 0
        big = (sigs[None, :, :] ^ masks).reshape(-1, minhash.NUM_PERM)[: args.scale]
        big[np.all(np.tile(sigs, (copies, 1))[: args.scale] == 0xFFFFFFFF, axis=1)] = 0xFFFFFFFF
        del masks
        t = time.perf_counter()
        scaled = dedup.StoryIndex.build(np.arange(big.shape[0]), big)
        dt = time.perf_counter() - t
        print(
            f"rebuild {big.shape[0]:,} signatures: {dt:.1f}s = {big.shape[0] / dt:,.0f}/s; "
            f"{len(scaled.clusters())} clusters; peak RSS {peak_rss_mb():.0f} MB"
        )


if __name__ == "__main__":
    main()
