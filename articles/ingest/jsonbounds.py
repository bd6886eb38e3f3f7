"""Bounds on JSON read as a stream, applied before any value is built.

ijson builds each string whole before it hands it over, so a record limit checked on the built
value comes too late for a 200 MB string: :class:`StringCap` sits between the file and the
parser and never lets a string longer than the limit through. It holds back each string's
bytes (at most ``limit`` of them) until the closing quote; a string that grows past the limit
is dropped as it streams by and the parser receives :data:`TOO_LONG` in its place, which
:func:`bounded_values` turns into a rejection of that record. Peak memory is a few times the
limit, whatever the size of the input.

:func:`byte_lines` does the same for JSON Lines: a line longer than the limit is skipped as it
streams by and reported as :class:`LongLine`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

#: What an over-long string becomes (NULs, so no real text is ever mistaken for it).
TOO_LONG = "\x00ctsearch: string over the record limit\x00"
_TOO_LONG_JSON = b"\\u0000ctsearch: string over the record limit\\u0000"

# The rest of a JSON string's body from some position: plain bytes and complete escapes. It
# stops before the closing quote, or before a backslash whose escaped byte is in the next read.
_STRING_BODY = re.compile(rb'[^"\\]*(?:\\.[^"\\]*)*', re.DOTALL)


class StringCap:
    """A read-only byte stream of JSON in which no string is longer than ``limit`` bytes (as
    written in the file, escapes included); longer ones read as :data:`TOO_LONG`."""

    def __init__(self, stream: IO[bytes], limit: int, chunk_size: int = 1 << 20) -> None:
        self._stream = stream
        self._limit = limit
        self._chunk_size = chunk_size
        self._in_string = False
        self._held: list[bytes] = []  # the open string's bytes so far, while within the limit
        self._length = 0
        self._dropping = False  # the open string passed the limit: skip to its end
        self._carry = b""  # a backslash whose escaped byte comes with the next read
        self._eof = False

    def read(self, size: int = -1) -> bytes:
        if size == 0:  # ijson asks for nothing to learn whether the stream gives bytes
            return b""
        out: list[bytes] = []
        produced = 0
        want = self._chunk_size if size is None or size < 0 else max(size, 1)
        # Read until there is something for the parser: a long string is held back, not sent.
        while not self._eof and produced < want:
            chunk = self._stream.read(min(want, self._chunk_size))
            if not chunk:
                self._eof = True
                # An unterminated string: give the parser what was held, it reports the error.
                out.extend(self._held)
                produced += sum(len(p) for p in self._held)
                self._held = []
                out.append(self._carry)
                break
            piece = self._scan(self._carry + chunk)
            produced += len(piece)
            out.append(piece)
            if produced >= want:
                break
        return b"".join(out)

    def _scan(self, chunk: bytes) -> bytes:
        self._carry = b""
        out: list[bytes] = []
        pos, end = 0, len(chunk)
        while pos < end:
            if not self._in_string:
                quote = chunk.find(b'"', pos)
                if quote < 0:
                    out.append(chunk[pos:])
                    break
                out.append(chunk[pos : quote + 1])
                self._in_string, self._held, self._length, self._dropping = True, [], 0, False
                pos = quote + 1
                continue
            stop = _STRING_BODY.match(chunk, pos).end()  # type: ignore[union-attr]
            body = chunk[pos:stop]
            self._length += len(body)
            if not self._dropping:
                if self._length > self._limit:
                    self._dropping, self._held = True, []
                    out.append(_TOO_LONG_JSON)
                else:
                    self._held.append(body)
            if stop == end:
                break
            if chunk[stop] == 0x5C:  # a backslash at the end of the read: finish it next time
                self._carry = chunk[stop:]
                break
            if not self._dropping:  # the closing quote: the string was within the limit
                out.extend(self._held)
            out.append(b'"')
            self._in_string, self._held = False, []
            pos = stop + 1
        return b"".join(out)


@dataclass(frozen=True)
class LongLine:
    """A JSON Lines line that was skipped, not kept, because it passed the limit."""

    size: int


def byte_lines(
    stream: IO[bytes], limit: int, chunk_size: int = 1 << 16
) -> Iterator[bytes | LongLine]:
    """The lines of a byte stream, each at most ``limit`` bytes; a longer one is skipped as it
    streams by and comes out as :class:`LongLine` with its size."""
    pending: list[bytes] = []
    held = 0
    skipping = False
    while True:
        chunk = stream.read(chunk_size)
        if not chunk:
            break
        start = 0
        while True:
            newline = chunk.find(b"\n", start)
            piece = chunk[start:] if newline < 0 else chunk[start:newline]
            held += len(piece)
            if not skipping:
                if held > limit:
                    skipping, pending = True, []
                else:
                    pending.append(piece)
            if newline < 0:
                break
            yield LongLine(held) if skipping else b"".join(pending)
            pending, held, skipping = [], 0, False
            start = newline + 1
    if held:
        yield LongLine(held) if skipping else b"".join(pending)
