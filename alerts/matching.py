"""Finding what matched: percolation of drained batches, and the sweep that catches up.

Percolation is fast and usually enough; the sweep is the guarantee. Each active alert keeps a
watermark: the sweep runs the alert's query over what was (re)indexed since shortly before it,
records what the ledger lacks, and moves the watermark on. Whatever percolation missed (worker
down, engine down, a crash between indexing and percolating) is recorded there.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.db.models import Min, Q
from django.utils import timezone

from articles.models import Article
from articles.search import percolator, recent
from articles.search.documents import article_documents
from articles.search.errors import SearchRequestError

from . import actions, queries
from .models import Alert, AlertMatch, BackfilledArticle

log = logging.getLogger(__name__)

#: The sweep looks this far behind its watermark: documents are searchable a refresh after
#: they were stamped, and a bulk request may take a while to be sent.
SWEEP_MARGIN = dt.timedelta(minutes=5)


def register(alert_id: int) -> None:
    """Put an active alert's compiled query into the percolator (or take it out)."""
    alert = Alert.objects.select_related("saved_search").filter(pk=alert_id).first()
    if alert is None or not alert.active:
        percolator.unregister(alert_id)
        return
    percolator.register(alert.pk, queries.compiled(alert.saved_search.query))


def percolate_batch(article_ids: Iterable[int]) -> int:
    """Percolate the visible articles of a drained batch (one request) and record the new
    matches; returns how many. Articles older than every active alert are not even sent."""
    floor = Alert.objects.filter(active=True).aggregate(m=Min("announce_from"))["m"]
    if floor is None:
        return 0
    ids = set(article_ids)
    articles = (
        # Never announceable (actions.record_matches): collected before, or published well
        # before, every active alert. An archive's old articles are not even sent to the engine.
        Article.objects.filter(
            Q(published_at__isnull=True) | Q(published_at__gte=floor - actions.PUBLISHED_GRACE),
            pk__in=ids,
            status=Article.Status.VISIBLE,
            collected_at__gte=floor,
        ).exclude(pk__in=BackfilledArticle.objects.filter(article_id__in=ids).values("article_id"))
    )
    documents = dict(article_documents(articles))
    if not documents:
        return 0
    return actions.record_matches(percolator.percolate(documents), via=AlertMatch.Via.PERCOLATOR)


def sweep(alert_id: int) -> int:
    """Run one alert's query over what was indexed since its watermark; record what the
    ledger lacks; move the watermark. Returns how many matches were new."""
    alert = Alert.objects.select_related("saved_search").filter(pk=alert_id, active=True).first()
    if alert is None:
        return 0
    started = timezone.now()
    since = max(alert.watermark, alert.announce_from) - SWEEP_MARGIN
    ids = recent.article_ids_matching_since(queries.compiled(alert.saved_search.query), since)
    added = actions.record_matches(((alert.pk, i) for i in ids), via=AlertMatch.Via.SWEEP)
    if len(ids) < recent.SWEEP_LIMIT:
        actions.advance_watermark(alert.pk, started)
    if added:
        log.info("sweep of alert %s found %s match(es) percolation missed", alert.pk, added)
    return added


def sweep_all(cadence: str | None = None) -> int:
    """Sweep every active alert (of a cadence), re-registering queries the percolator lacks."""
    alerts = Alert.objects.filter(active=True)
    if cadence:
        alerts = alerts.filter(cadence=cadence)
    ids = list(alerts.values_list("pk", flat=True))
    try:
        if not percolator.queries_index_is_current():
            log.info("the index mapping changed: re-registering every alert query")
            reregister_all()
        registered = percolator.registered_ids()
        for pk in set(ids) - registered:
            register(pk)
        if not cadence:  # queries of paused or deleted alerts a lost signal left behind
            for pk in registered - set(ids):
                percolator.unregister(pk)
    except Exception as error:
        log.warning("could not check the percolator's queries: %s", error)
    found = 0
    for pk in ids:
        try:
            found += sweep(pk)
        except SearchRequestError as error:  # this alert's query no longer compiles
            log.warning("alert %s cannot be swept: %s", pk, error)
    return found


def reregister_all() -> str:
    """A fresh query index with every active alert's query re-compiled, swapped in atomically
    (after an analysis, mapping or gazetteer change). The ledger keeps old articles quiet."""
    alerts = Alert.objects.filter(active=True).select_related("saved_search")
    return percolator.rebuild_queries(
        (a.pk, queries.compiled(a.saved_search.query)) for a in alerts.iterator()
    )
