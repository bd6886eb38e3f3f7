from __future__ import annotations

import pytest

from tests.collection.site import Site, saudinewsnet_articles


@pytest.fixture(scope="session")
def httpserver_listen_address():
    return ("127.0.0.1", 0)


@pytest.fixture
def site(httpserver, settings) -> Site:
    """The local news site; the collector may reach it (and only it) despite the guard."""
    settings.COLLECTION_ALLOWED_HOSTS = [f"127.0.0.1:{httpserver.port}"]
    settings.COLLECTION_HOST_DELAY = 0
    settings.COLLECTION_TIMEOUT = 2
    return Site(httpserver)


@pytest.fixture(scope="session")
def snn_articles(saudinewsnet_dir):
    if not (saudinewsnet_dir / "2015-07-23.zip").exists():
        pytest.skip("SaudiNewsNet corpus not in ../shared")
    return saudinewsnet_articles(saudinewsnet_dir, 8)
