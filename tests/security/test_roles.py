"""What each role may and may not do, on the pages and the APIs. Roles are the groups of
migration 0005: researcher (search, export, saved searches and alerts), curator (all that, plus
sources, collections, feeds and the gazetteer), an account without a role (nothing), and the
anonymous visitor (search only when ANONYMOUS_SEARCH is on; never saved searches)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.factories import make_researcher, with_role

pytestmark = pytest.mark.django_db

SEARCHING = ["/en/", "/api/v1/search", "/export.csv"]
OWN_SEARCHES = ["/en/searches/", "/api/v1/saved-searches"]
CURATING = ["/en/collection/health/"]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def save(client: Client) -> int:
    return client.post(
        "/api/v1/saved-searches",
        json.dumps({"name": "داعش", "query": "q=داعش", "alert": {"cadence": "daily"}}),
        content_type="application/json",
    ).status_code


def test_an_account_without_a_role_may_do_nothing(django_user_model, search_index):
    client = signed_in(django_user_model.objects.create_user("nobody"))
    for url in [*SEARCHING, *OWN_SEARCHES, *CURATING, "/api/v1/articles/1"]:
        assert client.get(url).status_code == 403, url
    assert save(client) == 403


def test_a_researcher_searches_exports_and_saves_but_curates_nothing(search_index):
    client = signed_in(make_researcher("r"))
    for url in [*SEARCHING, *OWN_SEARCHES]:
        assert client.get(url).status_code == 200, url
    assert save(client) == 201
    assert client.get("/en/alerts/").status_code == 200
    for url in CURATING:
        assert client.get(url).status_code == 403, url
    assert client.get("/en/admin/articles/source/").status_code == 302  # not staff


def test_a_curator_may_also_curate(django_user_model, search_index):
    curator = with_role(django_user_model.objects.create_user("c", is_staff=True), "curator")
    client = signed_in(curator)
    for url in [*SEARCHING, *OWN_SEARCHES, *CURATING, "/en/admin/articles/source/"]:
        assert client.get(url).status_code == 200, url
    assert save(client) == 201
    assert client.get("/en/admin/auth/user/").status_code == 403  # users are the admins'


def test_anonymous_visitors_follow_the_setting(settings, search_index):
    visitor = Client()
    settings.ANONYMOUS_SEARCH = False
    assert visitor.get("/en/").status_code == 302  # to the login form
    assert visitor.get("/api/v1/search").status_code == 401
    assert visitor.get("/export.csv").status_code == 302
    settings.ANONYMOUS_SEARCH = True
    for url in SEARCHING:
        assert visitor.get(url).status_code == 200, url
    # Saved searches belong to an account, whatever the setting.
    assert visitor.get("/api/v1/saved-searches").status_code == 401
    assert visitor.get("/en/searches/").status_code == 302
