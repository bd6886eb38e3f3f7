"""Volume alerts: an email when a day's count of articles matching a saved search rises well
above its usual level, with the chart of the period.

Once a day per alert (``Alert.volume_checked_on``) the job counts the matching articles of each
of the last 29 full days (UTC) in one date_histogram through ``articles.search.recent``, and
flags the last day when its count is above the previous 28 days' mean + 3σ and at least
``MIN_COUNT``. Days are by the search page's own date (the published date, else the collection
date), not by the collection date: a researcher asks how much was *published* on a subject, and
collection dates spike by themselves after a feed outage, a back-fill or a new source. It also
makes every number in the email the number the search page shows for that day.

A spike is a ``VolumeSpike`` row, unique per (saved search, day), sent with the digests'
discipline (pending → sending → sent): a second run, or a second worker, emails it once.
"""

from __future__ import annotations

import datetime as dt
import logging
import statistics

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext

from articles.search import recent
from articles.search.request import SearchRequest
from articles.web.chart import build_chart

from . import actions, digests, queries
from .models import Alert, SendStatus, VolumeSpike

log = logging.getLogger(__name__)

#: Days of baseline before the day looked at.
BASELINE_DAYS = 28
#: How many standard deviations above the mean a day must be.
SIGMAS = 3.0
#: A day below this many articles is never a spike: a quiet search going from 0 to 2 is noise.
MIN_COUNT = 5
#: A perfectly flat baseline has σ = 0; a day must still be 3 articles above it, not 1.
MIN_STDDEV = 1.0


def last_full_day(now: dt.datetime | None = None) -> dt.date:
    return (now or timezone.now()).astimezone(dt.UTC).date() - dt.timedelta(days=1)


def is_spike(counts: list[int]) -> tuple[bool, float, float]:
    """Whether the last count is a spike over the ones before it; with their mean and σ."""
    *baseline, day = counts
    mean = statistics.fmean(baseline) if baseline else 0.0
    stddev = statistics.pstdev(baseline) if len(baseline) > 1 else 0.0
    return day >= MIN_COUNT and day > mean + SIGMAS * max(stddev, MIN_STDDEV), mean, stddev


def check(alert_id: int, day: dt.date) -> VolumeSpike | None:
    """Look at one alert's volume on ``day``; the spike recorded (None if none, or if it was
    recorded before). Raises SearchUnavailable when the engine is down (tried again later)."""
    alert = (
        Alert.objects.select_related("saved_search")
        .filter(pk=alert_id, active=True, volume=True)
        .first()
    )
    if alert is None:
        return None
    first = day - dt.timedelta(days=BASELINE_DAYS)
    counts = recent.daily_counts(queries.compiled(alert.saved_search.query), first, day)
    spike, mean, stddev = is_spike([n for _, n in counts])
    recorded = None
    if spike:
        recorded = actions.record_spike(
            alert.saved_search_id,
            day,
            count=counts[-1][1],
            mean=mean,
            stddev=stddev,
            counts=[(d.isoformat(), n) for d, n in counts],
        )
    actions.mark_volume_checked(alert.pk, day)
    return recorded


def check_all(now: dt.datetime | None = None) -> int:
    """Check every active volume alert not yet checked for the last full day, then send the
    pending spike emails. Returns how many emails were sent."""
    day = last_full_day(now)
    due = (
        Alert.objects.filter(active=True, volume=True)
        .exclude(volume_checked_on__gte=day)
        .values_list("pk", flat=True)
    )
    for alert_id in list(due):
        try:
            check(alert_id, day)
        except Exception as error:  # engine down or a query that no longer compiles
            log.warning("volume of alert %s not checked: %s", alert_id, error)
    pending = VolumeSpike.objects.filter(status=SendStatus.PENDING).values_list("pk", flat=True)
    return sum(deliver(pk) for pk in list(pending))


def deliver(spike_id: int) -> int:
    spike = (
        VolumeSpike.objects.select_related("saved_search__owner", "saved_search__alert")
        .filter(pk=spike_id)
        .first()
    )
    if spike is None or spike.status != SendStatus.PENDING:
        return 0
    return digests.send_once(VolumeSpike, spike.pk, compose(spike))


def retry_stuck(*, older_than: dt.timedelta, ids=None) -> tuple[int, int]:
    """Send stuck spike emails again (an operator's decision), with their first Message-ID."""
    released = actions.release_stuck(VolumeSpike, older_than=older_than, ids=ids)
    return len(released), sum(deliver(pk) for pk in released)


class _Links:
    """What the search page's chart asks of its page state: a bar's link (absolute here)."""

    def __init__(self, request: SearchRequest, language: str) -> None:
        self.request, self.language = request, language

    def url(self, set_: dict) -> str:
        dates = {k: dt.date.fromisoformat(v) for k, v in set_.items()}
        query = queries.canonical_with(self.request, **dates)
        return digests.site_url(self.language, "/?" + query)


def compose(spike: VolumeSpike) -> EmailMultiAlternatives | None:
    """The spike's email (HTML and text) with the chart of the period; None when the alert is
    gone or paused, or the user has no address."""
    saved = spike.saved_search
    alert = getattr(saved, "alert", None)
    if alert is None or not alert.active or not alert.volume or not saved.owner.email:
        return None
    language = alert.language
    request = queries.read(saved.query)
    buckets = [{"start": d, "count": n} for d, n in spike.counts]
    with translation.override(language):
        chart = build_chart(
            {"buckets": buckets, "interval": "day"}, _Links(request, language), request
        )
        if chart is None:
            return None
        spike_day = spike.day.isoformat()
        for bar in chart["bars"]:
            bar["spike"] = bar["start"] == spike_day
        context = {
            "spike": spike,
            "name": saved.name,
            "chart": chart,
            "language": language,
            "direction": "rtl" if language == "ar" else "ltr",
            "threshold": round(spike.mean + SIGMAS * max(spike.stddev, MIN_STDDEV), 1),
            "mean": round(spike.mean, 1),
            # An ISO date inside Arabic text keeps its left-to-right order.
            "day_html": format_html('<bdi dir="ltr">{}</bdi>', spike_day),
            "day_url": _Links(request, language).url(
                {"date_from": spike_day, "date_to": spike_day}
            ),
            "manage_url": digests.site_url(language, "/alerts/"),
            "unsubscribe_url": digests.unsubscribe_url(language, [alert.pk]),
        }
        subject = gettext("ctsearch: unusual volume for “%(name)s” on %(day)s: %(n)s articles") % {
            "name": saved.name,
            "day": spike_day,
            "n": spike.count,
        }
        text = render_to_string("alerts/email_volume.txt", context)
        html = render_to_string("alerts/email_volume.html", context)
    return digests.alert_email(
        kind="volume",
        pk=spike.pk,
        label=f"{saved.pk}/{spike_day}/{spike.pk}",
        to=saved.owner.email,
        subject=subject,
        text=text,
        html=html,
        unsubscribe=context["unsubscribe_url"],
    )
