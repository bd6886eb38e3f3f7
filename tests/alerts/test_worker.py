"""The whole path on a real Celery worker through Redis: an article is saved, the outbox drain
runs, its post-batch signal queues percolation, the ledger records the match, beat's task sends
the email to a real SMTP server. And the engine down while articles arrive, then back."""

from __future__ import annotations

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import transaction

from alerts import actions, digests, matching
from alerts.models import AlertMatch
from alerts.tasks import send_task
from articles.search import indexer
from articles.search.client import get_client
from ctsearch.celery import app

from .helpers import drain, make_user, new_article, saved_with_alert


def wait_for(condition, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.django_db(transaction=True)
def test_drain_signal_percolates_on_a_worker_and_beat_task_sends(alerts_engine, mailbox):
    user = make_user()
    saved = actions.save_search(user, "داعش", "q=داعش", alert={"cadence": "instant"})
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        article = new_article(title="داعش في سوريا", body="داعش")  # commits: drain queued
        assert wait_for(lambda: AlertMatch.objects.filter(alert=saved.alert).exists())
        send_task.delay("instant")
        assert wait_for(lambda: len(mailbox.messages) == 1)
    match = AlertMatch.objects.get()
    assert (match.article_id, match.via) == (article.pk, "percolator")
    assert "داعش في سوريا" in mailbox.bodies(mailbox.messages[0])[0]


@pytest.mark.django_db(transaction=True)
def test_an_instant_alert_is_emailed_without_waiting_for_beat(alerts_engine, mailbox, settings):
    """Percolation announces the users whose instant alerts matched; a task sends their email
    after ALERTS_INSTANT_DELAY (a burst makes one email). No beat here at all."""
    settings.ALERTS_INSTANT_DELAY = 1
    user = make_user()
    saved = actions.save_search(user, "الشباب", "q=الشباب", alert={"cadence": "instant"})
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        with transaction.atomic():  # one commit: one drained batch
            new_article(title="حركة الشباب في الصومال", body="الشباب")
            new_article(title="الشباب تعلن", body="الشباب")
        assert wait_for(lambda: len(mailbox.messages) >= 1)
        time.sleep(2)  # any second task for the burst has run by now
    [message] = mailbox.messages
    text = mailbox.bodies(message)[0]
    assert AlertMatch.objects.filter(alert=saved.alert).count() == 2
    assert AlertMatch.objects.filter(digest__isnull=True).count() == 0
    assert "حركة الشباب في الصومال" in text and "الشباب تعلن" in text
    # Beat's tick comes after: the ledger and the digest key keep it from sending again.
    assert send_task("instant") == 0
    assert len(mailbox.messages) == 1


@pytest.mark.django_db
def test_engine_down_while_articles_arrive_then_back(alerts_engine, mailbox, settings):
    user = make_user()
    saved_with_alert(user, "q=الحوثيين", ago=1)
    reachable = settings.OPENSEARCH_URL
    settings.OPENSEARCH_URL = "http://127.0.0.1:9"
    settings.OPENSEARCH_TIMEOUT = 1
    get_client.cache_clear()
    article = new_article(title="هجوم الحوثيين", body="الحوثيين")
    with pytest.raises(Exception):  # noqa: B017 - any transport error; nothing is lost
        indexer.drain()
    assert send_task("instant") == 0  # the sweep fails quietly; nothing to send yet

    settings.OPENSEARCH_URL = reachable
    get_client.cache_clear()
    drain()  # the engine is back; the percolation message is lost: the sweep finds it
    assert send_task("instant") == 1
    matching.percolate_batch([article.pk])
    assert send_task("instant") == 0
    assert digests.send("instant") == 0
    assert len(mailbox.messages) == 1
