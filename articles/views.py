from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import run_checks
from .models import Article, Source


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    report = run_checks()
    return JsonResponse(report, status=200 if report["ok"] else 503)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    context = {
        "article_count": Article.objects.filter(status=Article.Status.VISIBLE).count(),
        "source_count": Source.objects.count(),
        "latest": Article.objects.filter(status=Article.Status.VISIBLE)
        .select_related("source")
        .order_by("-collected_at", "-id")[:20],
    }
    return render(request, "articles/home.html", context)
