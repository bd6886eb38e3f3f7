"""A small real corpus, ingested once per module into the test database and the test index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, IndexChange, Source
from articles.search.client import get_client
from tests.conftest import delete_test_indices, ensure_starter_gazetteer
from tests.factories import make_researcher

HOSTILE_BODY = (
    "<script>alert('x')</script> أعلن تنظيم داعش مسؤوليته عن الهجوم، "
    'وكتب المهاجم <img src=x onerror="alert(1)"> في بيانه.'
)


@pytest.fixture(scope="module")
def corpus(django_db_setup, django_db_blocker, seeds_dir, saudinewsnet_dir, tmp_path_factory):
    """Seeds, one SaudiNewsNet day and an article full of markup, committed and indexed."""
    extra = tmp_path_factory.mktemp("corpus") / "markup.jsonl"
    extra.write_text(
        json.dumps(
            {
                "url": "https://markup.example/1",
                "title": "بيان <b>داعش</b> عن الهجوم",
                "content": HOSTILE_BODY,
                "published_at": "2015-08-05",
                "source": "markup",
            },
            ensure_ascii=False,
        ),
        "utf-8",
    )
    with django_db_blocker.unblock():
        ensure_starter_gazetteer()
        get_client.cache_clear()
        delete_test_indices(get_client())
        call_command("ingest", str(seeds_dir), "--source", "seeds", "--no-progress")
        call_command("ingest", str(extra), "--no-progress")
        try:
            call_command("ingest", str(saudinewsnet_dir / "2015-08-06.zip"), "--no-progress")
        except CommandError:  # that day's empty articles are rejected; the rest landed
            pass
        yield Path(extra)
        Article.objects.all().delete()
        Source.objects.all().delete()
        IndexChange.objects.all().delete()
        delete_test_indices(get_client())


@pytest.fixture
def researcher(client, django_user_model):
    user = make_researcher("researcher")
    client.force_login(user)
    return client
