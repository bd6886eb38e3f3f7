"""A sender killed (SIGKILL) in the middle of the SMTP conversation, then run again: the email
is never sent twice. The digest row says "sending" from just before the SMTP call, and a retry
never touches a digest that may already have left."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from alerts import digests, matching
from alerts.models import Digest

from .helpers import drain, make_user, new_article, saved_with_alert

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.django_db(transaction=True)
def test_a_sender_killed_mid_send_never_sends_twice(alerts_engine, mailbox, settings):
    user = make_user()
    saved_with_alert(user, "q=الرقة", ago=1)
    article = new_article(title="معركة الرقة", body="الرقة")
    drain()
    matching.percolate_batch([article.pk])

    # The SMTP server holds the first message's DATA until the sender has been killed.
    release = threading.Event()
    original = mailbox.handle_DATA

    async def slow(server, session, envelope):
        while not release.is_set():
            import asyncio

            await asyncio.sleep(0.05)
        return await original(server, session, envelope)

    mailbox.handle_DATA = slow
    db = connection.settings_dict
    env = {
        **os.environ,
        "CTSEARCH_ENV": "test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "OPENSEARCH_INDEX_PREFIX": django_settings.OPENSEARCH_INDEX_PREFIX,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(settings.EMAIL_PORT),
        "ALERTS_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    }
    sender = subprocess.Popen(
        [sys.executable, "manage.py", "send_alerts", "--cadence", "instant", "--no-sweep"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not Digest.objects.filter(status="sending").exists():
            assert time.monotonic() < deadline and sender.poll() is None
            time.sleep(0.1)
        time.sleep(0.5)  # inside the SMTP conversation now
        sender.send_signal(signal.SIGKILL)
        sender.wait(10)
    finally:
        release.set()
        if sender.poll() is None:
            sender.kill()

    assert digests.send("instant") == 0  # the retry does not send it again
    assert digests.send("instant") == 0
    time.sleep(0.5)
    assert len(mailbox.messages) <= 1
    assert Digest.objects.get().status == "sending"  # left for an operator, never resent

    # An operator decides to re-send it (`send_alerts --retry-stuck`): the same Message-ID, so
    # a receiving system that got the first copy can drop the second.
    digest = Digest.objects.get()
    assert digests.retry_stuck(older_than=dt.timedelta(0)) == (1, 1)
    time.sleep(0.5)
    assert 1 <= len(mailbox.messages) <= 2
    assert {m["Message-ID"] for m in mailbox.messages} == {digests.message_id("digest", digest.pk)}
    assert Digest.objects.get().status == "sent"
