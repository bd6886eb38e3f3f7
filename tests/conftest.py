"""Fixtures shared by every test. The tests talk to the real PostgreSQL, OpenSearch and Redis
that `make services` starts; nothing here mocks them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# The browser fixture (Debian's chromium) for every suite with pages.
pytest_plugins = ["tests.browser"]

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CTSEARCH_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "seeds").is_dir():
        pytest.skip(f"../shared is not beside the checkout ({SHARED})")
    return SHARED


@pytest.fixture(scope="session")
def seeds_dir(shared_dir: Path) -> Path:
    return shared_dir / "seeds"


@pytest.fixture(scope="session")
def saudinewsnet_dir(shared_dir: Path) -> Path:
    return shared_dir / "corpora" / "saudinewsnet"


@pytest.fixture
def search_index(settings):
    """A fresh, empty articles index for this test (own prefix; the demo index is untouched)."""
    from articles.search.client import get_client
    from articles.search.indexer import ensure_index

    get_client.cache_clear()
    client = get_client()
    delete_test_indices(client)
    ensure_index()
    yield client
    delete_test_indices(client)


def delete_test_indices(client, kind: str = "articles") -> None:
    """This run's indices of one kind ("articles", "alert_queries")."""
    # The node refuses wildcard deletes (action.destructive_requires_name): name each index.
    from django.conf import settings

    pattern = f"{settings.OPENSEARCH_INDEX_PREFIX}_{kind}*"
    for name in client.indices.get(index=pattern, expand_wildcards="all"):
        client.indices.delete(index=name)


def ensure_starter_gazetteer() -> None:
    """Tests that flush the database (transactional tests, live_server) also empty the tables
    the starter gazetteer migration filled; put it back before a test that may tag."""
    from articles.enrichment.starter import load_starter
    from articles.models import Actor

    if not Actor.objects.exists():
        load_starter()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language: a request through the test client
    leaves its language active in the thread (an English page before a test that reads labels
    gave it English labels)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_gazetteer_reads():
    """Searches may read a gazetteer up to READ_MAX_AGE seconds old; between tests the
    tables are rolled back, which in production terms is an edit long ago."""
    from articles.enrichment import gazetteer
    from articles.search import labels

    gazetteer.invalidate()
    labels.forget_source_names()  # the same for the sources' names


@pytest.fixture(autouse=True)
def _starter_gazetteer(request):
    uses_db = request.node.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
        "live_server",
    } & set(request.fixturenames)
    if uses_db:
        request.getfixturevalue("transactional_db" if _is_transactional(request) else "db")
        ensure_starter_gazetteer()


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(
        (marker and marker.kwargs.get("transaction"))
        or {"transactional_db", "live_server"} & set(request.fixturenames)
    )
