"""Celery tasks of the collector. They take ids and re-read the rows; a feed deleted or
turned off meanwhile is skipped quietly."""

from __future__ import annotations

import logging

from celery import shared_task

log = logging.getLogger(__name__)

#: Feeds collected by one beat tick at most; the rest are due on the next tick.
BATCH = 50


@shared_task(name="collection.collect_due", ignore_result=True)
def collect_due_task() -> int:
    """Beat: queue one task per due feed (each feed fails or succeeds on its own)."""
    from .actions import lease
    from .collector import due_feeds

    ids = list(due_feeds().values_list("pk", flat=True)[:BATCH])
    lease(ids)
    for feed_id in ids:
        collect_feed_task.delay(feed_id)
    return len(ids)


@shared_task(name="collection.collect_feed", ignore_result=True)
def collect_feed_task(feed_id: int) -> str:
    from .collector import collect

    report = collect([feed_id])
    return report.summary()
