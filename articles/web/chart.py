"""The attention-over-time chart of the search page, drawn by the template as SVG.

Bars are links (a bar narrows the dates to its period) with a spoken label each, and the
chart carries a one-sentence summary for screen readers; right-to-left pages draw time from
right to left.
"""

from __future__ import annotations

import math

from django.utils.translation import get_language_bidi, gettext, ngettext

from articles.search.request import SearchRequest

from .dates import as_date, bucket_end, interval_name, period_label, short_date
from .state import State

CHART_W, CHART_H = 720, 170
PAD_TOP, PAD_BOTTOM, PAD_SIDE, PAD_AXIS = 12, 30, 8, 40


def build_chart(date_facet: dict, state: State, request: SearchRequest) -> dict | None:
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
