"""Settings come from the environment; production refuses to start without its values."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
REQUIRED = ("SECRET_KEY", "DATABASE_URL", "OPENSEARCH_URL", "REDIS_URL", "ALLOWED_HOSTS")


def load_settings(
    *, show: str = "s.DATABASES['default']['HOST'], s.OPENSEARCH_URL", **env: str
) -> subprocess.CompletedProcess:
    # The port variables of a second checkout (README) move the defaults; these tests read them.
    ports = {"CTSEARCH_PG_PORT", "CTSEARCH_REDIS_PORT", "CTSEARCH_OPENSEARCH_PORT"}
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in REQUIRED and k not in {"CTSEARCH_ENV", "OPENSEARCH_HIGHLIGHTER"} | ports
    }
    code = f"import django; django.setup(); from django.conf import settings as s; print({show})"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**clean, "DJANGO_SETTINGS_MODULE": "ctsearch.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_local_defaults_work_without_any_variable():
    result = load_settings()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["127.0.0.1", "http://127.0.0.1:59200"]


def test_production_names_every_missing_value():
    result = load_settings(CTSEARCH_ENV="production")
    assert result.returncode != 0
    assert "Missing required settings for production" in result.stderr
    for name in REQUIRED:
        assert name in result.stderr


def test_production_starts_with_its_values():
    result = load_settings(
        CTSEARCH_ENV="production",
        SECRET_KEY="x" * 60,
        DATABASE_URL="postgres://app:pw@db.internal:5432/ctsearch",
        OPENSEARCH_URL="https://search.internal:9200",
        REDIS_URL="redis://cache.internal:6379/0",
        ALLOWED_HOSTS="ctsearch.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["db.internal", "https://search.internal:9200"]


def test_a_malformed_value_is_named():
    result = load_settings(DEBUG="perhaps")
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_the_project_node_gets_the_whole_text_highlighter_and_any_other_the_stock_one():
    """ops/opensearch's highlighter exists only on the nodes ops/services.sh starts (the default
    URL); docker compose and managed services have the stock one."""
    show = "s.OPENSEARCH_HIGHLIGHTER"
    assert load_settings(show=show).stdout.split() == ["ctsearch_whole"]
    other = load_settings(show=show, OPENSEARCH_URL="http://opensearch:9200")
    assert other.stdout.split() == ["unified"]
    chosen = load_settings(show=show, OPENSEARCH_HIGHLIGHTER="unified")
    assert chosen.stdout.split() == ["unified"]


def test_an_unknown_highlighter_is_refused_at_start_up():
    result = load_settings(OPENSEARCH_HIGHLIGHTER="fvh")
    assert result.returncode != 0
    refusal = "OPENSEARCH_HIGHLIGHTER must be one of ctsearch_whole, unified, not 'fvh'"
    assert refusal in result.stderr
