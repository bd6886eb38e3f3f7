"""The starter gazetteer as it shipped with this migration: 147 actors, 138 venues, 22 topics.

Self-contained on purpose: it reads its own frozen copy of the data (data/
0003_starter_gazetteer.toml) with the historical models, so later changes to the live starter
file (articles/enrichment/data/starter_gazetteer.toml) or its loader never change what a fresh
``migrate`` creates. Entries already present are left alone.
"""

import tomllib
from pathlib import Path

from django.db import migrations

SNAPSHOT = Path(__file__).resolve().parent / "data" / "0003_starter_gazetteer.toml"


def load(apps, schema_editor):
    with SNAPSHOT.open("rb") as f:
        data = tomllib.load(f)
    Actor = apps.get_model("articles", "Actor")
    ActorLink = apps.get_model("articles", "ActorLink")
    Venue = apps.get_model("articles", "Venue")
    Topic = apps.get_model("articles", "Topic")

    venues = {}
    for v in data["venues"]:
        venues[v["slug"]], _ = Venue.objects.get_or_create(
            slug=v["slug"],
            defaults={
                "kind": v["kind"],
                "name_ar": v["name_ar"],
                "name_en": v["name_en"],
                "aliases": v.get("aliases", []),
                "ambiguous": v.get("ambiguous", []),
                "country": v.get("country") or "",
                "latitude": v.get("lat"),
                "longitude": v.get("lon"),
            },
        )
    actors = {}
    for a in data["actors"]:
        actors[a["slug"]], _ = Actor.objects.get_or_create(
            slug=a["slug"],
            defaults={
                "kind": a["kind"],
                "name_ar": a["name_ar"],
                "name_en": a["name_en"],
                "aliases": a.get("aliases", []),
                "ambiguous": a.get("ambiguous", []),
                "place": venues.get(a["place"]) if a.get("place") else None,
            },
        )
    for a in data["actors"]:
        for relation, targets in a.get("links", {}).items():
            for target in targets:
                if target in actors:
                    ActorLink.objects.get_or_create(
                        actor=actors[a["slug"]], relation=relation, target=actors[target]
                    )
    topics = {}
    for t in data["topics"]:  # parents come before children in the data
        topics[t["slug"]], _ = Topic.objects.get_or_create(
            slug=t["slug"],
            defaults={
                "name_ar": t["name_ar"],
                "name_en": t["name_en"],
                "parent": topics.get(t["parent"]) if t.get("parent") else None,
                "cues": t.get("cues", []),
                "cue_sets": t.get("cue_sets", []),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_enrichment")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
