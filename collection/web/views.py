"""The curators' pages: source health and adding a source by its homepage. Thin: the data
comes from ``collection.health`` and ``collection.discovery``, writes go through actions."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from articles import actions as curation
from articles.models import Source

from .. import actions
from ..discovery import discover
from ..health import DAYS, source_health
from .access import curators_only

CHART_W, CHART_H, BAR = 140, 32, 5


def _bars(per_day: list[int]) -> list[dict]:
    top = max(per_day) or 1
    bars = []
    for i, n in enumerate(per_day):
        h = round(CHART_H * n / top) if n else 0
        bars.append({"x": i * BAR, "y": CHART_H - h, "h": max(h, 1 if n else 0), "n": n})
    return bars


@require_http_methods(["GET"])
@curators_only
def health_page(request):
    rows = source_health(include_retired=request.GET.get("retired") == "1")
    if request.GET.get("sort") == "name":
        rows.sort(key=lambda r: r.source.name)
    for row in rows:
        row.bars = _bars(row.per_day)
        row.total = sum(row.per_day)
    return render(
        request,
        "collection/health.html",
        {
            "rows": rows,
            "days": DAYS,
            "chart_w": CHART_W,
            "chart_h": CHART_H,
            "bar_w": BAR - 1,
            "sort": request.GET.get("sort", "problems"),
        },
    )


class HomepageForm(forms.Form):
    homepage = forms.URLField(label=_("Homepage URL"), assume_scheme="https", max_length=500)


class NewSourceForm(forms.Form):
    homepage = forms.URLField(widget=forms.HiddenInput, assume_scheme="https", max_length=500)
    name = forms.CharField(label=_("Name"), max_length=200)
    slug = forms.SlugField(label=_("Short name (slug)"), max_length=64)
    country = forms.RegexField(
        label=_("Country (ISO code)"), regex=r"^[A-Z]{2}$", required=False, max_length=2
    )
    language = forms.CharField(label=_("Language"), max_length=8, initial="ar")
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", "—"), *Source.Kind.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(Source.Status.PROPOSED, _("Proposed")), (Source.Status.ACTIVE, _("Active"))],
    )
    candidates = forms.MultipleChoiceField(required=False, widget=forms.MultipleHiddenInput)
    enable = forms.MultipleChoiceField(
        label=_("Feeds to collect"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(url, url) for url in candidates]
        self.fields["candidates"].choices = choices
        self.fields["enable"].choices = choices

    def clean_slug(self):
        slug = self.cleaned_data["slug"].lower()
        if Source.objects.filter(slug=slug).exists():
            raise forms.ValidationError(gettext("A source with this short name exists."))
        return slug


@require_http_methods(["GET", "POST"])
@curators_only
def add_source_page(request):
    step = request.POST.get("step", "discover") if request.method == "POST" else "start"
    context: dict = {"form": HomepageForm(request.POST if step == "discover" else None)}
    if step == "discover" and context["form"].is_valid():
        found = discover(context["form"].cleaned_data["homepage"])
        urls = [c.url for c in found.candidates]
        context.update(
            discovery=found,
            kinds={c.url: c for c in found.candidates},
            source_form=NewSourceForm(
                candidates=urls,
                initial={
                    "homepage": found.homepage,
                    "name": found.title,
                    "slug": slugify(found.title)[:64] or "",
                    "candidates": urls,
                    "enable": urls[:1],
                    "status": Source.Status.PROPOSED,
                    "language": "ar",
                },
            ),
        )
    elif step == "create":
        urls = request.POST.getlist("candidates")
        form = NewSourceForm(request.POST, candidates=urls)
        if form.is_valid():
            source = _create(request, form.cleaned_data)
            messages.success(request, gettext("Source %(name)s added.") % {"name": source.name})
            return redirect("collection:health")
        context.update(source_form=form, kinds={})
    return render(request, "collection/add_source.html", context)


def _create(request, data: dict) -> Source:
    with transaction.atomic():
        source = curation.create_source(
            slug=data["slug"],
            name=data["name"],
            homepage=data["homepage"],
            country=data["country"],
            language=data["language"],
            kind=data["kind"],
            status=data["status"],
            reason=gettext("added from its homepage"),
            user=request.user,
        )
        for url in data["candidates"]:
            feed, _ = actions.add_feed(source, url, enabled=url in data["enable"])
            if not feed.enabled:
                actions.set_feed_enabled(
                    feed.pk, False, reason="not chosen when the source was added"
                )
    return source
