"""The names users read for facet keys, in the active language: sources from the database,
languages from a table, actors / venues / topics from the gazetteer."""

from __future__ import annotations

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


class Labels:
    """Facet value labels in the active language; sources come from the database."""

    def __init__(self) -> None:
        self._sources: dict[str, str] = {}
        self._gazetteer = None
        self.language = (get_language() or "ar")[:2]

    def prefetch_sources(self, slugs: set[str]) -> None:
        missing = {slug for slug in slugs if slug and slug not in self._sources}
        if missing:
            self._sources.update(
                Source.objects.filter(slug__in=missing).values_list("slug", "name")
            )

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
