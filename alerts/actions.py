"""Every state-changing write of the alerts app.

Views, the API, tasks and commands call these; none writes rows itself. After commit the
write layer sends ``alerts.signals`` (never importing Celery tasks), whose receivers keep the
percolator in step; the sweep repairs whatever a lost signal left behind.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Article
from articles.search.index import MAPPING_VERSION

from . import queries
from .models import (
    Alert,
    AlertMatch,
    BackfilledArticle,
    Cadence,
    Digest,
    EmailLanguage,
    SavedSearch,
)
from .signals import alert_query_changed, alert_query_removed

#: An article published this long before its alert began is old news, even if collected later.
PUBLISHED_GRACE = dt.timedelta(days=2)


class SavedSearchNameError(ValueError):
    """A saved search's name that cannot be stored (blank once cleaned, or too long)."""


# Control characters (NUL above all: PostgreSQL refuses it in text) never belong in a name.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def clean_name(name: str) -> str:
    """The name as stored: controls removed, spaces trimmed; raises SavedSearchNameError."""
    cleaned = _CONTROLS.sub("", name).strip()
    if not cleaned:
        raise SavedSearchNameError("name is required")
    limit = SavedSearch._meta.get_field("name").max_length
    if len(cleaned) > limit:
        raise SavedSearchNameError(f"name is longer than {limit} characters")
    return cleaned


class AlertSettingsError(ValueError):
    """An alert setting that is not one of the choices."""


def _announce(signal, alert_id: int) -> None:
    transaction.on_commit(lambda: signal.send(sender=Alert, alert_id=alert_id))


def _check_alert_settings(cadence: str | None, language: str | None) -> None:
    if cadence is not None and cadence not in Cadence.values:
        raise AlertSettingsError(f"cadence must be one of {', '.join(Cadence.values)}")
    if language is not None and language not in EmailLanguage.values:
        raise AlertSettingsError(f"language must be one of {', '.join(EmailLanguage.values)}")


@transaction.atomic
def save_search(owner, name: str, query: str, *, alert: dict | None = None) -> SavedSearch:
    """A new saved search (the query stored in canonical form), with an alert if asked.
    Raises ParamError/SearchRequestError for a bad query, IntegrityError for a taken name."""
    if alert is not None:
        _check_alert_settings(alert.get("cadence"), alert.get("language"))
    saved = SavedSearch.objects.create(
        owner=owner,
        name=clean_name(name),
        query=queries.canonical(query),
        index_version=MAPPING_VERSION,
    )
    if alert is not None:
        set_alert(saved, **alert)
    return saved


@transaction.atomic
def update_search(saved: SavedSearch, *, name: str | None = None, query: str | None = None):
    if name is not None:
        saved.name = clean_name(name)
    if query is not None:
        saved.query = queries.canonical(query)
        saved.index_version = MAPPING_VERSION
    saved.save()
    alert = Alert.objects.filter(saved_search=saved, active=True).first()
    if query is not None and alert is not None:
        _announce(alert_query_changed, alert.pk)
    return saved


@transaction.atomic
def delete_search(saved: SavedSearch) -> None:
    alert = Alert.objects.filter(saved_search=saved).first()
    if alert is not None:
        _announce(alert_query_removed, alert.pk)
    saved.delete()


def mark_visited(saved: SavedSearch) -> None:
    SavedSearch.objects.filter(pk=saved.pk).update(last_visited_at=timezone.now())


@transaction.atomic
def set_alert(
    saved: SavedSearch,
    *,
    cadence: str | None = None,
    language: str | None = None,
    active: bool | None = None,
) -> Alert:
    """Create or change the alert of a saved search. Turning it on (again) starts from now:
    nothing from before, or from while it was paused, is announced."""
    _check_alert_settings(cadence, language)
    now = timezone.now()
    alert, created = Alert.objects.select_for_update().get_or_create(
        saved_search=saved,
        defaults={
            "cadence": cadence or Cadence.DAILY,
            "language": language or EmailLanguage.ARABIC,
            "active": True if active is None else active,
            "created_at": now,
            "announce_from": now,
            "watermark": now,
        },
    )
    if not created:
        resumed = active is True and not alert.active
        alert.cadence = cadence or alert.cadence
        alert.language = language or alert.language
        if active is not None:
            alert.active = active
        if resumed:
            alert.announce_from = alert.watermark = now
        alert.save()
    _announce(alert_query_changed if alert.active else alert_query_removed, alert.pk)
    return alert


def remove_alert(saved: SavedSearch) -> None:
    with transaction.atomic():
        alert = Alert.objects.filter(saved_search=saved).first()
        if alert is not None:
            _announce(alert_query_removed, alert.pk)
            alert.delete()


