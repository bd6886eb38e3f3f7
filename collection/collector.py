"""Collect a feed: fetch it (conditionally), find the items not seen yet, fetch each page,
extract it (trafilatura, as ``manage.py ingest`` does for HTML) and hand the records to the
one ingestion pipeline. The feed's title, date and author fill what the page lacks.

One feed's failure is recorded on that feed and never stops the others.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from articles.ingest.decoding import decode_bytes
from articles.ingest.htmlpage import parse_html_page
from articles.ingest.pipeline import IngestReport, ingest_records
from articles.ingest.records import ArticleRecord, DateProvenance, Rejection, UndecodableInput
from articles.models import Article, Source

from . import actions
from .fetcher import Fetcher, FetchProblem, Response
from .models import Feed, FeedItem
from .parsing import Entry, parse_feed

log = logging.getLogger(__name__)

#: A failing item is tried again on this many fetches of its feed, then left alone.
MAX_ITEM_ATTEMPTS = 3


@dataclass
class FeedResult:
    feed_id: int
    url: str
    outcome: str  # collected, not-modified, unchanged, failed, skipped
    report: IngestReport = field(default_factory=IngestReport)
    error: str = ""


@dataclass
class CollectReport:
    feeds: list[FeedResult] = field(default_factory=list)

    def total(self, name: str) -> int:
        return sum(getattr(result.report, name) for result in self.feeds)

    @property
    def failed(self) -> list[FeedResult]:
        return [result for result in self.feeds if result.outcome == "failed"]

    def summary(self) -> str:
        outcomes: dict[str, int] = {}
        for result in self.feeds:
            outcomes[result.outcome] = outcomes.get(result.outcome, 0) + 1
        feeds = ", ".join(f"{n} {name}" for name, n in sorted(outcomes.items())) or "none"
        rejected = sum(len(result.report.rejected) for result in self.feeds)
        return (
            f"feeds: {feeds} / articles created {self.total('created')} / updated "
            f"{self.total('updated')} / unchanged {self.total('unchanged')} / rejected {rejected}"
        )


def due_feeds(*, source_slug: str | None = None, include_not_due: bool = False) -> QuerySet:
    """Enabled feeds of active sources whose time has come, most overdue first."""
    feeds = Feed.objects.filter(enabled=True, source__status=Source.Status.ACTIVE)
    if source_slug:
        feeds = feeds.filter(source__slug=source_slug)
    if not include_not_due:
        feeds = feeds.filter(next_fetch_at__lte=timezone.now())
    return feeds.order_by("next_fetch_at", "pk")


def collect(
    feed_ids: Iterable[int],
    *,
    fetcher: Fetcher | None = None,
    progress: Callable[[FeedResult], None] | None = None,
) -> CollectReport:
    fetcher = fetcher or Fetcher()
    report = CollectReport()
    for feed_id in feed_ids:
        try:
            result = collect_feed(feed_id, fetcher=fetcher)
        except Exception as error:  # a bug or a database refusal on one feed: record, go on
            log.exception("collecting feed %s failed", feed_id)
            actions.record_failure(feed_id, error=f"internal error: {error}"[:500])
            result = FeedResult(feed_id, "", "failed", error=str(error))
        report.feeds.append(result)
        if progress:
            progress(result)
    return report


def collect_feed(feed_id: int, *, fetcher: Fetcher) -> FeedResult:
    feed = Feed.objects.select_related("source").filter(pk=feed_id).first()
    if feed is None:
        return FeedResult(feed_id, "", "skipped", error="no such feed")
    if not feed.enabled or feed.source.status != Source.Status.ACTIVE:
        return FeedResult(feed_id, feed.url, "skipped", error="feed or source not active")
    try:
        response = fetcher.get(feed.url, etag=feed.etag, last_modified=feed.last_modified)
    except FetchProblem as problem:
        actions.record_failure(
            feed.pk, error=str(problem), status=problem.status, retry_after=problem.retry_after
        )
        return FeedResult(feed.pk, feed.url, "failed", error=str(problem))
    if response.status == 304:
        actions.record_not_modified(feed.pk, status=304)
        return FeedResult(feed.pk, feed.url, "not-modified")
    body_hash = hashlib.sha256(response.body).hexdigest()
    if body_hash == feed.body_hash:  # a server that ignores conditional GET
        actions.record_not_modified(feed.pk, status=response.status)
        return FeedResult(feed.pk, feed.url, "unchanged")

    parsed = parse_feed(feed.kind, response.body, response.url)
    if not parsed.entries and parsed.problem:
        actions.record_failure(feed.pk, error=parsed.problem, status=response.status)
        return FeedResult(feed.pk, feed.url, "failed", error=parsed.problem)

    report, outcomes = _collect_items(feed, _new_entries(feed, parsed.entries), fetcher)
    actions.record_items(feed.pk, outcomes)
    problems = [parsed.problem] if parsed.problem else []
    children = [e.url for e in parsed.entries if e.guid.startswith("sitemap:")]
    if children:  # an archive's index can list thousands: a curator picks which to collect
        problems.append(
            f"sitemap index listing {len(children)} sitemaps (e.g. {children[0]}); "
            "add the ones to collect as feeds"
        )
    failed = [o for o in outcomes if o.error]
    if failed:
        problems.append(f"{len(failed)} item(s) failed, e.g. {failed[0].error}")
    actions.record_success(
        feed.pk,
        status=response.status,
        etag=response.headers.get("etag", ""),
        last_modified=response.headers.get("last-modified", ""),
        body_hash=body_hash,
        new_articles=report.created,
        problem="; ".join(problems)[:2000],
    )
    return FeedResult(feed.pk, feed.url, "collected", report=report, error="; ".join(problems))


def _new_entries(feed: Feed, entries: list[Entry]) -> list[Entry]:
    """Entries not stored yet, or changed since (by the feed's own account), newest first."""
    unique: dict[str, Entry] = {}
    for entry in entries:
        if entry.guid.startswith("sitemap:"):
            continue  # a sitemap index lists sitemaps: register those as feeds
        unique.setdefault(entry.guid, entry)
    known = {
        guid: (item_hash, attempts)
        for guid, item_hash, attempts in FeedItem.objects.filter(
            feed=feed, guid__in=list(unique)
        ).values_list("guid", "item_hash", "attempts")
    }
    todo = []
    for guid, entry in unique.items():
        seen = known.get(guid)
        if seen and (seen[0] == entry.item_hash or seen[1] >= MAX_ITEM_ATTEMPTS):
            continue
        todo.append(entry)
    todo.sort(key=lambda e: e.published_at or timezone.now(), reverse=True)
    return todo[: settings.COLLECTION_MAX_ITEMS]


def _collect_items(
    feed: Feed, entries: list[Entry], fetcher: Fetcher
) -> tuple[IngestReport, list[actions.ItemOutcome]]:
    outcomes: list[actions.ItemOutcome] = []
    fetched: list[tuple[Entry, ArticleRecord]] = []
    for entry in entries:
        try:
            page = fetcher.get(entry.url)
        except FetchProblem as problem:
            outcomes.append(actions.ItemOutcome(entry, error=str(problem)))
            continue
        record = page_record(entry, page)
        if isinstance(record, Rejection):
            outcomes.append(actions.ItemOutcome(entry, error=record.reason))
        else:
            fetched.append((entry, record))
    report = ingest_records([record for _, record in fetched], source_slug=feed.source.slug)
    reasons = {rejection.origin: rejection.reason for rejection in report.rejected}
    stored = dict(
        Article.objects.filter(
            Q(source=feed.source), Q(key__in=[record.key for _, record in fetched])
        ).values_list("key", "pk")
    )
    for entry, record in fetched:
        article_id = stored.get(record.key)
        error = "" if article_id else reasons.get(record.origin, "not stored")
        outcomes.append(actions.ItemOutcome(entry, article_id=article_id, error=error))
    return report, outcomes


def page_record(entry: Entry, page: Response) -> ArticleRecord | Rejection:
    """The article of a fetched page, completed from its feed entry. Its identity is the
    entry's canonical URL, so a re-fetch through any tracking link finds the same article."""
    try:
        html, encoding = decode_bytes(page.body)
    except UndecodableInput as error:
        return Rejection(page.url, f"page could not be decoded: {error}")
    record = parse_html_page(html, origin=page.url, key=entry.url, raw_encoding=encoding)
    if isinstance(record, Rejection):
        if not (entry.title and entry.summary):
            return record
        # No main text on the page (a video, a paywall): the feed's summary is what we have.
        record = ArticleRecord(
            title=entry.title,
            body=entry.summary,
            raw=html,
            origin=page.url,
            key=entry.url,
            raw_encoding=encoding,
            extra={"body_from_feed": "true"},
        )
    title = record.title
    if entry.title and (not title or record.extra.get("title_derived")):
        title = entry.title
    published, provenance = record.published_at, record.published_at_source
    if published is None and entry.published_at is not None:
        published, provenance = entry.published_at, DateProvenance.FEED
    return replace(
        record,
        title=title,
        key=entry.url,
        url=page.url,
        canonical_url=entry.url,
        byline=record.byline or entry.author,
        published_at=published,
        published_at_source=provenance,
        source_slug="",
    )
