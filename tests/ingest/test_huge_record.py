"""One 200 MB JSON record, in an array and as a JSON Lines line: rejected with its reason while
the records around it are stored, and never built in memory. The files are generated here
(never committed) and the ingest command's peak RSS is read from that one child process's
own high-water mark (bench/peak.py): a bound on memory, not a timing."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from django.db import connection

from articles.ingest.limits import MAX_RECORD_BYTES
from bench.peak import run_with_peak

from .test_hostile_inputs import REPO, good

RECORD_MB = 200
# The Python process with Django and the gazetteer loaded peaks near 250 MB on good input; a
# 200 MB string built even once (as bytes, then as text) would add 400 MB or more.
PEAK_BOUND_MB = 400


def write_huge(path: Path, *, lines: bool) -> None:
    """good, one record whose content is RECORD_MB of Arabic text, good; streamed to disk."""
    word = "إرهاب ".encode()  # 11 bytes
    piece = word * (1024 * 1024 // len(word))
    with path.open("wb") as out:
        out.write(b"" if lines else b"[")
        out.write(json.dumps(good(1), ensure_ascii=False).encode())
        out.write(b"\n" if lines else b",")
        out.write(b'{"url": "https://example.org/huge", "title": "huge", "content": "')
        for _ in range(RECORD_MB):
            out.write(piece)
        out.write(b'"}')
        out.write(b"\n" if lines else b",")
        out.write(json.dumps(good(2), ensure_ascii=False).encode())
        out.write(b"\n" if lines else b"]")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("lines", [False, True], ids=["array", "json-lines"])
def test_a_200_mb_record_is_rejected_without_being_built(tmp_path, lines):
    path = tmp_path / ("huge.jsonl" if lines else "huge.json")
    write_huge(path, lines=lines)
    assert path.stat().st_size > RECORD_MB * 1024 * 1024 > MAX_RECORD_BYTES
    s = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}",
    }
    child, peak_mb = run_with_peak(
        REPO / "manage.py", "ingest", "--no-progress", "--no-index", str(path),
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    stdout, stderr = child.stdout, child.stderr
    path.unlink()
    assert child.returncode == 1, stderr  # 1: something was rejected, the run completed
    assert "created 2" in stdout, stdout
    assert "rejected 1" in stdout, stdout
    assert "larger than" in stdout or "longer than" in stdout, stdout
    assert peak_mb < PEAK_BOUND_MB, f"peak RSS {peak_mb:.0f} MB"
    print(f"peak RSS {peak_mb:.0f} MB ({'lines' if lines else 'array'})")
