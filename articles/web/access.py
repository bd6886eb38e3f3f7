"""Who may search: researchers with a session, or anyone when ``ANONYMOUS_SEARCH`` is on.

One rule for the pages (which send a visitor to the login form), export and the JSON API
(which answers 401)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse


def may_search(request: HttpRequest) -> bool:
    return bool(settings.ANONYMOUS_SEARCH or request.user.is_authenticated)


def search_page_access(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page for those who may search; others go to the login form and come back."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not may_search(request):
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped
