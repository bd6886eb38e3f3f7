"""The starter gazetteer file (articles/enrichment/data/starter_gazetteer.toml) and its reader.
Pure Python: no database or services."""

from __future__ import annotations

import re

import pytest

from articles.enrichment import starter
from articles.enrichment.entries import Actor, Topic, Venue

EXPECTED = {"actors": 147, "venues": 138, "topics": 22, "links": 82, "blockers": 39}


def test_counts():
    assert len(starter.ACTORS) == EXPECTED["actors"]
    assert len(starter.VENUES) == EXPECTED["venues"]
    assert len(starter.TOPICS) == EXPECTED["topics"]
    assert sum(len(t) for a in starter.ACTORS for t in a.links.values()) == EXPECTED["links"]
    assert len(starter.BLOCKERS) == EXPECTED["blockers"]


def test_records_are_the_tagger_types():
    assert all(type(a) is Actor for a in starter.ACTORS)
    assert all(type(v) is Venue for v in starter.VENUES)
    assert all(type(t) is Topic for t in starter.TOPICS)
    for entry in (*starter.ACTORS, *starter.VENUES, *starter.TOPICS):
        for name in ("aliases", "ambiguous", "cues"):
            words = getattr(entry, name, ())
            assert isinstance(words, tuple) and all(isinstance(w, str) and w for w in words)
        for cue_set in getattr(entry, "cue_sets", ()):
            assert isinstance(cue_set, tuple) and all(
                isinstance(group, tuple) and group for group in cue_set
            )
    for v in starter.VENUES:
        assert all(isinstance(x, float) for x in (v.lat, v.lon) if x is not None)


def test_slugs_unique_and_in_kebab_case():
    for entries in (starter.ACTORS, starter.VENUES, starter.TOPICS):
        slugs = [e.slug for e in entries]
        assert len(slugs) == len(set(slugs))
        assert all(re.fullmatch(r"[a-z0-9][a-z0-9-]*", s) for s in slugs)
    assert len(set(starter.BLOCKERS)) == len(starter.BLOCKERS)


def test_references_resolve():
    actors = {a.slug: a for a in starter.ACTORS}
    venues = {v.slug: v for v in starter.VENUES}
    for a in starter.ACTORS:
        assert set(a.links) <= {"affiliate_of", "member_of", "successor_of", "part_of"}
        for targets in a.links.values():
            assert set(targets) <= set(actors) and a.slug not in targets
        assert a.place is None or venues[a.place].actor == a.slug
    for v in starter.VENUES:
        assert v.actor is None or actors[v.actor].place == v.slug
    # the loader creates a topic's parent first
    seen: set[str] = set()
    for t in starter.TOPICS:
        assert t.parent is None or t.parent in seen, t.slug
        seen.add(t.slug)


def test_unknown_field_is_an_error(tmp_path):
    path = tmp_path / "g.toml"
    path.write_text(
        '[[actors]]\nslug = "x"\nkind = "person"\nname_ar = "س"\nname_en = "X"\nalias = ["س"]\n'
    )
    with pytest.raises(ValueError, match="alias"):
        starter.read(path)
