/* ctsearch search page: small enhancements over a page that works without them.
   - filters, sort, page size and "exact" submit on change (the form is a GET form: the URL
     is the state, so reload, back and shared links show the same search)
   - empty fields are left out of the URL
   - a filter box inside long facets
   - the attention chart: drag across bars to pick a span; arrow keys move between bars */
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var form = document.getElementById("search-form");
  if (!form) return;
  var FOCUS_KEY = "ctsearch-focus";

  // Leave empty and default fields out of the URL.
  form.addEventListener("submit", function () {
    var ps = form.elements.namedItem("page_size");
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled) return;
      if ((el.type === "search" || el.type === "date" || el.tagName === "SELECT" || el.type === "hidden") && !el.value) el.disabled = true;
    });
    if (ps && ps.value === "20") ps.disabled = true;
    if (document.activeElement && document.activeElement.id) {
      try { sessionStorage.setItem(FOCUS_KEY, document.activeElement.id); } catch (e) { /* private mode */ }
    }
  });
  // Back/forward: the page shows the state of its URL, not the half-changed form it was left
  // with (a ticked box that was submitting, fields disabled on submit).
  window.addEventListener("pageshow", function (event) {
    Array.prototype.forEach.call(form.elements, function (el) { el.disabled = false; });
    if (event.persisted) form.reset();
  });

  function submit(el) {
    if (el && el.id) { try { sessionStorage.setItem(FOCUS_KEY, el.id); } catch (e) { /* ignore */ } }
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  }
  form.addEventListener("change", function (event) {
    var el = event.target;
    if (el.hasAttribute("data-autosubmit")) submit(el);
  });
  // Keyboard users get their focus back on the control they changed.
  try {
    var focusId = sessionStorage.getItem(FOCUS_KEY);
    sessionStorage.removeItem(FOCUS_KEY);
    if (focusId && focusId !== "q") {
      var again = document.getElementById(focusId);
      if (again) {
        var details = again.closest("details");
        if (details) details.open = true;
        again.focus({ preventScroll: false });
      }
    }
  } catch (e) { /* ignore */ }

  // Filter boxes in long facets.
  function fold(text) {
    return (text || "").toLowerCase()
      .replace(/[\u064B-\u065F\u0670\u0640]/g, "")
      .replace(/[\u0622\u0623\u0625\u0671]/g, "\u0627")
      .replace(/\u0649/g, "\u064A").replace(/\u0629/g, "\u0647");
  }
  Array.prototype.forEach.call(document.querySelectorAll(".facet"), function (facet) {
    var box = facet.querySelector(".facet-filter");
    if (!box) return;
    box.hidden = false;
    var input = box.querySelector("input");
    var more = facet.querySelector(".facet-more");
    var none = facet.querySelector(".facet-nomatch");
    input.addEventListener("keydown", function (e) { if (e.key === "Enter") e.preventDefault(); });
    input.addEventListener("input", function () {
      var needle = fold(input.value.trim());
      var shown = 0;
      Array.prototype.forEach.call(facet.querySelectorAll(".facet-value"), function (li) {
        var ok = !needle || fold(li.textContent).indexOf(needle) !== -1;
        li.hidden = !ok;
        if (ok) shown++;
      });
      if (more) { if (needle) more.open = true; }
      if (none) none.hidden = shown > 0;
    });
  });

  // The chart: brushing and keyboard.
  var svg = document.querySelector("[data-chart]");
  if (!svg) return;
  var bars = Array.prototype.slice.call(svg.querySelectorAll(".bar"));
  if (!bars.length) return;
  var brush = svg.querySelector("[data-brush]");
  var byIndex = {};
  bars.forEach(function (bar) { byIndex[bar.getAttribute("data-i")] = bar; });

  function go(startBar, endBar) {
    var a = +startBar.getAttribute("data-i"), b = +endBar.getAttribute("data-i");
    var lo = a <= b ? startBar : endBar, hi = a <= b ? endBar : startBar;
    var url = new URL(window.location.href);
    url.searchParams.set("date_from", lo.getAttribute("data-start"));
    url.searchParams.set("date_to", hi.getAttribute("data-end"));
    url.searchParams.delete("page");
    window.location.assign(url.toString());
  }
  function hit(bar) { return bar.querySelector(".bar-hit"); }
  function barAt(clientX) {
    var best = null, bestDist = Infinity;
    bars.forEach(function (bar) {
      var r = hit(bar).getBoundingClientRect();
      if (clientX >= r.left && clientX <= r.right) { best = bar; bestDist = 0; return; }
      var d = Math.min(Math.abs(clientX - r.left), Math.abs(clientX - r.right));
      if (bestDist > 0 && d < bestDist) { best = bar; bestDist = d; }
    });
    return best;
  }
  function drawBrush(a, b) {
    var ra = hit(a), rb = hit(b);
    var xa = +ra.getAttribute("x"), xb = +rb.getAttribute("x");
    var x0 = Math.min(xa, xb), x1 = Math.max(xa + +ra.getAttribute("width"), xb + +rb.getAttribute("width"));
    brush.setAttribute("x", x0);
    brush.setAttribute("width", x1 - x0);
    brush.setAttribute("display", "inline");
  }
  var start = null, current = null, dragged = false;
  svg.addEventListener("pointerdown", function (e) {
    if (e.button !== 0) return;
    start = barAt(e.clientX);
    current = start;
    dragged = false;
    if (start) { svg.setPointerCapture(e.pointerId); e.preventDefault(); }
  });
  svg.addEventListener("pointermove", function (e) {
    if (!start) return;
    var bar = barAt(e.clientX);
    if (bar && bar !== current) { current = bar; }
    if (current !== start) dragged = true;
    if (dragged) drawBrush(start, current);
  });
  svg.addEventListener("pointerup", function (e) {
    if (!start) return;
    var a = start, b = current || start;
    start = null;
    try { svg.releasePointerCapture(e.pointerId); } catch (err) { /* ignore */ }
    if (dragged) { go(a, b); } else { window.location.assign(a.getAttribute("href")); }
  });
  svg.addEventListener("pointercancel", function () { start = null; brush.setAttribute("display", "none"); });
  // Clicks are handled on pointerup (a press that does not move picks one bar).
  svg.addEventListener("click", function (e) { if (e.detail > 0) e.preventDefault(); });

  // One tab stop for the chart; arrow keys move between bars in the order they are drawn.
  var ordered = bars.slice().sort(function (x, y) { return +hit(x).getAttribute("x") - +hit(y).getAttribute("x"); });
  bars.forEach(function (bar, k) { bar.setAttribute("tabindex", k === 0 ? "0" : "-1"); });  // the earliest period
  svg.addEventListener("keydown", function (e) {
    var k = ordered.indexOf(document.activeElement);
    if (k === -1) return;
    var next = null;
    if (e.key === "ArrowRight") next = ordered[Math.min(k + 1, ordered.length - 1)];
    else if (e.key === "ArrowLeft") next = ordered[Math.max(k - 1, 0)];
    else if (e.key === "Home") next = ordered[0];
    else if (e.key === "End") next = ordered[ordered.length - 1];
    if (next) {
      e.preventDefault();
      ordered[k].setAttribute("tabindex", "-1");
      next.setAttribute("tabindex", "0");
      next.focus();
    }
  });
})();
