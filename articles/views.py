"""The web pages: search, article, export; and /healthz.

Every page state is in the URL (a GET form), so a search is a link to share and the back
button works. The pages call the one search service (``articles.search.service.search``) and
the engine helpers beside it; no query logic lives here.
"""

from __future__ import annotations

import calendar
import datetime as dt
import html
import logging
import math
import re
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language, get_language_bidi, gettext, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .enrichment import gazetteer
from .enrichment.stored import final_tags
from .health import run_checks
from .models import Article
from .search.facets import FACETS
from .search.params import ParamError, search_request_from_params
from .search.query import MAX_RESULT_WINDOW, PageOutOfRange, SearchRequest, SearchRequestError
from .search.service import Labels, SearchUnavailable, search
from .text import arabic

log = logging.getLogger(__name__)

#: Parameters a search page URL carries (anything else is dropped from generated links).
STATE_PARAMS = (
    "q",
    "exact",
    "expand",
    "all_copies",
    "date_from",
    "date_to",
    "sort",
    "page_size",
    *FACETS,
)
FACET_ORDER = ("actor", "venue", "topic", "source", "language")
FACET_VISIBLE = 6  # values shown before "show more"
FACET_FILTER_MIN = 9  # a filter box appears for facets with more values than this
PAGE_SIZES = (20, 50, 100)


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    report = run_checks()
    return JsonResponse(report, status=200 if report["ok"] else 503)


def may_search(request: HttpRequest) -> bool:
    return bool(settings.ANONYMOUS_SEARCH or request.user.is_authenticated)


def is_arabic() -> bool:
    return (get_language() or "ar")[:2] == "ar"


# ------------------------------------------------------------------------------------------------
# URL state
# ------------------------------------------------------------------------------------------------


class State:
    """The page's parameters, cleaned: links for facets, chips, pages and bars come from here."""

    def __init__(self, params: QueryDict) -> None:
        self.items: list[tuple[str, str]] = []
        for name in STATE_PARAMS:
            for value in params.getlist(name):
                value = value.strip()
                if value and (name, value) not in self.items:
                    self.items.append((name, value))
        page = params.get("page", "").strip()
        self.page = page

    def query(self) -> QueryDict:
        qd = QueryDict(mutable=True)
        for name, value in self.items:
            qd.appendlist(name, value)
        if self.page:
            qd["page"] = self.page
        return qd

    def get(self, name: str) -> str:
        for key, value in self.items:
            if key == name:
                return value
        return ""

    def values(self, name: str) -> list[str]:
        return [v for k, v in self.items if k == name]

    def url(self, *, drop=(), add=(), set_=None, page: int | None = None) -> str:
        """``?...`` with (name, value) pairs dropped/added and names set; page 1 unless given."""
        set_ = set_ or {}
        items = [
            (k, v)
            for k, v in self.items
            if (k, v) not in drop and k not in set_ and (k, None) not in drop
        ]
        for k, v in add:
            if (k, v) not in items:
                items.append((k, v))
        for k, v in set_.items():
            if v:
                items.append((k, v))
        if page and page > 1:
            items.append(("page", str(page)))
        return "?" + urlencode(items) if items else "?"

    def without(self, *names: str) -> list[tuple[str, str]]:
        return [(k, v) for k, v in self.items if k not in names]


# ------------------------------------------------------------------------------------------------
# Messages
# ------------------------------------------------------------------------------------------------


def param_message(problem: ParamError) -> str:
    """The page's own (translated) wording of a parameter problem."""
    field, message = problem.field, problem.message
    if "once" in message:
        return gettext("Give this only once.")
    if field in ("date_from", "date_to"):
        if "after" in message:
            return gettext("The start date is after the end date.")
        return gettext("Use a date written YYYY-MM-DD, for example 2015-08-01.")
    if field == "sort":
        return gettext("Choose relevance, newest or oldest.")
    if field == "page":
        return gettext("The page must be a whole number from 1 to 10000.")
    if field == "page_size":
        return gettext("Results per page must be a whole number from 1 to 100.")
    if field == "exact":
        return gettext("Use 1 (on) or 0 (off).")
    return message


