"""Readers and parsers that turn input files into article records (no Django, no database)."""

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
