"""Sending: one email per user per cadence period, grouping that user's alerts.

A digest row is created, with its ledger rows claimed, in its own transaction before any
sending (``actions.claim_digest``); it is marked ``sending`` just before the SMTP call and
``sent`` after. A retry sends ``pending`` digests and never touches one that may already have
left, so a crash or a killed worker cannot send an email twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import ngettext

from articles.models import Article
from articles.search import recent
from articles.search.errors import ParamError, SearchRequestError

from . import actions, queries, tokens
from .models import Alert, AlertMatch, Cadence, Digest, SendStatus

log = logging.getLogger(__name__)

#: Items (stories) an email lists per alert; the rest are behind "see all N".
MAX_ITEMS = 20
#: Alerts an email shows in full (items, highlights, a counted "see all" link); the others are
#: listed by name with their number of new articles and a link. Each full section costs
#: engine requests and database queries: a user with 10,000 matching alerts took 13 minutes
#: to compose (the alerts bench), and nobody reads such an email.
MAX_SECTIONS = 30
SNIPPET_CHARS = 240
#: How far back "see all" reaches for each cadence.
PERIOD_SPAN = {Cadence.INSTANT: 1, Cadence.DAILY: 1, Cadence.WEEKLY: 7}


def period_key(cadence: str, now: dt.datetime) -> str:
    if cadence == Cadence.WEEKLY:
        year, week, _day = now.isocalendar()
        return f"{year}-W{week:02d}"
    if cadence == Cadence.DAILY:
        return now.date().isoformat()
    return now.strftime("%Y-%m-%dT%H:%M")


def site_url(language: str, path: str) -> str:
    prefix = "" if language == settings.LANGUAGE_CODE else f"/{language}"
    return f"{settings.ALERTS_SITE_URL}{prefix}{path}"


@dataclass
class Item:
    title: str
    url: str
    source: str
    date: str
    snippet: str
    other_outlets: int
    # The engine's highlights (escaped text, only <mark> tags), or None when it could not say.
    title_html: str | None = None
    snippet_html: str | None = None


@dataclass
class Section:
    alert: Alert
    name: str
    total: int
    see_all_url: str
    # How many articles the "see all" link's search shows (counted by the engine with that
    # very query), or None when the engine could not say.
    see_all_count: int | None
    search_url: str
    unsubscribe_url: str
    items: list[Item] = field(default_factory=list)


@dataclass
class MoreAlert:
    """An alert past :data:`MAX_SECTIONS`: named, counted and linked, its items not listed."""

    name: str
    new_articles: int
    search_url: str
    unsubscribe_url: str


def send(cadence: str, *, now: dt.datetime | None = None) -> int:
    """Send this cadence's due digests (pending ones first); returns how many were sent."""
    users = set(
        Digest.objects.filter(cadence=cadence, status=Digest.Status.PENDING).values_list(
            "user_id", flat=True
        )
    ) | set(
        AlertMatch.objects.filter(digest__isnull=True, alert__active=True, alert__cadence=cadence)
        .values_list("alert__saved_search__owner_id", flat=True)
        .distinct()
    )
    return sum(send_to_user(user_id, cadence, now=now) for user_id in sorted(users))


def send_to_user(user_id: int, cadence: str, *, now: dt.datetime | None = None) -> int:
    """Send one user's due digests of a cadence: a pending one left by an earlier run, then
    this period's. What beat's tick does for everyone, and what the instant task does for the
    users whose alerts just matched. The unique (user, cadence, period) key makes the two
    meet safely: whichever comes second finds the period taken or nothing left to claim."""
    now = now or timezone.now()
    sent = 0
    for digest_id in Digest.objects.filter(
        user_id=user_id, cadence=cadence, status=Digest.Status.PENDING
    ).values_list("pk", flat=True):
        sent += deliver(digest_id)
    digest = actions.claim_digest(user_id, cadence, period_key(cadence, now))
    if digest is not None:
        sent += deliver(digest.pk)
    return sent


def stuck_after() -> dt.timedelta:
    return dt.timedelta(minutes=settings.ALERTS_STUCK_AFTER_MINUTES)


def stuck(model=Digest, *, older_than: dt.timedelta | None = None):
    """Emails whose sender died during the SMTP call: maybe delivered, never resent unless
    an operator decides so (``send_alerts --retry-stuck``, or the admin's action)."""
    return model.objects.filter(
        status=SendStatus.SENDING,
        attempted_at__lt=timezone.now() - (stuck_after() if older_than is None else older_than),
    )