def request_error_message(problem: SearchRequestError) -> str:
    return problem.message_ar if is_arabic() else problem.message


def expansions(q: str) -> dict:
    """Alias expansions of the query's names (the gazetteer), as the JSON API uses them."""
    return gazetteer.expansions_for(q) if q.strip() else {}


def parse_request(params: QueryDict) -> tuple[SearchRequest | None, dict[str, str], QueryDict]:
    """A SearchRequest and the problems found; a bad parameter is reported and left out."""
    errors: dict[str, str] = {}
    params = params.copy()
    for _ in range(len(STATE_PARAMS) + 2):
        try:
            q = params.get("q", "")
            return search_request_from_params(params, expansions=expansions(q)), errors, params
        except ParamError as problem:
            errors[problem.field] = param_message(problem)
            if problem.field == "date_from" and "after" in problem.message:
                params.pop("date_to", None)
            params.pop(problem.field, None)
    return None, errors, params


# ------------------------------------------------------------------------------------------------
# Dates
# ------------------------------------------------------------------------------------------------


def as_date(value) -> dt.date | None:
    if not value:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00")).date()
    except ValueError:
        try:
            return dt.date.fromisoformat(str(value)[:10])
        except ValueError:
            return None


def bucket_end(start: dt.date, interval: str) -> dt.date:
    if interval == "week":
        return start + dt.timedelta(days=6)
    if interval == "month":
        return start.replace(day=calendar.monthrange(start.year, start.month)[1])
    if interval == "year":
        return start.replace(month=12, day=31)
    return start


# ------------------------------------------------------------------------------------------------
# Chart: attention over time, drawn by the page as SVG
# ------------------------------------------------------------------------------------------------

CHART_W, CHART_H = 720, 170
PAD_TOP, PAD_BOTTOM, PAD_SIDE, PAD_AXIS = 12, 30, 8, 40


def build_chart(date_facet: dict, state: State, request: SearchRequest) -> dict | None:
    from .templatetags.ctsearch_ui import period_label, short_date

    raw = date_facet.get("buckets") or []
    interval = date_facet.get("interval") or "day"
    if not raw:
        return None
    rtl = get_language_bidi()
    n = len(raw)
    top = max(b["count"] for b in raw) or 1
    plot_w = CHART_W - PAD_AXIS - PAD_SIDE
    plot_h = CHART_H - PAD_TOP - PAD_BOTTOM
    slot = plot_w / n
    gap = min(2.0, slot * 0.2)
    bars = []
    for i, bucket in enumerate(raw):
        start = as_date(bucket["start"])
        if start is None:
            continue
        end = bucket_end(start, interval)
        lo = max(start, request.date_from) if request.date_from else start
        hi = min(end, request.date_to) if request.date_to else end
        pos = (n - 1 - i) if rtl else i
        x = (PAD_SIDE if rtl else PAD_AXIS) + pos * slot
        h = plot_h * bucket["count"] / top
        label = period_label(start, end, interval)
        bars.append(
            {
                "i": i,
                "x": round(x, 2),
                "slot": round(slot, 2),
                "bar_x": round(x + gap / 2, 2),
                "bar_w": round(max(slot - gap, 0.5), 2),
                "y": round(PAD_TOP + plot_h - h, 2),
                "h": round(h, 2),
                "count": bucket["count"],
                "start": lo.isoformat(),
                "end": hi.isoformat(),
                "label": label,
                "aria": ngettext(
                    "%(period)s: %(count)s article",
                    "%(period)s: %(count)s articles",
                    bucket["count"],
                )
                % {"period": label, "count": bucket["count"]},
                "url": state.url(set_={"date_from": lo.isoformat(), "date_to": hi.isoformat()}),
            }
        )
    if not bars:
        return None
    # about six tick labels, always the first and the last bucket
    step = max(1, math.ceil(n / 6))
    ticks = []
    for bar in bars:
        if bar["i"] % step == 0 or bar["i"] == n - 1:
            if bar["i"] == n - 1 and ticks and n - 1 - ticks[-1]["i"] < step / 2:
                ticks.pop()
            ticks.append(
                {
                    "i": bar["i"],
                    "x": round(bar["x"] + bar["slot"] / 2, 2),
                    "text": short_date(as_date(bar["start"]), interval),
                }
            )
    peak = max(bars, key=lambda b: b["count"])
    total = sum(b["count"] for b in bars)
    summary = gettext(
        "%(total)s articles from %(first)s to %(last)s, in %(n)s periods of one %(unit)s; "
        "the most, %(peak)s, in %(peak_period)s."
    ) % {
        "total": total,
        "first": bars[0]["label"],
        "last": bars[-1]["label"],
        "n": n,
        "unit": interval_name(interval),
        "peak": peak["count"],
        "peak_period": peak["label"],
    }
    axis_x = CHART_W - PAD_AXIS + 6 if rtl else PAD_AXIS - 6
    return {
        "width": CHART_W,
        "height": CHART_H,
        "bars": bars,
        "ticks": ticks,
        "top": top,
        "interval": interval,
        "interval_name": interval_name(interval),
        "summary": summary,
        "base_y": PAD_TOP + plot_h,
        "top_y": PAD_TOP,
        "plot_h": plot_h,
        "mid_y": PAD_TOP + plot_h / 2,
        "mid": top / 2,
        "plot_x0": PAD_SIDE if rtl else PAD_AXIS,
        "plot_x1": (CHART_W - PAD_AXIS) if rtl else (CHART_W - PAD_SIDE),
        "axis_x": axis_x,
        "axis_anchor": "start" if rtl else "end",
        "label_y": CHART_H - 8,
        "total": total,
    }


