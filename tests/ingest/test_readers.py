import io
import json
import zipfile

import pytest

from articles.ingest import ArticleRecord, Rejection, count_inputs, read_paths, readers

from .helpers import seed_text, shared_dir

ARTICLE = (
    "أعلنت وزارة الداخلية تفكيك خلية إرهابية تتكون من أربعة عناصر موالين لتنظيم داعش في مدينة "
    "الدار البيضاء، وقالت إن التحقيقات ما زالت جارية للكشف عن امتداداتها داخل البلاد وخارجها."
)
SNN = [
    {
        "source": "alriyadh",
        "url": f"http://www.alriyadh.com/{i}",
        "date_extracted": "2015-07-21 10:00:00",
        "title": f"خبر رقم {i}",
        "author": "",
        "content": ARTICLE,
    }
    for i in range(3)
]


def split(results):
    records = [r for r in results if isinstance(r, ArticleRecord)]
    rejections = {
        r.origin.rsplit("/", 1)[-1]: r.reason for r in results if isinstance(r, Rejection)
    }
    return records, rejections


@pytest.fixture
def inbox(tmp_path):
    with zipfile.ZipFile(tmp_path / "a_snn.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("2015-07-21.json", json.dumps(SNN, ensure_ascii=False))
        archive.writestr("pages/page.txt", f"عنوان الصفحة\n\n{ARTICLE}\n")
        archive.writestr("__MACOSX/._page.txt", b"\x00\x05\x16\x07junk")
        archive.writestr("inner.zip", b"PK\x03\x04")
    (tmp_path / "b_corrupt.zip").write_bytes(b"PK\x03\x04 this is not really a zip")
    (tmp_path / "c_empty.txt").write_bytes(b"")
    (tmp_path / "d_binary.txt").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "e_arabic.txt").write_bytes(f"خبر بترميز ويندوز\n\n{ARTICLE}\n".encode("cp1256"))
    (tmp_path / "f_sniffed.dat").write_text(json.dumps(SNN[0], ensure_ascii=False), "utf-8")
    (tmp_path / "g_report.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / ".hidden.txt").write_text("ignored", "utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "page.html").write_text(
        f"<html><head><title>صفحة</title></head><body><article><h1>صفحة</h1>"
        f"<p>{ARTICLE}</p><p>{ARTICLE}</p></article></body></html>",
        "utf-8",
    )
    (tmp_path / "sub" / "lines.jsonl").write_text(
        "\n".join(json.dumps(x, ensure_ascii=False) for x in SNN[:2]) + "\n{bad\n", "utf-8"
    )
    return tmp_path


def test_directory_with_good_and_bad_inputs(inbox):
    seen = []
    results = list(read_paths([inbox], progress=seen.append))
    records, rejections = split(results)

    keys = [r.key for r in records]
    assert keys[:4] == [
        "http://www.alriyadh.com/0",
        "http://www.alriyadh.com/1",
        "http://www.alriyadh.com/2",
        "file:page.txt",
    ]
    assert records[0].origin.endswith("a_snn.zip!2015-07-21.json#1")
    assert records[3].origin.endswith("a_snn.zip!pages/page.txt")

    cp1256 = next(r for r in records if r.key == "file:e_arabic.txt")
    assert cp1256.title == "خبر بترميز ويندوز"
    assert cp1256.raw_encoding == "cp1256"
    assert cp1256.body == ARTICLE

    sniffed = next(r for r in records if r.origin.endswith("f_sniffed.dat#1"))
    assert sniffed.key == "http://www.alriyadh.com/0"
    assert any(r.key == "file:page.html" and r.body for r in records)
    assert sum(1 for r in records if r.origin.endswith(("lines.jsonl#1", "lines.jsonl#2"))) == 2

    assert rejections["b_corrupt.zip"].startswith("corrupt zip archive:")
    assert rejections["c_empty.txt"] == "empty file"
    assert rejections["d_binary.txt"].startswith("binary file")
    assert rejections["g_report.pdf"] == "unsupported file type (.pdf)"
    assert "nested zip" in rejections["a_snn.zip!inner.zip"]
    assert rejections["lines.jsonl#3"].startswith("malformed JSON line")
    assert not any("hidden" in r.origin for r in results)
    assert not any("__MACOSX" in r.origin for r in results)

    # Sorted walk: zip first, sub/ after top-level files.
    assert results[0].origin.endswith("a_snn.zip!2015-07-21.json#1")
    assert len(seen) == count_inputs([inbox])


