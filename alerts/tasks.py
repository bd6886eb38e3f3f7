"""Celery tasks of the alerts app (they take ids and re-read rows), and the receivers that
queue them. ``AlertsConfig.ready`` imports this module so the receivers are connected in every
process; the write layer (``alerts.actions``) never imports it."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.dispatch import receiver

from articles.signals import articles_backfilled, gazetteer_entry_changed, index_batch_accepted

from . import actions, digests, matching, volume
from .models import Cadence
from .signals import alert_query_changed, alert_query_removed, instant_matches_recorded

log = logging.getLogger(__name__)


@shared_task(
    name="alerts.percolate",
    autoretry_for=(Exception,),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=5,
)
def percolate_task(article_ids: list[int]) -> int:
    """Match a drained batch against every stored alert query (the sweep is the safety net),
    then announce the users whose instant alerts matched, so their email leaves promptly."""
    found = matching.percolate_batch(article_ids)
    if found:
        actions.announce_instant_matches(article_ids)
    return found


@shared_task(name="alerts.send_instant")
def send_instant_task(user_id: int) -> int:
    """One user's instant email, a short while after their alerts matched (so a burst of
    batches makes one email). Beat's tick is the safety net; the unique (user, cadence,
    period) key keeps the two from sending twice."""
    return digests.send_to_user(user_id, Cadence.INSTANT)


@shared_task(name="alerts.volume")
def volume_task() -> int:
    """What beat schedules daily (and ``send_alerts --volume`` does): look for volume spikes
    on the last full day and email them."""
    return volume.check_all()


@shared_task(name="alerts.send")
def send_task(cadence: str) -> int:
    """What beat schedules (and ``manage.py send_alerts`` does): sweep, then send."""
    try:
        matching.sweep_all(cadence)
    except Exception as error:  # the engine is down: send what the ledger holds anyway
        log.warning("alert sweep (%s) failed, sending what is recorded: %s", cadence, error)
    return digests.send(cadence)


@receiver(index_batch_accepted, dispatch_uid="alerts.tasks.percolate_batch")
def _percolate_after_drain(*, article_ids: list[int], **_) -> None:
    if not article_ids:
        return
    try:
        percolate_task.delay(list(article_ids))
    except Exception as error:  # Redis down: the sweep records these matches later
        log.warning("could not queue percolation (%s); the alert sweep will catch up", error)


@receiver(instant_matches_recorded, dispatch_uid="alerts.tasks.send_instant")
def _send_instant_soon(*, user_ids: list[int], **_) -> None:
    for user_id in user_ids:
        try:
            send_instant_task.apply_async((user_id,), countdown=settings.ALERTS_INSTANT_DELAY)
        except Exception as error:  # Redis down: beat's next tick sends it
            log.warning("could not queue the instant email of user %s: %s", user_id, error)


@receiver(alert_query_changed, dispatch_uid="alerts.tasks.register")
@receiver(alert_query_removed, dispatch_uid="alerts.tasks.unregister")
def _keep_percolator_in_step(*, alert_id: int, **_) -> None:
    try:
        matching.register(alert_id)
    except Exception as error:  # the sweep re-registers what is missing
        log.warning("could not update the percolator for alert %s: %s", alert_id, error)


@shared_task(name="alerts.reregister_queries")
def reregister_queries_task() -> str:
    """Every alert query re-compiled into a new query index, alias swapped."""
    return matching.reregister_all()


@receiver(gazetteer_entry_changed, dispatch_uid="alerts.tasks.reregister_queries")
def _reregister_after_gazetteer_change(**_) -> None:
    # Alias expansions are compiled into the stored queries. The ledger keeps old articles
    # from being announced again.
    try:
        reregister_queries_task.delay()
    except Exception as error:  # `manage.py alert_queries` does the same
        log.warning("could not queue re-registration of alert queries: %s", error)


@receiver(articles_backfilled, dispatch_uid="alerts.tasks.mark_backfilled")
def _mark_backfilled(*, article_ids: list[int], **_) -> None:
    # Inside the ingest transaction: a failure here rolls the batch back, nothing is lost.
    actions.mark_backfilled(article_ids)