def interval_name(interval: str) -> str:
    return {
        "day": gettext("day"),
        "week": gettext("week"),
        "month": gettext("month"),
        "year": gettext("year"),
    }.get(interval, interval)


# ------------------------------------------------------------------------------------------------
# Search page
# ------------------------------------------------------------------------------------------------


def _facet_groups(facets: dict, state: State) -> list[dict]:
    ar = is_arabic()
    groups = []
    for name in FACET_ORDER:
        facet = FACETS[name]
        values = facets.get(name) or []
        if not values:
            continue
        rows = []
        for index, value in enumerate(values):
            pair = (name, value["key"])
            rows.append(
                {
                    **value,
                    "id": f"f-{name}-{index}",
                    "toggle_url": state.url(drop=[pair])
                    if value["selected"]
                    else state.url(add=[pair]),
                }
            )
        # selected values stay in view; the rest keep the engine's order (by count)
        chosen = [r for r in rows if r["selected"]]
        others = [r for r in rows if not r["selected"]]
        ordered = chosen + others
        visible_n = max(FACET_VISIBLE, len(chosen))
        groups.append(
            {
                "name": name,
                "label": facet.label_ar if ar else facet.label_en,
                "visible": ordered[:visible_n],
                "more": ordered[visible_n:],
                "filterable": len(ordered) >= FACET_FILTER_MIN,
                "selected_count": len(chosen),
            }
        )
    return groups


def _chips(state: State, facets: dict | None) -> list[dict]:
    ar = is_arabic()
    labels = {}
    for name in FACETS:
        for value in (facets or {}).get(name) or []:
            labels[(name, value["key"])] = value["label"]
    chips = []
    for name, value in state.items:
        if name in FACETS:
            facet = FACETS[name]
            chips.append(
                {
                    "kind": facet.label_ar if ar else facet.label_en,
                    "label": labels.get((name, value), value),
                    "url": state.url(drop=[(name, value)]),
                }
            )
    date_from, date_to = state.get("date_from"), state.get("date_to")
    if date_from or date_to:
        chips.append(
            {
                "kind": gettext("Dates"),
                "label": f"{date_from or '…'} – {date_to or '…'}",
                "url": state.url(drop=[("date_from", None), ("date_to", None)]),
                "ltr": True,
            }
        )
    if state.get("exact") in ("1", "true", "on", "yes"):
        chips.append(
            {
                "kind": gettext("Matching"),
                "label": gettext("exact words only"),
                "url": state.url(drop=[("exact", None)]),
            }
        )
    return chips


