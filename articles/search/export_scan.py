"""Paging through a whole result set for exports: ``search_after`` over a point in time.

``from``/``size`` paging stops at the engine's result window and re-runs the query for every
page; an export reads up to ``MAX_RESULT_WINDOW`` rows in batches, each batch continuing after
the last sort key of the previous one, all inside one point in time (PIT) so that documents
indexed while the export streams neither appear twice nor shift the pages. When the engine
refuses a PIT (an old cluster, a permission), the same ``search_after`` walk runs on the alias.

The query is the one the search page runs (``compile_search``: text, dates, facet filters in
``post_filter``, the request's sort with ``id`` as the tie-breaker), so an export holds exactly
the rows the page counts.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass

from opensearchpy.exceptions import TransportError

from .client import get_client
from .compiler import compile_search
from .engine import engine_call, engine_search
from .hits import parse_total
from .index import alias_name
from .request import SearchRequest
from .rules import MAX_RESULT_WINDOW

log = logging.getLogger(__name__)

BATCH_SIZE = 500
KEEP_ALIVE = "2m"
TIMEOUT = 30


@dataclass
class ExportScan:
    """``total`` hits match; ``rows`` yields at most ``limit`` of them (index documents)."""

    total: int
    limit: int
    rows: Iterator[dict]

    @property
    def count(self) -> int:
        """How many rows ``rows`` yields."""
        return min(self.total, self.limit)


def _document(hit: dict) -> dict:
    doc = dict(hit.get("_source") or {})
    doc.pop("content_hash", None)
    raw_id = doc.get("id") or hit.get("_id")
    try:
        doc["id"] = int(raw_id)
    except (TypeError, ValueError):
        doc["id"] = raw_id
    return doc


def scan(
    request: SearchRequest, *, limit: int = MAX_RESULT_WINDOW, batch_size: int = BATCH_SIZE
) -> ExportScan:
    """Every row of ``request``'s result set (up to ``limit``), in the request's sort order.

    The first batch is read now (so the total is known and errors surface before a response
    starts); the rest is read lazily as ``rows`` is consumed. Raises SearchRequestError for a
    request the user must change and SearchUnavailable when the engine cannot answer.
    """
    limit = max(0, min(limit, MAX_RESULT_WINDOW))
    body = compile_search(request, aggs=False, highlight=False)
    body.pop("from", None)
    body["size"] = min(batch_size, limit) or 1
    body["_source"] = {"excludes": ["content_hash"]}

    client = get_client()
    pit_id = None
    try:
        pit = engine_call(client.create_pit, index=alias_name(), params={"keep_alive": KEEP_ALIVE})
        pit_id = pit.get("pit_id")
    except TransportError as error:  # no PIT here: plain search_after on the alias
        log.info("export without a point in time: %s", error)

    def run(page_body: dict) -> dict:
        if pit_id:
            page_body = {**page_body, "pit": {"id": pit_id, "keep_alive": KEEP_ALIVE}}
        return engine_search(page_body, timeout=TIMEOUT)

    def close() -> None:
        if pit_id:
            try:
                client.delete_pit(body={"pit_id": [pit_id]})
            except Exception:
                log.info("could not delete export PIT; it expires in %s", KEEP_ALIVE)

    try:
        first = run(body)
    except BaseException:
        close()
        raise
    total = parse_total(first)

    def rows() -> Iterator[dict]:
        sent = 0
        raw = first
        next_body = {**body, "track_total_hits": False}
        try:
            while True:
                hits = raw.get("hits", {}).get("hits", [])
                for hit in hits:
                    if sent >= limit:
                        return
                    yield _document(hit)
                    sent += 1
                if sent >= limit or len(hits) < next_body["size"]:
                    return
                next_body["search_after"] = hits[-1]["sort"]
                next_body["size"] = min(batch_size, limit - sent)
                raw = run(next_body)
        finally:
            close()

    return ExportScan(total=total, limit=limit, rows=rows())
