"""The benchmark corpus: SaudiNewsNet as it is, expanded deterministically past its size.

Articles beyond the real 31,030 are made from the real ones (paragraphs resampled from two
articles, dates shifted, sources rotated, fresh URLs), so the text keeps the statistics of real
Arabic news. Written as JSON Lines under var/bench/ on the fly, never committed.
"""

from __future__ import annotations

import json
import random
import zipfile
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = SHARED / "corpora" / "saudinewsnet"
LINES_PER_FILE = 50_000
SEED = 20151


def real_articles() -> Iterator[dict]:
    for day in sorted(CORPUS.glob("*.zip")):
        with zipfile.ZipFile(day) as archive:
            for member in archive.namelist():
                if member.endswith(".json"):
                    yield from json.loads(archive.read(member))


def generated(scale: int) -> Iterator[dict]:
    base = [a for a in real_articles() if (a.get("content") or "").strip()]
    rng = random.Random(SEED)
    sources = sorted({a["source"] for a in base})
    for i in range(scale):
        original = base[i % len(base)]
        if i < len(base):
            yield original
            continue
        generation = i // len(base)
        other = base[rng.randrange(len(base))]
        paragraphs = [p for p in original["content"].split("\n") if p.strip()]
        extra = [p for p in other["content"].split("\n") if p.strip()]
        rng.shuffle(extra)
        body = paragraphs[: max(1, len(paragraphs) // 2)] + extra[: max(1, len(extra) // 2)]
        date = datetime.strptime(original["date_extracted"], "%Y-%m-%d %H:%M:%S")
        yield {
            "source": sources[(sources.index(original["source"]) + generation) % len(sources)],
            "url": f"https://bench.ctsearch.invalid/{generation}/{i}",
            "date_extracted": (date + timedelta(days=17 * generation)).strftime(
                "%Y-%m-%d %H:%M:%S"
            ),
            "title": original["title"],
            "author": original.get("author", ""),
            "content": "\n".join(body),
        }


def write_corpus(scale: int, directory: Path) -> list[Path]:
    """JSON Lines files holding ``scale`` articles; reused when already written."""
    done = directory / ".complete"
    if done.exists():
        return sorted(directory.glob("*.jsonl"))
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("*.jsonl"):
        old.unlink()
    files: list[Path] = []
    out = None
    for n, article in enumerate(generated(scale)):
        if n % LINES_PER_FILE == 0:
            if out:
                out.close()
            files.append(directory / f"part-{len(files):04d}.jsonl")
            out = files[-1].open("w", encoding="utf-8")
        out.write(json.dumps(article, ensure_ascii=False) + "\n")
    if out:
        out.close()
    done.touch()
    return files
