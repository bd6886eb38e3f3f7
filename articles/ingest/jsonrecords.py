"""Article records from JSON: arrays (streamed with ijson), single objects, and JSON Lines.

Two shapes are recognised per object:

* SaudiNewsNet: ``source, url, date_extracted ("YYYY-MM-DD hh:mm:ss"), title, author, content``.
  ``date_extracted`` is the crawler's time, in Saudi local time (UTC+3, no DST), so it becomes an
  aware datetime in Asia/Riyadh with provenance EXTRACTION.
* Generic: ``url, title, content, published_at (ISO date or datetime), source, author`` (plus a
  few common aliases: body/text, headline, date/datePublished, byline, link, language/lang);
  provenance METADATA.

Content is already article text, so only whitespace is normalised (no chrome stripping).
A record without content is a ``Rejection``. A record without a title but with content gets the
first sentence as title (``extra["title_derived"]``): SaudiNewsNet has 67 such articles, and
losing them would be worse than a derived title.

Origins number records from 1: ``file.json#17`` is the 17th element of the array (or the 17th
line of a JSON Lines file).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

import ijson
from ijson.common import ObjectBuilder

from articles.text.dates import parse_arabic_date

from .jsonbounds import TOO_LONG, LongLine, StringCap, byte_lines
from .limits import MAX_JSON_DEPTH, MAX_JSON_VALUES, MAX_RECORD_BYTES
from .records import ArticleRecord, DateProvenance, Rejection
from .textpage import date_to_datetime, derive_title

try:
    from zoneinfo import ZoneInfo

    _RIYADH: dt.tzinfo = ZoneInfo("Asia/Riyadh")
except Exception:
    _RIYADH = dt.timezone(dt.timedelta(hours=3), "AST")

_CRLF = re.compile(r"\r\n?")
#: Horizontal spaces other than " " (a run of any of them and " " becomes one " ").
_OTHER_HSPACES = "\t\u00a0" + "".join(map(chr, range(0x2000, 0x200B))) + "\u202f\u205f\u3000"
_BLANK_RUNS = re.compile(r"\n{3,}")

_CONTENT_KEYS = ("content", "body", "text", "article", "articleBody")
_TITLE_KEYS = ("title", "headline")
_DATE_KEYS = ("published_at", "date_published", "datePublished", "published", "date", "pubDate")
_AUTHOR_KEYS = ("author", "byline", "authors")
_URL_KEYS = ("url", "link", "canonical_url")
_SOURCE_KEYS = ("source", "source_slug", "site")
_LANG_KEYS = ("language", "lang")
_LIST_WRAPPERS = ("articles", "items", "records", "data", "results")


def normalise_content(text: str) -> str:
    """CRLF to LF, runs of spaces to one, no spaces at line edges, at most one blank line.

    Done with str methods, each step only when a substring test says it can change something:
    a regex scan costs 20-40 µs an article (four of them were 6% of the ingest command's
    time), and ``tests/ingest/test_jsonrecords.py`` checks this against the regex version."""
    if "\r" in text:
        text = _CRLF.sub("\n", text)
    for space in _OTHER_HSPACES:
        if space in text:
            text = text.replace(space, " ")
    while "  " in text:
        text = text.replace("  ", " ")
    if " \n" in text or "\n " in text:
        text = "\n".join(line.strip(" ") for line in text.split("\n"))
    if "\n\n\n" in text:
        text = _BLANK_RUNS.sub("\n\n", text)
    return text.strip()


def iter_json_records(
    stream: IO[bytes], *, origin: str, name: str, lines: bool = False
) -> Iterator[ArticleRecord | Rejection]:
    """Records from a UTF-8 JSON byte stream (a BOM is skipped).

    ``lines=True`` reads JSON Lines: one object per line, a bad line rejects that line only.
    Otherwise the stream is an array or one or more top-level objects, parsed incrementally; a
    syntax error rejects the rest of the stream and keeps what was already yielded. ``name`` is
    the file name used in keys of records without URL.
    """
    found = False
    parts = (
        _iter_lines(stream, origin=origin, name=name)
        if lines
        else _iter_document(stream, origin=origin, name=name)
    )
    for found, item in enumerate(parts, start=1):  # noqa: B007 (found is read after the loop)
        yield item
    if not found:  # "[]", {"articles": []}, blank lines: a file that says nothing is reported
        yield Rejection(origin, "no records in this JSON (an empty array, list or file)")


def _iter_document(
    stream: IO[bytes], *, origin: str, name: str
) -> Iterator[ArticleRecord | Rejection]:
    head = _read_head(stream)
    # No string longer than a record reaches the parser: it would be built whole first.
    stream = StringCap(PrependedStream(head, stream), MAX_RECORD_BYTES)  # type: ignore[assignment]
    n = 0
    try:
        # Events without their paths (basic_parse): a path grows with the nesting, and 100,000
        # nested brackets made that quadratic in memory.
        if head.lstrip().startswith(b"["):
            # Stream the array's elements: the whole array is never in memory.
            events = ijson.basic_parse(stream, use_float=True, buf_size=_BUFFER)
            values: Iterator[Any] = bounded_values(events, in_array=True)
        else:
            # One object, or several concatenated: each top-level value in turn (a wrapper such
            # as {"articles": [...]} holds many records, so only its nesting is bounded).
            events = ijson.basic_parse(
                stream, multiple_values=True, use_float=True, buf_size=_BUFFER
            )
            values = (
                item
                for value in bounded_values(events, in_array=False, max_values=None)
                for item in ([value] if isinstance(value, TooLarge) else _unwrap(value))
            )
        for item in values:
            n += 1
            if isinstance(item, TooLarge):
                yield Rejection(f"{origin}#{n}", item.reason)
                continue
            yield record_from_object(item, origin=f"{origin}#{n}", name=name, n=n)
    except (ijson.JSONError, UnicodeDecodeError, ValueError) as exc:
        kept = f" ({n} records before it were kept)" if n else ""
        message = " ".join(str(exc).split())  # yajl's messages span several lines
        yield Rejection(f"{origin}#{n + 1}", f"malformed JSON: {message}{kept}")


@dataclass(frozen=True)
class TooLarge:
    """A JSON value that was skipped, not built, and why."""

    reason: str


# ijson joins a string that spans several reads buffer by buffer, which is quadratic in the
# string's length: with 4 MB reads a record-sized string is joined once, and even a 200 MB one
# (rejected later) costs seconds, not hours.
_BUFFER = 4 * 1024 * 1024

_OPENS = frozenset(("start_map", "start_array"))
_CLOSES = frozenset(("end_map", "end_array"))


def bounded_values(
    events: Iterable[tuple[str, Any]],
    *,
    in_array: bool,
    max_depth: int = MAX_JSON_DEPTH,
    max_values: int | None = MAX_JSON_VALUES,
    max_chars: int = MAX_RECORD_BYTES,
) -> Iterator[Any]:
    """The values of an ijson ``basic_parse`` event stream, built one at a time: the elements of
    a top-level array (``in_array``) or each top-level value. A value nested deeper than
    ``max_depth``, holding more than ``max_values`` values or a string longer than
    ``max_chars`` is not built: it comes out as :class:`TooLarge` and the values after it are
    read as usual."""
    base = 1 if in_array else 0
    level = 0
    builder: ObjectBuilder | None = None
    skipped = ""
    count = 0
    for event, value in events:
        if event in _OPENS:
            level += 1
            if level <= base:
                continue  # the enclosing array itself
        elif event in _CLOSES:
            level -= 1
            if level < base:
                continue
        if builder is None and not skipped:
            builder, count = ObjectBuilder(), 0
        count += 1
        if not skipped and level - base > max_depth:
            skipped, builder = f"JSON nested more than {max_depth} levels deep", None
        elif not skipped and max_values is not None and count > max_values:
            skipped, builder = f"JSON record with more than {max_values:,} values", None
        elif (
            not skipped and isinstance(value, str) and (value == TOO_LONG or len(value) > max_chars)
        ):
            skipped, builder = f"JSON text value longer than {max_chars:,} bytes", None
        if builder is not None:
            builder.event(event, value)
        if level == base and event != "map_key" and event not in _OPENS:
            yield TooLarge(skipped) if skipped else builder.value  # type: ignore[union-attr]
            builder, skipped = None, ""


def _read_head(stream: IO[bytes]) -> bytes:
    """The bytes up to the first non-whitespace one (BOM dropped), to tell [ from {."""
    head = stream.read(64)
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    while head and not head.strip():
        more = stream.read(4096)
        if not more:
            break
        head += more
    return head


def _unwrap(value: Any) -> list[Any]:
    """A single object, or the list inside a wrapper such as ``{"articles": [...]}``."""
    if isinstance(value, dict) and not any(k in value for k in _CONTENT_KEYS + _TITLE_KEYS):
        for key in _LIST_WRAPPERS:
            inner = value.get(key)
            if isinstance(inner, list):
                return inner
    return [value]


def _iter_lines(
    stream: IO[bytes], *, origin: str, name: str
) -> Iterator[ArticleRecord | Rejection]:
    for n, raw_line in enumerate(byte_lines(stream, MAX_RECORD_BYTES), start=1):
        if isinstance(raw_line, LongLine):
            yield Rejection(
                f"{origin}#{n}",
                f"JSON line larger than {MAX_RECORD_BYTES:,} bytes ({raw_line.size:,})",
            )
            continue
        line = raw_line.strip()
        if n == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        if not line:
            continue
        if len(line) > MAX_RECORD_BYTES:
            yield Rejection(
                f"{origin}#{n}", f"JSON line larger than {MAX_RECORD_BYTES:,} bytes ({len(line):,})"
            )
            continue
        try:
            value = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            yield Rejection(f"{origin}#{n}", f"malformed JSON line: {exc}")
            continue
        except RecursionError:
            yield Rejection(f"{origin}#{n}", "JSON nested too deeply")
            continue
        for item in _unwrap(value):
            yield record_from_object(item, origin=f"{origin}#{n}", name=name, n=n)


def record_from_object(obj: Any, *, origin: str, name: str, n: int) -> ArticleRecord | Rejection:
    """One JSON object (already parsed) to a record."""
    if not isinstance(obj, dict):
        return Rejection(origin, f"not a JSON object (found {type(obj).__name__})")
    raw = json.dumps(obj, ensure_ascii=False)
    content = normalise_content(_text(obj, _CONTENT_KEYS))
    if not content:
        return Rejection(origin, "missing content")
    title = normalise_content(_text(obj, _TITLE_KEYS)).replace("\n", " ")
    extra: dict[str, str] = {}
    if not title:
        title = derive_title(content.split("\n\n"))
        extra["title_derived"] = "true"

    url = _text(obj, _URL_KEYS).strip()
    if "date_extracted" in obj:
        published_at = _saudinewsnet_time(obj.get("date_extracted"))
        provenance = DateProvenance.EXTRACTION
    else:
        published_at, precise = _metadata_time(_first(obj, _DATE_KEYS))
        provenance = DateProvenance.METADATA
        if published_at is not None and not precise:
            extra["published_precision"] = "day"
    if published_at is None:
        provenance = DateProvenance.NONE
        for key in ("date_extracted", *_DATE_KEYS):
            if obj.get(key):
                extra["unparsed_date"] = str(obj[key])[:100]
                break

    return ArticleRecord(
        title=title,
        body=content,
        raw=raw,
        origin=origin,
        key=url or f"file:{name}#{n}",
        url=url,
        byline=normalise_content(_text(obj, _AUTHOR_KEYS)).replace("\n", " "),
        published_at=published_at,
        published_at_source=provenance,
        source_slug=_text(obj, _SOURCE_KEYS).strip(),
        language=_text(obj, _LANG_KEYS).strip().lower()[:8],
        raw_encoding="utf-8",
        extra=extra,
    )


def _first(obj: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        value = obj.get(key)
        if value not in (None, "", []):
            return value
    return None


def _text(obj: dict[str, Any], keys: tuple[str, ...]) -> str:
    value = _first(obj, keys)
    if value is None:
        return ""
    if isinstance(value, list):  # "authors": ["a", "b"]
        return "، ".join(str(v.get("name", "")) if isinstance(v, dict) else str(v) for v in value)
    if isinstance(value, dict):  # {"name": "..."} as schema.org writes authors
        return str(value.get("name", ""))
    return str(value)


def _saudinewsnet_time(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        naive = dt.datetime.strptime(value.strip(), "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    return naive.replace(tzinfo=_RIYADH)


def _metadata_time(value: Any) -> tuple[dt.datetime | None, bool]:
    """``(datetime, has time of day)``. Naive datetimes are taken as UTC."""
    if value is None:
        return None, False
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:  # a Unix timestamp
            return dt.datetime.fromtimestamp(value, tz=dt.UTC), True
        except (OverflowError, OSError, ValueError):
            return None, False
    text = str(value).strip()
    if len(text) == 10:
        try:
            return date_to_datetime(dt.date.fromisoformat(text)), False
        except ValueError:
            pass
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        date = parse_arabic_date(text)
        return (date_to_datetime(date), False) if date else (None, False)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed, True


class PrependedStream:
    """A read-only byte stream with a few already-read bytes put back in front."""

    def __init__(self, head: bytes, stream: IO[bytes]) -> None:
        self._head = head
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        if not self._head:
            return self._stream.read(size)
        head, self._head = self._head, b""
        if size is None or size < 0:
            return head + self._stream.read()
        if size <= len(head):
            self._head = head[size:]
            return head[:size]
        return head + self._stream.read(size - len(head))