def retry_stuck(*, older_than: dt.timedelta, ids=None) -> tuple[int, int]:
    """Send stuck digests again (an operator's decision), with their first Message-ID.
    Returns (released, sent)."""
    released = actions.release_stuck(Digest, older_than=older_than, ids=ids)
    return len(released), sum(deliver(pk) for pk in released)


def unsubscribe_url(language: str, alert_ids: list[int]) -> str:
    """The signed one-click link (POST) that pauses these alerts."""
    return site_url(language, f"/alerts/unsubscribe/{tokens.make(alert_ids)}")


def alert_email(
    *, kind: str, pk: int, label: str, to: str, subject: str, text: str, html: str, unsubscribe: str
) -> EmailMultiAlternatives:
    """An alert email (``kind`` ``digest`` or ``volume``, row ``pk``): text and HTML parts,
    RFC 8058 one-click unsubscribe (a POST to ``unsubscribe`` pauses its alerts), and the same
    Message-ID on every send (:func:`message_id`)."""
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.ALERTS_FROM_EMAIL,
        to=[to],
        connection=get_connection(settings.ALERTS_EMAIL_BACKEND),
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            f"X-Ctsearch-{kind.title()}": label,
            "Message-ID": message_id(kind, pk),
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def message_id(kind: str, pk: int) -> str:
    """The same Message-ID every time this email is sent, so that a re-send after a crash
    inside SMTP can be recognised as the same message by the receiving system."""
    host = urlsplit(settings.ALERTS_SITE_URL).hostname or "ctsearch.invalid"
    return f"<ctsearch.{kind}.{pk}@{host}>"


def deliver(digest_id: int) -> int:
    digest = Digest.objects.select_related("user").filter(pk=digest_id).first()
    if digest is None or digest.status != Digest.Status.PENDING:
        return 0
    return send_once(Digest, digest.pk, compose(digest))


def send_once(model, pk: int, message: EmailMultiAlternatives | None) -> int:
    """Send the email of a pending row (digest or volume spike) at most once; 1 if sent."""
    if message is None:  # every item was hidden or already announced in an earlier email
        actions.start_sending(pk, model)
        actions.mark_sent(pk, model)
        return 0
    if not actions.start_sending(pk, model):
        return 0  # another run has it
    try:
        message.send()
    except (smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected, ConnectionError) as error:
        # Nothing was accepted: safe to try again at the next run.
        actions.back_to_pending(pk, model)
        log.warning("alert email %s %s not sent (%s); will retry", model.__name__, pk, error)
        return 0
    actions.mark_sent(pk, model)
    return 1


def compose(digest: Digest) -> EmailMultiAlternatives | None:
    matches = list(AlertMatch.objects.filter(digest=digest).select_related("alert__saved_search"))
    alerts = sorted({m.alert for m in matches}, key=lambda a: a.pk)
    if not alerts or not digest.user.email:
        return None
    language = alerts[0].language
    per_alert: dict[int, list[AlertMatch]] = {}
    for m in matches:
        per_alert.setdefault(m.alert_id, []).append(m)
    with translation.override(language):
        sections = [s for a in alerts[:MAX_SECTIONS] if (s := _section(a, per_alert[a.pk], digest))]
        more = [_more(a, len(per_alert[a.pk])) for a in alerts[MAX_SECTIONS:]]
        if not sections and not more:
            return None
        total = sum(s.total for s in sections) + sum(m.new_articles for m in more)
        context = {
            "sections": sections,
            "more": more,
            "total": total,
            "language": language,
            "direction": "rtl" if language == "ar" else "ltr",
            "cadence": digest.cadence,
            "manage_url": site_url(language, "/alerts/"),
            "unsubscribe_all_url": unsubscribe_url(language, [a.pk for a in alerts]),
        }
        subject = ngettext(
            "ctsearch: %(n)s new article for your saved searches",
            "ctsearch: %(n)s new articles for your saved searches",
            total,
        ) % {"n": total}
        text = render_to_string("alerts/email_digest.txt", context)
        html = render_to_string("alerts/email_digest.html", context)
    return alert_email(
        kind="digest",
        pk=digest.pk,
        label=f"{digest.cadence}/{digest.period}/{digest.pk}",
        to=digest.user.email,
        subject=subject,
        text=text,
        html=html,
        unsubscribe=context["unsubscribe_all_url"],
    )


