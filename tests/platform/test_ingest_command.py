"""manage.py ingest end to end: real files in, rows in the real PostgreSQL out."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from articles.models import Article, Source

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]

CHROME = (
    "شكرا على الإبلاغ",
    "الواجهة الرئيسية",
    "اقرأ أيضاً",
    "مقالات ذات صلة",
    "ربما يعجبك أيضا",
    "اترك تعليقاً",
    "لن يتم نشر عنوان بريدك",
    "Previous post",
    "Next post",
    "انقر هنا لقراءة الخبر من مصدره",
    "نشر في هسبريس",
    "اتبعنا على تويتر",
    "تعليقات عبر الفيس بوك",
)


def ingest(*args: str | Path) -> str:
    out = io.StringIO()
    call_command("ingest", *map(str, args), "--no-progress", stdout=out)
    return out.getvalue()


def ingest_expecting_rejections(*args: str | Path) -> str:
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("ingest", *map(str, args), "--no-progress", stdout=out)
    assert raised.value.returncode == 1
    return out.getvalue()


def seed(name_prefix: str) -> Article:
    return Article.objects.get(key__startswith=f"file:{name_prefix}_")


def test_seeds_ingest_clean(seeds_dir):
    output = ingest(seeds_dir, "--source", "seeds")
    assert "created 5 / updated 0 / unchanged 0 / rejected 0" in output
    assert Source.objects.get(slug="seeds").articles.count() == 5

    republished = seed("001")
    assert republished.title == "إعلان الحرب على الإرهاب الإلكتروني"
    assert republished.published_at.date().isoformat() == "2018-07-04"
    assert republished.published_at_source == "page"
    assert republished.body.startswith("شهد الأسبوع الماضي مؤتمرين هامين")
    assert republished.body.rstrip().endswith("المنعقد في مايو 2017؟")

    rome = seed("002")
    assert rome.title == "التحالف الدولي واستراتيجية مكافحة الإرهاب.. تحديات جديدة"
    assert rome.byline == "جاسم محمد"
    assert rome.published_at is None  # the page states no publication date
    assert "انعقد يوم 28 يونيو 2021" in rome.body

    marrakesh = seed("003")
    assert marrakesh.title == "84 دولة تتوعد من المغرب بتفكيك شبكات تنظيم “داعش” الإرهابي"
    assert marrakesh.byline == "حسن الأشرف"

    un = seed("004")
    assert un.title == "الأمم المتحدة … جهود دولية وإقليمه في مجال مكافحة الإرهاب"

    column = seed("000")
    assert column.byline == "محمد البشاري"
    assert column.title  # never empty, even for a page without a headline

    for article in Article.objects.all():
        for chrome in CHROME:
            assert chrome not in article.body, (article.key, chrome)
        assert article.language == "ar"
        assert article.raw  # the input as received is kept
        assert len(article.content_hash) == 64


def test_reingest_is_a_no_op(seeds_dir):
    ingest(seeds_dir, "--source", "seeds")
    before = list(Article.objects.order_by("pk").values_list("pk", "updated_at", "content_hash"))
    output = ingest(seeds_dir, "--source", "seeds")
    assert "created 0 / updated 0 / unchanged 5 / rejected 0" in output
    after = list(Article.objects.order_by("pk").values_list("pk", "updated_at", "content_hash"))
    assert after == before


def test_a_changed_article_is_updated_in_place(seeds_dir, tmp_path):
    page = tmp_path / "002_aaa179ca8755251f.txt"
    shutil.copy(seeds_dir / page.name, page)
    ingest(page, "--source", "seeds")
    original = seed("002")
    Article.objects.filter(pk=original.pk).update(status=Article.Status.HIDDEN)

    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("اجتماع روما", "اجتماع العاصمة الإيطالية روما", 1))
    output = ingest(page, "--source", "seeds")
    assert "created 0 / updated 1 / unchanged 0" in output
    updated = Article.objects.get()
    assert updated.pk == original.pk
    assert "اجتماع العاصمة الإيطالية روما" in updated.body
    assert updated.content_hash != original.content_hash
    assert updated.status == Article.Status.HIDDEN  # a curator's decision survives re-ingest


# Text every encoding below can represent (ISO-8859-6 has no «» and no Persian letters).
ARABIC_PAGE = (
    "مجلس الأمن يتبنى قرارا جديدا لمكافحة تمويل الإرهاب\n\n"
    "تبنى مجلس الأمن الدولي بالإجماع قرارا يرمي إلى تشديد تدابير مكافحة تمويل الإرهاب، "
    "ويطلب من الدول الأعضاء وضع قوانين وطنية مناسبة.\n\n"
    "وشدد القرار على أهمية تبادل المعلومات بين الدول، وعلى الحاجة إلى تعزيز التعاون الدولي.\n"
)


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le-bom", "cp1256", "iso-8859-6"]
)
def test_encodings_decode_to_the_exact_text(tmp_path, encoding):
    if encoding == "utf-16-le-bom":
        data = b"\xff\xfe" + ARABIC_PAGE.encode("utf-16-le")
    else:
        data = ARABIC_PAGE.encode(encoding)
    path = tmp_path / f"page-{encoding}.txt"
    path.write_bytes(data)
    ingest(path, "--source", "encodings")
    article = Article.objects.get()
    assert article.title == "مجلس الأمن يتبنى قرارا جديدا لمكافحة تمويل الإرهاب"
    assert "وشدد القرار على أهمية تبادل المعلومات بين الدول" in article.body
    assert article.raw.replace("\r\n", "\n").lstrip("\ufeff") == ARABIC_PAGE


def test_bad_inputs_are_rejected_and_the_rest_lands(seeds_dir, tmp_path):
    batch = tmp_path / "batch"
    batch.mkdir()
    shutil.copy(seeds_dir / "003_f39adcb2d7785866.txt", batch / "003_f39adcb2d7785866.txt")
    (batch / "corrupt.zip").write_bytes(b"PK\x03\x04 this is not really a zip archive")
    (batch / "empty.txt").write_bytes(b"")
    (batch / "binary.dat").write_bytes(bytes(range(256)) * 40)
    (batch / "broken.json").write_text('[{"url": "https://x.example/1", "title": "عنوان"', "utf-8")

    report = ingest_expecting_rejections(batch, "--source", "mixed")
    assert "created 1 /" in report
    assert "rejected 4" in report
    for name in ("corrupt.zip", "empty.txt", "binary.dat", "broken.json"):
        assert name in report
    assert Article.objects.get().title.startswith("84 دولة")


def test_zip_of_pages(seeds_dir, tmp_path):
    archive = tmp_path / "seeds.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for page in sorted(seeds_dir.glob("*.txt")):
            zf.write(page, f"pages/{page.name}")
    assert "created 5 /" in ingest(archive, "--source", "seeds")
    assert "unchanged 5" in ingest(archive, "--source", "seeds")


def test_saudinewsnet_day_ingests_as_it_is(saudinewsnet_dir):
    day = saudinewsnet_dir / "2015-07-21.zip"
    with zipfile.ZipFile(day) as zf:
        member = next(n for n in zf.namelist() if n.endswith(".json"))
        expected = len(json.loads(zf.read(member)))
    output = ingest_expecting_rejections(day)  # that day has 84 articles with no text
    stored = Article.objects.count()
    rejected = int(output.split("rejected ")[1].split()[0])
    assert stored + rejected == expected
    assert stored >= expected * 0.95
    assert "missing content" in output
    article = Article.objects.filter(source__slug="aawsat").first()
    assert article.url.startswith("http://aawsat.com/")
    assert article.published_at_source == "extraction"
    assert article.published_at.year == 2015
    assert Source.objects.get(slug="aawsat").country == "SA"


def test_generic_json_lines(tmp_path):
    lines = [
        {
            "url": "https://news.example/a",
            "title": "اجتماع روما",
            "content": "انعقد اجتماع التحالف الدولي في روما.",
            "published_at": "2021-06-28",
            "source": "news-example",
            "author": "جاسم محمد",
        },
        {"url": "https://news.example/b", "title": "بلا نص"},
    ]
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), "utf-8")
    assert "feed.jsonl" in ingest_expecting_rejections(path)
    article = Article.objects.get()
    assert article.source.slug == "news-example"
    assert article.byline == "جاسم محمد"
    assert article.published_at_source == "metadata"
    assert article.published_at.date().isoformat() == "2021-06-28"


def test_invalid_source_slug_is_refused_before_reading(seeds_dir):
    with pytest.raises(CommandError, match="invalid source slug"):
        ingest(seeds_dir, "--source", "Not A Slug")
    assert not Article.objects.exists()


def test_missing_path_is_refused():
    with pytest.raises(CommandError, match="no such file"):
        ingest("/nonexistent/ctsearch-input")


@pytest.mark.django_db(transaction=True)
def test_command_line_exit_status(tmp_path, seeds_dir):
    """As a user runs it: exit 0 when all landed, 1 when anything was rejected."""
    good = tmp_path / "good"
    good.mkdir()
    shutil.copy(seeds_dir / "004_e9363b2cb52ef648.txt", good)
    (tmp_path / "empty.txt").write_bytes(b"")
    manage = [sys.executable, str(REPO / "manage.py"), "ingest", "--no-progress"]
    env = {**os.environ, "DATABASE_URL": _database_url(connection)}
    ok = subprocess.run([*manage, str(good)], env=env, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    bad = subprocess.run([*manage, str(tmp_path)], env=env, capture_output=True, text=True)
    assert bad.returncode == 1
    assert "empty.txt" in bad.stdout
    assert "unchanged 1" in bad.stdout


def _database_url(connection) -> str:  # the test database, for the child process
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"
