"""Files, directories and zip archives to a stream of ``ArticleRecord`` and ``Rejection``.

Dispatch is by extension (.txt → text page, .html/.htm → HTML page, .json → JSON,
.jsonl/.ndjson → JSON Lines, .zip → its members), with content sniffing for anything else
(``<`` → HTML, ``[``/``{`` → JSON, otherwise text). Bad input never raises: it becomes a
``Rejection`` with a reason a user can act on, and the batch goes on.

Zip members are read one at a time, as streams: a JSON array inside a zip is parsed while it is
being decompressed. Zip bombs are refused on the declared size and compression ratio, and the
actual decompressed size is capped while reading (declared sizes can lie).
"""

from __future__ import annotations

import codecs
import io
import os
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

from .decoding import decode_bytes
from .htmlpage import parse_html_page
from .jsonrecords import PrependedStream, iter_json_records
from .records import ArticleRecord, Rejection, UndecodableInput
from .textpage import parse_text_page

Result = ArticleRecord | Rejection

MB = 1024 * 1024
# One article page is never this big; anything larger is a mistake (a dump, a video ...).
MAX_PAGE_BYTES = 50 * MB
# Decompressed size of one zip member (SaudiNewsNet's largest daily file is ~13 MB).
MAX_MEMBER_BYTES = 200 * MB
# Text and JSON compress 3–10×; a ratio beyond this on a sizeable member is a zip bomb.
MAX_COMPRESSION_RATIO = 100
_RATIO_CHECK_FROM = 10 * MB
# Bytes inspected to decide whether a JSON file can be streamed as UTF-8.
_JSON_SNIFF = 64 * 1024

_TEXT_EXT = frozenset({".txt", ".text"})
_HTML_EXT = frozenset({".html", ".htm", ".xhtml", ".shtml"})
_JSON_EXT = frozenset({".json"})
_JSONL_EXT = frozenset({".jsonl", ".ndjson"})
_ZIP_EXT = frozenset({".zip"})
# Known non-text formats: refused by name, with a clearer reason than "binary file".
_UNSUPPORTED_EXT = frozenset(
    """.pdf .doc .docx .odt .rtf .xls .xlsx .ppt .pptx .jpg .jpeg .png .gif .webp .bmp .svg
    .mp3 .mp4 .avi .mkv .mov .wav .gz .tgz .bz2 .xz .7z .rar .tar .exe .dll .so .bin .db
    .sqlite""".split()
)


class _TooLarge(Exception):
    """Raised by ``_CappedReader``; deliberately not a ValueError so parsers don't swallow it."""


def read_paths(
    paths: Iterable[str | Path], *, progress: Callable[[str], None] | None = None
) -> Iterator[Result]:
    """Records and rejections for every input under ``paths``, in a stable (sorted) order.

    Directories are walked recursively, skipping hidden files and folders. ``progress``, when
    given, is called with the origin of each input (file or zip member) once it has been read;
    ``count_inputs`` gives the matching total.
    """
    for item in paths:
        path = Path(item)
        if path.is_dir():
            for file in _walk(path):
                yield from _read_file(file, progress)
        elif path.exists():
            yield from _read_file(path, progress)
        else:
            yield Rejection(str(path), "no such file or directory")


def count_inputs(paths: Iterable[str | Path]) -> int:
    """How many inputs ``read_paths`` will report to ``progress``: files, plus the members of
    zip archives (read from the zip's central directory only, so this is cheap)."""
    total = 0
    for item in paths:
        path = Path(item)
        files = _walk(path) if path.is_dir() else [path]
        for file in files:
            if file.suffix.lower() in _ZIP_EXT:
                try:
                    with zipfile.ZipFile(file) as archive:
                        total += sum(1 for info in archive.infolist() if _wanted_member(info))
                except (zipfile.BadZipFile, OSError):
                    total += 1
            else:
                total += 1
    return total


