"""The data rules hold in PostgreSQL itself, whatever code writes the row."""

import pytest
from django.db import IntegrityError, connection, transaction

from articles.models import Article
from tests.factories import make_article, make_source

pytestmark = pytest.mark.django_db


def refused(**changes) -> bool:
    article = make_article()
    try:
        with transaction.atomic():
            Article.objects.filter(pk=article.pk).update(**changes)
    except IntegrityError:
        return True
    return False


@pytest.mark.parametrize(
    "changes",
    [
        {"title": ""},
        {"body": ""},
        {"key": ""},
        {"status": "deleted"},
        {"content_hash": "not-a-hash"},
        {"published_at_source": "guess"},
        {"published_at_source": "page"},  # a provenance without a date
    ],
)
def test_database_refuses_malformed_articles(changes):
    assert refused(**changes)


def test_a_date_needs_its_provenance():
    article = make_article()
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "update articles_article set published_at = now(), published_at_source = ''"
                " where id = %s",
                [article.pk],
            )


def test_source_and_key_identify_an_article():
    article = make_article()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article(source=article.source, key=article.key)
    make_article(key=article.key)  # the same key under another source is another article


@pytest.mark.parametrize(
    "fields", [{"slug": "Bad Slug"}, {"name": ""}, {"country": "M1"}, {"country": "ma"}]
)
def test_database_refuses_malformed_sources(fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_source(**fields)


def test_known_sources_come_from_the_data_file():
    from articles.sources import known_sources

    sources = known_sources()
    assert len(sources) == 16
    assert sources["aawsat"].country == "SA" and sources["aawsat"].homepage
    assert sources["3alyoum"].name == "عين اليوم (Ain Alyoum)"
    assert all(s.language == "ar" and s.name for s in sources.values())


def test_tag_fields_are_defined_once():
    """The tagger's fields are the curators' override facets and the gazetteer's facets."""
    from articles.enrichment.tags import FACETS
    from articles.models import Actor, TagOverride, Topic, Venue

    assert tuple(TagOverride.Facet.values) == FACETS
    assert {Actor.tag_facet, Venue.tag_facet, Topic.tag_facet} <= set(FACETS)
