"""Saving a search and turning on its alert in a real browser (Debian's chromium), with
axe-core's WCAG 2 A/AA check on every alerts page in Arabic and English."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from alerts import tokens
from alerts.models import Alert, SavedSearch
from tests.browser import assert_accessible, needs_chromium, screenshot

from .helpers import make_user

pytestmark = [needs_chromium, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser, live_server, alerts_engine):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="ar")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_default_timeout(15_000)
    yield page
    context.close()
    assert not errors, errors


def test_save_a_search_see_it_and_turn_on_its_alert(page, live_server):
    make_user("browser", "browser@example.org")
    page.goto(f"{live_server.url}/accounts/login/?next=/%3Fq%3D{quote('داعش')}%26sort%3Dnewest")
    page.locator("#id_username").fill("browser")
    page.locator("#id_password").fill("pw-for-tests-1")
    page.locator("#id_password").press("Enter")
    page.wait_for_url("**/?q=*")

    page.locator("#save-search-name").fill("داعش الأحدث")
    page.get_by_role("button", name="احفظ هذا البحث").click()
    page.wait_for_url("**/searches/")
    saved = SavedSearch.objects.get()
    assert saved.name == "داعش الأحدث"
    assert saved.query == f"q={quote('داعش')}&sort=newest"
    assert page.get_by_role("heading", name="داعش الأحدث").is_visible()
    assert_accessible(page, "my searches (ar)")
    screenshot(page, "alerts-my-searches-ar.png")

    page.locator(f"#active-{saved.pk}").select_option("1")
    page.locator(f"#cadence-{saved.pk}").select_option("instant")
    page.locator(f"#language-{saved.pk}").select_option("en")
    page.get_by_label("تنبيه الحجم").check()
    page.get_by_role("button", name="احفظ التنبيه").click()
    page.wait_for_url("**/searches/")
    alert = Alert.objects.get()
    assert (alert.active, alert.cadence, alert.language, alert.volume) == (
        True,
        "instant",
        "en",
        True,
    )
    assert_accessible(page, "my searches with an alert (ar)")

    changes = f"/searches/{saved.pk}/changes?since=2000-01-01"
    for path in ("/en/searches/", "/alerts/", "/en/alerts/", changes, "/en" + changes):
        page.goto(live_server.url + path)
        assert_accessible(page, path)
    screenshot(page, "alerts-manage-en.png")

    token = tokens.make([alert.pk])
    for prefix in ("", "/en"):
        page.goto(f"{live_server.url}{prefix}/alerts/unsubscribe/{token}")
        assert_accessible(page, f"unsubscribe confirm {prefix or 'ar'}")
        page.goto(f"{live_server.url}{prefix}/alerts/unsubscribe/{token}x")
        assert_accessible(page, f"unsubscribe invalid {prefix or 'ar'}")
    page.goto(f"{live_server.url}/alerts/unsubscribe/{token}")
    page.get_by_role("button", name="أوقف هذه التنبيهات").click()
    assert page.get_by_role("heading", name="توقفت التنبيهات").is_visible()
    assert_accessible(page, "unsubscribe done (ar)")
    alert.refresh_from_db()
    assert alert.active is False
