"""The starter gazetteer in the database: migration 0003 (frozen) and ``load_gazetteer``."""

from __future__ import annotations

import ast
import importlib
import tomllib
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

from articles.enrichment import starter
from articles.enrichment.starter import load_starter
from articles.models import Actor, ActorLink, Topic, Venue

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("articles.migrations.0003_starter_gazetteer")


def clear_gazetteer() -> None:
    ActorLink.objects.all().delete()
    Actor.objects.all().delete()
    Venue.objects.all().delete()
    Topic.objects.update(parent=None)  # parents are protected
    Topic.objects.all().delete()


def test_migration_0003_imports_no_live_code():
    tree = ast.parse(Path(MIGRATION.__file__).read_text(encoding="utf-8"))
    modules = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    modules |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert modules == {"tomllib", "pathlib", "django.db"}
    assert MIGRATION.SNAPSHOT.parent == Path(MIGRATION.__file__).parent / "data"


def test_migration_0003_creates_its_snapshot():
    snapshot = tomllib.loads(MIGRATION.SNAPSHOT.read_text(encoding="utf-8"))
    clear_gazetteer()
    MIGRATION.load(apps, None)
    assert (Actor.objects.count(), Venue.objects.count(), Topic.objects.count()) == (147, 138, 22)
    assert ActorLink.objects.count() == 82
    for a in snapshot["actors"]:
        row = Actor.objects.get(slug=a["slug"])
        assert (row.kind, row.name_ar, row.name_en) == (a["kind"], a["name_ar"], a["name_en"])
        assert (row.aliases, row.ambiguous) == (a.get("aliases", []), a.get("ambiguous", []))
        assert (row.place.slug if row.place else None) == a.get("place")
        links = {(link.relation, link.target.slug) for link in row.links.all()}
        assert links == {(r, t) for r, targets in a.get("links", {}).items() for t in targets}
    for v in snapshot["venues"]:
        row = Venue.objects.get(slug=v["slug"])
        assert (row.kind, row.name_ar, row.name_en) == (v["kind"], v["name_ar"], v["name_en"])
        assert (row.aliases, row.ambiguous) == (v.get("aliases", []), v.get("ambiguous", []))
        assert (row.country, row.latitude, row.longitude) == (
            v.get("country", ""),
            v.get("lat"),
            v.get("lon"),
        )
    for t in snapshot["topics"]:
        row = Topic.objects.get(slug=t["slug"])
        assert (row.name_ar, row.name_en) == (t["name_ar"], t["name_en"])
        assert (row.parent.slug if row.parent else None) == t.get("parent")
        assert (row.cues, row.cue_sets) == (t.get("cues", []), t.get("cue_sets", []))


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_gazetteer", *args, stdout=out)
    return out.getvalue()


def test_load_on_a_full_gazetteer_creates_nothing():
    report = load_starter()
    assert report.created == {"actors": 0, "venues": 0, "topics": 0, "links": 0}
    assert report.kept == {"actors": 147, "venues": 138, "topics": 22}


def test_load_gazetteer_keeps_curators_edits_and_recreates_deleted_entries():
    isis = Actor.objects.get(slug="isis")
    isis.name_en, isis.aliases = "ISIS (curated)", ["داعش"]
    isis.save()
    ActorLink.objects.filter(actor__slug="aqap").delete()  # a curator removed a link
    terrorism = Topic.objects.get(slug="counter-terrorism")
    terrorism.cues = ["مكافحة الإرهاب"]
    terrorism.save()
    Venue.objects.get(slug="rome").delete()
    Actor.objects.get(slug="hts").delete()

    out = load()

    assert "actors: 1 created, 146 kept; venues: 1 created, 137 kept" in out
    isis.refresh_from_db()
    assert (isis.name_en, isis.aliases) == ("ISIS (curated)", ["داعش"])
    assert not ActorLink.objects.filter(actor__slug="aqap").exists()
    assert Topic.objects.get(slug="counter-terrorism").cues == ["مكافحة الإرهاب"]
    # deleted entries come back as the starter has them, links included
    rome = Venue.objects.get(slug="rome")
    shipped = next(v for v in starter.VENUES if v.slug == "rome")
    assert (rome.name_ar, rome.aliases, rome.latitude) == (
        shipped.name_ar,
        list(shipped.aliases),
        shipped.lat,
    )
    hts = Actor.objects.get(slug="hts")
    assert {(link.relation, link.target.slug) for link in hts.links.all()} == {
        ("successor_of", "al-nusra")
    }


def test_load_gazetteer_dry_run_writes_nothing():
    Venue.objects.get(slug="rome").delete()
    out = load("--dry-run")
    assert "dry run" in out and "venues: 1 created, 137 kept" in out
    assert not Venue.objects.filter(slug="rome").exists()