def _is_hidden(name: str) -> bool:
    return name.startswith((".", "~$")) or name == "__MACOSX"


# A folder's own documentation (a corpus README, a licence) is not an article. Named
# explicitly on the command line such a file is still read.
_DOC_EXT = frozenset({".md", ".rst", ".markdown"})
_DOC_STEMS = frozenset({"readme", "license", "licence", "copying", "changelog", "notice"})


def _is_documentation(name: str) -> bool:
    path = Path(name)
    return path.suffix.lower() in _DOC_EXT or path.stem.lower() in _DOC_STEMS


def _walk(root: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not _is_hidden(d))
        for name in sorted(filenames):
            if not _is_hidden(name) and not _is_documentation(name):
                yield Path(dirpath) / name


def _read_file(path: Path, progress: Callable[[str], None] | None) -> Iterator[Result]:
    origin = str(path)
    try:
        if path.suffix.lower() in _ZIP_EXT:
            yield from _read_zip(path, progress)
            return
        size = path.stat().st_size
        with path.open("rb") as stream:
            yield from _read_stream(stream, name=path.name, origin=origin, size=size)
    except OSError as exc:
        yield Rejection(origin, f"cannot read file: {exc.strerror or exc}")
    if progress is not None and path.suffix.lower() not in _ZIP_EXT:
        progress(origin)


def _unsafe_member(info: zipfile.ZipInfo) -> bool:
    """A name that would climb out of a folder if extracted (``../x``, ``/etc/x``, ``C:\\x``).
    Nothing is ever extracted here, but such an archive was made to attack someone: say so."""
    parts = info.filename.replace("\\", "/").split("/")
    return info.filename.startswith(("/", "\\")) or ".." in parts or ":" in parts[0]


def _wanted_member(info: zipfile.ZipInfo) -> bool:
    if info.is_dir() or _unsafe_member(info):
        return False
    return not any(_is_hidden(part) for part in info.filename.split("/"))


def _read_zip(path: Path, progress: Callable[[str], None] | None) -> Iterator[Result]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as exc:
        yield Rejection(str(path), f"corrupt zip archive: {exc}")
        if progress is not None:
            progress(str(path))
        return
    except NotImplementedError as exc:  # a zip feature Python does not read (version > 6.3)
        yield Rejection(str(path), f"unsupported zip archive: {exc}")
        if progress is not None:
            progress(str(path))
        return
    with archive:
        for info in archive.infolist():
            if _unsafe_member(info):
                yield Rejection(
                    f"{path}!{info.filename}", "unsafe path in archive (leaves its folder); skipped"
                )
        members = sorted((i for i in archive.infolist() if _wanted_member(i)), key=_member_key)
        if not members:
            yield Rejection(str(path), "empty zip archive")
        for info in members:
            origin = f"{path}!{info.filename}"
            yield from _read_member(archive, info, origin)
            if progress is not None:
                progress(origin)


def _member_key(info: zipfile.ZipInfo) -> str:
    return info.filename


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, origin: str) -> Iterator[Result]:
    name = info.filename.rsplit("/", 1)[-1]
    if info.flag_bits & 0x1:
        yield Rejection(
            origin, "encrypted zip member (password-protected archives are not supported)"
        )
        return
    if Path(name).suffix.lower() in _ZIP_EXT:
        yield Rejection(origin, "nested zip archive (unzip it first)")
        return
    if info.file_size > MAX_MEMBER_BYTES:
        yield Rejection(
            origin,
            f"zip member too large ({info.file_size // MB} MB > {MAX_MEMBER_BYTES // MB} MB)",
        )
        return
    if info.file_size > _RATIO_CHECK_FROM and info.file_size > MAX_COMPRESSION_RATIO * max(
        1, info.compress_size
    ):
        yield Rejection(origin, "suspicious compression ratio (possible zip bomb)")
        return
    try:
        with archive.open(info) as raw:
            stream: IO[bytes] = _CappedReader(raw, MAX_MEMBER_BYTES)  # type: ignore[assignment]
            yield from _read_stream(stream, name=name, origin=origin, size=info.file_size)
    except _TooLarge:
        yield Rejection(
            origin,
            f"zip member decompresses to more than {MAX_MEMBER_BYTES // MB} MB (zip bomb?)",
        )
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        yield Rejection(origin, f"corrupt zip member: {exc}")


