"""The gazetteer entries the tagger consumes: actors, venues (places) and topics.

The starter data file (``starter``) and the curated tables (``gazetteer.compile_tables``) both
produce these records; ``matcher.Gazetteer.from_data`` also accepts dicts with the same fields.
Aliases are surface forms in ordinary spelling, any script: the tagger normalises them and
handles proclitics, and generates the «عبد X» / «عبدX», «أبو X» / «أبوX» spellings itself.
``ambiguous`` aliases never fire alone (see ``names``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any


@dataclass(frozen=True)
class Actor:
    slug: str
    kind: str  # armed_group, state, international_body, government_body, person, coalition, ...
    name_ar: str
    name_en: str
    aliases: tuple[str, ...] = ()
    ambiguous: tuple[str, ...] = ()
    #: relation -> slugs, e.g. {"affiliate_of": ("al-qaeda",)}; relations: affiliate_of,
    #: member_of, successor_of, part_of.
    links: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: for kind == "state": the slug of the country among the venues.
    place: str | None = None


@dataclass(frozen=True)
class Venue:
    slug: str
    kind: str  # city, country, region
    name_ar: str
    name_en: str
    aliases: tuple[str, ...] = ()
    country: str | None = None  # ISO 3166-1 alpha-2; None for multi-country regions
    lat: float | None = None
    lon: float | None = None
    ambiguous: tuple[str, ...] = ()
    #: for kind == "country": the state's slug among the actors.
    actor: str | None = None


@dataclass(frozen=True)
class Topic:
    slug: str
    name_ar: str
    name_en: str
    parent: str | None = None
    #: any one phrase is enough
    cues: tuple[str, ...] = ()
    #: groups of alternatives that must all occur in one paragraph: (("وسائل التواصل
    #: الاجتماعي", "الإنترنت"), ("تجنيد", "استقطاب")) = (A or B) and (C or D).
    cue_sets: tuple[tuple[tuple[str, ...], ...], ...] = ()


def as_record(x: Any) -> Any:
    """An entry given as a dict, with attribute access like the dataclasses; others as they are."""
    if isinstance(x, dict):
        return SimpleNamespace(**x)
    return x
