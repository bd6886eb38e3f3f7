"""/api/v1/saved-searches: list, create, update, delete; checked against docs/openapi.yaml."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from django.test import Client

from alerts.models import SavedSearch

from .helpers import make_user

pytestmark = pytest.mark.django_db

SPEC = yaml.safe_load((Path(__file__).parents[2] / "docs" / "openapi.yaml").read_text("utf-8"))


def schema(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}", "components": SPEC["components"]}


def check(payload, name: str) -> None:
    jsonschema.validate(payload, schema(name), cls=jsonschema.Draft202012Validator)


@pytest.fixture
def client():
    c = Client()
    c.force_login(make_user())
    return c


def post(client, url, body, method="post"):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def test_create_list_update_delete(client):
    created = post(
        client,
        "/api/v1/saved-searches",
        {
            "name": "داعش",
            "query": "q=داعش&date_from=2015-01-01",
            "alert": {"cadence": "instant", "language": "ar"},
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    check(body, "SavedSearch")
    assert body["alert"] == {
        "cadence": "instant",
        "language": "ar",
        "active": True,
        "volume": False,
    }
    assert body["query"].endswith("date_from=2015-01-01")

    listed = client.get("/api/v1/saved-searches").json()
    check(listed, "SavedSearchList")
    assert [s["name"] for s in listed["results"]] == ["داعش"]

    pk = body["id"]
    changed = post(
        client,
        f"/api/v1/saved-searches/{pk}",
        {"name": "داعش ٢", "alert": {"cadence": "daily", "active": False, "volume": True}},
        method="patch",
    )
    assert changed.status_code == 200
    check(changed.json(), "SavedSearch")
    assert changed.json()["alert"] == {
        "cadence": "daily",
        "language": "ar",
        "active": False,
        "volume": True,
    }

    assert client.delete(f"/api/v1/saved-searches/{pk}").status_code == 204
    assert not SavedSearch.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"query": "q=x"}, "name"),
        ({"name": "x", "query": "date_from=2015-13-01"}, "date_from"),
        ({"name": "x", "query": "q=x", "alert": {"cadence": "hourly"}}, "alert"),
        ({"name": "x", "query": "q=x", "alert": {"active": "yes"}}, "alert.active"),
        ({"name": "x", "query": "q=x", "alert": {"volume": 1}}, "alert.volume"),
        ({"name": 3}, "name"),
    ],
)
def test_bad_requests_are_400_naming_the_field(client, body, field):
    response = post(client, "/api/v1/saved-searches", body)
    assert response.status_code == 400
    check(response.json(), "Error")
    assert response.json()["error"]["field"] == field


def test_errors_401_404_409(client):
    assert Client().get("/api/v1/saved-searches").status_code == 401
    post(client, "/api/v1/saved-searches", {"name": "a", "query": ""})
    again = post(client, "/api/v1/saved-searches", {"name": "a", "query": ""})
    assert again.status_code == 409
    other = Client()
    other.force_login(make_user("other", "o@example.org"))
    pk = SavedSearch.objects.get().pk
    assert other.get(f"/api/v1/saved-searches/{pk}").status_code == 404
    assert other.delete(f"/api/v1/saved-searches/{pk}").status_code == 404
