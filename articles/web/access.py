"""Who may search: holders of the ``articles.search_articles`` permission (the researcher and
curator roles of migration 0005, and superusers), or anyone when ``ANONYMOUS_SEARCH`` is on.

A logged-in account without a role (made in the admin but not yet put in a group) may not
search: the roles are how an organisation decides who reads this archive. Export needs
``articles.export_articles`` as well; saved searches and alerts are part of searching.

One rule for the pages (a visitor goes to the login form, a logged-in account without the role
gets 403), export, and the JSON APIs (401 without a session, 403 without the role)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

SEARCH_PERMISSION = "articles.search_articles"
EXPORT_PERMISSION = "articles.export_articles"


def may_search(request: HttpRequest) -> bool:
    return bool(settings.ANONYMOUS_SEARCH or request.user.has_perm(SEARCH_PERMISSION))


def may_export(request: HttpRequest) -> bool:
    return bool(settings.ANONYMOUS_SEARCH or request.user.has_perm(EXPORT_PERMISSION))


def _page_access(allowed: Callable[[HttpRequest], bool]):
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not allowed(request):
                if request.user.is_authenticated:
                    raise PermissionDenied
                return redirect_to_login(request.get_full_path())
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


#: A page for those who may search; visitors go to the login form and come back.
search_page_access = _page_access(may_search)
#: The export downloads.
export_access = _page_access(may_export)


def researcher_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page of one's own searches (saved searches, alerts): a session with the search
    permission, whatever ANONYMOUS_SEARCH says (they belong to an account)."""
    return _page_access(lambda request: request.user.has_perm(SEARCH_PERMISSION))(view)
