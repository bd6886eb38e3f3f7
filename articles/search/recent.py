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


def count_matching(query: dict) -> int:
    """How many articles match ``query`` (what the search page would say it found)."""
    return engine_call(get_client().count, index=alias_name(), body={"query": query})["count"]


def daily_counts(query: dict, first: dt.date, last: dt.date) -> list[tuple[dt.date, int]]:
    """How many articles matching ``query`` there are on each day from ``first`` to ``last``
    (UTC, both included, empty days as 0), by the search page's date (``sort_date``: the
    published date, else the collection date), so each count is what the page shows for
    that day. One date_histogram request."""
    body = {
        "size": 0,
        "track_total_hits": False,
        "query": {
            "bool": {
                "must": [query],
                "filter": [
                    {
                        "range": {
                            "sort_date": {
                                "gte": first.isoformat(),
                                "lt": (last + dt.timedelta(days=1)).isoformat(),
                            }
                        }
                    }
                ],
            }
        },
        "aggs": {
            "days": {
                "date_histogram": {
                    "field": "sort_date",
                    "calendar_interval": "day",
                    "time_zone": "UTC",
                    "format": "yyyy-MM-dd",
                    "min_doc_count": 0,
                    "extended_bounds": {"min": first.isoformat(), "max": last.isoformat()},
                }
            }
        },
    }
    answer = engine_call(get_client().search, index=alias_name(), body=body, request_timeout=30)
    found = {b["key_as_string"]: b["doc_count"] for b in answer["aggregations"]["days"]["buckets"]}
    days = (last - first).days + 1
    return [
        (day, found.get(day.isoformat(), 0))
        for day in (first + dt.timedelta(days=i) for i in range(days))
    ]


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
