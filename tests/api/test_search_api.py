"""GET /api/v1/search and /api/v1/articles/<id> against the real engine and database."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import jsonschema
import pytest
import yaml

from articles.models import Article
from articles.search.client import get_client
from tests.factories import make_researcher

pytestmark = pytest.mark.django_db

SPEC = yaml.safe_load((Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml").read_text())


def conforms(payload: dict, schema: str) -> None:
    jsonschema.validate(
        {**payload},
        {"$ref": f"#/components/schemas/{schema}", "components": SPEC["components"]},
        cls=jsonschema.Draft202012Validator,
    )


def get(client, **params):
    return client.get("/api/v1/search", params)


def test_login_required_unless_anonymous_search_is_on(client, corpus, settings):
    response = get(client, q="داعش")
    assert response.status_code == 401
    conforms(response.json(), "Error")
    settings.ANONYMOUS_SEARCH = True
    assert get(client, q="داعش").status_code == 200


def test_arabic_query_returns_highlighted_results(researcher, corpus):
    response = get(researcher, q="داعش")
    assert response.status_code == 200
    payload = response.json()
    conforms(payload, "SearchResponse")
    assert payload["total"] >= 5
    assert payload["page"] == 1 and payload["page_size"] == 20
    marked = [r for r in payload["results"] if any("<mark>" in f for f in r["highlights"]["body"])]
    assert marked
    seeds = get(researcher, q="داعش", source="seeds").json()
    assert seeds["total"] == 5  # every seed article names داعش
    assert all(r["source"]["label"] == "seeds" or r["source"]["label"] for r in seeds["results"])


def test_proclitic_forms_are_found(researcher, corpus):
    """«بنيويورك» in seed 000 is found by «نيويورك»; «لداعش» by «داعش»."""
    found = get(researcher, q="نيويورك", source="seeds", all_copies="1").json()["results"]
    titles = {r["title"] for r in found}
    assert "إعلان الحرب على الإرهاب الإلكتروني" in titles


def test_highlights_keep_markup_as_text(researcher, corpus):
    payload = get(researcher, q="داعش", source="markup").json()
    assert payload["total"] == 1
    (result,) = payload["results"]
    fragments = [result["highlights"]["title"], *result["highlights"]["body"]]
    text = " ".join(fragments)
    assert "&lt;script&gt;" in text
    assert "<script" not in text and "<img" not in text and "<b>" not in text
    assert set(re.findall(r"</?([a-zA-Z]+)", text)) == {"mark"}


def pg_count(**filters) -> int:
    return Article.objects.filter(status="visible", **filters).count()


def test_disjunctive_facet_counts_match_postgresql(researcher, corpus):
    """OR within a facet, AND across; each facet's counts ignore its own selection."""
    sources = ["aawsat", "okaz"]
    response = get(
        researcher, source=sources, language="ar", date_from="2015-08-01", date_to="2015-08-31"
    )
    assert response.status_code == 200
    payload = response.json()
    window = Article.objects.filter(
        status="visible",
        published_at__date__gte="2015-08-01",
        published_at__date__lte="2015-08-31",
    )
    assert payload["total"] == window.filter(source__slug__in=sources, language="ar").count()
    # Source counts apply the language filter and the dates, not the source selection.
    expected_sources = Counter(window.filter(language="ar").values_list("source__slug", flat=True))
    got_sources = {v["key"]: v["count"] for v in payload["facets"]["source"]}
    assert got_sources == dict(expected_sources)
    assert {v["key"] for v in payload["facets"]["source"] if v["selected"]} == set(sources)
    # Language counts apply the source selection.
    expected_languages = Counter(
        window.filter(source__slug__in=sources).values_list("language", flat=True)
    )
    assert {v["key"]: v["count"] for v in payload["facets"]["language"]} == dict(expected_languages)
    # The histogram shows the result set.
    date = payload["facets"]["date"]
    assert date["interval"] == "day"
    assert sum(b["count"] for b in date["buckets"]) == payload["total"]


def test_two_values_of_one_facet_widen(researcher, corpus):
    one = get(researcher, source="aawsat").json()["total"]
    two = get(researcher, source=["aawsat", "okaz"]).json()["total"]
    assert one == pg_count(source__slug="aawsat")
    assert two == one + pg_count(source__slug="okaz")


