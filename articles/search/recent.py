"""A stored search over recent documents: what an alert's sweep, the "new since your last
visit" counts and the "what changed" view of saved searches read. The query comes compiled
(:func:`articles.search.compiler.compile_query`); documents carry ``collected_at`` (first
stored) and ``indexed_at`` (last sent to the index).
"""

from __future__ import annotations

import datetime as dt

from .client import get_client
from .engine import engine_call
from .index import alias_name

#: Article ids a sweep reads at most per query and run (the rest waits for the next run).
SWEEP_LIMIT = 10_000


def _since(query: dict, field: str, since: dt.datetime) -> dict:
    return {"bool": {"must": [query], "filter": [{"range": {field: {"gte": since.isoformat()}}}]}}


def article_ids_matching_since(query: dict, since: dt.datetime) -> list[int]:
    """Article ids matching ``query`` that were (re)indexed at or after ``since``: what a sweep
    compares with its ledger to catch what percolation missed."""
    body: dict = {
        "query": {
            "bool": {
                "must": [query],
                "filter": [{"range": {"indexed_at": {"gte": since.isoformat()}}}],
            }
        },
        "size": 1000,
        "sort": [{"id": "asc"}],
        "_source": False,
        "track_total_hits": False,
    }
    ids: list[int] = []
    while len(ids) < SWEEP_LIMIT:
        answer = engine_call(get_client().search, index=alias_name(), body=body, request_timeout=60)
        hits = answer["hits"]["hits"]
        ids.extend(int(hit["_id"]) for hit in hits)
        if len(hits) < body["size"]:
            break
        body["search_after"] = hits[-1]["sort"]
    return ids


def count_collected_since(query: dict, since: dt.datetime) -> int:
    """How many articles matching ``query`` were collected at or after ``since``."""
    body = {"query": _since(query, "collected_at", since)}
    return engine_call(get_client().count, index=alias_name(), body=body)["count"]


def highlights(query: dict, article_ids: list[int]) -> dict[int, dict]:
    """The engine's highlights of ``query`` in these articles (HTML-safe: the article text is
    escaped, the only tags are ``<mark>``): article id -> ``{"title": str, "body": [str]}``."""
    from .compiler import highlight_spec
    from .hits import parse_hits

    if not article_ids:
        return {}
    body = {
        "query": {"bool": {"must": [query], "filter": [{"ids": {"values": article_ids}}]}},
        "size": len(article_ids),
        "_source": ["id", "title"],
        "highlight": highlight_spec(),
        "track_total_hits": False,
    }
    answer = engine_call(get_client().search, index=alias_name(), body=body, request_timeout=30)
    return {int(hit["id"]): hit["highlights"] for hit in parse_hits(answer)}


def collected_since(query: dict, since: dt.datetime, *, size: int = 50) -> tuple[int, list[int]]:
    """How many articles matching ``query`` were collected at or after ``since``, and the ids of
    the latest ``size`` of them, newest first."""
    body = {
        "query": _since(query, "collected_at", since),
        "sort": [{"collected_at": "desc"}, {"id": "desc"}],
        "size": size,
        "_source": False,
        "track_total_hits": True,
    }
    answer = engine_call(get_client().search, index=alias_name(), body=body, request_timeout=30)
    return answer["hits"]["total"]["value"], [int(h["_id"]) for h in answer["hits"]["hits"]]
