"""JSON API v1: the contract scripts and the UI use. Thin: parse, call the service, shape.

Errors are JSON too: 400 ``{"error": {"field", "message", "message_ar"}}`` for a request the
caller must change, 401 without a session when anonymous search is off, 404 for an unknown or
hidden article, 503 when the engine cannot answer. No input produces a 5xx other than 503.
"""

from __future__ import annotations

import logging
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from articles.enrichment import gazetteer
from articles.search.errors import PageOutOfRange, ParamError, SearchRequestError, SearchUnavailable
from articles.search.labels import Labels
from articles.search.request import from_params
from articles.search.service import search

from .access import may_search
from .api_errors import json_error
from .article_detail import article_tags, story_copies, story_id, visible_article

log = logging.getLogger(__name__)


def error(
    status: int, message: str, *, field: str | None = None, message_ar: str = ""
) -> JsonResponse:
    return json_error(status, message, field=field, message_ar=message_ar)


def search_access(view):
    """Researchers' session, or anyone when settings.ANONYMOUS_SEARCH is on. Labels come in
    the language ``lang`` names (ar, en), Arabic by default."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not may_search(request):
            if request.user.is_authenticated:
                return error(
                    403,
                    "this account may not search (ask for the researcher role)",
                    message_ar="لا يحق لهذا الحساب البحث (اطلب دور الباحث)",
                )
            return error(401, "log in to search", message_ar="سجّل الدخول للبحث")
        lang = request.GET.get("lang", "")
        if lang and lang not in dict(settings.LANGUAGES):
            return error(400, "lang must be ar or en", field="lang")
        with translation.override(lang or settings.LANGUAGE_CODE):
            return view(request, *args, **kwargs)

    return wrapped


def ok(payload: dict, status: int = 200) -> JsonResponse:
    return JsonResponse(payload, status=status, json_dumps_params={"ensure_ascii": False})


# Read-only: other methods answer 405 (not the CSRF check's 403); nothing here changes state.
@csrf_exempt
@require_GET
@search_access
def search_view(request: HttpRequest) -> JsonResponse:
    try:
        search_request = from_params(
            request.GET, expansions=gazetteer.expansions_for(request.GET.get("q", ""))
        )
        response = search(search_request)
    except ParamError as problem:
        return error(400, problem.message, field=problem.field)
    except SearchRequestError as problem:
        field = "page" if isinstance(problem, PageOutOfRange) else "q"
        return error(400, problem.message, field=field, message_ar=problem.message_ar)
    except SearchUnavailable as problem:
        log.warning("search unavailable: %s", problem)
        return error(503, f"search is unavailable: {problem}", message_ar="البحث غير متاح الآن")
    return ok(response.as_dict())


@csrf_exempt
@require_GET
@search_access
def article_view(request: HttpRequest, article_id: int) -> JsonResponse:
    article = visible_article(article_id)
    if article is None:
        return error(404, "no such article", message_ar="لا يوجد مقال بهذا الرقم")
    labels = Labels()
    tags = {
        field: [
            {"key": t.key, "label": t.label, "evidence": list(t.evidence), "source": t.source}
            for t in shown
        ]
        for field, shown in article_tags(article, labels).items()
    }
    return ok(
        {
            "id": article.pk,
            "url": article.url or article.canonical_url,
            "canonical_url": article.canonical_url,
            "title": article.title,
            "byline": article.byline,
            "body": article.body,
            "source": {"key": article.source.slug, "label": article.source.name},
            "language": {"key": article.language, "label": labels("language", article.language)},
            "published_at": article.published_at.isoformat() if article.published_at else None,
            "published_at_source": article.published_at_source,
            "collected_at": article.collected_at.isoformat(),
            **tags,
            "event_dates": [d.isoformat() for d in article.event_dates],
            "story": {"id": story_id(article), "copies": [c.pk for c in story_copies(article)]},
        }
    )
