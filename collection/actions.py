"""Every write of the collection app: feeds, what a fetch found, the items feeds listed.

Articles themselves are written by the one ingestion pipeline (``articles.ingest.pipeline``);
sources and their workflow by ``articles.actions``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from articles.models import Source

from .models import Feed, FeedItem
from .parsing import Entry

MAX_BACKOFF = dt.timedelta(hours=24)


class InvalidFeed(ValueError):
    pass


def guess_kind(url: str) -> str:
    lowered = url.lower()
    if "sitemap" in lowered and lowered.split("?")[0].endswith((".xml", ".xml.gz")):
        return Feed.Kind.NEWS_SITEMAP if "news" in lowered else Feed.Kind.SITEMAP
    return Feed.Kind.RSS


def add_feed(
    source: Source, url: str, *, kind: str = "", enabled: bool = True, poll_interval: int = 0
) -> tuple[Feed, bool]:
    """Register a feed of a source (idempotent on the URL); returns (feed, created)."""
    url = url.strip()
    if not url.startswith(("http://", "https://")):
        raise InvalidFeed(f"a feed URL must be http(s): {url[:100]!r}")
    kind = kind or guess_kind(url)
    if kind not in Feed.Kind.values:
        raise InvalidFeed(f"unknown feed kind {kind!r}")
    existing = Feed.objects.filter(url=url).first()
    if existing is not None:
        if existing.source_id != source.pk:
            raise InvalidFeed(f"{url} already belongs to source {existing.source.slug}")
        return existing, False
    feed = Feed(
        source=source,
        url=url,
        kind=kind,
        enabled=enabled,
        poll_interval=poll_interval or settings.COLLECTION_POLL_INTERVAL,
    )
    feed.full_clean(validate_unique=False, validate_constraints=False)
    feed.save()
    return feed, True


def set_feed_enabled(feed_id: int, enabled: bool, *, reason: str = "") -> None:
    """A curator turns a feed on (it is due at once) or off."""
    values = {"enabled": enabled, "paused_reason": "" if enabled else (reason or "turned off")}
    if enabled:
        values.update(consecutive_failures=0, next_fetch_at=timezone.now())
    _update(feed_id, **values)


def _update(feed_id: int, **values) -> None:
    with transaction.atomic():
        feed = Feed.objects.select_for_update().filter(pk=feed_id).first()
        if feed is None:
            return
        for name, value in values.items():
            setattr(feed, name, value)
        feed.save()  # a model save, so the audit log sees curators' changes


def record_not_modified(feed_id: int, *, status: int) -> None:
    """304, or a 200 whose body hash is the one we have: nothing new."""
    now = timezone.now()
    Feed.objects.filter(pk=feed_id).update(
        next_fetch_at=_next_poll(feed_id, now),
        last_fetched_at=now,
        last_status=status,
        last_error="",
        consecutive_failures=0,
        fetch_count=F("fetch_count") + 1,
    )


def _next_poll(feed_id: int, now: dt.datetime) -> dt.datetime:
    interval = Feed.objects.filter(pk=feed_id).values_list("poll_interval", flat=True).first()
    return now + dt.timedelta(seconds=interval or settings.COLLECTION_POLL_INTERVAL)


def record_success(
    feed_id: int,
    *,
    status: int,
    etag: str,
    last_modified: str,
    body_hash: str,
    new_articles: int,
    problem: str = "",
) -> None:
    now = timezone.now()
    values = {
        "last_fetched_at": now,
        "last_status": status,
        "last_error": problem,
        "consecutive_failures": 0,
        "etag": etag[:500],
        "last_modified": last_modified[:100],
        "body_hash": body_hash,
        "fetch_count": F("fetch_count") + 1,
        "article_count": F("article_count") + new_articles,
        "next_fetch_at": _next_poll(feed_id, now),
    }
    if new_articles:
        values["last_new_article_at"] = now
    Feed.objects.filter(pk=feed_id).update(**values)


def record_failure(
    feed_id: int, *, error: str, status: int | None = None, retry_after: float | None = None
) -> Feed | None:
    """A failed fetch: back off (doubling, at most a day; never sooner than Retry-After);
    410 Gone disables the feed; after COLLECTION_MAX_FAILURES in a row it is paused, with
    the reason for the curators."""
    now = timezone.now()
    with transaction.atomic():
        feed = Feed.objects.select_for_update().filter(pk=feed_id).first()
        if feed is None:
            return None
        failures = feed.consecutive_failures + 1
        delay = min(dt.timedelta(seconds=feed.poll_interval) * 2 ** (failures - 1), MAX_BACKOFF)
        if status == 429 and retry_after is None:
            delay = max(delay, dt.timedelta(minutes=10))
        if retry_after is not None:
            delay = max(delay, dt.timedelta(seconds=retry_after))
        feed.last_fetched_at = now
        feed.last_status = status
        feed.last_error = error[:2000]
        feed.consecutive_failures = failures
        feed.failure_count += 1
        feed.fetch_count += 1
        feed.next_fetch_at = now + delay
        if status == 410:
            feed.enabled = False
            feed.paused_reason = f"410 Gone: the server says the feed was removed ({now:%Y-%m-%d})"
        elif failures >= settings.COLLECTION_MAX_FAILURES:
            feed.enabled = False
            feed.paused_reason = f"paused after {failures} failures in a row; last: {error}"[:2000]
        # Collector bookkeeping: not a curation change, so no audit-log entry.
        Feed.objects.filter(pk=feed.pk).update(
            **{
                name: getattr(feed, name)
                for name in (
                    "last_fetched_at",
                    "last_status",
                    "last_error",
                    "consecutive_failures",
                    "failure_count",
                    "fetch_count",
                    "next_fetch_at",
                    "enabled",
                    "paused_reason",
                )
            }
        )
    return feed


@dataclass(frozen=True)
class ItemOutcome:
    entry: Entry
    article_id: int | None = None
    error: str = ""


def record_items(feed_id: int, outcomes: Iterable[ItemOutcome]) -> None:
    """Remember what the feed listed (by GUID): a later fetch skips what is known and stored;
    a failed item is tried again on later fetches, a few times."""
    now = timezone.now()
    with transaction.atomic():
        for outcome in outcomes:
            entry = outcome.entry
            item, _ = FeedItem.objects.get_or_create(
                feed_id=feed_id,
                guid=entry.guid,
                defaults={"url": entry.url, "item_hash": entry.item_hash},
            )
            item.url = entry.url
            item.item_hash = entry.item_hash if not outcome.error else ""
            item.last_seen_at = now
            item.error = outcome.error[:1000]
            item.attempts = (item.attempts + 1) if outcome.error else 0
            if outcome.article_id:
                item.article_id = outcome.article_id
            item.save()


def lease(feed_ids: Iterable[int], seconds: int = 900) -> None:
    """Queued feeds are not due again while their task waits or runs (the next beat tick must
    not queue them twice); the collector sets the real next time when it is done."""
    Feed.objects.filter(pk__in=list(feed_ids)).update(
        next_fetch_at=timezone.now() + dt.timedelta(seconds=seconds)
    )


def mark_due(feed_ids: Iterable[int]) -> int:
    """Make feeds due now (``collect --once`` and the "fetch now" button)."""
    return Feed.objects.filter(pk__in=list(feed_ids)).update(next_fetch_at=timezone.now())


def save_feed(feed: Feed) -> Feed:
    """A curator's edit (the admin): turning a feed on clears its pause and makes it due."""
    if feed.enabled:
        before = Feed.objects.filter(pk=feed.pk).values_list("enabled", flat=True).first()
        feed.paused_reason = ""
        if before is False:
            feed.consecutive_failures = 0
            feed.next_fetch_at = timezone.now()
    elif not feed.paused_reason:
        feed.paused_reason = "turned off by a curator"
    feed.full_clean(validate_unique=False, validate_constraints=False)
    feed.save()
    return feed
