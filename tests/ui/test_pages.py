"""The search page, the article page, exports and login through Django's test client, against
the real database and engine (the module corpus of conftest.py)."""

from __future__ import annotations

import csv
import io
import json
import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from articles.models import Article
from articles.search.rules import MAX_RESULT_WINDOW
from articles.templatetags.ctsearch_ui import hijri
from articles.web.article_page import mark_terms, paragraphs
from articles.web.export import neutralise
from tests.factories import make_researcher

pytestmark = pytest.mark.django_db

Q = "داعش"


def page(client, path="/", **params):
    return client.get(path, params)


def html_attrs(content: str) -> dict:
    tag = re.search(r"<html([^>]*)>", content).group(1)
    return dict(re.findall(r'(\w+)="([^"]*)"', tag))


def count_of(content: str) -> int:
    return int(re.search(r'id="result-count"[^>]*data-total="(\d+)"', content).group(1))


# ------------------------------------------------------------------------------------------------
# Access
# ------------------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_login(client, ui_corpus, settings):
    settings.ANONYMOUS_SEARCH = False
    response = page(client, q=Q)
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.path == "/accounts/login/"
    assert unquote(parse_qs(target.query)["next"][0]) == f"/?q={Q}"
    english = page(client, "/en/", q=Q)
    assert urlsplit(english["Location"]).path == "/en/accounts/login/"
    for path in ("/export.csv", "/export.json", f"/articles/{Article.objects.first().pk}"):
        assert client.get(path).status_code == 302
    settings.ANONYMOUS_SEARCH = True
    assert page(client, q=Q).status_code == 200


def test_login_and_logout(client, ui_corpus, django_user_model):
    make_researcher("r2")
    login = client.get("/accounts/login/?next=/%3Fq%3Dx")
    assert login.status_code == 200
    assert 'dir="rtl"' in login.content.decode()
    assert "تسجيل الدخول" in login.content.decode() or "دخول" in login.content.decode()
    done = client.post(
        "/accounts/login/", {"username": "r2", "password": "a long pass phrase", "next": "/?q=x"}
    )
    assert done.status_code == 302 and done["Location"] == "/?q=x"
    assert page(client, q=Q).status_code == 200
    out = client.post("/accounts/logout/")
    assert out.status_code == 302
    assert page(client, q=Q).status_code == 302


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_password_reset_by_email(client, ui_corpus, django_user_model, prefix):
    django_user_model.objects.create_user("r3", email="r3@example.org", password="old pass 12345")
    form = client.get(f"{prefix}/accounts/password_reset/")
    assert form.status_code == 200
    sent = client.post(f"{prefix}/accounts/password_reset/", {"email": "r3@example.org"})
    assert sent.status_code == 302
    assert sent["Location"] == f"{prefix}/accounts/password_reset/done/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["r3@example.org"]
    link = re.search(r"https?://\S+/reset/\S+/", message.body).group(0)
    if prefix:
        assert "Choose a new password" in message.body
    else:
        assert "اختر كلمة مرور جديدة" in message.body
    confirm = client.get(urlsplit(link).path, follow=True)
    assert confirm.status_code == 200
    new = client.post(
        confirm.redirect_chain[-1][0],
        {"new_password1": "a brand new pass 987", "new_password2": "a brand new pass 987"},
    )
    assert new.status_code == 302
    # The login form, as a person signs in (the login throttle needs the request).
    signed_in = client.post(
        "/accounts/login/", {"username": "r3", "password": "a brand new pass 987"}
    )
    assert signed_in.status_code == 302


# ------------------------------------------------------------------------------------------------
# Search page
# ------------------------------------------------------------------------------------------------


