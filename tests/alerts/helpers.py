from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from alerts import actions, matching
from articles import actions as article_actions
from articles.search import indexer
from tests.factories import make_article, make_source, with_role


def make_user(name: str = "researcher", email: str = "researcher@example.org"):
    return with_role(get_user_model().objects.create_user(name, email, "pw-for-tests-1"))


def new_article(**fields):
    """An article collected now and published today, indexed (refreshed), not percolated."""
    fields.setdefault("published_at", timezone.now())
    fields.setdefault("published_at_source", "metadata")
    article = make_article(**fields)
    article_actions.record_index_changes([article.pk])
    return article


def drain() -> None:
    indexer.drain(refresh=True)


def saved_with_alert(user, query: str, *, cadence="instant", language="ar", name=None, ago=0):
    saved = actions.save_search(
        user, name or query, query, alert={"cadence": cadence, "language": language}
    )
    if ago:  # an alert created some time ago
        past = timezone.now() - dt.timedelta(minutes=ago)
        saved.alert.__class__.objects.filter(pk=saved.alert.pk).update(
            created_at=past, announce_from=past, watermark=past
        )
        saved.alert.refresh_from_db()
    # The after-commit registration does not run inside a test's transaction: do it here
    # (tests/alerts/test_worker.py covers the after-commit path).
    matching.register(saved.alert.pk)
    return saved


__all__ = ["drain", "make_source", "make_user", "new_article", "saved_with_alert"]
