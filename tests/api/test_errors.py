"""Every kind of error under /api/ is the documented JSON ``{"error": {"field", "message"}}``,
whichever layer produces it: the views (400, 401, 404, 503), Django's URL resolver (404), the
method check (405 with Allow), the CSRF check (403) and Django's own request checks (400)."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
import yaml
from django.test import Client

from articles.search.client import get_client
from tests.factories import make_researcher

pytestmark = pytest.mark.django_db

SPEC = yaml.safe_load((Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml").read_text())


def documented_error(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    body = response.json()
    jsonschema.validate(
        body,
        {"$ref": "#/components/schemas/Error", "components": SPEC["components"]},
        cls=jsonschema.Draft202012Validator,
    )
    return body["error"]


@pytest.fixture
def user():
    return make_researcher("errors")


@pytest.fixture
def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_400_for_a_parameter_names_the_field(signed_in, search_index):
    assert documented_error(signed_in.get("/api/v1/search?page=abc"), 400)["field"] == "page"
    assert documented_error(signed_in.get("/api/v1/search?expand=maybe"), 400)["field"] == "expand"
    # A control character is not removed from a keyword to leave a valid one (found by the
    # long Schemathesis run: all_copies=%17 read as all_copies left out).
    for query in ("all_copies=%17", "page=%202", "sort=newest%00"):
        field = query.split("=")[0]
        assert documented_error(signed_in.get(f"/api/v1/search?{query}"), 400)["field"] == field
    body = '{"name": "' + "x" * 201 + '"}'  # was a 500 (DataError) before the name was checked
    response = signed_in.post("/api/v1/saved-searches", body, content_type="application/json")
    assert documented_error(response, 400)["field"] == "name"


def test_400_from_django_itself_is_json_too(signed_in):
    documented_error(signed_in.get("/api/v1/search", HTTP_HOST="evil.example"), 400)


def test_401_without_a_session():
    documented_error(Client().get("/api/v1/search?q=x"), 401)
    documented_error(Client().get("/api/v1/articles/1"), 401)
    documented_error(Client().get("/api/v1/saved-searches"), 401)
    documented_error(Client().delete("/api/v1/saved-searches/1"), 401)


def test_403_for_an_account_without_the_role(django_user_model):
    client = Client()
    client.force_login(django_user_model.objects.create_user("no-role"))
    assert "researcher" in documented_error(client.get("/api/v1/search"), 403)["message"]
    documented_error(client.get("/api/v1/saved-searches"), 403)


def test_403_for_a_write_without_the_csrf_token(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(
        "/api/v1/saved-searches", {"name": "n", "query": "q=x"}, content_type="application/json"
    )
    assert "CSRF" in documented_error(response, 403)["message"]


def test_404_for_unknown_paths_and_ids(signed_in):
    documented_error(signed_in.get("/api/v1/no-such-thing"), 404)
    documented_error(signed_in.get("/api/v1/articles/999999999"), 404)
    documented_error(signed_in.get("/api/v1/articles/99999999999999999999"), 404)
    documented_error(signed_in.get("/api/v1/saved-searches/999999"), 404)


def test_405_names_the_allowed_methods(signed_in):
    response = signed_in.delete("/api/v1/search")
    documented_error(response, 405)
    assert response["Allow"] == "GET"
    response = signed_in.put("/api/v1/saved-searches/1", "{}", content_type="application/json")
    documented_error(response, 405)
    assert response["Allow"] == "GET, PATCH, DELETE"


def test_503_when_the_engine_is_down(signed_in, settings):
    settings.OPENSEARCH_URL = "http://127.0.0.1:9"  # nothing listens there: the engine is "down"
    settings.OPENSEARCH_TIMEOUT = 1
    get_client.cache_clear()
    try:
        documented_error(signed_in.get("/api/v1/search?q=داعش"), 503)
    finally:
        get_client.cache_clear()
