import datetime as dt
import socket

import pytest

from articles.ingest.htmlpage import parse_html_page
from articles.ingest.records import ArticleRecord, DateProvenance, Rejection

P1 = (
    "أعلن المكتب المركزي للأبحاث القضائية، يوم الأحد، عن تفكيك خلية إرهابية تتكون من أربعة "
    "عناصر موالين لتنظيم داعش، كانوا ينشطون في مدينة الدار البيضاء ونواحيها، ويخططون لتنفيذ "
    "مشاريع إرهابية تستهدف منشآت حيوية."
)
P2 = (
    "وأوضح بلاغ للمديرية العامة لمراقبة التراب الوطني أن عمليات التفتيش المنجزة مكنت من حجز "
    "معدات إلكترونية وأسلحة بيضاء ومخطوطات تحمل شعارات التنظيم، إلى جانب مبالغ مالية يشتبه في "
    "أنها كانت مخصصة لتمويل العمليات."
)
P3 = (
    "وتأتي هذه العملية في إطار الجهود المتواصلة لمكافحة التهديدات الإرهابية، إذ تمكنت المصالح "
    "الأمنية منذ سنة 2002 من تفكيك أزيد من مائتي خلية إرهابية وإحباط مئات المشاريع التخريبية."
)

PAGE = f"""<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
<meta charset="utf-8">
<title>تفكيك خلية إرهابية في الدار البيضاء | موقع الأخبار</title>
<link rel="canonical" href="https://news.example.ma/2023/05/cell-dismantled">
<meta property="og:url" content="https://news.example.ma/2023/05/cell-dismantled">
<meta property="og:site_name" content="موقع الأخبار">
<meta property="og:title" content="تفكيك خلية إرهابية في الدار البيضاء">
<meta name="author" content="سعيد العلوي">
<meta property="article:published_time" content="2023-05-14T09:30:00+01:00">
</head>
<body>
<header><nav><ul>
<li><a href="/">الرئيسية</a></li><li><a href="/politics">سياسة</a></li>
<li><a href="/sport">رياضة</a></li><li><a href="/economy">اقتصاد</a></li>
</ul></nav></header>
<div class="breadcrumb"><a href="/">الرئيسية</a> » <a href="/national">وطني</a> » أمن</div>
<main>
<article>
<h1>تفكيك خلية إرهابية في الدار البيضاء</h1>
<div class="share"><a>فيسبوك</a> <a>تويتر</a> <a>واتساب</a></div>
<p>{P1}</p>
<p>{P2}</p>
<p>اقرأ أيضاً: الأمن يوقف متطرفاً في طنجة</p>
<p>{P3}</p>
<p class="tags">الوسوم: إرهاب، داعش، الدار البيضاء</p>
</article>
<section class="comments"><h3>التعليقات</h3>
<div class="comment"><p>تعليق من زائر: شكرا لرجال الأمن على هذا العمل الرائع ونتمنى لهم
التوفيق في مهامهم الصعبة دائما وأبدا.</p></div>
<form><p>اترك تعليقاً</p><p>لن يتم نشر عنوان بريدك الإلكتروني.</p></form></section>
<aside><h3>مقالات ذات صلة</h3><ul>
<li><a href="/a">الأمن يوقف متطرفاً في طنجة</a></li>
<li><a href="/b">مؤتمر دولي لمكافحة الإرهاب في مراكش</a></li></ul></aside>
</main>
<footer><p>جميع الحقوق محفوظة © 2023 موقع الأخبار</p>
<p>يستخدم هذا الموقع ملفات تعريف الارتباط لتحسين تجربتك.</p></footer>
</body></html>
"""

CHROME = [
    "الرئيسية",
    "رياضة",
    "فيسبوك",
    "اقرأ أيضاً",
    "الأمن يوقف متطرفاً",
    "الوسوم",
    "التعليقات",
    "تعليق من زائر",
    "اترك تعليقاً",
    "بريدك",
    "مقالات ذات صلة",
    "مراكش",
    "جميع الحقوق محفوظة",
    "ملفات تعريف الارتباط",
]


def parse(html, key="file:page.html"):
    return parse_html_page(html, origin="page.html", key=key, raw_encoding="utf-8")


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_article_page(no_network):
    record = parse(PAGE)
    assert isinstance(record, ArticleRecord)
    assert record.title == "تفكيك خلية إرهابية في الدار البيضاء"
    assert record.byline == "سعيد العلوي"
    assert record.url == "https://news.example.ma/2023/05/cell-dismantled"
    assert record.canonical_url == record.url
    assert record.key == record.url
    assert record.source_name == "موقع الأخبار"
    assert record.language == "ar"
    assert record.published_at == dt.datetime(2023, 5, 14, tzinfo=dt.UTC)
    assert record.published_at_source == DateProvenance.METADATA
    assert record.body == "\n\n".join([P1, P2, P3])
    for phrase in CHROME:
        assert phrase not in record.body, phrase
    assert record.raw == PAGE


def test_page_without_url_keeps_file_key(no_network):
    html = PAGE.replace(
        '<link rel="canonical" href="https://news.example.ma/2023/05/cell-dismantled">', ""
    )
    html = html.replace(
        '<meta property="og:url" content="https://news.example.ma/2023/05/cell-dismantled">', ""
    )
    record = parse(html)
    assert isinstance(record, ArticleRecord)
    assert record.url == ""
    assert record.key == "file:page.html"


def test_page_date_from_text_when_no_metadata(no_network):
    html = PAGE.replace(
        '<meta property="article:published_time" content="2023-05-14T09:30:00+01:00">', ""
    ).replace(f"<p>{P1}</p>", f"<p>نشر بتاريخ 12 مايو 2023</p><p>{P1}</p>")
    record = parse(html)
    assert isinstance(record, ArticleRecord)
    assert record.published_at == dt.datetime(2023, 5, 12, tzinfo=dt.UTC)
    assert record.published_at_source == DateProvenance.PAGE
    assert "نشر بتاريخ" not in record.body


@pytest.mark.parametrize(
    "html",
    [
        "<html><body><nav><a href='/'>الرئيسية</a></nav></body></html>",
        "<html><head><title>فارغ</title></head><body></body></html>",
        "<<<>>>",
    ],
)
def test_page_without_main_text_is_rejected(no_network, html):
    result = parse(html)
    assert isinstance(result, Rejection)
    assert result.origin == "page.html"
    assert "no main text" in result.reason or "could not be parsed" in result.reason
