"""Every state-changing write of the alerts app.

Views, the API, tasks and commands call these; none writes rows itself. After commit the
write layer sends ``alerts.signals`` (never importing Celery tasks), whose receivers keep the
percolator in step; the sweep repairs whatever a lost signal left behind.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django.db import IntegrityError, connection, transaction
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
    SendStatus,
    VolumeSpike,
)
from .signals import alert_query_changed, alert_query_removed, instant_matches_recorded

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


def _check_alert_settings(
    cadence: str | None, language: str | None, volume: bool | None = None
) -> None:
    if volume is not None and not isinstance(volume, bool):
        raise AlertSettingsError("volume must be true or false")
    if cadence is not None and cadence not in Cadence.values:
        raise AlertSettingsError(f"cadence must be one of {', '.join(Cadence.values)}")
    if language is not None and language not in EmailLanguage.values:
        raise AlertSettingsError(f"language must be one of {', '.join(EmailLanguage.values)}")


@transaction.atomic
def save_search(owner, name: str, query: str, *, alert: dict | None = None) -> SavedSearch:
    """A new saved search (the query stored in canonical form), with an alert if asked.
    Raises ParamError/SearchRequestError for a bad query, IntegrityError for a taken name."""
    if alert is not None:
        _check_alert_settings(alert.get("cadence"), alert.get("language"), alert.get("volume"))
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
    volume: bool | None = None,
) -> Alert:
    """Create or change the alert of a saved search. Turning it on (again) starts from now:
    nothing from before, or from while it was paused, is announced. ``volume`` also emails
    when a day's volume rises well above its usual level (alerts.volume)."""
    _check_alert_settings(cadence, language, volume)
    now = timezone.now()
    alert, created = Alert.objects.select_for_update().get_or_create(
        saved_search=saved,
        defaults={
            "cadence": cadence or Cadence.DAILY,
            "language": language or EmailLanguage.ARABIC,
            "active": True if active is None else active,
            "volume": bool(volume),
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
        if volume is not None:
            alert.volume = volume
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
    rows were added. Announceable (the rule is the statement's ``where``): the alert is
    active, the article visible and not back-filled, collected after the alert began and not
    published well before it (no floods after a bulk load).

    One ``INSERT … SELECT … ON CONFLICT DO NOTHING`` per :data:`LEDGER_CHUNK` pairs, the pairs
    passed as two arrays: a common-word alert can match most of a batch, and 10,000 of them
    made millions of pairs, which an ORM object per row (and a query parameter per id) could
    not carry. The unique (alert, article) key is the guarantee when two recorders race."""
    ordered = sorted(set(pairs))
    added = 0
    for start in range(0, len(ordered), LEDGER_CHUNK):
        chunk = ordered[start : start + LEDGER_CHUNK]
        with connection.cursor() as cursor:
            cursor.execute(
                _RECORD_SQL,
                {
                    "alerts": [a for a, _ in chunk],
                    "articles": [b for _, b in chunk],
                    "via": via,
                    "now": timezone.now(),
                    "grace": PUBLISHED_GRACE,
                    "visible": Article.Status.VISIBLE,
                },
            )
            added += cursor.rowcount
    return added


#: Pairs per ledger statement (two arrays of this many ids: one statement, bounded memory).
LEDGER_CHUNK = 50_000

_RECORD_SQL = f"""
insert into {AlertMatch._meta.db_table} (alert_id, article_id, story_id, via, matched_at)
select p.alert_id, p.article_id, coalesce(ar.story_id, ar.id), %(via)s, %(now)s
from unnest(%(alerts)s::bigint[], %(articles)s::bigint[]) as p(alert_id, article_id)
join {Alert._meta.db_table} al on al.id = p.alert_id and al.active
join {Article._meta.db_table} ar on ar.id = p.article_id and ar.status = %(visible)s
where ar.collected_at >= al.announce_from
  and coalesce(ar.published_at, ar.collected_at) >= al.announce_from - %(grace)s
  and not exists (
    select 1 from {BackfilledArticle._meta.db_table} b where b.article_id = p.article_id
  )
order by p.alert_id, p.article_id
on conflict (alert_id, article_id) do nothing
"""


def announce_instant_matches(article_ids: Iterable[int]) -> list[int]:
    """Announce (after commit) the users who have unsent matches of instant alerts among these
    articles, so their email goes out within minutes rather than at beat's next tick. Returns
    those users' ids."""
    users = sorted(
        set(
            AlertMatch.objects.filter(
                article_id__in=list(article_ids),
                digest__isnull=True,
                alert__active=True,
                alert__cadence=Cadence.INSTANT,
            ).values_list("alert__saved_search__owner_id", flat=True)
        )
    )
    if users:
        transaction.on_commit(
            lambda: instant_matches_recorded.send(sender=AlertMatch, user_ids=users)
        )
    return users


def mark_backfilled(article_ids: Iterable[int]) -> None:
    """These new articles are an archive, not news (in the caller's transaction)."""
    BackfilledArticle.objects.bulk_create(
        [BackfilledArticle(article_id=pk) for pk in article_ids], ignore_conflicts=True
    )


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
            # A subquery, not a list of ids: a broad alert can hold more unsent matches than
            # a statement has parameters (65,535).
            claimed = AlertMatch.objects.filter(pk__in=claimable.values("pk")).update(digest=digest)
            if not claimed:
                raise _NothingToSend
    except (IntegrityError, _NothingToSend):
        return None
    return digest


class _NothingToSend(Exception):
    pass


def start_sending(pk: int, model: type[Digest] | type[VolumeSpike] = Digest) -> bool:
    """Mark a pending email (a digest or a volume spike) as being sent; False if another run
    already did (never twice)."""
    return bool(
        model.objects.filter(pk=pk, status=SendStatus.PENDING).update(
            status=SendStatus.SENDING, attempted_at=timezone.now()
        )
    )


def mark_sent(pk: int, model: type[Digest] | type[VolumeSpike] = Digest) -> None:
    model.objects.filter(pk=pk, status=SendStatus.SENDING).update(
        status=SendStatus.SENT, sent_at=timezone.now()
    )


def back_to_pending(pk: int, model: type[Digest] | type[VolumeSpike] = Digest) -> None:
    """The SMTP server refused before accepting anything: the next run tries again."""
    model.objects.filter(pk=pk, status=SendStatus.SENDING).update(status=SendStatus.PENDING)


def release_stuck(
    model: type[Digest] | type[VolumeSpike],
    *,
    older_than: dt.timedelta,
    ids: Iterable[int] | None = None,
) -> list[int]:
    """An operator's decision: emails ``sending`` for longer than ``older_than`` (their sender
    died inside SMTP, so they may or may not have been delivered) go back to ``pending`` and
    are sent again, with the same Message-ID so a receiving system can drop a duplicate.
    Returns their ids. Never called by a scheduled job."""
    stuck = model.objects.filter(
        status=SendStatus.SENDING, attempted_at__lt=timezone.now() - older_than
    )
    if ids is not None:
        stuck = stuck.filter(pk__in=list(ids))
    with transaction.atomic():
        released = list(stuck.select_for_update().values_list("pk", flat=True))
        model.objects.filter(pk__in=released).update(status=SendStatus.PENDING)
    return released


# ------------------------------------------------------------------------------------------------
# Volume alerts
# ------------------------------------------------------------------------------------------------


def record_spike(
    saved_search_id: int,
    day: dt.date,
    *,
    count: int,
    mean: float,
    stddev: float,
    counts: list[tuple[str, int]],
) -> VolumeSpike | None:
    """Record a volume spike; None when this day's spike is already recorded (the unique
    (saved search, day) key: a second run or a second worker records and emails it once)."""
    try:
        with transaction.atomic():
            return VolumeSpike.objects.create(
                saved_search_id=saved_search_id,
                day=day,
                count=count,
                mean=mean,
                stddev=stddev,
                counts=[[d, n] for d, n in counts],
            )
    except IntegrityError:
        return None


def mark_volume_checked(alert_id: int, day: dt.date) -> None:
    Alert.objects.filter(pk=alert_id).update(volume_checked_on=day)
