"""docker-compose.yml cannot run on these machines; check that it parses and is wired right."""

from pathlib import Path

import yaml

COMPOSE = Path(__file__).resolve().parents[2] / "docker-compose.yml"


def load() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def test_all_services_are_declared():
    services = load()["services"]
    assert {"postgres", "opensearch", "redis", "web", "worker", "beat", "mailpit"} <= set(services)
    assert services["opensearch"]["image"].startswith("opensearchproject/opensearch:2.19")


def test_app_services_share_the_same_settings():
    services = load()["services"]
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["OPENSEARCH_URL"] == "http://opensearch:9200"
        assert env["OPENSEARCH_HIGHLIGHTER"] == "unified"
        assert env["REDIS_URL"] == "redis://redis:6379/0"
        assert env["EMAIL_HOST"] == "mailpit"
        assert set(services[name]["depends_on"]) == {"postgres", "opensearch", "redis"}
    assert "celery" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"]


def test_the_image_and_compose_serve_with_gunicorn_not_runserver():
    dockerfile = (COMPOSE.parent / "Dockerfile").read_text()
    web = load()["services"]["web"]
    for text in (dockerfile, " ".join(web["command"])):
        assert "gunicorn" in text and "runserver" not in text
    assert web["environment"]["GUNICORN_BIND"] == "0.0.0.0:8000"
    assert web["restart"] == "unless-stopped"
