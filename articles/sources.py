"""Outlets ctsearch knows by slug, so that a source named only by slug gets a proper record.

The data is ``articles/data/known_sources.toml``; it only seeds new ``Source`` rows."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "known_sources.toml"


@dataclass(frozen=True)
class KnownSource:
    name: str
    homepage: str = ""
    country: str = ""
    language: str = "ar"


@cache
def known_sources() -> dict[str, KnownSource]:
    with DATA.open("rb") as data:
        return {slug: KnownSource(**fields) for slug, fields in tomllib.load(data).items()}
