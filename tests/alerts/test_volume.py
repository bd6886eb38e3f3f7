"""Volume alerts against real indexed articles, the engine's date histogram and a real SMTP
server (aiosmtpd): a spike is found and emailed once with its chart; flat volume is quiet."""

from __future__ import annotations

import datetime as dt

import pytest

from alerts import actions, volume
from alerts.models import Alert, VolumeSpike

from .helpers import drain, make_user, new_article, saved_with_alert

pytestmark = pytest.mark.django_db


def _publish(per_day: dict[dt.date, int], title: str) -> None:
    """Index this many matching articles published on each day (at noon UTC)."""
    for day, n in per_day.items():
        at = dt.datetime.combine(day, dt.time(12), dt.UTC)
        for i in range(n):
            new_article(title=f"{title} {day} {i}", body=title, published_at=at)


def _volume_alert(user, query: str, *, language: str = "ar"):
    saved = saved_with_alert(user, query, cadence="daily", language=language)
    actions.set_alert(saved, volume=True)
    return saved


@pytest.mark.parametrize("language", ["ar", "en"])
def test_a_spike_in_indexed_articles_is_emailed_once_with_its_chart(
    alerts_engine, mailbox, language
):
    user = make_user()
    saved = _volume_alert(user, "q=داعش", language=language)
    day = volume.last_full_day()
    baseline = {day - dt.timedelta(days=i): (0, 1, 2, 1)[i % 4] for i in range(1, 29)}
    _publish(baseline | {day: 9}, "هجوم داعش")
    _publish({day: 6}, "أخبار الطقس")  # the same day, not matching: not counted
    drain()

    assert volume.check_all() == 1
    spike = VolumeSpike.objects.get()
    assert (spike.saved_search_id, spike.day, spike.count) == (saved.pk, day, 9)
    assert spike.mean == pytest.approx(1.0) and spike.status == "sent"
    assert len(spike.counts) == 29 and spike.counts[-1] == [day.isoformat(), 9]

    [message] = mailbox.messages
    assert message["Message-ID"] == f"<ctsearch.volume.{spike.pk}@ctsearch.example>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = mailbox.bodies(message)
    assert "<svg" in html and 'role="img"' in html and "<title>" in html  # chart with alt text
    assert html.count("<rect") == 29 and "#b3261e" in html  # one bar a day, the spike marked
    assert "<table" in html and f"{day.isoformat()}</a></td><td" in html  # the counts as a table
    assert "<script" not in html
    assert f"{day.isoformat()}  9  <<" in text
    assert f"date_from={day.isoformat()}&amp;date_to={day.isoformat()}" in html
    if language == "ar":
        assert 'dir="rtl"' in html and 'lang="ar"' in html
        assert "حجم غير معتاد" in message["Subject"]
    else:
        assert 'dir="ltr"' in html
        assert message["Subject"].strip().startswith("ctsearch: unusual volume for “q=داعش”")
        assert "9 articles on" in text

    # Idempotent: the daily job again, and again after forgetting it had checked.
    assert volume.check_all() == 0
    Alert.objects.update(volume_checked_on=None)
    assert volume.check_all() == 0
    assert VolumeSpike.objects.count() == 1 and len(mailbox.messages) == 1


def test_flat_volume_and_quiet_searches_are_not_spikes(alerts_engine, mailbox, monkeypatch):
    user = make_user()
    _volume_alert(user, "q=الحوثي")
    day = volume.last_full_day()
    monkeypatch.setattr(volume, "MIN_COUNT", 1)  # so only the baseline rule can hold it back
    _publish({day - dt.timedelta(days=i): 1 for i in range(1, 29)} | {day: 3}, "الحوثي")
    drain()
    assert volume.check_all() == 0
    assert not VolumeSpike.objects.exists() and not mailbox.messages
    assert Alert.objects.get().volume_checked_on == day


def test_alerts_without_volume_are_not_checked(alerts_engine, mailbox):
    user = make_user()
    saved_with_alert(user, "q=النصرة", cadence="daily")
    assert volume.check_all() == 0
    assert Alert.objects.get().volume_checked_on is None


@pytest.mark.parametrize(
    ("counts", "spike"),
    [
        ([0] * 28 + [2], False),  # a quiet search going 0 -> 2 is noise
        ([0] * 28 + [5], True),
        ([6] * 28 + [8], False),  # flat: within 3 articles of the usual
        ([6] * 28 + [10], True),
        ([0, 20] * 14 + [25], False),  # a noisy search: within 3σ
    ],
)
def test_the_rule(counts, spike):
    assert volume.is_spike(counts)[0] is spike
