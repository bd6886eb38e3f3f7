"""The environment a benchmark process runs in: its own database, index prefix and Redis
database, so demo and test data are never touched.

The services' ports come from the variables ops/services.sh reads (CTSEARCH_PG_PORT,
CTSEARCH_REDIS_PORT, CTSEARCH_OPENSEARCH_PORT), and the default database name (also the index
prefix) carries a hash of the checkout's path, so two checkouts can run `make bench` at once,
on the same services or on their own, without touching each other's data.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def default_bench_db() -> str:
    """``ctsearch_bench_<6 hex digits of this checkout's path>``."""
    return f"ctsearch_bench_{hashlib.sha1(str(REPO).encode()).hexdigest()[:6]}"


def ports() -> tuple[int, int, int]:
    """PostgreSQL, Redis and OpenSearch ports, as ops/services.sh chooses them."""
    return (
        int(os.environ.get("CTSEARCH_PG_PORT") or 55432),
        int(os.environ.get("CTSEARCH_REDIS_PORT") or 56379),
        int(os.environ.get("CTSEARCH_OPENSEARCH_PORT") or 59200),
    )


def bench_environment(database: str | None = None) -> dict[str, str]:
    """Variables for a benchmark run whose database and index prefix are ``database``."""
    database = database or default_bench_db()
    pg, redis, opensearch = ports()
    return {
        "DJANGO_SETTINGS_MODULE": "ctsearch.settings",
        "DATABASE_URL": f"postgres://ctsearch@127.0.0.1:{pg}/{database}",
        "OPENSEARCH_URL": f"http://127.0.0.1:{opensearch}",
        "OPENSEARCH_INDEX_PREFIX": database,
        "REDIS_URL": f"redis://127.0.0.1:{redis}/2",
        "ANONYMOUS_SEARCH": "1",
        # As deployed: with DEBUG on, Django copies every statement's SQL (megabytes per
        # ingest batch).
        "DEBUG": "0",
    }
