"""Enrichment in the database: tags at ingest, curators' decisions, gazetteer edits,
story clusters and alias expansion in search."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from articles import actions
from articles.enrichment import gazetteer
from articles.enrichment.stored import final_tags, retag
from articles.models import Actor, Article, TagOverride, Topic, Venue
from articles.tasks import retag_for_entry_task
from tests.factories import make_researcher

pytestmark = pytest.mark.django_db


def ingest(*args) -> None:
    call_command("ingest", *map(str, args), "--no-progress")


def seed(prefix: str) -> Article:
    return Article.objects.get(key__startswith=f"file:{prefix}_")


def test_starter_gazetteer_is_large_enough():
    assert Actor.objects.count() >= 80
    assert Venue.objects.count() >= 50
    assert Topic.objects.count() >= 15
    assert Topic.objects.filter(parent__isnull=False).exists()


def test_ingest_tags_articles_with_evidence(seeds_dir, search_index):
    ingest(seeds_dir, "--source", "seeds")
    rome = seed("002")
    tags = final_tags(rome.tags, [])
    assert {"antony-blinken", "global-coalition", "isis"} <= tags.slugs("actors")
    assert "rome" in tags.slugs("venues")
    assert all(hit.evidence for hit in tags.actors)
    assert rome.tags_version == gazetteer.current()[0]
    assert any(d.isoformat() == "2021-06-28" for d in rome.event_dates)


def test_republished_column_is_one_story(seeds_dir, search_index):
    ingest(seeds_dir, "--source", "seeds")
    assert seed("000").story_id == seed("001").story_id
    others = {seed(p).story_id for p in ("002", "003", "004")}
    assert seed("000").story_id not in others and len(others) == 3


def test_curator_decisions_survive_retagging(seeds_dir, search_index):
    ingest(seeds_dir, "--source", "seeds")
    un = seed("004")
    actions.set_tag_override(un.pk, "actors", "interpol", "remove", note="only mentioned")
    actions.set_tag_override(un.pk, "venues", "new-york", "add", note="UN headquarters")
    retag([un.pk])
    call_command("retag", "--all")
    un.refresh_from_db()
    tags = final_tags(un.tags, un.tag_overrides.all())
    assert "interpol" not in tags.slugs("actors")
    assert "new-york" in tags.slugs("venues")
    assert "interpol" in {hit["slug"] for hit in un.tags["actors"]}  # the tagger still sees it
    assert TagOverride.objects.filter(article=un).count() == 2


def test_gazetteer_edit_retags_affected_articles(seeds_dir, search_index):
    ingest(seeds_dir, "--source", "seeds")
    assert not any(h["slug"] == "hespress-test" for h in seed("001").tags.get("actors", []))
    Actor.objects.create(
        slug="hespress-test",
        kind="other",
        name_ar="هسبريس",
        name_en="Hespress",
        aliases=["مقصود كروز"],
    )
    changed = retag_for_entry_task("actors", "hespress-test", ["مقصود كروز"])
    assert changed >= 2  # 000 and 001 name him
    assert any(h["slug"] == "hespress-test" for h in seed("001").tags["actors"])
    assert seed("002").tags_version != seed("001").tags_version  # untouched articles stay


def test_search_collapses_stories_and_expands_aliases(
    seeds_dir, search_index, client, django_user_model
):
    client.force_login(make_researcher("r"))
    ingest(seeds_dir, "--source", "seeds")
    collapsed = client.get("/api/v1/search", {"q": "بلمختار"}).json()
    assert collapsed["total"] == 2 and collapsed["total_stories"] == 1
    (result,) = collapsed["results"]
    assert result["story"]["size"] == 2
    every_copy = client.get("/api/v1/search", {"q": "بلمختار", "all_copies": "1"}).json()
    assert len(every_copy["results"]) == 2

    # «ISIS» appears in no seed, but it is an alias of داعش, which all five name.
    assert client.get("/api/v1/search", {"q": "ISIS"}).json()["total"] == 5
    assert client.get("/api/v1/search", {"q": "ISIS", "expand": "0"}).json()["total"] == 0
    assert client.get("/api/v1/search", {"q": "ISIS", "exact": "1"}).json()["total"] == 0

    facets = client.get("/api/v1/search", {"q": "داعش"}).json()["facets"]
    actors = {v["key"]: v for v in facets["actor"]}
    assert actors["isis"]["count"] == 5
    assert actors["isis"]["label"]  # Arabic by default
    marrakech = client.get("/api/v1/search", {"venue": "marrakech"}).json()
    assert [r["title"][:2] for r in marrakech["results"]] == ["84"]