def test_arabic_page_is_rtl_and_english_ltr(researcher, ui_corpus):
    arabic = page(researcher, q=Q).content.decode()
    assert html_attrs(arabic) == {"lang": "ar", "dir": "rtl"}
    assert "ابحث" in arabic and "الاهتمام عبر الزمن" in arabic
    english = page(researcher, "/en/", q=Q).content.decode()
    assert html_attrs(english) == {"lang": "en", "dir": "ltr"}
    assert "Attention over time" in english and "Sources" in english
    # the switch keeps the search
    assert f'href="/en/?q={Q}"'.replace(Q, "%D8%AF%D8%A7%D8%B9%D8%B4") in arabic
    assert 'href="/?q=%D8%AF%D8%A7%D8%B9%D8%B4"' in english


def test_results_are_highlighted_with_dates_in_both_calendars(researcher, ui_corpus):
    response = page(researcher, q=Q)
    assert response.status_code == 200
    content = response.content.decode()
    total = count_of(content)
    assert total >= 10
    assert content.count('<li class="result">') == min(total, 20)
    assert "<mark>داعش</mark>" in content
    assert re.search(r"\d+ (محرم|صفر|ربيع|جمادى|رجب|شعبان|رمضان|شوال|ذو) [^<]*1436 هـ", content)
    english = page(researcher, "/en/", q=Q).content.decode()
    assert re.search(r"\d+ \w+ 1436 AH", english)
    assert re.search(r"\d{1,2} (July|August) 2015", english)


def test_script_in_an_article_stays_text(researcher, ui_corpus):
    content = page(researcher, q=Q, source="markup").content.decode()
    assert count_of(content) == 1
    assert "&lt;script&gt;" in content
    assert "<script>alert" not in content and "<img src=x" not in content
    assert "<b>داعش</b>" not in content
    article = Article.objects.get(source__slug="markup")
    shown = researcher.get(f"/articles/{article.pk}", {"q": Q}).content.decode()
    assert "&lt;script&gt;alert" in shown and "<script>alert" not in shown
    assert "<mark>داعش</mark>" in shown


def test_template_escapes_everything_but_the_highlights():
    """The result template marks only the engine's (escaped) highlight fields as safe."""
    request = RequestFactory().get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    hostile = "<script>alert(1)</script>"
    result = {
        "id": 1,
        "title": hostile,
        "byline": hostile,
        "source": {"key": "x", "label": hostile},
        "published_at": "2015-08-06T00:00:00+00:00",
        "sort_date": "2015-08-06T00:00:00+00:00",
        "date_is_estimated": False,
        "highlights": {"title": None, "body": ["&lt;script&gt; <mark>داعش</mark>"]},
        "tag_groups": [
            {"name": "actor", "label": "A", "tags": [{"label": hostile, "url": "?actor=x"}]}
        ],
        "story": {"size": 2, "other_outlets": [{"key": "y", "label": hostile}]},
    }

    class Response:
        total = 1
        total_stories = 1
        collapsed = True
        page = 1
        page_size = 20

    with translation.override("en"):
        html = render_to_string(
            "articles/search.html",
            {"response": Response(), "results": [result], "first_index": 1, "q": hostile},
            request=request,
        )
    assert "<script>alert(1)" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 4
    assert "&lt;script&gt; <mark>داعش</mark>" in html


def test_mark_terms_escapes_before_marking():
    marked = mark_terms("<b>داعش</b> والدولة & «لداعش»", "داعش")
    assert marked.startswith("&lt;b&gt;<mark>داعش</mark>&lt;/b&gt;")
    assert "&amp;" in marked and "<mark>لداعش</mark>" in marked
    assert mark_terms("<i>x</i>", "") == "&lt;i&gt;x&lt;/i&gt;"
    assert paragraphs("a <mark>b\nc</mark> d") == ["a <mark>b</mark>", "<mark>c</mark> d"]


