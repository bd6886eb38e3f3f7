"""Alerts end to end against the real engine, PostgreSQL and an SMTP server (aiosmtpd)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from alerts import actions, digests, matching
from alerts.models import AlertMatch, Digest
from articles import actions as article_actions
from articles.search import indexer

from .helpers import drain, make_source, make_user, new_article, saved_with_alert

pytestmark = pytest.mark.django_db


def percolate(*articles) -> int:
    return matching.percolate_batch([a.pk for a in articles])


def test_instant_digest_by_percolation(alerts_engine, mailbox):
    user = make_user()
    wanted = make_source(slug="wanted", name="الوسط")
    other = make_source(slug="other", name="أخرى")
    saved_with_alert(user, "q=داعش&source=wanted", ago=1)
    hit = new_article(
        source=wanted, title="هجوم لتنظيم داعش في الموصل", body="أعلن داعش المسؤولية."
    )
    new_article(source=other, title="داعش في مصدر آخر", body="داعش")  # filtered out by source
    new_article(source=wanted, title="أخبار الطقس", body="مطر غزير")
    drain()
    assert percolate(*AlertMatch.objects.none()) == 0
    assert matching.percolate_batch(list(range(hit.pk - 5, hit.pk + 5))) == 1
    assert AlertMatch.objects.get().article_id == hit.pk
    assert AlertMatch.objects.get().via == "percolator"

    assert digests.send("instant") == 1
    assert digests.send("instant") == 0  # nothing new: nothing sent
    [message] = mailbox.messages
    assert message["To"] == "researcher@example.org"
    unsubscribe = message["List-Unsubscribe"].strip()
    assert unsubscribe.startswith("<https://ctsearch.example/alerts/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = mailbox.bodies(message)
    assert "هجوم لتنظيم داعش في الموصل" in text
    assert "هجوم لتنظيم <mark>داعش</mark> في الموصل" in html  # highlighted by the engine
    assert 'dir="rtl"' in html and 'lang="ar"' in html
    assert message["Subject"].strip() == "ctsearch: مقال جديد لبحوثك المحفوظة"
    assert "أوقف هذا التنبيه" in text
    assert "داعش في مصدر آخر" not in text
    assert f"https://ctsearch.example/articles/{hit.pk}" in text
    assert "source=wanted" in html  # the "see all" link keeps the filters
    assert Digest.objects.get().status == "sent"


def test_no_duplicates_after_reindex_retag_rebuild(alerts_engine, mailbox):
    user = make_user()
    saved_with_alert(user, "q=الحوثي", ago=1)
    article = new_article(title="الحوثي يعلن", body="بيان الحوثي")
    drain()
    percolate(article)
    assert digests.send("instant") == 1

    article_actions.record_index_changes([article.pk])  # re-index (re-tag does the same)
    drain()
    percolate(article)
    indexer.rebuild()
    matching.reregister_all()
    percolate(article)
    matching.sweep_all()
    assert AlertMatch.objects.count() == 1
    assert digests.send("instant") == 0
    assert len(mailbox.messages) == 1


def test_the_sweep_catches_a_missed_percolation(alerts_engine, mailbox):
    user = make_user()
    saved = saved_with_alert(user, "q=الشباب", cadence="daily", ago=10)
    article = new_article(title="حركة الشباب في الصومال", body="هجوم لحركة الشباب")
    drain()  # the percolation task is queued but no worker runs it: "missed"
    assert not AlertMatch.objects.exists()
    assert matching.sweep_all("daily") == 1
    match = AlertMatch.objects.get()
    assert (match.article_id, match.via) == (article.pk, "sweep")
    saved.alert.refresh_from_db()
    assert saved.alert.watermark > timezone.now() - dt.timedelta(minutes=1)
    assert digests.send("daily") == 1
    assert mailbox.messages[0]["X-Ctsearch-Digest"].startswith("daily/")


def test_no_flood_from_old_articles(alerts_engine, mailbox):
    user = make_user()
    before = new_article(title="داعش قبل التنبيه", body="داعش")
    saved_with_alert(user, "q=داعش")  # created now: after `before` was collected
    archive = new_article(
        title="داعش في الأرشيف",
        body="داعش",
        published_at=timezone.now() - dt.timedelta(days=3000),
    )
    drain()
    percolate(before, archive)
    matching.sweep_all()
    assert not AlertMatch.objects.exists()
    assert digests.send("instant") == 0
    assert not mailbox.messages


def test_one_item_per_story_and_english_weekly(alerts_engine, mailbox):
    user = make_user()
    saved_with_alert(user, "q=القاعدة", cadence="weekly", language="en", ago=1)
    first = new_article(
        source=make_source(slug="a1", name="Outlet A"), title="القاعدة تهاجم", body="القاعدة"
    )
    copy = new_article(
        source=make_source(slug="a2", name="Outlet B"), title="القاعدة تهاجم مجددا", body="القاعدة"
    )
    type(first).objects.filter(pk__in=[first.pk, copy.pk]).update(story_id=first.pk)
    drain()
    percolate(first, copy)
    assert AlertMatch.objects.count() == 2
    assert digests.send("weekly") == 1
    [message] = mailbox.messages
    assert "new articles for your saved searches" in message["Subject"]
    text, html = mailbox.bodies(message)
    assert 'dir="ltr"' in html and 'lang="en"' in html
    assert "also published by 1 outlet" in text
    assert text.count("https://ctsearch.example/en/articles/") == 1  # one item for the story


def test_markup_in_a_title_stays_text(alerts_engine, mailbox):
    user = make_user()
    saved_with_alert(user, "q=بوكو", ago=1)
    article = new_article(title="<script>alert(1)</script> بوكو حرام", body="بوكو حرام <b>x</b>")
    drain()
    percolate(article)
    digests.send("instant")
    _text, html = mailbox.bodies(mailbox.messages[0])
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)" in html
    assert "<mark>بوكو</mark>" in html  # the engine's highlight, the only markup kept


def test_a_crash_mid_send_never_sends_twice(alerts_engine, mailbox):
    user = make_user()
    saved_with_alert(user, "q=النصرة", ago=1)
    article = new_article(title="جبهة النصرة", body="النصرة")
    drain()
    percolate(article)
    # A run claimed a digest and marked it "sending", then its worker died (before or after
    # the SMTP server took the message: it cannot know which).
    digest = actions.claim_digest(user.pk, "instant", "crashed-run")
    assert actions.start_sending(digest.pk)
    assert digests.send("instant") == 0  # the retry leaves it alone
    assert not mailbox.messages

    # A digest claimed but not yet sending (crash before the SMTP call) is sent once.
    Digest.objects.filter(pk=digest.pk).update(status="pending")
    assert digests.send("instant") == 1
    assert digests.send("instant") == 0
    assert len(mailbox.messages) == 1


def test_paused_alert_sends_nothing_and_resuming_starts_afresh(alerts_engine, mailbox):
    user = make_user()
    saved = saved_with_alert(user, "q=طالبان", ago=1)
    actions.pause_alerts([saved.alert.pk])
    article = new_article(title="طالبان", body="طالبان")
    drain()
    percolate(article)
    assert not AlertMatch.objects.exists()
    actions.set_alert(saved, active=True)
    matching.sweep_all()
    assert not AlertMatch.objects.exists()  # collected while paused: not announced later


def test_send_alerts_command_writes_files_without_smtp(alerts_engine, settings, tmp_path):
    """What `make run` does without EMAIL_HOST: one file per email (README: var/mail/)."""
    from django.core.management import call_command

    settings.ALERTS_EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path
    user = make_user()
    saved_with_alert(user, "q=الموصل", cadence="daily", ago=10)
    new_article(title="تحرير الموصل", body="الموصل")
    drain()
    call_command("send_alerts", "--cadence", "daily")
    [written] = list(tmp_path.iterdir())
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in written.read_text()


def test_a_mapping_change_reregisters_every_query_without_realerting(
    alerts_engine, mailbox, monkeypatch
):
    from articles.search import index, percolator

    user = make_user()
    saved_with_alert(user, "q=الفلوجة", ago=1)
    article = new_article(title="الفلوجة", body="الفلوجة")
    drain()
    percolate(article)
    assert digests.send("instant") == 1
    before = percolator.ensure_queries_index()
    monkeypatch.setattr(index, "MAPPING_VERSION", index.MAPPING_VERSION + 1)
    assert not percolator.queries_index_is_current()
    matching.sweep_all()
    assert percolator.ensure_queries_index() != before
    assert percolator.queries_index_is_current()
    assert percolator.registered_ids() == {AlertMatch.objects.get().alert_id}
    percolate(article)
    assert digests.send("instant") == 0
    assert len(mailbox.messages) == 1


def test_a_stuck_digest_is_resent_only_by_an_operator_with_the_same_message_id(
    alerts_engine, mailbox
):
    from django.core.management import call_command

    user = make_user()
    saved_with_alert(user, "q=الشباب", ago=1)
    article = new_article(title="حركة الشباب", body="الشباب")
    drain()
    percolate(article)
    digest = actions.claim_digest(user.pk, "instant", "crashed-run")
    assert actions.start_sending(digest.pk)  # then its sender died inside SMTP
    assert digests.send("instant") == 0
    assert digests.retry_stuck(older_than=digests.stuck_after()) == (0, 0)  # not stuck yet
    assert [d.pk for d in digests.stuck(older_than=dt.timedelta(0))] == [digest.pk]
    assert not mailbox.messages

    # The operator's decision: `send_alerts --retry-stuck` (the admin action does the same).
    call_command("send_alerts", "--retry-stuck", "--stuck-minutes", "0")
    [message] = mailbox.messages
    assert message["Message-ID"] == digests.message_id("digest", digest.pk)
    assert "حركة الشباب" in mailbox.bodies(message)[0]
    assert Digest.objects.get(pk=digest.pk).status == "sent"
    call_command("send_alerts", "--retry-stuck", "--stuck-minutes", "0")
    assert digests.send("instant") == 0
    assert len(mailbox.messages) == 1


def test_see_all_counts_exactly_what_its_link_shows(alerts_engine, mailbox, client):
    import re
    from urllib.parse import urlsplit

    user = make_user()
    saved_with_alert(user, "q=القاعدة", ago=1, language="en")
    now = timezone.now()
    announced = [
        new_article(title="القاعدة أمس", body="القاعدة", published_at=now - dt.timedelta(days=1)),
        new_article(title="القاعدة اليوم", body="القاعدة"),
    ]
    # In the period but not announced: part of a back-fill (never news).
    backfilled = new_article(title="القاعدة أرشيف", body="القاعدة")
    actions.mark_backfilled([backfilled.pk])
    # Announced by neither: published long before the alert.
    new_article(title="القاعدة قديما", body="القاعدة", published_at=now - dt.timedelta(days=9))
    drain()
    percolate(*announced, backfilled)
    assert AlertMatch.objects.count() == 2
    assert digests.send("instant") == 1
    text, html = mailbox.bodies(mailbox.messages[0])
    n, url = re.search(r"See all (\d+) articles of this period: (\S+)", text).groups()
    query = urlsplit(url).query
    assert "q=" in query and "date_from=" in query and "date_to=" in query
    client.force_login(user)
    shown = client.get("/api/v1/search?" + query).json()
    assert int(n) == shown["total"] == 3  # the two announced and the back-filled one
    assert f">See all {n} articles of this period</a>" in html


def test_the_admin_lists_a_stuck_digest_and_its_action_resends_it(
    alerts_engine, mailbox, client, settings
):
    from django.contrib.auth import get_user_model

    user = make_user()
    saved_with_alert(user, "q=بوكو", ago=1)
    article = new_article(title="بوكو حرام", body="بوكو")
    drain()
    percolate(article)
    digest = actions.claim_digest(user.pk, "instant", "crashed-run")
    assert actions.start_sending(digest.pk)
    client.force_login(get_user_model().objects.create_superuser("root", "r@example.org", "pw"))
    url = "/en/admin/alerts/digest/"
    assert f"/{digest.pk}/change/" not in client.get(url + "?stuck=yes").content.decode()
    settings.ALERTS_STUCK_AFTER_MINUTES = 0
    assert f"/{digest.pk}/change/" in client.get(url + "?stuck=yes").content.decode()
    done = client.post(url, {"action": "retry_stuck", "_selected_action": [digest.pk]}, follow=True)
    assert "1 of 1 selected were stuck and sent again" in done.content.decode()
    [message] = mailbox.messages
    assert message["Message-ID"] == digests.message_id("digest", digest.pk)
    assert Digest.objects.get(pk=digest.pk).status == "sent"


def test_a_digest_claims_more_matches_than_a_statement_has_parameters():
    """A broad alert, or many of them, can leave one user more unsent matches than
    PostgreSQL's 65,535 parameters; the claim once listed them all (found by `make bench`)."""
    from alerts.models import Alert, SavedSearch
    from articles.search.index import MAPPING_VERSION
    from tests.factories import make_article

    user = make_user()
    since = timezone.now() - dt.timedelta(days=1)
    searches = SavedSearch.objects.bulk_create(
        SavedSearch(owner=user, name=f"s{i}", query=f"q=w{i}", index_version=MAPPING_VERSION)
        for i in range(280)
    )
    alerts = Alert.objects.bulk_create(
        Alert(saved_search=s, cadence="instant", announce_from=since, watermark=since)
        for s in searches
    )
    source = make_source()
    articles = [
        make_article(source=source, published_at=timezone.now(), published_at_source="metadata")
        for _ in range(240)
    ]
    pairs = [(a.pk, b.pk) for a in alerts for b in articles]  # 67,200
    assert actions.record_matches(pairs, via="percolator") == len(pairs)

    digest = actions.claim_digest(user.pk, "instant", "2026-12-02T10:00")
    assert digest is not None
    assert AlertMatch.objects.filter(digest=digest).count() == len(pairs)


