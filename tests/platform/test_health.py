"""/healthz reports each service separately, from the real services, to staff and to a
monitor with the token; the public sees only whether everything is up."""

import pytest

from articles.search.client import get_client


@pytest.fixture
def client(client, django_user_model):
    staff = django_user_model.objects.create_user("ops", password="a long pass", is_staff=True)
    client.force_login(staff)
    return client


@pytest.mark.django_db
def test_all_services_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200, response.content
    report = response.json()
    assert report["ok"] is True
    assert set(report["services"]) == {"postgresql", "opensearch", "redis"}
    assert report["services"]["opensearch"]["version"].startswith("2.19")
    assert report["services"]["postgresql"]["version"].startswith("PostgreSQL")
    for service in report["services"].values():
        assert service["ok"] is True
        assert service["latency_ms"] >= 0


@pytest.fixture
def unreachable_opensearch(settings):
    # A loopback port nothing listens on: the engine is "down" for this test only.
    settings.OPENSEARCH_URL = "http://127.0.0.1:9"
    settings.OPENSEARCH_TIMEOUT = 1
    get_client.cache_clear()
    yield
    get_client.cache_clear()


@pytest.mark.django_db
def test_engine_down_is_reported_alone(client, unreachable_opensearch):
    response = client.get("/healthz")
    assert response.status_code == 503
    report = response.json()
    assert report["ok"] is False
    assert report["services"]["opensearch"]["ok"] is False
    assert "error" in report["services"]["opensearch"]
    assert report["services"]["postgresql"]["ok"] is True
    assert report["services"]["redis"]["ok"] is True


@pytest.mark.django_db
def test_redis_down_is_reported_alone(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:9/0"
    report = client.get("/healthz").json()
    assert report["services"]["redis"]["ok"] is False
    assert report["services"]["opensearch"]["ok"] is True


@pytest.mark.django_db
def test_the_public_sees_a_bare_status(django_user_model):
    from django.test import Client

    anonymous = Client()
    response = anonymous.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"ok": True}
    researcher = Client()
    researcher.force_login(django_user_model.objects.create_user("r", password="a long pass"))
    assert researcher.get("/healthz").json() == {"ok": True}


@pytest.mark.django_db
def test_the_public_sees_503_but_no_error_detail_when_a_service_is_down(unreachable_opensearch):
    from django.test import Client

    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"ok": False}


@pytest.mark.django_db
def test_a_monitor_with_the_token_sees_the_detail(settings):
    from django.test import Client

    settings.HEALTHZ_TOKEN = "a-monitoring-token-0123456789"
    monitor = Client(headers={"Authorization": "Bearer a-monitoring-token-0123456789"})
    assert set(monitor.get("/healthz").json()["services"]) == {"postgresql", "opensearch", "redis"}
    forged = Client(headers={"Authorization": "Bearer a-monitoring-token-0123456780"})
    assert forged.get("/healthz").json() == {"ok": True}
