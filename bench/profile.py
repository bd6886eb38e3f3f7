"""Where the time goes: py-spy profiles of the two hot paths the benchmarks measure.

    make profile                    # ingest of 8,000 articles, then the search mix via the API
    PROFILE_ARTICLES=20000 PROFILE_SEARCH_ROUNDS=10 make profile

py-spy samples the running process from outside (no code changes, no tracing overhead). Each
profile is written as collapsed stacks (for flamegraph.pl or speedscope) under
var/bench/profiles/ and summarised on stdout: the functions with the largest share of samples,
inclusive and self. Uses the benchmark database and index: run `make bench` once first.
"""

from __future__ import annotations

import collections
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "var" / "bench" / "profiles"
PY_SPY = Path(sys.executable).parent / "py-spy"
sys.path.insert(0, str(REPO))

from bench.environment import bench_environment  # noqa: E402

ENV = {**os.environ, **bench_environment(os.environ.get("BENCH_DB")), "PYTHONPATH": str(REPO)}

SEARCH_LOOP = """
import django
django.setup()
from django.test import Client
from bench.queries import QUERIES
client = Client()
for _ in range(int({repeats})):
    for query in QUERIES:
        assert client.get("/api/v1/search", query).status_code == 200
"""


def record(name: str, command: list[str]) -> Path:
    """Profile ``command`` with py-spy; returns the collapsed-stacks file (one line per stack,
    the format flamegraph.pl and speedscope read)."""
    OUT.mkdir(parents=True, exist_ok=True)
    stacks = OUT / f"{name}.txt"
    subprocess.run(
        [str(PY_SPY), "record", "-r", "100", "-f", "raw", "-o", str(stacks), "--", *command],
        env=ENV,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return stacks


def summarise(path: Path, *, top: int = 25, under: str = "") -> str:
    """The top functions by inclusive and self share of samples (below frame ``under``)."""
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = [_frame(f) for f in stack.split(";")]
        if under:
            if under not in frames:
                continue
            frames = frames[frames.index(under) :]
        n = int(count)
        total += n
        for frame in set(frames):
            inclusive[frame] += n
        own[frames[-1]] += n
    lines = [f"{total} samples" + (f" under {under}" if under else "")]
    lines.append("  inclusive:")
    lines += [f"    {100 * n / total:5.1f}%  {f}" for f, n in inclusive.most_common(top)]
    lines.append("  self:")
    lines += [f"    {100 * n / total:5.1f}%  {f}" for f, n in own.most_common(top // 2)]
    return "\n".join(lines)


def _frame(frame: str) -> str:
    """'function (path/to/module.py:12)' -> 'function (module.py)'."""
    name, _, where = frame.partition(" (")
    module = where.split(":")[0].rsplit("/", 1)[-1]
    return f"{name} ({module})" if module else name


def main() -> None:
    articles = int(os.environ.get("PROFILE_ARTICLES", "8000"))
    corpus = REPO / "var" / "bench" / f"corpus-{max(articles, 31030)}" / "part-0000.jsonl"
    if not corpus.exists():
        raise SystemExit(f"{corpus} is missing: run `make bench` once first")
    sample = OUT / f"sample-{articles}.jsonl"
    OUT.mkdir(parents=True, exist_ok=True)
    with corpus.open(encoding="utf-8") as source, sample.open("w", encoding="utf-8") as out:
        for n, line in enumerate(source):
            if n == articles:
                break
            out.write(line)

    # Ingest into a source of its own, so the benchmark's articles are not touched; the
    # articles are removed afterwards.
    manage = [sys.executable, str(REPO / "manage.py")]
    ingest = record(
        "ingest",
        [*manage, "ingest", "--no-progress", "--no-index", "--source", "profile", str(sample)],
    )
    subprocess.run(
        [
            *manage,
            "shell",
            "-c",
            "from articles.models import Article, IndexChange, Source;"
            "ids = list(Article.objects.filter(source__slug='profile')"
            ".values_list('pk', flat=True));"
            "IndexChange.objects.filter(article_id__in=ids).delete();"
            "Article.objects.filter(pk__in=ids).delete();"
            "Source.objects.filter(slug='profile').delete()",
        ],
        env=ENV,
        check=True,
    )
    print(f"ingest of {articles} articles")
    print(summarise(ingest, under="ingest_records (pipeline.py)"))

    rounds = int(os.environ.get("PROFILE_SEARCH_ROUNDS", "5"))
    search = record("search", [sys.executable, "-c", SEARCH_LOOP.format(repeats=rounds)])
    print(f"\nsearch mix through the API, {rounds} rounds")
    print(summarise(search, under="search_view (api.py)"))
    print(f"\ncollapsed stacks in {OUT}")


if __name__ == "__main__":
    main()