def pause_alerts(alert_ids: Iterable[int]) -> int:
    """Pause (never delete) these alerts: what one-click unsubscribe does."""
    ids = list(alert_ids)
    with transaction.atomic():
        paused = Alert.objects.filter(pk__in=ids, active=True).update(active=False)
        for pk in ids:
            _announce(alert_query_removed, pk)
    return paused


# ------------------------------------------------------------------------------------------------
# The ledger
# ------------------------------------------------------------------------------------------------


def record_matches(pairs: Iterable[tuple[int, int]], *, via: str) -> int:
    """Record (alert id, article id) matches that are new and announceable; returns how many
    rows were added. Announceable: the alert is active, the article visible, collected after
    the alert began and not published well before it (no floods after a bulk load)."""
    pairs = set(pairs)
    if not pairs:
        return 0
    alerts = {
        a.pk: a
        for a in Alert.objects.filter(pk__in={p[0] for p in pairs}, active=True).only(
            "pk", "announce_from"
        )
    }
    articles = {
        a.pk: a
        for a in Article.objects.filter(pk__in={p[1] for p in pairs}, status=Article.Status.VISIBLE)
        .exclude(
            pk__in=BackfilledArticle.objects.filter(article_id__in={p[1] for p in pairs}).values(
                "article_id"
            )
        )
        .only("pk", "collected_at", "published_at", "story_id")
    }
    rows = []
    for alert_id, article_id in sorted(pairs):
        alert, article = alerts.get(alert_id), articles.get(article_id)
        if alert is None or article is None or not announceable(alert, article):
            continue
        rows.append(
            AlertMatch(
                alert_id=alert_id,
                article_id=article_id,
                story_id=article.story_id or article.pk,
                via=via,
            )
        )
    if not rows:
        return 0
    known = set(
        AlertMatch.objects.filter(
            alert_id__in={r.alert_id for r in rows}, article_id__in={r.article_id for r in rows}
        ).values_list("alert_id", "article_id")
    )
    rows = [r for r in rows if (r.alert_id, r.article_id) not in known]
    # The unique (alert, article) key is the guarantee when two recorders race.
    AlertMatch.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def mark_backfilled(article_ids: Iterable[int]) -> None:
    """These new articles are an archive, not news (in the caller's transaction)."""
    BackfilledArticle.objects.bulk_create(
        [BackfilledArticle(article_id=pk) for pk in article_ids], ignore_conflicts=True
    )


def announceable(alert: Alert, article: Article) -> bool:
    if article.collected_at < alert.announce_from:
        return False
    published = article.published_at or article.collected_at
    return published >= alert.announce_from - PUBLISHED_GRACE


def advance_watermark(alert_id: int, to: dt.datetime) -> None:
    Alert.objects.filter(pk=alert_id, watermark__lt=to).update(watermark=to)


# ------------------------------------------------------------------------------------------------
# Digests
# ------------------------------------------------------------------------------------------------


def claim_digest(user_id: int, cadence: str, period: str) -> Digest | None:
    """Create this period's digest and claim for it every unsent match of the user's active
    alerts of this cadence, in one transaction. None when the period already has its digest
    (the items wait for the next period) or there is nothing to send."""
    try:
        with transaction.atomic():
            digest = Digest.objects.create(user_id=user_id, cadence=cadence, period=period)
            claimable = AlertMatch.objects.select_for_update(skip_locked=True).filter(
                digest__isnull=True,
                alert__active=True,
                alert__cadence=cadence,
                alert__saved_search__owner_id=user_id,
            )
            claimed = AlertMatch.objects.filter(
                pk__in=list(claimable.values_list("pk", flat=True))
            ).update(digest=digest)
            if not claimed:
                raise _NothingToSend
    except (IntegrityError, _NothingToSend):
        return None
    return digest


class _NothingToSend(Exception):
    pass


def start_sending(digest_id: int) -> bool:
    """Mark a pending digest as being sent; False if another run already did (never twice)."""
    return bool(
        Digest.objects.filter(pk=digest_id, status=Digest.Status.PENDING).update(
            status=Digest.Status.SENDING
        )
    )


def mark_sent(digest_id: int) -> None:
    Digest.objects.filter(pk=digest_id, status=Digest.Status.SENDING).update(
        status=Digest.Status.SENT, sent_at=timezone.now()
    )


def back_to_pending(digest_id: int) -> None:
    """The SMTP server refused before accepting anything: the next run tries again."""
    Digest.objects.filter(pk=digest_id, status=Digest.Status.SENDING).update(
        status=Digest.Status.PENDING
    )
