"""A throwaway index of the real mapping holding a test module's documents, on this
checkout's engine: for tests that send compiled DSL straight to OpenSearch."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from opensearchpy import OpenSearch, helpers

from articles.search.index import index_body

URL = settings.OPENSEARCH_URL.split(",")[0]


@contextmanager
def scratch_index(
    label: str, docs: list[dict], *, timeout: int = 30
) -> Iterator[tuple[OpenSearch, str]]:
    """``(client, index name)`` of a fresh index holding ``docs`` (searchable), deleted after."""
    client = OpenSearch(hosts=[URL], timeout=timeout)
    name = f"ctsearch_dev_{label}_{uuid.uuid4().hex[:10]}"
    client.indices.create(index=name, body=index_body())
    try:
        helpers.bulk(
            client,
            ({"_index": name, "_id": d["id"], "_source": d} for d in docs),
            refresh="wait_for",
        )
        yield client, name
    finally:
        client.indices.delete(index=name, ignore_unavailable=True)