def test_source_facet_is_or_within_and_counts_match(researcher, ui_corpus):
    everything = page(researcher, q=Q).content.decode()
    total = count_of(everything)
    counts = dict(
        re.findall(
            r'name="source" value="([^"]+)"[^>]*>\s*<label[^>]*><bdi[^>]*>[^<]*</bdi> '
            r'<span class="count">([\d,]+)</span>',
            everything,
        )
    )
    assert len(counts) >= 3
    (a, na), (b, nb) = sorted(counts.items(), key=lambda kv: -int(kv[1]))[:2]
    one = page(researcher, q=Q, source=a).content.decode()
    assert count_of(one) == int(na) < total
    both = researcher.get("/", {"q": Q, "source": [a, b]}).content.decode()
    assert count_of(both) == int(na) + int(nb)
    assert 'class="chip"' in both and f'value="{a}" checked' in both
    # a chip removes its filter
    chip = re.search(r'<a class="chip" href="([^"]+)"', both).group(1)
    assert "source=" in chip and chip.count("source=") == 1


def test_parameter_errors_are_shown_not_500(researcher, ui_corpus):
    for params in (
        {"q": Q, "date_from": "06/08/2015"},
        {"q": Q, "sort": "best"},
        {"q": Q, "page": "x"},
        {"q": Q, "page_size": "1000"},
        {"q": Q, "exact": "maybe"},
        {"q": Q, "date_from": "2015-08-06", "date_to": "2015-08-01"},
    ):
        response = page(researcher, **params)
        assert response.status_code == 200, params
        content = response.content.decode()
        assert 'class="field-error"' in content or 'class="alert warning"' in content, params
        assert count_of(content) > 0, params  # the search still runs without the bad field
    bad_query = page(researcher, q="a*")
    assert bad_query.status_code == 400
    assert "حرفين على الأقل" in bad_query.content.decode()
    assert "at least 2 letters" in page(researcher, "/en/", q="a*").content.decode()


PAGE_SIZE_EN = "Results per page must be a whole number from 1 to 100."
PAGE_SIZE_AR = "يجب أن يكون عدد النتائج في الصفحة عددًا صحيحًا من 1 إلى 100."
PAGE_EN = "The page must be a whole number from 1 to 10000."
PAGE_AR = "يجب أن يكون رقم الصفحة عددًا صحيحًا من 1 إلى 10000."
DATE_EN = "Use a date written YYYY-MM-DD, for example 2015-08-01."
DATE_AR = "اكتب التاريخ بالصيغة YYYY-MM-DD، مثل 2015-08-01."


@pytest.mark.parametrize(
    ("query", "field", "english", "arabic"),
    [
        ("q=a&q=b", "q", "Give this only once.", "اذكر هذه القيمة مرة واحدة فقط."),
        ("date_from=06/08/2015", "date_from", DATE_EN, DATE_AR),
        ("date_to=2015-02-30", "date_to", DATE_EN, DATE_AR),
        (
            "date_from=2015-08-06&date_to=2015-08-01",
            "date_from",
            "The start date is after the end date.",
            "تاريخ البداية بعد تاريخ النهاية.",
        ),
        (
            "sort=best",
            "sort",
            "Choose relevance, newest or oldest.",
            "اختر: الأكثر صلة أو الأحدث أو الأقدم.",
        ),
        ("page=x", "page", PAGE_EN, PAGE_AR),
        ("page=10001", "page", PAGE_EN, PAGE_AR),
        ("page_size=1000", "page_size", PAGE_SIZE_EN, PAGE_SIZE_AR),
        ("page_size=ten", "page_size", PAGE_SIZE_EN, PAGE_SIZE_AR),
        ("exact=maybe", "exact", "Use 1 (on) or 0 (off).", "استخدم 1 (تشغيل) أو 0 (إيقاف)."),
        (
            "all_copies=maybe",
            "all_copies",
            "Use 1 (on) or 0 (off).",
            "استخدم 1 (تشغيل) أو 0 (إيقاف).",
        ),
        ("expand=maybe", "expand", "Use 1 (on) or 0 (off).", "استخدم 1 (تشغيل) أو 0 (إيقاف)."),
        (
            "date_to=9999-12-31",
            "date_to",
            "Use a date from 1800-01-01 to 2199-12-31.",
            "اختر تاريخًا من 1800-01-01 إلى 2199-12-31.",
        ),
    ],
)
def test_parameter_messages_in_both_languages(query, field, english, arabic):
    from django.http import QueryDict

    from articles.web.state import parse_request

    for language, expected in (("en", english), ("ar", arabic)):
        with translation.override(language):
            request, errors, _ = parse_request(QueryDict(query))
        assert request is not None
        assert errors == {field: expected}, language


