"""Source names in search results: read at most every few seconds per process."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Source
from articles.search import labels
from articles.search.labels import Labels, source_names

pytestmark = pytest.mark.django_db


def test_source_names_are_read_once_then_kept(monkeypatch):
    Source.objects.create(slug="sabq", name="سبق")
    with CaptureQueriesContext(connection) as first:
        assert source_names({"sabq", "nowhere", ""}) == {"sabq": "سبق"}
    assert len(first.captured_queries) == 1
    with CaptureQueriesContext(connection) as again:
        assert source_names({"sabq"}) == {"sabq": "سبق"}
        label = Labels()
        label.prefetch_sources({"sabq"})
        assert label("source", "sabq") == "سبق"
    assert again.captured_queries == []

    # a rename shows once the cached name is older than SOURCE_NAMES_MAX_AGE
    Source.objects.filter(slug="sabq").update(name="صحيفة سبق")
    assert source_names({"sabq"}) == {"sabq": "سبق"}
    monkeypatch.setattr(labels, "SOURCE_NAMES_MAX_AGE", 0.0)
    assert source_names({"sabq"}) == {"sabq": "صحيفة سبق"}


def test_a_new_source_is_named_at_once():
    assert source_names({"okaz"}) == {}
    Source.objects.create(slug="okaz", name="عكاظ")
    assert source_names({"okaz"}) == {"okaz": "عكاظ"}
