"""The ingest readers fuzzed with Hypothesis: malformed JSON, JSON Lines, HTML, text and zip bytes
(truncated, random, deeply nested, in the wrong encodings, zips with a broken central
directory or members with hostile names) between two good files. Whatever the bytes, the run
never ends with an exception, every bad input is reported (a rejection with its reason, or a
record the pipeline then judges), and the good records around it are read and stored.

The readers run many examples (CTSEARCH_FUZZ=long: thousands); the whole pipeline into
PostgreSQL (``ingest_paths``) runs fewer, as each example writes rows."""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.ingest.pipeline import ingest_paths
from articles.ingest.readers import read_paths
from articles.ingest.records import ArticleRecord, Rejection
from articles.models import Article

LONG = os.environ.get("CTSEARCH_FUZZ") == "long"
READER_EXAMPLES = 5_000 if LONG else 300
PIPELINE_EXAMPLES = 500 if LONG else 25

SENTENCE = "أعلنت وزارة الداخلية اليوم عن خطة جديدة لمكافحة الإرهاب في المنطقة. "


def article(n: int | str) -> dict:
    return {
        "url": f"https://fuzz.example/{n}",
        "title": f"خبر رقم {n} عن مكافحة الإرهاب",
        "content": SENTENCE * 4,
        "source": "fuzz",
    }


GOOD_KEYS = {"https://fuzz.example/before", "https://fuzz.example/after"}

# ----------------------------------------------------------------------------- bad inputs

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=20,
)
valid_json = st.one_of(
    st.builds(
        lambda n: json.dumps([article(n), article(n + 1)], ensure_ascii=False), st.integers(0, 99)
    ),
    st.builds(lambda n: json.dumps(article(n)), st.integers(0, 99)),
    json_values.map(json.dumps),
).map(str.encode)


@st.composite
def damaged(draw, source=valid_json) -> bytes:
    """Good bytes, then cut, spliced with random bytes or with a byte flipped."""
    data = draw(source)
    how = draw(st.sampled_from(["cut", "splice", "flip", "as-is"]))
    if how == "cut" and data:
        return data[: draw(st.integers(0, len(data) - 1))]
    if how == "splice":
        at = draw(st.integers(0, len(data)))
        return data[:at] + draw(st.binary(max_size=40)) + data[at:]
    if how == "flip" and data:
        at = draw(st.integers(0, len(data) - 1))
        return data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]
    return data


nested = st.builds(
    lambda depth, opener, tail: opener * depth + tail,
    st.integers(1, 5_000),
    st.sampled_from([b"[", b'{"a":', b'[{"content":']),
    st.sampled_from([b"", b"1", b"]", b"}" * 3]),
)
encodings = st.builds(
    lambda n, codec: json.dumps(article(n), ensure_ascii=False).encode(codec, errors="replace"),
    st.integers(0, 9),
    st.sampled_from(
        ["utf-16", "utf-16-be", "utf-32", "cp1256", "iso8859-6", "koi8-r", "shift_jis", "latin-1"]
    ),
)
json_bytes = st.one_of(damaged(), nested, encodings, st.binary(max_size=300))
jsonl_bytes = st.lists(st.one_of(damaged(), st.binary(max_size=60)), min_size=1, max_size=5).map(
    b"\n".join
)
html_text = st.builds(
    lambda head, body, tail: f"<html><head><title>{head}</title></head><body><p>{body}</p>{tail}",
    st.text(max_size=40),
    st.sampled_from([SENTENCE * 3, "", "<<<>>>", "&#x0;&#xD800;&bogus;"]) | st.text(max_size=80),
    st.sampled_from(["</body></html>", "", "<script>", "<!--", "<p" * 200]),
)
html_bytes = st.one_of(
    damaged(html_text.map(str.encode)),
    st.builds(
        lambda t, codec: t.encode(codec, errors="replace"),
        html_text,
        st.sampled_from(["utf-16", "cp1256", "koi8-r", "shift_jis"]),
    ),
    st.binary(max_size=300),
)
member_names = st.one_of(
    st.sampled_from(["a.json", "b.jsonl", "c.html", "d.txt", "e", "dir/f.json", "g.zip"]),
    st.sampled_from(["../up.json", "/abs.json", "C:\\win.json", "a/../../b.json", ".hidden.json"]),
    st.text(min_size=1, max_size=20),
)
member_bytes = st.one_of(json_bytes, html_bytes, st.binary(max_size=100))


@st.composite
def zip_bytes(draw) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in draw(st.lists(st.tuples(member_names, member_bytes), max_size=4)):
            archive.writestr(name, data)
    data = buffer.getvalue()
    how = draw(st.sampled_from(["whole", "cut", "no-directory", "flip-directory", "random"]))
    if how == "cut":
        return data[: draw(st.integers(0, len(data)))]
    if how == "no-directory":  # the central directory cut off
        end = data.rfind(b"PK\x01\x02")
        return data[:end] if end > 0 else data[:-22]
    if how == "flip-directory":  # a byte of the central directory or its end record damaged
        start = max(0, data.rfind(b"PK\x01\x02"))
        at = draw(st.integers(start, len(data) - 1))
        return data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]
    if how == "random":
        return b"PK\x03\x04" + draw(st.binary(max_size=200))
    return data


bad_inputs = st.one_of(
    st.tuples(st.just("bad.json"), json_bytes),
    st.tuples(st.just("bad.jsonl"), jsonl_bytes),
    st.tuples(st.sampled_from(["bad.html", "bad.htm"]), html_bytes),
    st.tuples(st.sampled_from(["bad.txt", "bad"]), st.one_of(html_bytes, json_bytes)),
    st.tuples(st.just("bad.zip"), zip_bytes()),
)

# ------------------------------------------------------------------------------- the runs


def lay_out(folder: Path, name: str, data: bytes) -> None:
    """a_before.jsonl, the bad input, z_after.json: read in that (sorted) order."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    (folder / "a_before.jsonl").write_text(json.dumps(article("before"), ensure_ascii=False))
    (folder / name).write_bytes(data)
    (folder / "z_after.json").write_text(json.dumps(article("after"), ensure_ascii=False))


@pytest.mark.filterwarnings("ignore:Duplicate name")  # two members of one name: hostile too
@settings(
    max_examples=READER_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(bad=bad_inputs)
def test_readers_report_every_bad_input_and_keep_the_good_ones(tmp_path, bad):
    name, data = bad
    lay_out(tmp_path / "in", name, data)
    items = list(read_paths([tmp_path / "in"]))  # never raises
    assert all(isinstance(item, ArticleRecord | Rejection) for item in items)
    keys = {item.key for item in items if isinstance(item, ArticleRecord)}
    assert keys >= GOOD_KEYS
    from_bad = [item for item in items if name in item.origin]
    assert from_bad, "the bad input was passed over in silence"
    for item in from_bad:
        if isinstance(item, Rejection):
            assert item.reason.strip()


@pytest.mark.django_db
@pytest.mark.filterwarnings("ignore:Duplicate name")
@settings(
    max_examples=PIPELINE_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(bad=bad_inputs)
def test_the_pipeline_stores_the_good_records_around_a_bad_input(tmp_path, bad):
    name, data = bad
    lay_out(tmp_path / "in", name, data)
    report = ingest_paths([tmp_path / "in"])  # never raises
    assert set(Article.objects.filter(url__in=GOOD_KEYS).values_list("url", flat=True)) == GOOD_KEYS
    assert report.read >= 3
    assert all(rejection.reason.strip() for rejection in report.rejected)
