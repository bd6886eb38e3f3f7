"""The pages in a real browser: Debian's chromium, headless, driven by Playwright for Python,
against pytest-django's live server and the module corpus of conftest.py.

Never ``playwright install``: the browser is the system's (ops/services.sh installs it).
Screenshots of the search and article pages in both languages go to var/screenshots/.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from articles.models import Article
from tests.browser import assert_accessible, needs_chromium, playwright_api, screenshot
from tests.factories import make_researcher

expect = playwright_api.expect
Q = "داعش"


pytestmark = needs_chromium


@pytest.fixture
def page(browser, live_server, restored_corpus, settings):
    settings.ANONYMOUS_SEARCH = True
    context = browser.new_context(
        viewport={"width": 1366, "height": 900}, accept_downloads=True, locale="ar"
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # Anything the Content-Security-Policy blocks is a defect of the page, not of the policy.
    page.on(
        "console",
        lambda message: (
            errors.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.set_default_timeout(15_000)
    yield page
    context.close()
    assert not errors, errors  # no script error on any page


def url(live_server, path="/", q: str | None = Q, **params) -> str:
    parts = [f"q={quote(q)}"] if q is not None else []
    parts += [f"{k}={quote(str(v))}" for k, v in params.items()]
    return f"{live_server.url}{path}" + ("?" + "&".join(parts) if parts else "")


def total(page) -> int:
    return int(page.locator("#result-count").get_attribute("data-total"))


def params(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def facet_inputs(page, name: str):
    return page.locator(f'.facet[data-facet="{name}"] > ul.facet-values input[type=checkbox]')


def value_count(page, checkbox) -> int:
    box_id = checkbox.get_attribute("id")
    text = page.locator(f'label[for="{box_id}"] .count').inner_text()
    return int(text.replace(",", ""))


def tick(page, checkbox) -> None:
    """Tick a facet value by its label, as a person does; the page reloads with it."""
    box_id = checkbox.get_attribute("id")
    before = page.url
    page.locator(f'label[for="{box_id}"]').click()
    page.wait_for_url(lambda u: u != before)
    page.wait_for_load_state("domcontentloaded")


def test_arabic_query_shows_highlighted_results(page, live_server):
    page.goto(url(live_server))
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    assert total(page) >= 10
    marks = page.locator(".result .snippet mark, .result-title mark")
    expect(marks.first).to_be_visible()
    expect(page.locator(".result .snippet mark", has_text=Q).first).to_be_visible()
    expect(page.locator(".result").first.locator(".hijri")).to_contain_text("هـ")
    assert page.locator("#q").input_value() == Q
    screenshot(page, "search-ar.png")


def test_source_facet_narrows_and_two_values_widen(page, live_server):
    page.goto(url(live_server))
    everything = total(page)
    first = facet_inputs(page, "source").first
    key_a, count_a = first.get_attribute("value"), value_count(page, first)
    tick(page, first)
    assert params(page)["source"] == [key_a]
    assert total(page) == count_a < everything
    expect(page.locator(f'input[name=source][value="{key_a}"]')).to_be_checked()
    expect(page.locator(".chip")).to_have_count(1)
    second = page.locator(
        '.facet[data-facet="source"] > ul.facet-values input[type=checkbox]:not(:checked)'
    ).first
    key_b, count_b = second.get_attribute("value"), value_count(page, second)
    tick(page, second)
    assert sorted(params(page)["source"]) == sorted([key_a, key_b])
    assert total(page) == count_a + count_b  # OR within a facet
    # removing a chip removes that value only
    with page.expect_navigation():
        page.locator(".chip").first.click()
    assert len(params(page)["source"]) == 1


def test_actor_facet_narrows(page, live_server):
    page.goto(url(live_server))
    actors = facet_inputs(page, "actor")
    if actors.count() == 0:
        pytest.skip("no actors until enrichment")
    everything = total(page)
    first = actors.first
    count = value_count(page, first)
    tick(page, first)
    assert params(page)["actor"] == [first.get_attribute("value")]
    assert total(page) == count <= everything


def test_chart_span_narrows_the_dates(page, live_server):
    page.goto(url(live_server, date_from="2015-07-01", date_to="2015-08-31"))
    before = total(page)
    bars = page.locator("[data-chart] a.bar")
    assert bars.count() >= 8  # weekly bars over two months
    filled = [
        i
        for i in range(bars.count())
        if float(bars.nth(i).locator(".bar-fill").get_attribute("height")) > 0
    ]
    assert len(filled) >= 2
    start, end = bars.nth(filled[0]), bars.nth(filled[-1])
    want = (start.get_attribute("data-start"), end.get_attribute("data-end"))
    a, b = start.locator(".bar-hit").bounding_box(), end.locator(".bar-hit").bounding_box()
    page.mouse.move(a["x"] + a["width"] / 2, a["y"] + a["height"] - 5)
    page.mouse.down()
    page.mouse.move(b["x"] + b["width"] / 2, b["y"] + b["height"] - 5, steps=8)
    expect(page.locator("[data-brush]")).to_have_attribute("display", "inline")
    old = page.url
    page.mouse.up()
    page.wait_for_url(lambda u: u != old)
    page.wait_for_load_state("domcontentloaded")
    assert (params(page)["date_from"][0], params(page)["date_to"][0]) == want
    assert params(page)["q"] == [Q]
    assert total(page) <= before
    assert page.locator("#date_from").input_value() == want[0]


def test_chart_bar_by_keyboard(page, live_server):
    page.goto(url(live_server, date_from="2015-07-01", date_to="2015-08-31"))
    bars = page.locator("[data-chart] a.bar")
    stop = page.locator('[data-chart] a.bar[tabindex="0"]')
    expect(stop).to_have_count(1)  # one tab stop for the whole chart: the earliest period
    assert stop.get_attribute("data-i") == "0"
    first_start = stop.get_attribute("data-start")
    stop.focus()
    page.keyboard.press("ArrowLeft")  # Arabic: time runs right to left, so earlier is right
    page.keyboard.press("ArrowLeft")
    focused = page.evaluate("document.activeElement.getAttribute('data-start')")
    assert focused and focused > first_start
    chosen = page.locator(f'[data-chart] a.bar[data-start="{focused}"]')
    end = chosen.get_attribute("data-end")
    assert bars.count() > 2
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert params(page)["date_from"] == [focused] and params(page)["date_to"] == [end]


def test_export_downloads_a_csv_with_every_result(page, live_server):
    page.goto(url(live_server))
    shown = total(page)
    with page.expect_download() as info:
        page.locator("a[data-export=csv]").click()
    raw = Path(info.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0][0].startswith("# ctsearch export")
    assert rows[1][0] == "id"
    assert len(rows) - 2 == shown


def test_arabic_is_rtl_english_ltr_and_the_switch_keeps_the_search(page, live_server):
    page.goto(url(live_server, sort="oldest"))
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    with page.expect_navigation():
        page.get_by_role("link", name="English").click()
    assert urlsplit(page.url).path == "/en/"
    assert params(page) == {"q": [Q], "sort": ["oldest"]}
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    assert page.evaluate("getComputedStyle(document.body).direction") == "ltr"
    expect(page.get_by_role("button", name="Search", exact=True)).to_be_visible()
    # Arabic snippets still read right to left inside the English page
    assert page.locator(".snippet").first.evaluate("e => getComputedStyle(e).direction") == "rtl"
    screenshot(page, "search-en.png")


def test_reload_and_back_keep_the_state(page, live_server):
    page.goto(url(live_server))
    everything = total(page)
    first = facet_inputs(page, "source").first
    key = first.get_attribute("value")
    tick(page, first)
    narrowed, narrowed_url = total(page), page.url
    page.reload()
    assert page.url == narrowed_url and total(page) == narrowed
    expect(page.locator(f'input[name=source][value="{key}"]')).to_be_checked()
    page.go_back()
    page.wait_for_load_state("domcontentloaded")
    assert "source" not in params(page) and total(page) == everything
    expect(page.locator(f'input[name=source][value="{key}"]')).not_to_be_checked()
    assert page.locator("#q").input_value() == Q
    page.go_forward()
    page.wait_for_load_state("domcontentloaded")
    assert params(page)["source"] == [key] and total(page) == narrowed


def test_query_box_submits_a_clean_url(page, live_server):
    page.goto(f"{live_server.url}/")
    page.locator("#q").fill("«تنظيم الدولة»")
    with page.expect_navigation():
        page.locator("#q").press("Enter")
    assert params(page) == {"q": ["«تنظيم الدولة»"]}  # empty fields stay out of the link
    with page.expect_navigation():  # the switch submits the form by itself
        page.get_by_label("الكلمات كما كُتبت فقط").click()
    assert params(page)["exact"] == ["1"]
    expect(page.locator("input[name=exact]")).to_be_checked()


def test_keyboard_focus_returns_to_the_filter_after_reload(page, live_server):
    page.goto(url(live_server))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    box = facet_inputs(page, "source").first
    box_id = box.get_attribute("id")
    box.focus()
    before = page.url
    page.keyboard.press("Space")
    page.wait_for_url(lambda u: u != before)
    page.wait_for_load_state("load")
    page.wait_for_function(f"document.activeElement && document.activeElement.id === '{box_id}'")


def test_login_is_required_when_anonymous_search_is_off(page, live_server, settings):

    settings.ANONYMOUS_SEARCH = False
    make_researcher("browser")
    page.goto(url(live_server))
    assert urlsplit(page.url).path == "/accounts/login/"
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.locator("#id_username").fill("browser")
    page.locator("#id_password").fill("a long pass phrase")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(lambda u: "/accounts/" not in u)
    assert params(page)["q"] == [Q] and total(page) > 0


def test_article_pages_in_both_languages(page, live_server):
    article = Article.objects.filter(source__slug="seeds").order_by("id").first()
    page.goto(url(live_server))
    with page.expect_navigation():
        page.locator(".result-title a").first.click()
    assert urlsplit(page.url).path.startswith("/articles/")
    expect(page.locator(".article-body mark").first).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("link", name="العودة إلى النتائج").click()
    assert params(page)["q"] == [Q]

    for prefix, name in (("", "article-ar.png"), ("/en", "article-en.png")):
        page.goto(url(live_server, f"{prefix}/articles/{article.pk}"))
        expect(page.locator(".article-body mark").first).to_be_visible()
        expect(page.locator(".article-body")).not_to_contain_text("<mark>")
        screenshot(page, name)
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.get_by_role("heading", name="More like this")).to_be_visible()


def test_forms_work_without_javascript(browser, live_server, restored_corpus, settings):
    settings.ANONYMOUS_SEARCH = True
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1366, "height": 900}
    )
    page = context.new_page()
    try:
        page.goto(url(live_server))
        box = facet_inputs(page, "source").first
        key, count = box.get_attribute("value"), value_count(page, box)
        box.check()
        page.locator("#sort").select_option("oldest")
        with page.expect_navigation():
            page.get_by_role("button", name="تطبيق المرشّحات").click()
        assert params(page)["source"] == [key] and params(page)["sort"] == ["oldest"]
        assert total(page) == count
        # "show more" is a <details>: it opens without script
        more = page.locator(".facet-more summary").first
        more.click()
        expect(page.locator(".facet-more[open]").first).to_be_visible()
    finally:
        context.close()


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_pages_pass_axe_wcag_2_aa(page, live_server, prefix):
    """axe-core finds no WCAG 2 A/AA violation on any page a researcher sees, in either
    language: search with results, facets and chart; no results; a bad query; an article;
    the login form."""
    article = Article.objects.filter(source__slug="seeds").order_by("id").first()
    checks = {
        "search": url(live_server, f"{prefix}/"),
        "empty search": url(live_server, f"{prefix}/", q=None),
        "no results": url(live_server, f"{prefix}/", q="كلمةغيرموجودةأبدا"),
        "bad parameters": url(live_server, f"{prefix}/", date_from="2015-13-40", sort="x"),
        "article": url(live_server, f"{prefix}/articles/{article.pk}"),
        "login": f"{live_server.url}{prefix}/accounts/login/",
    }
    for what, address in checks.items():
        page.goto(address)
        assert_accessible(page, f"{what} ({prefix or '/'})")


def test_the_axe_check_catches_a_violation(browser):
    """The check above is live: a form field without a label and an image without text fail."""
    context = browser.new_context()
    page = context.new_page()
    page.set_content('<html lang="en"><title>t</title><main><img src="x.png"><input></main>')
    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(page, "a page made to fail")
    context.close()


def test_admin_runs_under_the_content_security_policy(page, live_server, django_user_model):
    """The curators' admin pages load every script and style they need under the policy (the
    page fixture fails the test on any violation the browser reports)."""
    django_user_model.objects.create_superuser("curator", "c@example.org", "a long pass phrase")
    page.goto(f"{live_server.url}/en/admin/login/")
    page.fill("#id_username", "curator")
    page.fill("#id_password", "a long pass phrase")
    with page.expect_navigation():
        page.click("input[type=submit]")
    article = Article.objects.order_by("id").first()
    for path in (
        "",
        "articles/article/",
        f"articles/article/{article.pk}/change/",
        "articles/actor/add/",
    ):
        page.goto(f"{live_server.url}/en/admin/{path}")
        expect(page.locator("#content")).to_be_visible()
    screenshot(page, "admin-en.png")


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_estimated_counts_are_marked_and_explained(page, live_server, prefix, monkeypatch):
    """A search too broad to count in full says which numbers are estimates, in both languages,
    and the page still passes axe."""
    from articles.search import sampling

    monkeypatch.setattr(sampling, "SAMPLE_ABOVE", 3)
    page.goto(url(live_server, f"{prefix}/", q=None))
    note = page.locator("#counts-note")
    expect(note).to_be_visible()
    expect(note).to_contain_text("16")
    counts = page.locator(".facet .count")
    texts = counts.all_text_contents()
    assert texts and all(t.startswith("≈") for t in texts), texts
    assert total(page) == Article.objects.filter(status="visible").count()  # exact
    assert_accessible(page, f"estimated counts ({prefix or '/'})")

    monkeypatch.setattr(sampling, "SAMPLE_ABOVE", 50_000)
    page.goto(url(live_server, f"{prefix}/", q=None))
    expect(page.locator("#counts-note")).to_have_count(0)
    assert not any("≈" in t for t in page.locator(".facet .count").all_text_contents())
