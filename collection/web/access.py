"""Curators only: a visitor goes to the login form, a logged-in non-curator gets 403."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

CURATOR_PERMISSION = "articles.change_source"


def curators_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.has_perm(CURATOR_PERMISSION):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped
