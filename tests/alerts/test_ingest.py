"""`manage.py ingest --no-alerts` (a back-fill) never alerts; a normal ingest does."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from alerts import digests, matching
from alerts.models import AlertMatch, BackfilledArticle

from .helpers import make_user, saved_with_alert

pytestmark = pytest.mark.django_db


def _jsonl(tmp_path, name: str, title: str):
    path = tmp_path / f"{name}.jsonl"
    record = {
        "url": f"https://news.example/{name}",
        "title": title,
        "content": f"{title}. تفاصيل الخبر كما وردت من المراسل في المدينة.",
        "published_at": timezone.now().date().isoformat(),
        "source": "news",
    }
    path.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    return path


def test_backfill_never_alerts_but_news_does(alerts_engine, mailbox, tmp_path):
    saved_with_alert(make_user(), "q=الموصل", ago=1)
    call_command(
        "ingest",
        str(_jsonl(tmp_path, "old", "معركة الموصل")),
        "--no-alerts",
        "--no-progress",
        verbosity=0,
    )
    assert BackfilledArticle.objects.count() == 1
    call_command(
        "ingest", str(_jsonl(tmp_path, "new", "أخبار الموصل اليوم")), "--no-progress", verbosity=0
    )
    matching.percolate_batch(BackfilledArticle.objects.values_list("article_id", flat=True))
    matching.sweep_all()
    [match] = AlertMatch.objects.all()
    assert match.article.title == "أخبار الموصل اليوم"
    assert digests.send("instant") == 1
    text = mailbox.bodies(mailbox.messages[0])[0]
    assert "معركة الموصل" not in text
