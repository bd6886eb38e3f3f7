"""The starter gazetteer ctsearch ships with (``data/starter_gazetteer.toml``).

``read()`` gives its actors, venues and topics as ``entries`` records, and the blocker phrases;
``ACTORS``, ``VENUES``, ``TOPICS`` and ``BLOCKERS`` are the shipped file read once.
``load_starter()`` (``manage.py load_gazetteer``) puts it into the curated tables without
overwriting what curators changed: an entry whose slug is already there is kept exactly as it
is (its names, aliases, links), and only missing entries are created. So an entry a curator
deleted comes back at the next load; to retire one for good, also take it out of the file.
Blockers are not curated in the admin: the tagger always reads them from this file.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from .entries import Actor, Topic, Venue

DATA_FILE = Path(__file__).resolve().parent / "data" / "starter_gazetteer.toml"


@dataclass(frozen=True)
class StarterGazetteer:
    actors: tuple[Actor, ...]
    venues: tuple[Venue, ...]
    topics: tuple[Topic, ...]
    blockers: tuple[str, ...]


def _frozen(value: Any) -> Any:
    # TOML arrays become the tuples the entry records hold.
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return {k: _frozen(v) for k, v in value.items()}
    return value


def _records(cls: type, rows: list[dict[str, Any]], where: Path) -> tuple:
    known = {f.name for f in fields(cls)}
    out = []
    for row in rows:
        unknown = set(row) - known
        if unknown:  # a misspelt key would silently drop data
            raise ValueError(f"{where}: {row.get('slug')!r} has unknown fields {sorted(unknown)}")
        out.append(cls(**{k: _frozen(v) for k, v in row.items()}))
    return tuple(out)


def read(path: Path = DATA_FILE) -> StarterGazetteer:
    """The starter gazetteer in ``path`` (the shipped file by default)."""
    with path.open("rb") as f:
        raw = tomllib.load(f)
    return StarterGazetteer(
        actors=_records(Actor, raw.get("actors", []), path),
        venues=_records(Venue, raw.get("venues", []), path),
        topics=_records(Topic, raw.get("topics", []), path),
        blockers=tuple(raw.get("blockers", [])),
    )


_SHIPPED = read()
ACTORS: tuple[Actor, ...] = _SHIPPED.actors
VENUES: tuple[Venue, ...] = _SHIPPED.venues
TOPICS: tuple[Topic, ...] = _SHIPPED.topics
BLOCKERS: tuple[str, ...] = _SHIPPED.blockers


_ENTRIES = ("actors", "venues", "topics")


@dataclass
class LoadReport:
    """Per kind, the entries a load created and those it kept (present, left as they were)."""

    created: dict[str, int] = field(default_factory=lambda: dict.fromkeys((*_ENTRIES, "links"), 0))
    kept: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_ENTRIES, 0))

    def __str__(self) -> str:
        parts = [
            f"{kind}: {self.created[kind]} created, {self.kept[kind]} kept" for kind in _ENTRIES
        ]
        return "; ".join([*parts, f"links: {self.created['links']} created"])


def load_starter(starter: StarterGazetteer | None = None, *, dry_run: bool = False) -> LoadReport:
    """Create the starter entries missing from the tables; never modify one that is there.

    Links are created for the actors this load creates (an existing actor's links are the
    curators'). With ``dry_run`` nothing is written; the report says what would be.
    """
    from django.db import transaction

    from .. import models

    starter = starter or _SHIPPED
    report = LoadReport()
    with transaction.atomic():
        venues = {}
        for v in starter.venues:
            venues[v.slug], created = models.Venue.objects.get_or_create(
                slug=v.slug,
                defaults={
                    "kind": v.kind,
                    "name_ar": v.name_ar,
                    "name_en": v.name_en,
                    "aliases": list(v.aliases),
                    "ambiguous": list(v.ambiguous),
                    "country": v.country or "",
                    "latitude": v.lat,
                    "longitude": v.lon,
                },
            )
            report.created["venues"] += created
            report.kept["venues"] += not created
        actors, new_actors = {}, set()
        for a in starter.actors:
            actors[a.slug], created = models.Actor.objects.get_or_create(
                slug=a.slug,
                defaults={
                    "kind": a.kind,
                    "name_ar": a.name_ar,
                    "name_en": a.name_en,
                    "aliases": list(a.aliases),
                    "ambiguous": list(a.ambiguous),
                    "place": venues.get(a.place) if a.place else None,
                },
            )
            if created:
                new_actors.add(a.slug)
            report.created["actors"] += created
            report.kept["actors"] += not created
        for a in starter.actors:
            if a.slug not in new_actors:
                continue
            for relation, targets in a.links.items():
                for target in targets:
                    if target in actors:
                        _, created = models.ActorLink.objects.get_or_create(
                            actor=actors[a.slug], relation=relation, target=actors[target]
                        )
                        report.created["links"] += created
        topics = {}
        for t in starter.topics:  # parents come before children in the data
            topics[t.slug], created = models.Topic.objects.get_or_create(
                slug=t.slug,
                defaults={
                    "name_ar": t.name_ar,
                    "name_en": t.name_en,
                    "parent": topics.get(t.parent) if t.parent else None,
                    "cues": list(t.cues),
                    "cue_sets": [[list(group) for group in s] for s in t.cue_sets],
                },
            )
            report.created["topics"] += created
            report.kept["topics"] += not created
        if dry_run:
            transaction.set_rollback(True)
    return report
