"""The gazetteer as the tagger sees it, built from the curated tables; alias expansion.

The tables (Actor, Venue, Topic, ActorLink) are the truth curators edit in the admin; the
starter set comes from the starter data file (``starter``), as do the blocker phrases.
``current()`` compiles the tables into a ``matcher.Gazetteer`` once and again only when they
change (its version is a hash of the rows' update times), so every process tags with what
curators last saved. ``expansions_for`` gives search the other names of the entities a query
names.
"""

from __future__ import annotations

import hashlib
import threading
import time

from django.db.models import Count, Max

from . import entries, starter
from .matcher import Gazetteer

_lock = threading.Lock()
_cache: tuple[str, Gazetteer] | None = None
_checked_at = float("-inf")  # time.monotonic() of the last version check

#: How stale the gazetteer may be for reading (search labels, alias expansion): a version
#: check is four aggregate queries, too many for every search. Tagging always checks.
READ_MAX_AGE = 5.0


def version() -> str:
    """Changes whenever a gazetteer row is added, edited or deleted."""
    from ..models import Actor, ActorLink, Topic, Venue

    parts = []
    for model in (Actor, Venue, Topic):
        stats = model.objects.aggregate(n=Count("id"), latest=Max("updated_at"), top=Max("id"))
        parts.append(f"{stats['n']}:{stats['latest']}:{stats['top']}")
    parts.append(str(ActorLink.objects.aggregate(n=Count("id"), top=Max("id"))))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def current(*, max_age: float = 0.0) -> tuple[str, Gazetteer]:
    """(version, compiled gazetteer) for the tables as they are now, or as they were at most
    ``max_age`` seconds ago in this process."""
    global _cache, _checked_at
    if _cache is not None and time.monotonic() - _checked_at < max_age:
        return _cache
    now = version()
    with _lock:
        if _cache is None or _cache[0] != now:
            _cache = (now, compile_tables())
        _checked_at = time.monotonic()
        return _cache


def invalidate() -> None:
    """Check the version on the next read: this process just changed the tables."""
    global _checked_at
    _checked_at = float("-inf")


def compile_tables() -> Gazetteer:
    """The curated tables as the tagger's gazetteer (blockers from the starter file)."""
    from ..models import Actor, Topic, Venue

    links: dict[int, dict[str, list[str]]] = {}
    actors = list(Actor.objects.select_related("place").prefetch_related("links__target"))
    for actor in actors:
        for link in actor.links.all():
            links.setdefault(actor.pk, {}).setdefault(link.relation, []).append(link.target.slug)
    return Gazetteer.from_data(
        [
            entries.Actor(
                slug=a.slug,
                kind=a.kind,
                name_ar=a.name_ar,
                name_en=a.name_en,
                aliases=tuple(a.aliases),
                ambiguous=tuple(a.ambiguous),
                links={k: tuple(v) for k, v in links.get(a.pk, {}).items()},
                place=a.place.slug if a.place else None,
            )
            for a in actors
        ],
        [
            entries.Venue(
                slug=v.slug,
                kind=v.kind,
                name_ar=v.name_ar,
                name_en=v.name_en,
                aliases=tuple(v.aliases),
                ambiguous=tuple(v.ambiguous),
                country=v.country or None,
                lat=v.latitude,
                lon=v.longitude,
                actor=next((s.slug for s in v.states.all()), None),
            )
            for v in Venue.objects.prefetch_related("states")
        ],
        [
            entries.Topic(
                slug=t.slug,
                name_ar=t.name_ar,
                name_en=t.name_en,
                parent=t.parent.slug if t.parent else None,
                cues=tuple(t.cues),
                cue_sets=tuple(tuple(tuple(group) for group in s) for s in t.cue_sets),
            )
            for t in Topic.objects.select_related("parent")
        ],
        starter.BLOCKERS,
    )


# -------------------------------------------------------------------------------------------
# Alias expansion for search: «داعش» also finds «تنظيم الدولة الإسلامية» and «ISIS».
# -------------------------------------------------------------------------------------------

_expansion_cache: tuple[str, dict[str, tuple[str, ...]]] | None = None


#: Marks a transliteration key in the alias table (never the start of a normalised word).
TRANSLIT_MARK = "\ue002"
#: A query word is compared by transliteration key only from this many letters on (short words
#: are ordinary Arabic far too often).
TRANSLIT_MIN_LETTERS = 4


def _alias_table(compiled: Gazetteer) -> dict[str, tuple[str, ...]]:
    """normalised one-word alias -> every alias of its entity (only unambiguous aliases); and
    TRANSLIT_MARK + an alias's transliteration key -> those aliases, tab-joined per entity, for
    names spelled another way (قوقل for غوغل, واشنطون for واشنطن)."""
    from ..text.arabic_chars import normalize
    from ..text.translit import translit_key

    table: dict[str, tuple[str, ...]] = {}
    for records in (compiled.actors, compiled.venues):
        for entry in records.values():
            aliases = tuple(dict.fromkeys(a for a in entry.aliases if a))
            for alias in aliases:
                if len(alias.split()) == 1:
                    table.setdefault(normalize(alias).lower(), aliases)
                    if len(normalize(alias)) >= TRANSLIT_MIN_LETTERS:
                        key = TRANSLIT_MARK + translit_key(alias)
                        table[key] = (*table.get(key, ()), alias + "\t" + "\t".join(aliases))
    return table


def lookup_aliases(table: dict[str, tuple[str, ...]], word: str) -> tuple[str, ...]:
    """The aliases of the entity a query word names: by its normalised form, without its
    proclitics, or (a word of TRANSLIT_MIN_LETTERS letters or more) as a one-word alias spelled
    another way (``arabic.same_transliteration``)."""
    from ..text.arabic import strip_proclitics
    from ..text.arabic_chars import normalize
    from ..text.translit import same_transliteration, translit_key

    key = normalize(word).lower()
    bare = strip_proclitics(key)
    found = table.get(key) or table.get(bare)
    if found:
        return found
    for form in dict.fromkeys((key, bare)):  # a leading ب/ل/و may be the name's own letter
        if len(form) < TRANSLIT_MIN_LETTERS:
            continue
        for candidate in table.get(TRANSLIT_MARK + translit_key(form), ()):
            alias, *aliases = candidate.split("\t")
            if same_transliteration(form, alias):
                return tuple(aliases)
    return ()


def expansions_for(q: str) -> dict[str, tuple[str, ...]]:
    """The alias expansions relevant to the words of query ``q`` (for SearchRequest); none for a
    blank query, without reading the gazetteer."""
    if not q.strip():
        return {}
    from ..search.language import Not, Word, parse
    from ..text.arabic_chars import normalize

    global _expansion_cache
    version_now, compiled = current(max_age=READ_MAX_AGE)
    if _expansion_cache is None or _expansion_cache[0] != version_now:
        _expansion_cache = (version_now, _alias_table(compiled))
    table = _expansion_cache[1]

    words: list[str] = []

    def walk(node) -> None:
        if isinstance(node, Word):
            words.append(node.text)
        elif isinstance(node, Not):
            walk(node.child)
        else:
            for child in getattr(node, "children", ()) or ():
                walk(child)

    try:
        tree = parse(q)
    except ValueError:
        return {}
    if tree is not None:
        walk(tree)
    found = {}
    for word in words:
        key = normalize(word).lower()
        aliases = lookup_aliases(table, word)
        if aliases:
            found[word] = tuple(a for a in aliases if normalize(a).lower() != key)
    return found