def _section(alert: Alert, matches: list[AlertMatch], digest: Digest) -> Section | None:
    articles = {
        a.pk: a
        for a in Article.objects.filter(
            pk__in=[m.article_id for m in matches], status=Article.Status.VISIBLE
        ).select_related("source")
    }
    # One item per story; a story announced by an earlier email is not announced again.
    announced = set(
        AlertMatch.objects.filter(alert=alert, digest__isnull=False)
        .exclude(digest=digest)
        .values_list("story_id", flat=True)
    )
    stories: dict[int, Article] = {}
    for article in sorted(articles.values(), key=_newest_first):
        story = article.story_id or article.pk
        if story in announced or story in stories:
            continue
        stories[story] = article
    if not stories:
        return None
    outlets = _outlets_per_story(list(stories))
    language = alert.language
    query = alert.saved_search.query
    see_all_query, see_all_count = _see_all(alert, list(articles.values()))
    shown = list(stories.items())[:MAX_ITEMS]
    marks = _highlights(query, [article.pk for _, article in shown])
    items = [
        Item(
            title=article.title,
            url=site_url(language, f"/articles/{article.pk}"),
            source=article.source.name,
            date=(article.published_at or article.collected_at).date().isoformat(),
            snippet=_snippet(article.body),
            other_outlets=max(0, len(outlets.get(story, set()) - {article.source_id})),
            title_html=marks.get(article.pk, {}).get("title"),
            snippet_html=" … ".join(marks.get(article.pk, {}).get("body") or []) or None,
        )
        for story, article in shown
    ]
    return Section(
        alert=alert,
        name=alert.saved_search.name,
        total=len(articles),
        see_all_url=site_url(language, "/?" + see_all_query),
        see_all_count=see_all_count,
        search_url=site_url(language, "/?" + query),
        unsubscribe_url=unsubscribe_url(language, [alert.pk]),
        items=items,
    )


def _more(alert: Alert, new_articles: int) -> MoreAlert:
    language, query = alert.language, alert.saved_search.query
    return MoreAlert(
        name=alert.saved_search.name,
        new_articles=new_articles,
        search_url=site_url(language, "/?" + query),
        unsubscribe_url=unsubscribe_url(language, [alert.pk]),
    )


def _see_all(alert: Alert, articles: list[Article]) -> tuple[str, int | None]:
    """The saved search restricted to the period (dates by the search page's own date: the
    published date, else the collection date), and how many articles that search shows.
    The period reaches back the cadence's span, and further if an item of the email is older,
    so that every item listed is among those the link shows; the saved search's own dates
    still bound it. Counted with the very query of the link, so the number is the link's."""
    try:
        request = queries.read(alert.saved_search.query)
    except (ParamError, SearchRequestError):  # no longer valid: the saved search, no number
        return alert.saved_search.query, None
    days = [(a.published_at or a.collected_at).date() for a in articles]
    today = timezone.now().date()
    start = min([today - dt.timedelta(days=PERIOD_SPAN[Cadence(alert.cadence)]), *days])
    end = max([today, *days])  # an article dated ahead of today is still in the link
    date_from = max(start, request.date_from) if request.date_from else start
    date_to = min(end, request.date_to) if request.date_to else end
    query = queries.canonical_with(request, date_from=date_from, date_to=date_to)
    try:
        count = recent.count_matching(queries.compiled(query))
    except Exception as error:  # the engine is down: the link without a number
        log.warning("no count for an alert email's link: %s", error)
        count = None
    return query, count


def _highlights(query: str, article_ids: list[int]) -> dict[int, dict]:
    """The engine's highlights of the saved search in these articles; plain text without."""
    try:
        return recent.highlights(queries.compiled(query), article_ids)
    except Exception as error:  # the engine is down: the email goes out with plain snippets
        log.warning("no highlights for an alert email: %s", error)
        return {}


def _newest_first(article: Article):
    return -(article.published_at or article.collected_at).timestamp()


def _outlets_per_story(stories: list[int]) -> dict[int, set[int]]:
    out: dict[int, set[int]] = {}
    rows = Article.objects.filter(story_id__in=stories, status=Article.Status.VISIBLE)
    for story, source in rows.values_list("story_id", "source_id"):
        out.setdefault(story, set()).add(source)
    return out


def _snippet(body: str) -> str:
    text = " ".join(body.split())
    return text if len(text) <= SNIPPET_CHARS else text[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"
