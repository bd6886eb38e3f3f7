"""The alerts pages: thin views over ``alerts.actions``. Forms work without JavaScript; every
page but one-click unsubscribe needs a session (the unsubscribe token is its own credential)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import unquote_plus

from django.contrib import messages
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from articles.models import Article
from articles.search.errors import SearchRequestError, SearchUnavailable
from articles.web.access import researcher_required

from . import actions, tokens
from .models import Alert, Cadence, EmailLanguage, SavedSearch
from .queries import changed_since, new_since


def _my(request: HttpRequest, pk: int) -> SavedSearch:
    return get_object_or_404(SavedSearch, pk=pk, owner=request.user)


@researcher_required
def my_searches(request: HttpRequest) -> HttpResponse:
    searches = list(
        SavedSearch.objects.filter(owner=request.user).select_related("alert").order_by("name")
    )
    for saved in searches:
        saved.readable_query = unquote_plus(saved.query)
        try:
            saved.new_count = new_since(saved.query, saved.last_visited_at)
        except (SearchRequestError, SearchUnavailable):
            saved.new_count = None
    return render(
        request,
        "alerts/my_searches.html",
        {
            "searches": searches,
            "cadence_choices": Cadence.choices,
            "email_languages": EmailLanguage.choices,
        },
    )


@researcher_required
def manage_alerts(request: HttpRequest) -> HttpResponse:
    alerts = Alert.objects.filter(saved_search__owner=request.user).select_related("saved_search")
    return render(
        request,
        "alerts/manage_alerts.html",
        {
            "alerts": alerts,
            "cadence_choices": Cadence.choices,
            "email_languages": EmailLanguage.choices,
        },
    )


@researcher_required
@require_POST
def save(request: HttpRequest) -> HttpResponse:
    name = request.POST.get("name", "").strip() or _("My search")
    try:
        actions.save_search(request.user, name, request.POST.get("query", ""))
    except SearchRequestError:
        messages.error(request, _("This search cannot be saved: it has an error."))
    except actions.SavedSearchNameError:
        messages.error(request, _("A name needs some text and at most 200 characters."))
    except IntegrityError:
        messages.error(request, _("You already have a saved search with this name."))
    else:
        messages.success(request, _("Search saved."))
    return redirect("ui:alerts-searches")


@researcher_required
@require_POST
def update(request: HttpRequest, pk: int) -> HttpResponse:
    saved = _my(request, pk)
    action = request.POST.get("action", "")
    back = request.POST.get("next") or reverse("ui:alerts-searches")
    if not back.startswith("/") or back.startswith("//"):
        back = reverse("ui:alerts-searches")
    if action == "delete":
        actions.delete_search(saved)
        messages.success(request, _("Saved search deleted."))
    elif action == "rename":
        try:
            actions.update_search(saved, name=request.POST.get("name", "") or saved.name)
        except actions.SavedSearchNameError:
            messages.error(request, _("A name needs some text and at most 200 characters."))
        except IntegrityError:
            messages.error(request, _("You already have a saved search with this name."))
    elif action == "alert":
        actions.set_alert(
            saved,
            cadence=request.POST.get("cadence")
            if request.POST.get("cadence") in Cadence.values
            else None,
            language=request.POST.get("language")
            if request.POST.get("language") in EmailLanguage.values
            else None,
            active=request.POST.get("active") == "1",
            # An unticked checkbox sends nothing: the form always carries the whole alert.
            volume=request.POST.get("volume") == "1",
        )
        messages.success(request, _("Alert updated."))
    return redirect(back)


@researcher_required
def what_changed(request: HttpRequest, pk: int) -> HttpResponse:
    """Articles matching a saved search collected since a chosen date (default: last visit)."""
    saved = _my(request, pk)
    since = parse_date(request.GET.get("since", "") or "") if request.GET.get("since") else None
    bad_date = bool(request.GET.get("since")) and since is None
    start = (
        timezone.make_aware(dt.datetime.combine(since, dt.time.min), dt.UTC)
        if since
        else saved.last_visited_at
    )
    total, articles, unavailable = 0, [], False
    try:
        total, ids = changed_since(saved.query, start)
        by_id = (
            Article.objects.filter(pk__in=ids, status=Article.Status.VISIBLE)
            .select_related("source")
            .in_bulk()
        )
        articles = [by_id[i] for i in ids if i in by_id]
    except (SearchRequestError, SearchUnavailable):
        unavailable = True
    return render(
        request,
        "alerts/what_changed.html",
        {
            "saved": saved,
            "since": start,
            "since_value": (since or start.date()).isoformat(),
            "bad_date": bad_date,
            "total": total,
            "articles": articles,
            "unavailable": unavailable,
        },
    )


@researcher_required
def open_search(request: HttpRequest, pk: int) -> HttpResponse:
    saved = _my(request, pk)
    actions.mark_visited(saved)
    return redirect(reverse("ui:search") + ("?" + saved.query if saved.query else ""))


@csrf_exempt  # RFC 8058: mail providers POST without a cookie; the signed token is the check
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    alert_ids = tokens.read(token)
    if alert_ids is None:
        return render(request, "alerts/unsubscribe_invalid.html", status=400)
    alerts = Alert.objects.filter(pk__in=alert_ids).select_related("saved_search")
    if request.method == "POST":
        actions.pause_alerts(alert_ids)
        return render(request, "alerts/unsubscribe_done.html", {"alerts": alerts})
    return render(request, "alerts/unsubscribe_confirm.html", {"alerts": alerts, "token": token})