def test_missing_path_and_single_file(tmp_path):
    page = tmp_path / "one.txt"
    page.write_text(f"عنوان\n\n{ARTICLE}", "utf-8")
    results = list(read_paths([tmp_path / "nope.txt", str(page)]))
    assert results[0] == Rejection(str(tmp_path / "nope.txt"), "no such file or directory")
    assert isinstance(results[1], ArticleRecord)
    assert results[1].key == "file:one.txt"


def test_chrome_only_page_is_rejected(tmp_path):
    (tmp_path / "chrome.txt").write_text("شكرا على الإبلاغ!\nمقالات ذات صلة\n", "utf-8")
    [result] = read_paths([tmp_path])
    assert isinstance(result, Rejection)
    assert "no article text" in result.reason


def test_zip_member_size_limits(tmp_path, monkeypatch):
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.txt", "ا" * 200_000)
    monkeypatch.setattr(readers, "MAX_MEMBER_BYTES", 100_000)
    [result] = read_paths([path])
    assert isinstance(result, Rejection)
    assert "too large" in result.reason

    monkeypatch.setattr(readers, "MAX_MEMBER_BYTES", 10_000_000)
    monkeypatch.setattr(readers, "_RATIO_CHECK_FROM", 1000)
    [result] = read_paths([path])
    assert isinstance(result, Rejection)
    assert "zip bomb" in result.reason


def test_capped_reader_stops_a_member_lying_about_its_size():
    # Declared sizes can lie; the reader counts what is really decompressed.
    raw = io.BytesIO(json.dumps(SNN * 50, ensure_ascii=False).encode("utf-8"))
    capped = readers._CappedReader(raw, 20_000)
    with pytest.raises(readers._TooLarge):
        while capped.read(4096):
            pass


def test_oversized_member_stream_becomes_rejection(tmp_path, monkeypatch):
    path = tmp_path / "liar.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.json", json.dumps(SNN * 50, ensure_ascii=False))
    original = readers._CappedReader
    monkeypatch.setattr(readers, "_CappedReader", lambda raw, limit: original(raw, 20_000))
    results = list(read_paths([path]))
    assert isinstance(results[-1], Rejection)
    assert "zip bomb" in results[-1].reason
    assert all(isinstance(r, ArticleRecord) for r in results[:-1])


def test_seed_pages_through_readers():
    seed_text("000")  # skips when the seeds are absent
    records, rejections = split(list(read_paths([shared_dir() / "seeds"])))
    assert not rejections
    assert [r.key for r in records] == sorted(r.key for r in records)
    assert len(records) == 5
    assert all(r.title and r.body for r in records)


def test_real_saudinewsnet_zip():
    path = shared_dir() / "corpora" / "saudinewsnet" / "2015-07-21.zip"
    if not path.exists():
        pytest.skip("SaudiNewsNet corpus is not available")
    with zipfile.ZipFile(path) as archive:
        [member] = archive.namelist()
        items = json.loads(archive.read(member))
    without_content = sum(1 for item in items if not item["content"].strip())

    records, rejections = split(list(read_paths([path])))
    # The only rejections are the corpus's own empty articles (84 in this file).
    assert len(records) == len(items) - without_content
    assert set(rejections.values()) <= {"missing content"}
    assert len(rejections) == without_content
    assert len({r.key for r in records}) == len(records)
    assert all(r.title and r.body and r.published_at for r in records)
    assert count_inputs([path]) == 1
