"""The alerts pages and one-click unsubscribe (RFC 8058), in Arabic and English."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from alerts import digests, matching
from alerts.models import Alert, SavedSearch

from .helpers import drain, make_user, new_article, saved_with_alert

pytestmark = pytest.mark.django_db


def _emailed_unsubscribe_url(mailbox) -> str:
    header = mailbox.messages[-1]["List-Unsubscribe"].strip()
    return re.fullmatch(r"<https://ctsearch\.example(/[^>]+)>", header).group(1)


@pytest.fixture
def emailed(alerts_engine, mailbox):
    user = make_user()
    saved = saved_with_alert(user, "q=داعش", ago=1)
    article = new_article(title="داعش يعلن", body="داعش")
    drain()
    matching.percolate_batch([article.pk])
    assert digests.send("instant") == 1
    return saved.alert, _emailed_unsubscribe_url(mailbox)


def test_one_click_unsubscribe_post_pauses(emailed):
    alert, url = emailed
    # A mail provider's one-click POST: no session, no CSRF cookie.
    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    alert.refresh_from_db()
    assert alert.active is False
    assert Alert.objects.filter(pk=alert.pk).exists()  # paused, not deleted


def test_unsubscribe_get_changes_nothing(emailed):
    alert, url = emailed
    response = Client().get(url)
    assert response.status_code == 200
    assert 'method="post"' in response.content.decode()
    alert.refresh_from_db()
    assert alert.active is True


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_token_is_refused_clearly(emailed, method):
    alert, url = emailed
    tampered = url[:-3] + ("AAA" if not url.endswith("AAA") else "BBB")
    response = getattr(Client(), method)(tampered)
    assert response.status_code == 400
    assert "الرابط غير صالح" in response.content.decode()
    en = getattr(Client(), method)("/en" + tampered)
    assert en.status_code == 400 and "This link is not valid" in en.content.decode()
    alert.refresh_from_db()
    assert alert.active is True


def test_pages_need_a_login(db):
    for url in ("/searches/", "/en/searches/", "/alerts/", "/en/alerts/"):
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Client().post("/searches/save", {"query": "q=x"}).status_code == 302
    assert not SavedSearch.objects.exists()


def test_save_rename_alert_delete_without_javascript(alerts_engine):
    user = make_user()
    client = Client()
    client.force_login(user)
    response = client.post(
        "/searches/save", {"name": "تمويل", "query": "q=تمويل&source=wanted&sort=newest&page=3"}
    )
    assert response.status_code == 302
    saved = SavedSearch.objects.get()
    assert saved.query == "q=%D8%AA%D9%85%D9%88%D9%8A%D9%84&sort=newest&source=wanted"
    page = client.get("/searches/").content.decode()
    assert "تمويل" in page and "بحوثي المحفوظة" in page
    assert "My searches" in client.get("/en/searches/").content.decode()

    client.post(f"/searches/{saved.pk}/update", {"action": "rename", "name": "تمويل الإرهاب"})
    client.post(
        f"/searches/{saved.pk}/update",
        {"action": "alert", "active": "1", "cadence": "weekly", "language": "en"},
    )
    saved.refresh_from_db()
    assert saved.name == "تمويل الإرهاب"
    assert (saved.alert.cadence, saved.alert.language, saved.alert.active) == (
        "weekly",
        "en",
        True,
    )
    assert saved.alert.volume is False
    alerts_page = client.get("/alerts/").content.decode()
    assert "تمويل الإرهاب" in alerts_page and 'name="volume"' in alerts_page
    # The volume box ticked, then unticked (an unticked box sends nothing: volume off).
    form = {"action": "alert", "active": "1", "cadence": "weekly", "language": "en"}
    client.post(f"/searches/{saved.pk}/update", form | {"volume": "1"})
    saved.alert.refresh_from_db()
    assert saved.alert.volume is True and "checked" in client.get("/alerts/").content.decode()
    client.post(f"/searches/{saved.pk}/update", form)
    saved.alert.refresh_from_db()
    assert saved.alert.volume is False
    opened = client.get(f"/searches/{saved.pk}/open")
    assert opened.status_code == 302 and opened["Location"].startswith("/?q=")

    other = Client()
    other.force_login(make_user("someone", "someone@example.org"))
    assert other.post(f"/searches/{saved.pk}/update", {"action": "delete"}).status_code == 404
    client.post(f"/searches/{saved.pk}/update", {"action": "delete"})
    assert not SavedSearch.objects.exists()


def test_what_changed_lists_articles_added_since_a_date(alerts_engine):
    user = make_user()
    client = Client()
    client.force_login(user)
    saved = saved_with_alert(user, "q=سرت", name="سرت")
    article = new_article(title="اشتباكات في سرت", body="سرت")
    new_article(title="خبر آخر", body="لا علاقة")
    drain()
    page = client.get(f"/searches/{saved.pk}/changes?since=2000-01-01").content.decode()
    assert "اشتباكات في سرت" in page and "خبر آخر" not in page
    assert f"/articles/{article.pk}" in page
    later = client.get(f"/en/searches/{saved.pk}/changes?since=2999-01-01").content.decode()
    assert "0 articles added" in later
    bad = client.get(f"/en/searches/{saved.pk}/changes?since=yesterday").content.decode()
    assert "Write the date as YYYY-MM-DD." in bad
    other = Client()
    other.force_login(make_user("other", "other@example.org"))
    assert other.get(f"/searches/{saved.pk}/changes").status_code == 404
