"""What the readers hand to the ingestion pipeline.

Readers turn files into a stream of ``ArticleRecord`` (a clean article, not yet stored) and
``Rejection`` (an input that could not become an article, with the reason). They never raise
for bad input: one broken file must not stop a batch.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class DateProvenance(StrEnum):
    """Where ``published_at`` came from; stored with the article."""

    METADATA = "metadata"  # a field of the input said so (JSON published_at, HTML meta)
    PAGE = "page"  # found in the page text («نشر في هسبريس يوم 04 - 07 - 2018»)
    EXTRACTION = "extraction"  # the crawler's extraction time (SaudiNewsNet date_extracted)
    FEED = "feed"  # the RSS/Atom item or sitemap entry that listed it (the page had none)
    NONE = ""  # unknown


@dataclass(frozen=True, slots=True)
class ArticleRecord:
    title: str
    body: str
    # The input as received, decoded to text (one JSON object for JSON inputs).
    raw: str
    # Where it came from, for messages and provenance: "path", "archive.zip!member.json#12".
    origin: str
    # Natural identity within a source: the article's URL, or "file:<name>" for pages without one.
    key: str
    url: str = ""
    canonical_url: str = ""
    byline: str = ""
    published_at: dt.datetime | None = None
    published_at_source: DateProvenance = DateProvenance.NONE
    # The source the input names ("aawsat"); the --source option overrides it.
    source_slug: str = ""
    source_name: str = ""
    language: str = ""  # ISO 639-1 when the input says; the pipeline detects it otherwise
    raw_encoding: str = "utf-8"
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Rejection:
    origin: str
    reason: str


class UndecodableInput(ValueError):
    """Bytes that are not text in any encoding ctsearch accepts."""
