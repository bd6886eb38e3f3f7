import datetime as dt
import io
import json
import re
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from articles.ingest.jsonrecords import iter_json_records, normalise_content
from articles.ingest.records import ArticleRecord, DateProvenance, Rejection

SNN = {
    "source": "aawsat",
    "url": "http://aawsat.com/home/article/410826/x",
    "date_extracted": "2015-07-21 02:51:32",
    "title": "بريطانيا: أربعة محاور لاستراتيجية جديدة تتصدى للتطرف",
    "author": "لندن: رنيم حنوش",
    "content": (
        "حدد رئيس الوزراء البريطاني ديفيد كاميرون ملامح استراتيجية.\r\n\r\n"
        " ورسم كاميرون الاطار العام  للاستراتيجية.   \n\n\n\n"
        "اقرأ أيضاً: تبقى لأن المحتوى نظيف"
    ),
}
GENERIC = {
    "url": "https://example.org/a/1",
    "title": "عنوان",
    "content": "نص المقال.",
    "published_at": "2021-06-28T10:00:00+02:00",
    "source": "example",
    "author": "كاتب",
}


def run(data, lines=False, name="f.json"):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return list(iter_json_records(io.BytesIO(data), origin=name, name=name, lines=lines))


def test_saudinewsnet_array():
    records = run(json.dumps([SNN, SNN | {"url": "http://x/2"}], ensure_ascii=False))
    assert len(records) == 2
    record = records[0]
    assert isinstance(record, ArticleRecord)
    assert record.origin == "f.json#1"
    assert records[1].origin == "f.json#2"
    assert record.key == record.url == SNN["url"]
    assert record.title == SNN["title"]
    assert record.byline == "لندن: رنيم حنوش"
    assert record.source_slug == "aawsat"
    assert record.published_at == dt.datetime(
        2015, 7, 21, 2, 51, 32, tzinfo=ZoneInfo("Asia/Riyadh")
    )
    assert record.published_at.utcoffset() == dt.timedelta(hours=3)
    assert record.published_at_source == DateProvenance.EXTRACTION
    # Whitespace only: CRLF, edges, blank runs. No chrome stripping for clean datasets.
    assert record.body == (
        "حدد رئيس الوزراء البريطاني ديفيد كاميرون ملامح استراتيجية.\n\n"
        "ورسم كاميرون الاطار العام للاستراتيجية.\n\n"
        "اقرأ أيضاً: تبقى لأن المحتوى نظيف"
    )
    assert json.loads(record.raw) == SNN
    assert "\\u" not in record.raw  # ensure_ascii=False


def test_generic_shape_and_single_object():
    [record] = run(json.dumps(GENERIC, ensure_ascii=False))
    assert isinstance(record, ArticleRecord)
    assert record.published_at == dt.datetime(2021, 6, 28, 8, 0, tzinfo=dt.UTC)
    assert record.published_at_source == DateProvenance.METADATA
    assert record.source_slug == "example"
    assert record.byline == "كاتب"
    assert record.origin == "f.json#1"


def test_generic_date_only_and_missing_date():
    [a, b] = run(
        json.dumps([GENERIC | {"published_at": "2021-06-28"}, GENERIC | {"published_at": None}])
    )
    assert a.published_at == dt.datetime(2021, 6, 28, tzinfo=dt.UTC)
    assert a.extra["published_precision"] == "day"
    assert b.published_at is None
    assert b.published_at_source == DateProvenance.NONE


def test_json_lines_with_bad_line_continues():
    text = "\n".join(
        [
            json.dumps(GENERIC, ensure_ascii=False),
            "",
            '{"title": "broken",',
            json.dumps(GENERIC | {"url": "https://example.org/a/2"}, ensure_ascii=False),
        ]
    )
    results = run("\ufeff" + text, lines=True, name="f.jsonl")
    assert [type(r) for r in results] == [ArticleRecord, Rejection, ArticleRecord]
    assert results[1].origin == "f.jsonl#3"
    assert "malformed JSON" in results[1].reason
    assert results[2].key == "https://example.org/a/2"


def test_concatenated_objects_without_lines_flag():
    text = json.dumps(GENERIC) + "\n" + json.dumps(GENERIC | {"url": "u2"})
    assert [r.key for r in run(text)] == [GENERIC["url"], "u2"]


def test_missing_fields():
    items = [
        GENERIC | {"content": ""},
        GENERIC | {"content": "   \n "},
        {"title": "بلا محتوى"},
        GENERIC | {"title": ""},
        "not an object",
    ]
    results = run(json.dumps(items, ensure_ascii=False))
    assert [r.reason for r in results[:3]] == ["missing content"] * 3
    assert [r.origin for r in results[:3]] == ["f.json#1", "f.json#2", "f.json#3"]
    derived = results[3]
    assert isinstance(derived, ArticleRecord)
    assert derived.title == "نص المقال"
    assert derived.extra["title_derived"] == "true"
    assert isinstance(results[4], Rejection)
    assert "not a JSON object" in results[4].reason


def test_malformed_json_mid_stream_keeps_earlier_records():
    good = json.dumps(GENERIC, ensure_ascii=False)
    text = f'[{good}, {good}, {{"title": "x" "content": 1}}, {good}]'
    results = run(text)
    assert [type(r) for r in results] == [ArticleRecord, ArticleRecord, Rejection]
    assert results[2].origin == "f.json#3"
    assert results[2].reason.startswith("malformed JSON")
    assert "2 records before it were kept" in results[2].reason
    assert "\n" not in results[2].reason


def test_truncated_file():
    text = json.dumps([GENERIC, GENERIC], ensure_ascii=False)[:-40]
    results = run(text)
    assert isinstance(results[0], ArticleRecord)
    assert isinstance(results[-1], Rejection)


def test_wrapper_object():
    [record] = run(json.dumps({"articles": [GENERIC]}))
    assert record.key == GENERIC["url"]


def test_normalise_content():
    assert normalise_content("  a\u00a0 b \r\n\r\n\r\n\r\nc\t\n") == "a b\n\nc"


def _normalise_content_by_regex(text: str) -> str:
    """What normalise_content does, written as the four substitutions it stands for."""
    text = re.sub(r"\r\n?", "\n", text)
    text = re.sub(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+", " ", text)
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


@given(st.text(alphabet=" \t\n\r\u00a0\u2003\u200a\u200b\u202f\u3000\u000bأب", max_size=40))
def test_normalise_content_equals_its_regex_definition(text):
    assert normalise_content(text) == _normalise_content_by_regex(text)