def test_result_window_notes_name_the_limit():
    request = RequestFactory().get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()

    class Response:
        total = 12_345
        total_stories = None
        collapsed = False
        page = 1
        page_size = 20

    result = {
        "id": 1,
        "title": "t",
        "byline": "",
        "source": {"key": "x", "label": "x"},
        "published_at": "2015-08-06T00:00:00+00:00",
        "sort_date": "2015-08-06T00:00:00+00:00",
        "date_is_estimated": False,
        "highlights": {"title": None, "body": []},
        "tag_groups": [],
        "story": {"size": 1, "other_outlets": []},
    }
    context = {
        "response": Response(),
        "results": [result],
        "export_capped": True,
        "pages": {"capped": True, "links": []},
        "result_window": MAX_RESULT_WINDOW,
    }
    with translation.override("en"):
        english = render_to_string("articles/search.html", context, request=request)
    with translation.override("ar"):
        arabic = render_to_string("articles/search.html", context, request=request)
    assert "Downloads hold the first 10,000 results." in english
    assert "Only the first 10,000 results can be paged through:" in english
    assert "تحتوي التنزيلات على أول 10,000 نتيجة." in arabic
    assert "لا يمكن تصفّح أكثر من أول 10,000 نتيجة:" in arabic


def test_page_past_the_engine_window_is_explained(researcher, ui_corpus):
    response = page(researcher, q=Q, page="600")
    assert response.status_code == 400
    content = response.content.decode()
    assert "10000" in content or "10,000" in content
    assert count_of(content) > 0  # counts and filters stay
    past = page(researcher, "/en/", q=Q, page="400").content.decode()
    assert "past the last result" in past and "Go to the last page" in past


def test_past_the_end_of_an_estimated_list_links_to_its_real_last_page(
    researcher, ui_corpus, monkeypatch
):
    """A sample's estimate may put the end past the real one; the way back is counted in full."""
    from articles.search import facets, sampling

    def last_link(content: str) -> str:
        return re.search(r'href="([^"]*)">Go to the last page', content).group(1)

    exact = page(researcher, "/en/", q=Q, page="400").content.decode()
    monkeypatch.setattr(sampling, "SAMPLE_ABOVE", 0)
    # An estimate far too high, even when the sample holds none of the corpus's stories (their
    # ids, and so their buckets, depend on the tests run before).
    monkeypatch.setattr(facets, "scale", lambda n, fraction: n if fraction == 1 else (n + 1) * 1000)
    sampled = page(researcher, "/en/", q=Q, page="400").content.decode()
    assert "past the last result" in sampled
    assert last_link(sampled) == last_link(exact)
    assert "page=500" not in last_link(sampled)  # where the estimate alone would have sent it


def test_chart_bars_link_to_their_dates(researcher, ui_corpus):
    content = page(researcher, q=Q, date_from="2015-07-01", date_to="2015-08-31").content.decode()
    bars = re.findall(
        r'<a href="([^"]+)" class="bar" data-i="\d+" data-start="([\d-]+)" data-end="([\d-]+)"',
        content,
    )
    assert len(bars) > 4  # weekly buckets over two months
    url, start, end = bars[0]
    query = parse_qs(urlsplit(url.replace("&amp;", "&")).query)
    assert query["date_from"] == [start] and query["date_to"] == [end]
    assert query["q"] == [Q]
    assert "<table>" in content and "عدد المقالات في كل فترة" in content  # the text alternative


def test_article_page(researcher, ui_corpus):
    article = Article.objects.filter(source__slug="seeds").first()
    response = researcher.get(f"/articles/{article.pk}", {"q": Q})
    content = response.content.decode()
    assert response.status_code == 200
    assert "<mark>" in content and "مقالات مشابهة" in content
    assert html_attrs(content)["dir"] == "rtl"
    english = researcher.get(f"/en/articles/{article.pk}").content.decode()
    assert "More like this" in english and "<mark>" not in english.split("<main")[1]
    assert researcher.get("/articles/999999999").status_code == 404