def test_sorting_and_paging(researcher, corpus):
    newest = get(researcher, sort="newest", page_size=5).json()["results"]
    oldest = get(researcher, sort="oldest", page_size=5).json()["results"]
    assert [r["sort_date"] for r in newest] == sorted(
        (r["sort_date"] for r in newest), reverse=True
    )
    assert [r["sort_date"] for r in oldest] == sorted(r["sort_date"] for r in oldest)
    page2 = get(researcher, sort="newest", page_size=5, page=2).json()["results"]
    assert not {r["id"] for r in newest} & {r["id"] for r in page2}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date_from": "2015-13-01"}, "date_from"),
        ({"date_to": "yesterday"}, "date_to"),
        ({"date_to": "9999-12-31"}, "date_to"),
        ({"date_from": "0001-01-01"}, "date_from"),
        ({"date_from": "2015-08-10", "date_to": "2015-08-01"}, "date_from"),
        ({"sort": "random"}, "sort"),
        ({"page_size": "1000"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
        ({"page": "abc"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page": "600", "page_size": "100"}, "page"),
        ({"q": "a*"}, "q"),
        ({"q": "داعش " * 200}, "q"),
        ({"exact": "maybe"}, "exact"),
    ],
)
def test_invalid_parameters_get_400_with_the_field(researcher, corpus, params, field):
    response = get(researcher, **params)
    assert response.status_code == 400, response.content
    payload = response.json()
    conforms(payload, "Error")
    assert payload["error"]["field"] == field
    assert payload["error"]["message"]


HOSTILE = [
    '{"script": {"source": "System.exit(0)"}}',
    "title:داعش AND body:x~2 ^3 [a TO z]",
    "\\\\\\",
    '"unbalanced «quote',
    "((((((((((داعش))))))))))",
    "OR OR OR",
    "NOT",
    "-",
    "*",
    "داعش)" * 20,
    "\u200f\u200eداعش\u200c\x00\x07",
    "🙂 داعش 🙂",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "a" * 499,
]


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_queries_never_cause_an_error_page(researcher, corpus, q):
    response = get(researcher, q=q)
    assert response.status_code in (200, 400), response.content
    if response.status_code == 200:
        conforms(response.json(), "SearchResponse")


def test_unknown_filters_are_ignored(researcher, corpus):
    assert get(researcher, colour="blue", q="داعش").status_code == 200


def test_unreachable_engine_gets_503(researcher, corpus, settings):
    settings.OPENSEARCH_URL = "http://127.0.0.1:9"
    get_client.cache_clear()
    try:
        response = get(researcher, q="داعش")
    finally:
        get_client.cache_clear()
    assert response.status_code == 503
    conforms(response.json(), "Error")


def test_article_endpoint(researcher, corpus):
    article = Article.objects.filter(source__slug="seeds").order_by("pk").first()
    response = researcher.get(f"/api/v1/articles/{article.pk}")
    assert response.status_code == 200
    payload = response.json()
    conforms(payload, "Article")
    assert payload["body"] == article.body
    Article.objects.filter(pk=article.pk).update(status="hidden")
    assert researcher.get(f"/api/v1/articles/{article.pk}").status_code == 404
    missing = researcher.get("/api/v1/articles/999999999")
    assert missing.status_code == 404
    conforms(missing.json(), "Error")


def test_labels_in_arabic_and_english(researcher, corpus):
    arabic = get(researcher, language="ar").json()["facets"]["language"]
    english = get(researcher, language="ar", lang="en").json()["facets"]["language"]
    assert [v["label"] for v in arabic if v["key"] == "ar"] == ["العربية"]
    assert [v["label"] for v in english if v["key"] == "ar"] == ["Arabic"]
    assert get(researcher, lang="fr").status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/articles/abc",
        "/api/v1/articles/-1",
        "/api/v1/articles/0",
        "/api/v1/articles/99999999999999999999999999",
        "/api/v1/nothing-here",
        "/api/v2/search",
    ],
)
def test_every_unknown_api_address_is_the_documented_json_404(researcher, path):
    response = researcher.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["message"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("path", ["/api/v1/search", "/api/v1/articles/1"])
def test_undeclared_methods_are_a_json_405_not_a_csrf_403(django_user_model, method, path):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)  # as a browser or script is checked
    strict.force_login(make_researcher("m"))
    response = getattr(strict, method)(path)
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert response.json()["error"]["message"] == "method not allowed"


def test_a_broad_search_counts_a_sample_of_stories_and_says_so(researcher, corpus, monkeypatch):
    """Past SAMPLE_ABOVE matches, the facets, dates and stories are counted in one story in 16
    and scaled up; the total and the results stay exact; under it nothing changes."""
    from articles.search import sampling

    visible = list(Article.objects.filter(status="visible").select_related("source"))
    monkeypatch.setattr(sampling, "SAMPLE_ABOVE", len(visible))  # all of them: not more
    exact = get(researcher).json()
    assert exact["counts_estimated"] is False and exact["counted_fraction"] == 1
    assert sum(v["count"] for v in exact["facets"]["language"]) == len(visible)

    monkeypatch.setattr(sampling, "SAMPLE_ABOVE", len(visible) - 1)
    payload = get(researcher).json()
    conforms(payload, "SearchResponse")
    assert payload["counts_estimated"] is True and payload["counted_fraction"] == 1 / 16
    assert payload["total"] == exact["total"] == len(visible)
    assert [r["id"] for r in payload["results"]] == [r["id"] for r in exact["results"]]

    def story(a: Article) -> int:
        return a.story_id or a.pk

    sampled = [a for a in visible if sampling.sample_bucket(story(a)) < sampling.SAMPLED_BUCKETS]
    assert sampled, "the corpus has a story in the sample"
    expected = {key: 16 * n for key, n in Counter(a.source.slug for a in sampled).items()}
    assert {v["key"]: v["count"] for v in payload["facets"]["source"]} == expected
    assert sum(b["count"] for b in payload["facets"]["date"]["buckets"]) == 16 * len(sampled)
    # A full page leaves the stories' count to the sample; a page that ends the list knows it.
    one_per_page = get(researcher, page_size=1).json()
    assert one_per_page["total_stories"] == 16 * len({story(a) for a in sampled})
    stories = len({story(a) for a in visible})
    last = -(-stories // 100)
    assert stories % 100, "the last page of 100 is not full"
    last_page = get(researcher, page_size=100, page=last).json()
    assert last_page["counts_estimated"] is True
    assert last_page["total_stories"] == stories
    assert len(last_page["results"]) == stories - 100 * (last - 1)

    # A ticked value's count is estimated too; its hits are not.
    key = sampled[0].source.slug
    narrowed = get(researcher, source=key).json()
    assert narrowed["total"] == pg_count(source__slug=key)
    assert {v["key"]: v["count"] for v in narrowed["facets"]["source"]}[key] == expected[key]
