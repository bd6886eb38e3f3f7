"""JSON API v1 for saved searches: list, create, update, delete the logged-in user's.

``{"name": …, "query": "<the search page's query string>", "alert": {"cadence": "instant",
"language": "ar", "active": true}}``. Errors are ``{"error": {"field", "message"}}`` like the
search API: 400 for a request to change, 401 without a session, 404 for another user's or an
unknown saved search, 409 for a name already taken. Writes need Django's CSRF header.
"""

from __future__ import annotations

import json

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_http_methods

from articles.search.errors import ParamError, SearchRequestError
from articles.web.access import SEARCH_PERMISSION
from articles.web.api import error, ok

from . import actions
from .models import SavedSearch


def as_dict(saved: SavedSearch) -> dict:
    alert = getattr(saved, "alert", None)
    return {
        "id": saved.pk,
        "name": saved.name,
        "query": saved.query,
        "index_version": saved.index_version,
        "created_at": saved.created_at.isoformat(),
        "last_visited_at": saved.last_visited_at.isoformat(),
        "alert": None
        if alert is None
        else {
            "cadence": alert.cadence,
            "language": alert.language,
            "active": alert.active,
            "volume": alert.volume,
        },
    }


def _body(request: HttpRequest) -> dict | JsonResponse:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return error(400, "the body must be a JSON object")
    if not isinstance(data, dict):
        return error(400, "the body must be a JSON object")
    for key, kind in (("name", str), ("query", str), ("alert", (dict, type(None)))):
        if key in data and not isinstance(data[key], kind):
            return error(400, f"{key} has the wrong type", field=key)
    alert = data.get("alert")
    if alert:
        for key in ("cadence", "language"):
            if key in alert and not isinstance(alert[key], str):
                return error(400, f"alert.{key} must be a string", field=f"alert.{key}")
        for key in ("active", "volume"):
            if key in alert and not isinstance(alert[key], bool):
                return error(400, f"alert.{key} must be true or false", field=f"alert.{key}")
        unknown = set(alert) - {"cadence", "language", "active", "volume"}
        if unknown:
            return error(400, f"unknown alert field {sorted(unknown)[0]}", field="alert")
    return data


def _write(do) -> JsonResponse | None:
    try:
        do()
    except ParamError as problem:
        return error(400, str(problem), field=getattr(problem, "field", "query"))
    except SearchRequestError as problem:
        return error(400, str(problem), field="query")
    except actions.SavedSearchNameError as problem:
        return error(400, str(problem), field="name")
    except actions.AlertSettingsError as problem:
        return error(400, str(problem), field="alert")
    except IntegrityError:
        return error(409, "a saved search with this name exists", field="name")
    return None


def _session(view):
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return error(401, "log in to use saved searches", message_ar="سجّل الدخول")
        if not request.user.has_perm(SEARCH_PERMISSION):
            return error(
                403,
                "this account may not search (ask for the researcher role)",
                message_ar="لا يحق لهذا الحساب البحث (اطلب دور الباحث)",
            )
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    return wrapped


@require_http_methods(["GET", "POST"])
@_session
def collection(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        rows = SavedSearch.objects.filter(owner=request.user).select_related("alert")
        return ok({"results": [as_dict(s) for s in rows]})
    data = _body(request)
    if isinstance(data, JsonResponse):
        return data
    if not (data.get("name") or "").strip():
        return error(400, "name is required", field="name")
    created: list[SavedSearch] = []

    def do():
        with transaction.atomic():
            created.append(
                actions.save_search(
                    request.user, data["name"], data.get("query", ""), alert=data.get("alert")
                )
            )

    problem = _write(do)
    if problem is not None:
        return problem
    return ok(as_dict(SavedSearch.objects.select_related("alert").get(pk=created[0].pk)), 201)


@require_http_methods(["GET", "PATCH", "DELETE"])
@_session
def item(request: HttpRequest, pk: int) -> HttpResponse:
    saved = SavedSearch.objects.filter(pk=pk, owner=request.user).first()
    if saved is None:
        return error(404, "no such saved search")
    if request.method == "GET":
        return ok(as_dict(saved))
    if request.method == "DELETE":
        actions.delete_search(saved)
        return HttpResponse(status=204)
    data = _body(request)
    if isinstance(data, JsonResponse):
        return data
    if "name" in data and not data["name"].strip():
        return error(400, "name cannot be empty", field="name")

    def do():
        with transaction.atomic():
            actions.update_search(saved, name=data.get("name"), query=data.get("query"))
            if data.get("alert") is not None:
                actions.set_alert(saved, **data["alert"])
            elif "alert" in data:
                actions.remove_alert(saved)

    problem = _write(do)
    if problem is not None:
        return problem
    return ok(as_dict(SavedSearch.objects.select_related("alert").get(pk=saved.pk)))
