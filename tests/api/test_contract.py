"""docs/openapi.yaml against the real server: Schemathesis generates requests from the contract
(valid ones and, in negative mode, ones the contract forbids) and runs every one of its checks
on the answers: no 5xx, documented status codes, content types, headers and bodies, invalid
input refused, valid input accepted, undeclared methods answered 405.

The server is Django's threaded WSGI server on 127.0.0.1 in this process, over the real
PostgreSQL and OpenSearch holding the API suite's corpus; a logged-in researcher's session and
CSRF token go with every request, so the saved-search operations are exercised too. The default
budget keeps the run near a minute; CTSEARCH_FUZZ=long runs a few hundred examples per
operation."""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from articles.models import Article, IndexChange, Source
from articles.search.client import get_client
from tests.conftest import delete_test_indices, ensure_starter_gazetteer
from tests.factories import make_researcher

SPEC = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
LONG = os.environ.get("CTSEARCH_FUZZ") == "long"
EXAMPLES = 300 if LONG else 20

schema = schemathesis.openapi.from_path(SPEC)
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=EXAMPLES
)


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args) -> None:  # thousands of requests: keep the test output short
        pass


@pytest.fixture(scope="module")
def articles(django_db_setup, django_db_blocker, seeds_dir) -> Iterator[None]:
    """The five seed articles, committed and indexed (a few are enough for the contract)."""
    with django_db_blocker.unblock():
        ensure_starter_gazetteer()
        get_client.cache_clear()
        delete_test_indices(get_client())
        call_command("ingest", str(seeds_dir), "--source", "seeds", "--no-progress")
        yield
        Article.objects.all().delete()
        Source.objects.all().delete()
        IndexChange.objects.all().delete()
        delete_test_indices(get_client())


@pytest.fixture(scope="module")
def server(articles, django_db_blocker) -> Iterator[str]:
    """The real application on a free loopback port, for this module's tests."""
    with django_db_blocker.unblock():
        httpd = ThreadedWSGIServer(("127.0.0.1", 0), _QuietHandler, allow_reuse_address=False)
        httpd.set_app(WSGIHandler())
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{httpd.server_address[1]}"
        finally:
            httpd.shutdown()
            httpd.server_close()


@pytest.fixture(scope="module")
def session(server, django_db_blocker) -> Iterator[requests.Session]:
    """A researcher's session and CSRF token (cookie and header), as the site's own pages send."""
    with django_db_blocker.unblock():
        user = make_researcher("contract")
        client = Client()
        client.force_login(user)
        token = secrets.token_hex(16)  # an unmasked 32-character secret, as Django accepts
        http = requests.Session()
        http.cookies.set("sessionid", client.cookies["sessionid"].value, domain="127.0.0.1")
        http.cookies.set("csrftoken", token, domain="127.0.0.1")
        http.headers["X-CSRFToken"] = token
        try:
            yield http
        finally:
            http.close()
            user.delete()


@schema.parametrize()
@settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_the_server_keeps_the_contract(case, server, session):
    # A generous timeout: the engine shares two cores with other test runs.
    case.call_and_validate(
        base_url=server, session=session, excluded_checks=cross_field_rules(case), timeout=60
    )


def cross_field_rules(case) -> list:
    """The one rule JSON Schema cannot state, stated in the contract's words instead: page ×
    page_size may not pass 10,000 results. Such a request is valid field by field, and the
    server's documented 400 for it is right, so only the "valid data is accepted" check is
    left out for it; every other check still runs."""
    if case.operation.path != "/api/v1/search" or not isinstance(case.query, dict):
        return []
    try:
        page = int(case.query.get("page") or 1)
        size = int(case.query.get("page_size") or 20)
    except (TypeError, ValueError):
        return []
    return [positive_data_acceptance] if page * size > 10_000 else []