def _kind(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix in _TEXT_EXT:
        return "text"
    if suffix in _HTML_EXT:
        return "html"
    if suffix in _JSON_EXT:
        return "json"
    if suffix in _JSONL_EXT:
        return "jsonl"
    if suffix in _UNSUPPORTED_EXT:
        return "unsupported"
    return "unknown"


def _read_stream(stream: IO[bytes], *, name: str, origin: str, size: int) -> Iterator[Result]:
    kind = _kind(name)
    if kind == "unsupported":
        yield Rejection(origin, f"unsupported file type ({Path(name).suffix.lower()})")
        return
    if size == 0:
        yield Rejection(origin, "empty file")
        return
    if kind in ("json", "jsonl"):
        yield from _read_json(stream, name=name, origin=origin, lines=kind == "jsonl")
        return

    data = stream.read(MAX_PAGE_BYTES + 1)
    if not data:
        yield Rejection(origin, "empty file")
        return
    if len(data) > MAX_PAGE_BYTES:
        yield Rejection(origin, f"file too large for an article page (> {MAX_PAGE_BYTES // MB} MB)")
        return
    try:
        text, encoding = decode_bytes(data)
    except UndecodableInput as exc:
        yield Rejection(origin, str(exc))
        return

    if kind == "unknown":
        start = text.lstrip()[:1]
        if start in ("[", "{"):
            yield from iter_json_records(io.BytesIO(text.encode("utf-8")), origin=origin, name=name)
            return
        kind = "html" if start == "<" else "text"

    key = f"file:{name}"
    if kind == "html":
        yield parse_html_page(text, origin=origin, key=key, raw_encoding=encoding)
        return
    record = parse_text_page(text, origin=origin, key=key, raw_encoding=encoding)
    if not record.body:
        yield Rejection(origin, "no article text found (only page furniture)")
    else:
        yield record


def _read_json(stream: IO[bytes], *, name: str, origin: str, lines: bool) -> Iterator[Result]:
    """Stream UTF-8 JSON straight to the parser; other encodings are decoded whole first."""
    head = stream.read(_JSON_SNIFF)
    if not head.strip():
        yield Rejection(origin, "empty file")
        return
    if _streamable_utf8(head):
        yield from iter_json_records(
            PrependedStream(head, stream), origin=origin, name=name, lines=lines
        )
        return
    data = head + stream.read(MAX_MEMBER_BYTES + 1 - len(head))
    if len(data) > MAX_MEMBER_BYTES:
        yield Rejection(origin, f"non-UTF-8 JSON file too large (> {MAX_MEMBER_BYTES // MB} MB)")
        return
    try:
        text, _encoding = decode_bytes(data)
    except UndecodableInput as exc:
        yield Rejection(origin, str(exc))
        return
    yield from iter_json_records(
        io.BytesIO(text.encode("utf-8")), origin=origin, name=name, lines=lines
    )


def _streamable_utf8(head: bytes) -> bool:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head[:4]:
        return False
    try:
        # final=False: the sample may end in the middle of a multi-byte character.
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return True


class _CappedReader:
    """A read-only stream that raises ``_TooLarge`` past ``limit`` bytes (lying zip headers)."""

    def __init__(self, raw: IO[bytes], limit: int) -> None:
        self._raw = raw
        self._limit = limit
        self._count = 0

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = self._limit + 1 - self._count
        data = self._raw.read(min(size, self._limit + 1 - self._count))
        self._count += len(data)
        if self._count > self._limit:
            raise _TooLarge
        return data
