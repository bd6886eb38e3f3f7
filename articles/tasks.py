"""Celery tasks. They take ids or paths, never model instances, and re-read what they need.

The write layer (``articles.actions``) does not import this module: it sends the signals of
``articles.signals`` after commit, and the receivers at the end of this module queue the work
(``ArticlesConfig.ready`` imports this module so they are connected in every process).
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.dispatch import receiver

from .ingest.pipeline import ingest_paths
from .search import indexer
from .signals import gazetteer_entry_changed, index_changes_recorded

log = logging.getLogger(__name__)


@shared_task(name="articles.ingest_paths")
def ingest_paths_task(paths: list[str], source_slug: str | None = None) -> dict:
    """Ingest files in the background: the same pipeline as ``manage.py ingest``."""
    report = ingest_paths(paths, source_slug=source_slug)
    return {
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "rejected": [{"origin": r.origin, "reason": r.reason} for r in report.rejected],
    }


# Retried with backoff while the engine is unreachable; the periodic sweep is the safety net.
@shared_task(
    name="articles.drain_index",
    autoretry_for=(Exception,),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=10,
)
def drain_index_task() -> int:
    return indexer.drain().sent


@shared_task(name="articles.sweep_index")
def sweep_index_task() -> int:
    """Periodic: send whatever the outbox still holds (after an outage, a lost message …)."""
    try:
        return indexer.drain().sent
    except Exception as error:  # the next sweep tries again; say why this one could not
        log.warning("index sweep failed, will retry: %s", error)
        return 0


def request_index_drain() -> None:
    """Ask a worker to drain the outbox; if Redis is down the periodic sweep will do it."""
    try:
        drain_index_task.delay()
    except Exception as error:
        log.warning("could not queue an index drain (%s); the periodic sweep will catch up", error)


@shared_task(name="articles.retag_for_entry")
def retag_for_entry_task(facet: str, slug: str, phrases: list[str]) -> int:
    """After a gazetteer edit: re-tag the articles that mention its names or carry its tag."""
    from .enrichment.stored import retag
    from .models import Article
    from .search.lookup import article_ids_mentioning

    ids = set(
        Article.objects.filter(tags__contains={facet: [{"slug": slug}]}).values_list(
            "pk", flat=True
        )
    )
    ids |= article_ids_mentioning(phrases)
    return retag(sorted(ids))[1]


@receiver(index_changes_recorded, dispatch_uid="articles.tasks.request_index_drain")
def _drain_after_commit(**_) -> None:
    request_index_drain()


@receiver(gazetteer_entry_changed, dispatch_uid="articles.tasks.retag_for_entry")
def _retag_after_commit(*, facet: str, slug: str, phrases: list[str], **_) -> None:
    try:
        retag_for_entry_task.delay(facet, slug, phrases)
    except Exception as error:  # `manage.py retag` catches up on stale articles
        log.warning("could not queue re-tagging for %s: %s", slug, error)
