"""Keeping the index in step with PostgreSQL: drain the outbox, rebuild, report status."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from opensearchpy import NotFoundError, RequestError, helpers

from ..models import Article, IndexChange
from ..signals import index_batch_accepted
from .client import get_client, point_alias
from .documents import article_documents
from .index import MAPPING_VERSION, REFRESH_INTERVAL, alias_name, index_body, new_index_name

log = logging.getLogger(__name__)

# Bulk requests carry whole articles; analysis of 500 long Arabic texts takes seconds.
BULK_TIMEOUT = 120
BULK_MAX_BYTES = 10 * 1024 * 1024
# A rebuild re-sends what changed since shortly before it began: a transaction that started
# before the rebuild and committed during its scan is then covered too.
REBUILD_CATCH_UP_MARGIN = dt.timedelta(minutes=5)


class IndexingError(RuntimeError):
    """The engine refused documents; the outbox keeps them for the next drain."""


def ensure_index() -> str:
    """The alias exists (creating a first index if needed); returns the concrete index.

    Safe when several processes start at once (the web server, a worker and beat each drain on
    their first request): the first index has a fixed name and carries the alias from its
    creation, so the engine lets exactly one of them create it. Rebuilds use fresh names."""
    client = get_client()
    alias = alias_name()
    if not client.indices.exists_alias(name=alias):
        first = f"{alias}_first"
        try:
            client.indices.create(index=first, body={**index_body(), "aliases": {alias: {}}})
        except RequestError as error:
            if error.error != "resource_already_exists_exception":
                raise
            if not client.indices.exists_alias(name=alias):  # left without its alias
                client.indices.put_alias(index=first, name=alias)
    return next(iter(client.indices.get_alias(name=alias)))


def mapping_is_current() -> bool:
    """Whether the index behind the alias has this code's mapping (``MAPPING_VERSION``); an
    index made by an older ctsearch needs ``search_index rebuild``. True when there is none yet
    (the first drain creates a current one)."""
    client = get_client()
    if not client.indices.exists_alias(name=alias_name()):
        return True
    for mapping in client.indices.get_mapping(index=alias_name()).values():
        if mapping["mappings"].get("_meta", {}).get("mapping_version") != MAPPING_VERSION:
            return False
    return True


def _bulk_actions(article_ids: Iterable[int], index: str) -> Iterator[dict]:
    ids = set(article_ids)
    visible = Article.objects.filter(pk__in=ids, status=Article.Status.VISIBLE)
    for pk, document in article_documents(visible):
        ids.discard(pk)
        yield {"_index": index, "_id": str(pk), "_source": document}
    for gone in ids:  # hidden or deleted: out of the index
        yield {"_op_type": "delete", "_index": index, "_id": str(gone)}


def _send(actions: Iterable[dict], *, refresh: bool = False) -> int:
    sent = 0
    errors = []
    for ok, item in helpers.streaming_bulk(
        get_client(),
        actions,
        chunk_size=settings.INDEX_DRAIN_BATCH,
        max_chunk_bytes=BULK_MAX_BYTES,
        raise_on_error=False,
        refresh=refresh,
        request_timeout=BULK_TIMEOUT,
    ):
        op, result = next(iter(item.items()))
        if ok or (op == "delete" and result.get("status") == 404):
            sent += 1
        else:
            errors.append(result)
    if errors:
        raise IndexingError(f"{len(errors)} document(s) refused, first: {errors[0]}")
    return sent


@dataclass
class DrainReport:
    sent: int = 0
    batches: int = 0


def drain(*, refresh: bool = False, max_batches: int | None = None) -> DrainReport:
    """Send pending changes to the index until the outbox is empty.

    Rows are locked with SKIP LOCKED, so several workers can drain at once; a row is deleted only
    after the engine accepted its document, in the same transaction.
    """
    report = DrainReport()
    index = alias_name()
    ensure_index()
    while max_batches is None or report.batches < max_batches:
        with transaction.atomic():
            changes = list(
                IndexChange.objects.select_for_update(skip_locked=True).order_by("id")[
                    : settings.INDEX_DRAIN_BATCH
                ]
            )
            if not changes:
                break
            report.sent += _send(
                _bulk_actions({c.article_id for c in changes}, index), refresh=refresh
            )
            IndexChange.objects.filter(pk__in=[c.pk for c in changes]).delete()
            report.batches += 1
        _announce_batch(sorted({c.article_id for c in changes}))
    return report


def _announce_batch(article_ids: list[int]) -> None:
    """Tell listeners (alerts) which articles a committed batch sent; their failure never
    fails the drain (the documents are in the index, the outbox rows gone)."""
    for receiver, result in index_batch_accepted.send_robust(
        sender=IndexChange, article_ids=article_ids
    ):
        if isinstance(result, Exception):
            log.warning("index_batch_accepted receiver %r failed: %s", receiver, result)


def rebuild(*, progress=None) -> str:
    """Build a fresh index from PostgreSQL, swap the alias onto it, then catch up.

    Search reads the old index until the swap; a rebuild that dies before it (the engine or
    this process killed) leaves the alias where it was, and the next rebuild deletes the
    half-built index it left."""
    client = get_client()
    alias = alias_name()
    started = timezone.now()
    _delete_abandoned(alias, before=started)
    name = new_index_name()
    body = index_body()
    body["settings"]["index"]["refresh_interval"] = "-1"  # faster bulk; restored below
    client.indices.create(index=name, body=body)
    try:
        ids = Article.objects.filter(status=Article.Status.VISIBLE).values_list("pk", flat=True)
        total = 0
        for chunk in _chunks(ids.iterator(chunk_size=5000), 5000):
            total += _send(_bulk_actions(chunk, name))
            if progress:
                progress(total)
        client.indices.put_settings(
            index=name, body={"index": {"refresh_interval": REFRESH_INTERVAL}}
        )
        client.indices.refresh(index=name)
    except Exception:
        try:
            client.indices.delete(index=name, ignore_unavailable=True)
        except Exception as error:  # the engine is gone: the next rebuild deletes it
            log.warning("could not delete the unfinished index %s: %s", name, error)
        raise

    old = point_alias(alias, name)

    # Catch up on what changed while the scan ran (drains meanwhile wrote to the old index).
    changed = Article.objects.filter(updated_at__gte=started - REBUILD_CATCH_UP_MARGIN)
    _send(_bulk_actions(changed.values_list("pk", flat=True), name), refresh=True)
    for index in old:
        client.indices.delete(index=index, ignore_unavailable=True)
    return name


def _delete_abandoned(alias: str, *, before: dt.datetime) -> None:
    """Delete article indices that no alias points to and that were made before this rebuild
    began: what a rebuild killed half-way left behind. A rebuild running at the same time (made
    later) keeps its index."""
    client = get_client()
    live = set()
    if client.indices.exists_alias(name=alias):
        live = set(client.indices.get_alias(name=alias))
    created = client.indices.get_settings(
        index=f"{alias}_*", name="index.creation_date", expand_wildcards="all"
    )
    cutoff = before.timestamp() * 1000
    for index, found in created.items():
        suffix = index.removeprefix(f"{alias}_")
        if index in live or not (suffix.isdigit() or suffix == "first"):
            continue
        if int(found["settings"]["index"]["creation_date"]) < cutoff:
            log.warning("deleting %s, left unfinished by an earlier rebuild", index)
            client.indices.delete(index=index, ignore_unavailable=True)


def _chunks(iterable: Iterable[int], size: int) -> Iterator[list[int]]:
    chunk: list[int] = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@dataclass
class IndexStatus:
    articles: int
    visible: int
    documents: int | None
    pending: int
    index: str | None
    error: str = ""


def status() -> IndexStatus:
    articles = Article.objects.count()
    visible = Article.objects.filter(status=Article.Status.VISIBLE).count()
    pending = IndexChange.objects.count()
    client = get_client()
    try:
        index = next(iter(client.indices.get_alias(name=alias_name())))
        documents = client.count(index=alias_name())["count"]
        return IndexStatus(articles, visible, documents, pending, index)
    except NotFoundError:
        return IndexStatus(articles, visible, None, pending, None, "no index yet")
    except Exception as error:  # unreachable engine: still report what PostgreSQL knows
        return IndexStatus(
            articles, visible, None, pending, None, f"{type(error).__name__}: {error}"
        )
