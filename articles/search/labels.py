"""The names users read for facet keys, in the active language: sources from the database,
languages from a table, actors / venues / topics from the gazetteer."""

from __future__ import annotations

import threading
import time

from django.utils.translation import get_language

from ..enrichment import gazetteer
from ..models import Collection, Source
from .facets import FACETS

LANGUAGE_LABELS = {
    "ar": {"ar": "العربية", "en": "Arabic"},
    "en": {"ar": "الإنجليزية", "en": "English"},
    "fr": {"ar": "الفرنسية", "en": "French"},
    "und": {"ar": "غير محددة", "en": "Undetermined"},
}


#: A source's name is read from the database at most this often per process, like the gazetteer:
#: a search spent a database round trip on its sources' names (1–1.5 ms of the API's time), and
#: a renamed source shows its new name within seconds.
SOURCE_NAMES_MAX_AGE = gazetteer.READ_MAX_AGE

_source_names: dict[str, tuple[str, float]] = {}  # slug -> (name, monotonic time read)
_source_names_lock = threading.Lock()


def source_names(slugs: set[str]) -> dict[str, str]:
    """The names of these sources (unknown slugs are left out), read again when older than
    ``SOURCE_NAMES_MAX_AGE``: one query for all that are missing or old, none most of the time."""
    now = time.monotonic()
    stale = set()
    for slug in slugs:
        entry = _source_names.get(slug)
        if slug and (entry is None or now - entry[1] >= SOURCE_NAMES_MAX_AGE):
            stale.add(slug)
    if stale:
        fresh = dict(Source.objects.filter(slug__in=stale).values_list("slug", "name"))
        with _source_names_lock:
            for slug in stale:
                if slug in fresh:
                    _source_names[slug] = (fresh[slug], now)
                else:  # gone (or never was): asked again next time
                    _source_names.pop(slug, None)
    names = {}
    for slug in slugs:
        entry = _source_names.get(slug)
        if entry is not None:
            names[slug] = entry[0]
    return names


def forget_source_names() -> None:
    """Drop the cached names. Tests call it between cases; in production sources are renamed in
    the admin, and a search shows the new name once the cached one is SOURCE_NAMES_MAX_AGE old."""
    with _source_names_lock:
        _source_names.clear()


class Labels:
    """Facet value labels in the active language; sources come from the database."""

    def __init__(self) -> None:
        self._sources: dict[str, str] = {}
        self._gazetteer = None
        self.language = (get_language() or "ar")[:2]

    def prefetch_sources(self, slugs: set[str]) -> None:
        missing = {slug for slug in slugs if slug and slug not in self._sources}
        if missing:
            self._sources.update(source_names(missing))

    def __call__(self, facet: str, key: str) -> str | None:
        if facet == "source":
            if key not in self._sources:
                self.prefetch_sources({key})
            return self._sources.get(key)
        if facet == "collection":
            row = Collection.objects.filter(slug=key).values_list("name_ar", "name_en").first()
            return (row[0] if self.language == "ar" else row[1]) if row else None
        if facet == "language":
            names = LANGUAGE_LABELS.get(key)
            return names.get(self.language, names["en"]) if names else None
        return self._gazetteer_name(facet, key)

    def _gazetteer_name(self, facet: str, key: str) -> str | None:
        if facet not in FACETS or not FACETS[facet].tags:
            return None
        if self._gazetteer is None:
            self._gazetteer = gazetteer.current(max_age=gazetteer.READ_MAX_AGE)[1]
        # The gazetteer keeps each tag facet's entries under the facet's field name.
        entry = getattr(self._gazetteer, FACETS[facet].field).get(key)
        if entry is None:
            return None
        return entry.name_ar if self.language == "ar" else entry.name_en
