"""The percolator: saved searches' queries stored in the engine, matched against documents.

A query index of its own, read and written through an alias (``<prefix>_alert_queries``), with
the articles index's analysis settings and field mapping plus a ``percolator`` field, so a
stored query analyses a new document exactly as a search over the articles index would. The
queries come from :func:`articles.search.compiler.compile_query` (the caller compiles), so an
alert means what its saved search means on the search page, filters included.

A query index rebuild (analysis, mapping or gazetteer changed) builds a fresh index from the
caller's queries and moves the alias in one atomic call.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.conf import settings
from django.utils import timezone
from opensearchpy import NotFoundError, helpers

from .client import get_client, point_alias
from .engine import engine_call, engine_errors
from .index import index_body

#: Documents per percolate request (a drain batch is 500: one request per batch).
PERCOLATE_DOCS = 1000
#: Stored queries read per page of a percolate answer: the index's default result window.
#: Every further page runs the whole percolation again (each stored query is verified against
#: the documents), so the first page must hold them all whenever it can: with 1,000 a page,
#: 10,000 alerts meant up to ten full percolations per batch.
PERCOLATE_HITS = 10_000


def queries_alias() -> str:
    return f"{settings.OPENSEARCH_INDEX_PREFIX}_alert_queries"


def _new_queries_index() -> str:
    return f"{queries_alias()}_{timezone.now():%Y%m%d%H%M%S%f}"


def queries_index_body() -> dict:
    """The articles index's settings and fields, plus the stored query and its alert id."""
    body = index_body()
    body["settings"]["index"].pop("max_result_window", None)
    body["settings"]["index"]["refresh_interval"] = "1s"
    properties = body["mappings"]["properties"]
    properties["query"] = {"type": "percolator"}
    properties["alert_id"] = {"type": "long"}
    return body


def ensure_queries_index() -> str:
    """The alias exists (creating a first index if needed); returns the concrete index."""
    client = get_client()
    alias = queries_alias()
    with engine_errors():
        if client.indices.exists_alias(name=alias):
            return next(iter(client.indices.get_alias(name=alias)))
        name = _new_queries_index()
        client.indices.create(index=name, body=queries_index_body())
        client.indices.update_aliases(body={"actions": [{"add": {"index": name, "alias": alias}}]})
    return name


def queries_index_is_current() -> bool:
    """Whether the query index was built with today's mapping and analysis version (after a
    bump the caller re-registers every query into a new index: :func:`rebuild_queries`)."""
    from .index import MAPPING_VERSION

    client = get_client()
    with engine_errors():
        if not client.indices.exists_alias(name=queries_alias()):
            return True  # created current on first use
        mappings = client.indices.get_mapping(index=queries_alias())
    return all(
        m["mappings"].get("_meta", {}).get("mapping_version") == MAPPING_VERSION
        for m in mappings.values()
    )


def register(alert_id: int, query: dict) -> None:
    """Store (or replace) the query of an alert; visible to the next percolation."""
    ensure_queries_index()
    engine_call(
        get_client().index,
        index=queries_alias(),
        id=str(alert_id),
        body={"query": query, "alert_id": alert_id},
        refresh=True,
    )


def unregister(alert_id: int) -> None:
    try:
        engine_call(get_client().delete, index=queries_alias(), id=str(alert_id), refresh=True)
    except NotFoundError:
        pass
    except Exception as error:  # SearchUnavailable for a missing index: nothing to remove
        if "not been built" not in str(error):
            raise


def registered_ids() -> set[int]:
    """The alert ids whose query is stored (to find and repair drift)."""
    ensure_queries_index()
    with engine_errors():
        return {
            int(hit["_id"])
            for hit in helpers.scan(
                get_client(), index=queries_alias(), query={"_source": False}, size=1000
            )
        }


def percolate(documents: Mapping[int, dict]) -> list[tuple[int, int]]:
    """``(alert id, article id)`` for every stored query matching one of ``documents``
    (article id -> search document): one multi-document percolate request per
    :data:`PERCOLATE_DOCS` documents, its matching queries read in one page when there are
    at most :data:`PERCOLATE_HITS` of them (search_after beyond).

    One request for the whole batch, not one per document: each candidate query is parsed and
    verified once per request, and with one document per request (``_msearch``) a 500-document
    batch took several times as long (README → Performance)."""
    if not documents:
        return []
    ensure_queries_index()
    ids = list(documents)
    matches: list[tuple[int, int]] = []
    for start in range(0, len(ids), PERCOLATE_DOCS):
        chunk = ids[start : start + PERCOLATE_DOCS]
        body: dict = {
            "query": {"percolate": {"field": "query", "documents": [documents[i] for i in chunk]}},
            "size": PERCOLATE_HITS,
            "sort": [{"alert_id": "asc"}],
            "_source": False,
            # Counting costs nothing more (every candidate is verified anyway) and spares a
            # last, empty page: another full percolation.
            "track_total_hits": True,
        }
        seen = 0
        while True:
            answer = engine_call(
                get_client().search, index=queries_alias(), body=body, request_timeout=120
            )
            hits = answer["hits"]["hits"]
            for hit in hits:
                slots = hit.get("fields", {}).get("_percolator_document_slot", [])
                matches.extend((int(hit["_id"]), chunk[s]) for s in slots)
            seen += len(hits)
            if not hits or seen >= answer["hits"]["total"]["value"]:
                break
            body["search_after"] = hits[-1]["sort"]
    return matches


def rebuild_queries(queries: Iterable[tuple[int, dict]]) -> str:
    """A fresh query index holding ``queries`` (alert id, compiled query), then the alias moved
    onto it in one atomic call and the old index removed. Percolation never sees it empty."""
    client = get_client()
    alias = queries_alias()
    name = _new_queries_index()
    with engine_errors():
        client.indices.create(index=name, body=queries_index_body())
        try:
            actions = (
                {"_index": name, "_id": str(pk), "_source": {"query": q, "alert_id": pk}}
                for pk, q in queries
            )
            helpers.bulk(client, actions, chunk_size=500, refresh=True)
        except Exception:
            client.indices.delete(index=name, ignore_unavailable=True)
            raise
        old = point_alias(alias, name)
        for index in old:
            client.indices.delete(index=index, ignore_unavailable=True)
    return name
