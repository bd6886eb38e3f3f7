"""The environment a benchmark process runs in: its own database, index prefix and Redis
database, so demo and test data are never touched."""

from __future__ import annotations


def bench_environment(database: str = "ctsearch_bench") -> dict[str, str]:
    """Variables for a benchmark run whose database and index prefix are ``database``."""
    return {
        "DJANGO_SETTINGS_MODULE": "ctsearch.settings",
        "DATABASE_URL": f"postgres://ctsearch@127.0.0.1:55432/{database}",
        "OPENSEARCH_INDEX_PREFIX": database,
        "REDIS_URL": "redis://127.0.0.1:56379/2",
        "ANONYMOUS_SEARCH": "1",
        # As deployed: with DEBUG on, Django copies every statement's SQL (megabytes per
        # ingest batch).
        "DEBUG": "0",
    }