# ------------------------------------------------------------------------------------------------
# Exports
# ------------------------------------------------------------------------------------------------


def read_csv(response) -> tuple[str, list[str], list[list[str]]]:
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for spreadsheet programs
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    return rows[0][0], rows[1], rows[2:]


def test_csv_export_holds_every_result(researcher, ui_corpus):
    total = count_of(page(researcher, q=Q).content.decode())
    response = researcher.get("/export.csv", {"q": Q})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    comment, header, rows = read_csv(response)
    assert comment.startswith("# ctsearch export: ")
    meta = json.loads(comment.removeprefix("# ctsearch export: "))
    assert meta["q"] == Q and meta["total"] == total == meta["exported"]
    assert header[:3] == ["id", "title", "source"]
    assert len(rows) == total
    assert len({row[0] for row in rows}) == total
    narrowed = researcher.get("/export.csv", {"q": Q, "source": "seeds"})
    _, _, seed_rows = read_csv(narrowed)
    assert {row[2] for row in seed_rows} == {"seeds"} and len(seed_rows) == 5


def test_csv_export_neutralises_formulas(researcher, ui_corpus):
    _, header, rows = read_csv(researcher.get("/export.csv", {"source": "formula"}))
    (row,) = rows
    cells = dict(zip(header, row, strict=True))
    assert cells["title"].startswith("'=HYPERLINK")
    assert cells["byline"] == "'@attacker"
    assert cells["text"].startswith("'+cmd")
    for value in row:
        assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    assert neutralise("-2+3") == "'-2+3" and neutralise("\tx") == "'\tx"
    assert neutralise("داعش") == "داعش"


def test_json_export(researcher, ui_corpus):
    total = count_of(page(researcher, q=Q, source="seeds").content.decode())
    response = researcher.get("/export.json", {"q": Q, "source": "seeds", "page": "2"})
    assert response.status_code == 200
    payload = json.loads(b"".join(response.streaming_content))
    assert payload["query"]["q"] == Q
    assert payload["query"]["filters"] == {"source": ["seeds"]}
    assert payload["total"] == total == len(payload["results"]) == payload["exported"]
    first = payload["results"][0]
    assert {"id", "title", "source", "published_at", "url", "page", "text", "actors"} <= set(first)


def test_export_reports_bad_parameters(researcher, ui_corpus):
    assert researcher.get("/export.csv", {"q": "a*"}).status_code == 400
    assert researcher.get("/export.json", {"date_from": "yesterday"}).status_code == 400


# ------------------------------------------------------------------------------------------------
# Small parts
# ------------------------------------------------------------------------------------------------


def test_hijri_dates_in_both_languages():
    with translation.override("ar"):
        assert hijri("2015-08-06T09:00:00+00:00") == "21 شوال 1436 هـ"
    with translation.override("en"):
        assert hijri("2015-08-06") == "21 Shawwal 1436 AH"
        assert hijri("1800-01-01") == ""  # outside Umm al-Qura
        assert hijri(None) == ""


@pytest.mark.parametrize("path", ["/export.csv", "/export.json"])
def test_dates_out_of_the_calendar_are_a_400_not_a_500(client, django_user_model, path):
    client.force_login(make_researcher("d"))
    response = client.get(path, {"q": "داعش", "date_to": "9999-12-31"})
    assert response.status_code == 400


def test_the_page_reports_a_date_out_of_the_calendar_beside_its_field(
    client, django_user_model, search_index
):
    # As for every bad parameter, the page says what is wrong and searches without it.
    client.force_login(make_researcher("d"))
    response = client.get("/en/", {"q": "داعش", "date_to": "9999-12-31"})
    assert response.status_code == 200
    assert "Use a date from 1800-01-01 to 2199-12-31." in response.content.decode()