def _pages(state: State, page: int, total: int, page_size: int) -> dict | None:
    pages_total = max(1, math.ceil(total / page_size))
    reachable = min(pages_total, MAX_RESULT_WINDOW // page_size)
    if reachable <= 1 and page <= 1:
        return None
    numbers: list[int | None] = []
    for n in sorted({1, reachable, *range(max(1, page - 2), min(reachable, page + 2) + 1)}):
        if numbers and n - (numbers[-1] or 0) > 1:
            numbers.append(None)
        numbers.append(n)
    return {
        "current": page,
        "last": reachable,
        "capped": pages_total > reachable,
        "links": [
            {"n": n, "url": state.url(page=n) if n else "", "current": n == page} for n in numbers
        ],
        "prev": state.url(page=page - 1) if page > 1 else "",
        "next": state.url(page=page + 1) if page < reachable else "",
    }


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    if not may_search(request):
        return redirect_to_login(request.get_full_path())
    state = State(request.GET)
    search_request, errors, _clean = parse_request(request.GET)
    context: dict = {
        "state": state,
        "q": state.get("q"),
        "exact": state.get("exact") in ("1", "true", "on", "yes"),
        "all_copies": state.get("all_copies") in ("1", "true", "on", "yes"),
        "date_from": state.get("date_from"),
        "date_to": state.get("date_to"),
        "sort": state.get("sort"),
        "page_size": state.get("page_size") or "20",
        "page_sizes": PAGE_SIZES,
        "errors": errors,
        "hidden_filters": [(k, v) for k, v in state.items if k in FACETS],
        "response": None,
        "query_error": "",
        "page_error": "",
        "unavailable": False,
    }
    status = 200
    response = None
    if search_request is not None:
        try:
            response = search(search_request)
        except PageOutOfRange as problem:
            context["page_error"] = request_error_message(problem)
            status = 400
            try:  # counts, facets and the chart of page 1, without results
                response = search(_replace(search_request, page=1))
                response.results = []
            except (SearchRequestError, SearchUnavailable):
                response = None
        except SearchRequestError as problem:
            context["query_error"] = request_error_message(problem)
            status = 400
        except SearchUnavailable as problem:
            log.warning("search page: search unavailable: %s", problem)
            context["unavailable"] = True
            status = 503
    if response is not None:
        last_url = ""
        listed = listed_total(response)
        if not response.results and listed and not context["page_error"]:
            last = max(1, math.ceil(listed / response.page_size))
            last = min(last, MAX_RESULT_WINDOW // response.page_size)
            context["page_error"] = gettext(
                "This page is past the last result (page %(last)s)."
            ) % {"last": last}
            last_url = state.url(page=last)
        elif context["page_error"]:
            last = min(
                max(1, math.ceil(listed / response.page_size)),
                MAX_RESULT_WINDOW // response.page_size,
            )
            last_url = state.url(page=last)
        _decorate(response.results, state)
        context.update(
            response=response,
            results=response.results,
            article_query=urlencode(article_params(state, response.page)),
            first_index=(response.page - 1) * response.page_size + 1,
            facet_groups=_facet_groups(response.facets, state),
            chart=build_chart(response.facets.get("date") or {}, state, search_request),
            pages=_pages(state, response.page, listed, response.page_size),
            last_url=last_url,
            export_query=urlencode(state.items),
            export_capped=response.total > 10_000,
        )
    context["chips"] = _chips(state, response.facets if response else None)
    context["clear_url"] = "?" + urlencode([("q", state.get("q"))]) if state.get("q") else "?"
    return render(request, "articles/search.html", context, status=status)


def article_params(state: State, page: int) -> list[tuple[str, str]]:
    """What a result's link passes to the article page: the words to mark, the way back."""
    params = [("q", state.get("q"))]
    if state.get("exact") in ("1", "true", "on", "yes"):
        params.append(("exact", "1"))
    params.append(("back", state.url(page=page)))
    return params


def listed_total(response) -> int:
    """How many results the list pages through: stories when copies are grouped, else articles."""
    stories = getattr(response, "total_stories", None)
    if getattr(response, "collapsed", False) and stories is not None:
        return stories
    return response.total


def _decorate(results: list[dict], state: State) -> None:
    """Tags of each result as links that add the tag to the filters."""
    ar = is_arabic()
    for result in results:
        groups = []
        for name, field in (("actor", "actors"), ("venue", "venues"), ("topic", "topics")):
            tags = [
                {
                    "label": tag.get("label") or tag.get("key"),
                    "url": state.url(add=[(name, tag["key"])]),
                }
                for tag in result.get(field) or []
            ]
            if tags:
                facet = FACETS[name]
                groups.append(
                    {"name": name, "label": facet.label_ar if ar else facet.label_en, "tags": tags}
                )
        result["tag_groups"] = groups


def _replace(search_request: SearchRequest, **changes) -> SearchRequest:
    from dataclasses import replace

    return replace(search_request, **changes)


# ------------------------------------------------------------------------------------------------
# Article page
# ------------------------------------------------------------------------------------------------

_WORD = re.compile(r"\w+")
_QUERY_NOISE = re.compile(r"\b(?:OR|AND|NOT)\b|[()|«»“”\"*]")


def _query_words(q: str) -> set[str]:
    """Stem forms of the positive words of a query (negated words are not marked)."""
    q = _QUERY_NOISE.sub(" ", re.sub(r"(?:^|\s)-\S+", " ", q or ""))
    forms: set[str] = set()
    for word in _WORD.findall(arabic.normalize(q)):
        forms.update(arabic.stem_variants(word))
    return {f for f in forms if f}


def mark_terms(text: str, q: str) -> str:
    """Escape ``text`` and mark the words whose stem forms match the query's (no engine needed)."""
    wanted = _query_words(q)
    if not wanted:
        return html.escape(text)
    out, pos = [], 0
    for match in _WORD.finditer(text):
        forms = set(arabic.stem_variants(arabic.normalize(match.group(0))))
        if forms & wanted:
            out.append(html.escape(text[pos : match.start()]))
            out.append(f"<mark>{html.escape(match.group(0))}</mark>")
            pos = match.end()
    out.append(html.escape(text[pos:]))
    return "".join(out)


def paragraphs(marked: str) -> list[str]:
    """Split highlighted, escaped text into paragraphs, closing and reopening a mark at a break."""
    out = []
    open_mark = False
    for line in marked.split("\n"):
        if not line.strip():
            continue
        if open_mark:
            line = "<mark>" + line
        opens, closes = line.count("<mark>"), line.count("</mark>")
        open_mark = opens > closes
        if open_mark:
            line += "</mark>"
        out.append(line.strip())
    return out


def _unmark(text: str) -> str:
    return html.unescape(text.replace("<mark>", "").replace("</mark>", ""))


TAG_KINDS = (("actors", "actor"), ("venues", "venue"), ("topics", "topic"))


def article_tags(article: Article, labels: Labels, document: dict) -> list[dict]:
    """Tags with their evidence (the enrichment's final tags), else the index document's keys."""
    stored = getattr(article, "tags", None)
    found = None
    if stored is not None:
        found = final_tags(stored, article.tag_overrides.all())
    groups = []
    ar = is_arabic()
    for field, facet in TAG_KINDS:
        if found is not None:
            hits = [
                {"key": hit.slug, "evidence": list(hit.evidence or [])[:3], "curator": hit.source}
                for hit in getattr(found, field, [])
            ]
        else:
            hits = [
                {"key": key, "evidence": [], "curator": ""} for key in document.get(field) or []
            ]
        for hit in hits:
            hit["label"] = labels(facet, hit["key"]) or hit["key"]
            hit["url"] = reverse("ui:search") + "?" + urlencode({facet: hit["key"]})
        if hits:
            label = FACETS[facet].label_ar if ar else FACETS[facet].label_en
            groups.append({"name": facet, "label": label, "tags": hits})
    return groups


def story_copies(article: Article, labels: Labels) -> list[dict]:
    """The other visible articles of the article's story cluster (near-duplicates)."""
    story_id = getattr(article, "story_id", None)
    if not story_id:
        return []
    copies = list(
        Article.objects.filter(story_id=story_id, status=Article.Status.VISIBLE)
        .exclude(pk=article.pk)
        .select_related("source")
        .order_by("published_at", "id")[:50]
    )
    return [
        {
            "id": c.pk,
            "title": c.title,
            "source_label": c.source.name,
            "published_at": c.published_at,
        }
        for c in copies
    ]


@require_GET
def article_page(request: HttpRequest, article_id: int) -> HttpResponse:
    if not may_search(request):
        return redirect_to_login(request.get_full_path())
    try:
        article = Article.objects.select_related("source").get(
            pk=article_id, status=Article.Status.VISIBLE
        )
    except Article.DoesNotExist as missing:
        raise Http404(gettext("No such article.")) from missing
    from .search.related import highlight_article, more_like_this

    q = request.GET.get("q", "").strip()
    exact = request.GET.get("exact", "") in ("1", "true", "on", "yes")
    title_html = body_html = None
    document: dict = {}
    engine_ok = True
    try:
        found = highlight_article(
            article.pk, q, exact_only=exact, expansions={} if exact else expansions(q)
        )
        if found:
            document = found["document"]
            # the index may lag behind an edit: use its marks only over the same text
            if found["title"] and _unmark(found["title"]) == article.title:
                title_html = found["title"]
            if found["body"] and _unmark(found["body"]) == article.body:
                body_html = found["body"]
    except SearchRequestError:
        pass
    except SearchUnavailable:
        engine_ok = False
    if q and body_html is None:
        body_html = mark_terms(article.body, q)
    if q and title_html is None:
        title_html = mark_terms(article.title, q)
    related = []
    if engine_ok:
        try:
            related = more_like_this(article.pk)
        except SearchUnavailable:
            related = []
    labels = Labels()
    labels.prefetch_sources({d.get("source", "") for d in related})
    for doc in related:
        doc["source_label"] = labels("source", doc.get("source", "")) or doc.get("source", "")
    tags = article_tags(article, labels, document)
    story = story_copies(article, labels)
    same_story = {c["id"] for c in story}
    related = [d for d in related if d["id"] not in same_story][:5]
    back = request.GET.get("back", "")
    if not back.startswith("?"):
        back = ""
    context = {
        "article": article,
        "title_html": title_html,
        "paragraphs": paragraphs(body_html if body_html is not None else html.escape(article.body)),
        "q": q,
        "related": related,
        "tags": tags,
        "story": story,
        "language_label": labels("language", article.language) or article.language,
        "back_url": reverse("ui:search") + back if back else "",
        "date": article.published_at,
        "date_is_estimated": article.published_at is None
        or article.published_at_source == Article.DateSource.EXTRACTION,
        "search_url": reverse("ui:search") + "?" + urlencode({"q": q}) if q else "",
    }
    return render(request, "articles/article.html", context)


# ------------------------------------------------------------------------------------------------
# Export
# ------------------------------------------------------------------------------------------------


@require_GET
def export_view(request: HttpRequest, fmt: str) -> HttpResponse:
    from .export import export_response

    if not may_search(request):
        return redirect_to_login(request.get_full_path())
    search_request, errors, _clean = parse_request(request.GET)
    if errors or search_request is None:
        field, message = next(iter(errors.items()))
        return HttpResponse(f"{field}: {message}\n", status=400, content_type="text/plain")
    try:
        return export_response(request, search_request, State(request.GET).items, fmt)
    except SearchRequestError as problem:
        return HttpResponse(
            request_error_message(problem) + "\n", status=400, content_type="text/plain"
        )
    except SearchUnavailable:
        return HttpResponse(
            gettext("Search is unavailable right now. Try again in a minute.") + "\n",
            status=503,
            content_type="text/plain",
        )
