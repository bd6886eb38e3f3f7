"""Source health, as curators see it: last fetch, feed problems, articles per day over the last
28 days, and whether a source has gone silent compared with its usual rate."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Max
from django.db.models.functions import TruncDate
from django.utils import timezone

from articles.models import Article, Source

from .models import Feed

DAYS = 28
#: Silent: no article for this many times the usual gap between articles (and 2 days at least).
SILENCE_FACTOR = 3
MIN_SILENCE = dt.timedelta(days=2)


@dataclass
class SourceHealth:
    source: Source
    per_day: list[int]
    last_article_at: dt.datetime | None
    last_fetch_at: dt.datetime | None
    feeds: list[Feed] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    silent: bool = False

    @property
    def severity(self) -> int:
        """2: a feed is broken or paused; 1: silent; 0: fine."""
        if any(f.paused_reason or f.consecutive_failures for f in self.feeds):
            return 2
        return 1 if self.silent else 0

    @property
    def usual_per_day(self) -> float:
        return sum(self.per_day) / DAYS


def source_health(*, include_retired: bool = False, now: dt.datetime | None = None) -> list:
    now = now or timezone.now()
    today = now.date()
    start = today - dt.timedelta(days=DAYS - 1)
    sources = Source.objects.order_by("name")
    if not include_retired:
        sources = sources.exclude(status=Source.Status.RETIRED)
    sources = list(sources)
    counts: dict[int, dict[dt.date, int]] = {}
    for source_id, day, n in (
        Article.objects.filter(created_at__date__gte=start)
        .annotate(day=TruncDate("created_at"))
        .values_list("source_id", "day")
        .annotate(n=Count("id"))
    ):
        counts.setdefault(source_id, {})[day] = n
    last_article = dict(Article.objects.values_list("source_id").annotate(last=Max("created_at")))
    feeds: dict[int, list[Feed]] = {}
    for feed in Feed.objects.all():
        feeds.setdefault(feed.source_id, []).append(feed)

    rows = []
    for source in sources:
        days = counts.get(source.pk, {})
        per_day = [days.get(start + dt.timedelta(days=i), 0) for i in range(DAYS)]
        own = feeds.get(source.pk, [])
        fetched = [f.last_fetched_at for f in own if f.last_fetched_at]
        row = SourceHealth(
            source=source,
            per_day=per_day,
            last_article_at=last_article.get(source.pk),
            last_fetch_at=max(fetched) if fetched else None,
            feeds=own,
        )
        for feed in own:
            if feed.paused_reason:
                row.problems.append(f"{feed.url}: {feed.paused_reason}")
            elif feed.consecutive_failures:
                row.problems.append(f"{feed.url}: {feed.last_error}")
        row.silent = _silent(row, now) and source.status == Source.Status.ACTIVE
        rows.append(row)
    rows.sort(key=lambda r: (-r.severity, r.source.name))
    return rows


def _silent(row: SourceHealth, now: dt.datetime) -> bool:
    usual = row.usual_per_day
    if usual <= 0 or row.last_article_at is None:
        return False
    allowed = max(MIN_SILENCE, dt.timedelta(days=SILENCE_FACTOR / usual))
    return now - row.last_article_at > allowed
