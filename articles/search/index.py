"""The articles index: its settings and mapping, and the alias that search reads through.

Search always reads ``<prefix>_articles`` (an alias). A rebuild creates
``<prefix>_articles_<timestamp>``, fills it, and moves the alias in one atomic call, so there is
no moment where search fails (the pattern of Wagtail's atomic rebuilder and Read the Docs'
reindex_elasticsearch).
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from .analysis import EXACT_ANALYZER, STEMMED_ANALYZER, analysis_settings
from .facets import TAG_FACETS
from .rules import MAX_RESULT_WINDOW
from .sampling import SAMPLE_FIELD

# Bump when the mapping or analysis changes incompatibly; `search_index rebuild` applies it.
MAPPING_VERSION = 9


def alias_name() -> str:
    return f"{settings.OPENSEARCH_INDEX_PREFIX}_articles"


def new_index_name() -> str:
    return f"{alias_name()}_{timezone.now():%Y%m%d%H%M%S%f}"


def _text() -> dict:
    """Stemmed for recall, with an exact (normalised, unstemmed) subfield for phrases.

    Offsets in the postings let the unified highlighter find matches without re-running the
    (costly) Arabic analysis over every hit's text at query time.
    """
    return {
        "type": "text",
        "analyzer": STEMMED_ANALYZER,
        "index_options": "offsets",
        "fields": {
            "exact": {"type": "text", "analyzer": EXACT_ANALYZER, "index_options": "offsets"}
        },
    }


def _facet() -> dict:
    return {"type": "keyword"}


#: How soon a new article is searchable. Each refresh writes a segment that must be merged
#: later: at 1 s, refreshes and their merges took a third of the engine's time during a long
#: ingest. Percolator alerts (saved searches) match new documents without waiting for one.
REFRESH_INTERVAL = "5s"


def index_body(*, shards: int | None = None, replicas: int | None = None) -> dict:
    """Settings and mapping of a new index; shards and replicas default to the settings'
    (``OPENSEARCH_SHARDS``/``OPENSEARCH_REPLICAS``: 1 and 0 for one node)."""
    shards = settings.OPENSEARCH_SHARDS if shards is None else shards
    replicas = settings.OPENSEARCH_REPLICAS if replicas is None else replicas
    return {
        "settings": {
            "index": {
                "number_of_shards": shards,
                "number_of_replicas": replicas,
                "refresh_interval": REFRESH_INTERVAL,
                "max_result_window": MAX_RESULT_WINDOW,
            },
            "analysis": analysis_settings(),
        },
        "mappings": {
            "dynamic": "strict",
            "_meta": {"mapping_version": MAPPING_VERSION},
            "properties": {
                "id": {"type": "long"},
                "title": _text(),
                "body": _text(),
                "byline": _text(),
                "url": {"type": "keyword", "index": False},
                "source": _facet(),
                "source_name": {"type": "keyword", "index": False},
                "collections": _facet(),
                "language": _facet(),
                "published_at": {"type": "date"},
                # published_at, else the collection time: what "newest" sorts and dates filter.
                "sort_date": {"type": "date"},
                "date_is_estimated": {"type": "boolean"},
                **{facet.field: _facet() for facet in TAG_FACETS},
                "story": {"type": "long"},
                # A hash of the story (0-63): the sample a broad search's facets are counted in.
                SAMPLE_FIELD: {"type": "byte"},
                "content_hash": {"type": "keyword", "index": False},
                "collected_at": {"type": "date"},
                # When this document was last sent: what an alert sweep reads "since" on.
                "indexed_at": {"type": "date"},
            },
        },
    }
