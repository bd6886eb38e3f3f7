"""Shared test helpers for the ingest readers (plain functions, not fixtures)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def shared_dir() -> Path:
    """/work/shared next to the repository: seeds and corpora, not part of the repo."""
    return REPO.parent / "shared"


def seeds_dir() -> Path:
    return shared_dir() / "seeds"


def seed_text(prefix: str) -> str:
    """The seed page whose file name starts with ``prefix`` ("000" ... "004"); skip if absent."""
    folder = seeds_dir()
    if not folder.is_dir():
        pytest.skip("shared seeds are not available")
    matches = sorted(folder.glob(f"{prefix}_*.txt"))
    if not matches:
        pytest.skip(f"seed {prefix} is not available")
    return matches[0].read_text(encoding="utf-8")


def all_seed_texts() -> list[str]:
    return [seed_text(p) for p in ("000", "001", "002", "003", "004")]
