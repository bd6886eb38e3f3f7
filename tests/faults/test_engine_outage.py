"""Fault injection: the real OpenSearch node is stopped in the middle of work.

Articles must still be saved, their index changes kept, and search must converge once the
engine is back and the outbox drains. Only possible against the node ops/services.sh runs.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.models import Article, IndexChange
from articles.search import indexer
from articles.search.client import get_client
from tests.factories import make_researcher

REPO = Path(__file__).resolve().parents[2]
SERVICES = REPO / "ops" / "services.sh"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        bool(os.environ.get("OPENSEARCH_URL")),
        reason="OPENSEARCH_URL names an external cluster, which tests must not stop",
    ),
]


def services(action: str) -> None:
    subprocess.run([str(SERVICES), action], check=True, capture_output=True, timeout=240)


def test_engine_stopped_mid_ingest_loses_nothing(seeds_dir, search_index, researcher_client):
    services("stop-opensearch")
    try:
        get_client.cache_clear()
        call_command("ingest", str(seeds_dir), "--source", "seeds", "--no-progress")
        assert Article.objects.count() == 5
        assert IndexChange.objects.count() == 5
        assert researcher_client.get("/api/v1/search", {"q": "داعش"}).status_code == 503
    finally:
        services("start-opensearch")
        get_client.cache_clear()

    assert researcher_client.get("/healthz").status_code == 200
    indexer.drain(refresh=True)
    assert not IndexChange.objects.exists()
    response = researcher_client.get("/api/v1/search", {"q": "داعش", "source": "seeds"})
    assert response.status_code == 200
    assert response.json()["total"] == 5


@pytest.fixture
def researcher_client(client, django_user_model):
    client.force_login(make_researcher("r"))
    return client
