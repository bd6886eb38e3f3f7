"""Ingestion: readers and parsers turn input files into article records (pure: no Django, no
database); ``pipeline`` stores them (validation, enrichment, upserts in batches) and is the one
way in for every entry point (``manage.py ingest``, the Celery task, later the feed collector)."""

from .readers import count_inputs, read_paths
from .records import ArticleRecord, DateProvenance, Rejection, UndecodableInput

__all__ = [
    "ArticleRecord",
    "DateProvenance",
    "Rejection",
    "UndecodableInput",
    "count_inputs",
    "read_paths",
]
