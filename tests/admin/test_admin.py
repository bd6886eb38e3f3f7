"""Every admin page a curator or an admin uses opens and saves, in Arabic and in English.

Each change form is submitted back with the values it rendered (what a curator does when
they press "save" without changing anything), so a form that cannot save its own data fails
here, as the Topic form once did."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from alerts import actions as alert_actions
from alerts.models import AlertMatch
from articles.actions import change_source_status
from articles.models import Actor, Article, Collection, TagOverride, Topic, Venue
from articles.signals import gazetteer_entry_changed
from collection.actions import add_feed
from collection.models import FeedItem
from tests.factories import make_article

LANGUAGES = ("ar", "en")
pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.org", "a long pass")


@pytest.fixture
def staff_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def one_of_each(superuser):
    """At least one row of every registered model, so change forms have something to open."""
    article = make_article(title="بيان داعش عن هجوم الرباط", body="أعلن تنظيم داعش مسؤوليته.")
    TagOverride.objects.create(
        article=article, facet="actors", slug="isis", action="add", curator=superuser
    )
    Group.objects.get_or_create(name="admin-test-group")
    collection = Collection.objects.create(slug="gulf", name_ar="الخليج", name_en="Gulf")
    article.source.collections.add(collection)
    change_source_status(article.source.pk, "paused", reason="test", user=superuser)
    feed, _ = add_feed(article.source, "https://example.org/feed.xml")
    FeedItem.objects.create(feed=feed, guid="g1", url="https://example.org/1", item_hash="x")
    # The login throttle's records: a successful and a failed sign-in (in that order: a
    # success clears the failures).
    browser = Client()
    browser.post("/accounts/login/", {"username": superuser.username, "password": "a long pass"})
    browser.post("/accounts/login/", {"username": superuser.username, "password": "wrong"})
    _alerts_rows(superuser, article)
    return article


def _alerts_rows(user, article) -> None:
    """A saved search with an alert, a ledger row, a digest stuck in "sending", a spike."""
    saved = alert_actions.save_search(
        user, "داعش", "q=داعش", alert={"cadence": "daily", "volume": True}
    )
    digest = alert_actions.claim_digest(user.pk, "daily", "2026-12-01")
    assert digest is None  # nothing matched yet
    AlertMatch.objects.create(alert=saved.alert, article=article, story_id=article.pk, via="sweep")
    digest = alert_actions.claim_digest(user.pk, "daily", "2026-12-01")
    alert_actions.start_sending(digest.pk)
    alert_actions.record_spike(
        saved.pk, dt.date(2026, 12, 1), count=9, mean=1.0, stddev=0.7, counts=[["2026-12-01", 9]]
    )


def _registered():
    return sorted(
        ((model, model_admin) for model, model_admin in admin.site._registry.items()),
        key=lambda pair: pair[0]._meta.label,
    )


def _url(model, view: str, *args, language: str = "ar") -> str:
    with translation.override(language):
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


class _FormReader(HTMLParser):
    """The fields of the admin's change form as a browser would submit them."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._in_form = False
        self._select: str | None = None
        self._textarea: str | None = None

    def _add(self, name: str | None, value: str) -> None:
        if name and "__prefix__" not in name:  # inline templates, not submitted rows
            self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("id") or "").endswith("_form"):
            self._in_form = True
        if not self._in_form:
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            self._add(a.get("name"), a.get("value") or ("on" if kind == "checkbox" else ""))
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self._add(self._select, a.get("value", ""))
        elif tag == "textarea":
            self._textarea = a.get("name")
            self._add(self._textarea, "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self._textarea in self.data:
            values = self.data[self._textarea]
            # The first newline after <textarea> belongs to the markup, not the value.
            values[-1] += data.removeprefix("\n") if not values[-1] else data


def _form_data(response) -> dict[str, list[str]]:
    """The POST a browser sends for the change form as rendered, unchanged."""
    reader = _FormReader()
    reader.feed(response.content.decode())
    return reader.data


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_changelist_opens(staff_client, one_of_each, language):
    for model, _admin in _registered():
        response = staff_client.get(_url(model, "changelist", language=language))
        assert response.status_code == 200, model
        assert response.headers["Content-Language"] == language


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_change_form_opens_and_saves_unchanged(staff_client, one_of_each, language):
    for model, model_admin in _registered():
        obj = model._default_manager.order_by("pk").first()
        assert obj is not None, model
        url = _url(model, "change", obj.pk, language=language)
        page = staff_client.get(url)
        assert page.status_code == 200, model
        if not model_admin.has_change_permission(page.wsgi_request, obj):
            continue
        with transaction.atomic():
            saved = staff_client.post(url, _form_data(page))
        errors = saved.context["adminform"].form.errors if saved.status_code == 200 else None
        assert saved.status_code == 302, (model, errors)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_add_form_opens(staff_client, language):
    for model, model_admin in _registered():
        response = staff_client.get(_url(model, "add", language=language))
        expected = 200 if model_admin.has_add_permission(response.wsgi_request) else 403
        assert response.status_code == expected, model


def test_articles_cannot_be_added_or_deleted_in_the_admin(staff_client, one_of_each):
    assert staff_client.get(_url(Article, "add")).status_code == 403
    assert staff_client.get(_url(Article, "delete", one_of_each.pk)).status_code == 403


def _capture_gazetteer_signals():
    received = []

    def receiver(**kwargs):
        received.append((kwargs["facet"], kwargs["slug"], kwargs["phrases"]))

    gazetteer_entry_changed.connect(receiver, weak=False, dispatch_uid="test-admin")
    return received, lambda: gazetteer_entry_changed.disconnect(dispatch_uid="test-admin")


@pytest.mark.parametrize(
    ("model", "create", "phrase_field", "new_phrase"),
    [
        (
            Actor,
            {"kind": "armed_group", "name_ar": "جماعة تجريبية", "name_en": "Test group"},
            "aliases",
            "جماعة الاختبار",
        ),
        (
            Venue,
            {"kind": "city", "name_ar": "مدينة تجريبية", "name_en": "Test city"},
            "aliases",
            "مدينة الاختبار",
        ),
        (
            Topic,
            {"name_ar": "موضوع تجريبي", "name_en": "Test topic"},
            "cues",
            "تمويل الاختبار",
        ),
    ],
)
def test_gazetteer_edit_in_the_admin_asks_for_a_retag_of_old_and_new_phrases(
    staff_client, django_capture_on_commit_callbacks, model, create, phrase_field, new_phrase
):
    entry = model.objects.create(slug="admin-test", **create, **{phrase_field: ["عبارة قديمة"]})
    url = _url(model, "change", entry.pk)
    data = _form_data(staff_client.get(url))
    data[phrase_field] = [new_phrase]
    received, disconnect = _capture_gazetteer_signals()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = staff_client.post(url, data)
    finally:
        disconnect()
    assert response.status_code == 302
    assert getattr(model.objects.get(pk=entry.pk), phrase_field) == [new_phrase]
    assert received == [(entry.tag_facet, "admin-test", sorted(["عبارة قديمة", new_phrase]))]


def test_the_background_layer_listens_to_gazetteer_edits():
    # articles.tasks connects it in ArticlesConfig.ready; without it edits would never re-tag.
    assert gazetteer_entry_changed.has_listeners()
