"""The source workflow, collections as a search facet, the audit log and the two roles."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
import yaml
from auditlog.models import LogEntry
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction

from articles import actions
from articles.models import Article, Collection, IndexChange, Source, SourceStatusChange
from articles.search import indexer
from articles.search.request import SearchRequest
from articles.search.service import search
from tests.factories import make_article, make_researcher, make_source

pytestmark = pytest.mark.django_db
SPEC = yaml.safe_load((Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml").read_text())


# --- workflow ------------------------------------------------------------------------------


def test_status_changes_are_logged_with_who_when_why(django_user_model):
    curator = django_user_model.objects.create_user("cur")
    source = actions.create_source(slug="new-one", name="جديد", reason="suggested", user=curator)
    assert source.status == "proposed"
    actions.change_source_status(source.pk, "active", reason="checked", user=curator)
    actions.change_source_status(source.pk, "paused", reason="site down", user=curator)
    log = list(SourceStatusChange.objects.filter(source=source).order_by("changed_at", "id"))
    assert [(c.from_status, c.to_status, c.reason) for c in log] == [
        ("", "proposed", "suggested"),
        ("proposed", "active", "checked"),
        ("active", "paused", "site down"),
    ]
    assert all(c.changed_by == curator and c.changed_at for c in log)


def test_invalid_moves_and_missing_reasons_are_refused():
    source = make_source(status="proposed")
    with pytest.raises(actions.InvalidTransition):
        actions.change_source_status(source.pk, "paused", reason="no")
    with pytest.raises(actions.InvalidTransition):
        actions.change_source_status(source.pk, "active", reason="  ")
    with pytest.raises(IntegrityError), transaction.atomic():
        Source.objects.filter(pk=source.pk).update(status="deleted")
    with pytest.raises(IntegrityError), transaction.atomic():
        SourceStatusChange.objects.create(source=source, from_status="x", to_status="x", reason="r")


def test_retired_sources_articles_stay_searchable(search_index):
    article = make_article(source=make_source(slug="old", status="active"))
    actions.record_index_changes([article.pk])
    actions.change_source_status(article.source_id, "retired", reason="closed in 2016")
    indexer.drain(refresh=True)
    assert search(SearchRequest(filters={"source": ("old",)})).total == 1


# --- collections as a facet ------------------------------------------------------------------


def test_collection_facet_in_search_and_api(search_index, client, django_user_model):
    gulf = Collection.objects.create(slug="gulf", name_ar="صحافة الخليج", name_en="Gulf press")
    in_gulf = make_source(slug="riyadh")
    other = make_source(slug="rabat")
    ids = [make_article(source=in_gulf).pk, make_article(source=other).pk]
    assert actions.set_source_collections(in_gulf.pk, [gulf.pk])
    actions.record_index_changes(ids)
    indexer.drain(refresh=True)

    found = search(SearchRequest(filters={"collection": ("gulf",)}))
    assert found.total == 1 and found.results[0]["source"]["key"] == "riyadh"
    facet = search(SearchRequest()).facets["collection"]
    assert facet == [{"key": "gulf", "label": "صحافة الخليج", "count": 1, "selected": False}]

    client.force_login(make_researcher("r"))
    payload = client.get("/api/v1/search", {"collection": "gulf", "lang": "en"}).json()
    jsonschema.validate(
        payload,
        {"$ref": "#/components/schemas/SearchResponse", "components": SPEC["components"]},
        cls=jsonschema.Draft202012Validator,
    )
    assert payload["total"] == 1
    assert payload["facets"]["collection"][0]["label"] == "Gulf press"


def test_changing_a_sources_collections_reindexes_its_articles(search_index):
    maghreb = Collection.objects.create(slug="maghreb", name_ar="المغرب", name_en="Maghreb")
    source = make_source(slug="hespress")
    article = make_article(source=source)
    IndexChange.objects.all().delete()
    actions.set_source_collections(source.pk, [maghreb.pk])
    assert list(IndexChange.objects.values_list("article_id", flat=True)) == [article.pk]
    assert not actions.set_source_collections(source.pk, [maghreb.pk])  # no change, no work
    indexer.drain(refresh=True)
    assert search(SearchRequest(filters={"collection": ("maghreb",)})).total == 1
    actions.delete_collection(maghreb.pk)
    indexer.drain(refresh=True)
    assert search(SearchRequest(filters={"collection": ("maghreb",)})).total == 0


# --- audit log -------------------------------------------------------------------------------


def test_curation_changes_are_in_the_audit_log(django_user_model):
    source = make_source(slug="audited")
    actions.change_source_status(source.pk, "paused", reason="test")
    entry = LogEntry.objects.get_for_object(source).filter(action=LogEntry.Action.UPDATE).first()
    assert entry.changes_dict["status"] == ["active", "paused"]

    article = make_article(source=source)
    actions.set_article_status([article.pk], Article.Status.HIDDEN)
    hidden = LogEntry.objects.get_for_object(article).order_by("-timestamp").first()
    assert hidden.changes_dict["status"] == ["visible", "hidden"]


def test_admin_audit_log_records_who_and_is_filterable(client, django_user_model):
    curator = _curator(django_user_model)
    client.force_login(curator)
    source = make_source(slug="edited", name="قبل")
    response = client.post(
        f"/en/admin/articles/source/{source.pk}/change/",
        {
            "slug": "edited",
            "name": "بعد",
            "language": "ar",
            "status_changes-TOTAL_FORMS": "0",
            "status_changes-INITIAL_FORMS": "0",
            "new_status": "paused",
            "status_reason": "outage",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    source.refresh_from_db()
    assert (source.name, source.status) == ("بعد", "paused")
    entries = LogEntry.objects.get_for_object(source).filter(action=LogEntry.Action.UPDATE)
    assert {e.actor for e in entries} == {curator}
    assert any(e.changes_dict.get("name") == ["قبل", "بعد"] for e in entries)
    listing = client.get("/en/admin/auditlog/logentry/", {"actor__id__exact": curator.pk})
    assert listing.status_code == 200 and "بعد" in listing.content.decode()
    other = client.get("/en/admin/auditlog/logentry/", {"actor__id__exact": curator.pk + 99})
    assert "بعد" not in other.content.decode()


# --- roles -----------------------------------------------------------------------------------


def _curator(django_user_model):
    user = django_user_model.objects.create_user("curator-1", is_staff=True)
    user.groups.add(Group.objects.get(name="curator"))
    return user


def _researcher(django_user_model):
    user = django_user_model.objects.create_user("researcher-1")
    user.groups.add(Group.objects.get(name="researcher"))
    return user


CURATOR_PAGES = [
    "/en/admin/articles/source/",
    "/en/admin/articles/source/add/",
    "/en/admin/articles/collection/add/",
    "/en/admin/articles/actor/add/",
    "/en/admin/articles/article/",
    "/en/admin/collection/feed/add/",
    "/en/admin/auditlog/logentry/",
]
ADMIN_ONLY = ["/en/admin/auth/user/", "/en/admin/auth/user/add/", "/en/admin/auth/group/"]


def test_curator_edits_curation_data_but_not_users(client, django_user_model):
    curator = _curator(django_user_model)
    for perm in ("articles.change_source", "collection.change_feed", "articles.change_topic"):
        assert curator.has_perm(perm)
    assert not curator.has_perm("auth.change_user")
    client.force_login(curator)
    for url in CURATOR_PAGES:
        assert client.get(url).status_code == 200, url
    for url in ADMIN_ONLY:
        assert client.get(url).status_code == 403, url
    article = make_article()
    hide = client.post(
        "/en/admin/articles/article/",
        {"action": "hide_articles", "_selected_action": [article.pk]},
    )
    assert hide.status_code == 302
    article.refresh_from_db()
    assert article.status == "hidden"


def test_researcher_searches_and_exports_but_curates_nothing(
    client, django_user_model, search_index
):
    researcher = _researcher(django_user_model)
    assert researcher.has_perm("articles.search_articles")
    assert researcher.has_perm("articles.export_articles")
    assert not researcher.has_perm("articles.change_source")
    assert not researcher.has_perm("collection.change_feed")
    client.force_login(researcher)
    assert client.get("/en/").status_code == 200
    assert client.get("/api/v1/search").status_code == 200
    assert client.get("/export.csv").status_code == 200
    for url in [*CURATOR_PAGES, *ADMIN_ONLY]:
        assert client.get(url).status_code == 302, url  # to the admin login: not staff
    assert client.get("/en/collection/health/").status_code == 403
    assert client.get("/collection/sources/add/").status_code == 403


def test_only_superusers_manage_users(client, django_user_model):
    admin = django_user_model.objects.create_superuser("boss", "b@example.org", "pw long pass")
    client.force_login(admin)
    for url in ADMIN_ONLY:
        assert client.get(url).status_code == 200
