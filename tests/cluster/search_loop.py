"""Searches in a loop through ctsearch's own search service (its engine client and retries),
one JSON line per search, until the stop file appears. The failover test runs it in a
subprocess pointed at the cluster: ``python -m tests.cluster.search_loop OUT STOP``."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

QUERIES = ("السعودية", "الرياض", "وزير", "الأمن", "مجلس", "جدة", "الملك", "التعليم")


def main(out: Path, stop: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ctsearch.settings")
    import django

    django.setup()
    from articles.search import service
    from articles.search.request import from_params

    with out.open("w") as lines:
        n = 0
        while not stop.exists():
            query = QUERIES[n % len(QUERIES)]
            n += 1
            started = time.time()
            try:
                total = service.search(from_params(f"q={query}")).total
                outcome = {"ok": True, "total": total}
            except Exception as error:
                outcome = {"ok": False, "error": f"{type(error).__name__}: {error}"[:300]}
            took = time.time() - started
            lines.write(json.dumps({"t": started, "s": round(took, 4), **outcome}) + "\n")
            lines.flush()
            time.sleep(0.05)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