@pytest.mark.parametrize("language", ["ar", "en"])
def test_alerts_past_the_limit_are_listed_by_name_and_count(
    alerts_engine, mailbox, monkeypatch, language
):
    """An email shows MAX_SECTIONS alerts in full; the others by name, number and link (their
    matches are sent with it, never left behind), so composing stays bounded."""
    monkeypatch.setattr(digests, "MAX_SECTIONS", 2)
    user = make_user()
    words = ["داعش", "القاعدة", "الحوثيين", "التطرف"]
    for word in words:
        saved_with_alert(user, f"q={word}", name=f"بحث {word}", language=language, ago=1)
    articles = [new_article(title=f"خبر عن {w}", body=f"{w} {w}") for w in words]
    extra = new_article(title="التطرف مرة أخرى", body="التطرف")
    drain()
    assert percolate(*articles, extra) == 5

    assert digests.send("instant") == 1
    [message] = mailbox.messages
    text, html = mailbox.bodies(message)
    assert "خبر عن داعش" in text and "خبر عن القاعدة" in text  # the first two, in full
    assert "خبر عن الحوثيين" not in text and "خبر عن التطرف" not in text
    assert "بحث الحوثيين" in html and "بحث التطرف" in html  # the others, named and linked
    if language == "en":
        assert "2 more alerts matched" in text
        assert "بحث التطرف: 2 new articles" in text
        assert "5 new articles for your saved searches" in message["Subject"]
    else:
        assert "تنبيهان آخران وجدا مقالات" in text
        assert "بحث التطرف: مقالان جديدان" in text
    assert text.count("/alerts/unsubscribe/") == 5  # four alerts and the whole email
    assert not AlertMatch.objects.filter(digest__isnull=True).exists()
