"""Finding articles by the phrases they contain (for re-tagging after a gazetteer edit)."""

from __future__ import annotations

from opensearchpy import helpers

from .client import get_client
from .index import alias_name

MAX_PHRASES = 200


def article_ids_mentioning(phrases: list[str]) -> set[int]:
    """Ids of indexed articles whose title or body contains any of the phrases (exact field,
    so spelling variants and proclitics are covered by the analyzer)."""
    phrases = [p for p in phrases if p and p.strip()][:MAX_PHRASES]
    if not phrases:
        return set()
    query = {
        "bool": {
            "should": [
                {
                    "multi_match": {
                        "query": p,
                        "type": "phrase",
                        "fields": ["title.exact", "body.exact"],
                    }
                }
                for p in phrases
            ],
            "minimum_should_match": 1,
        }
    }
    hits = helpers.scan(
        get_client(), index=alias_name(), query={"query": query, "_source": False}, size=1000
    )
    return {int(hit["_id"]) for hit in hits}
