"""Login throttling, the Content-Security-Policy and the transport settings, through the real
middleware stack."""

from __future__ import annotations

import pytest
from django.conf import settings

from tests.factories import make_researcher

pytestmark = pytest.mark.django_db

PASSWORD = "a long pass phrase 42"


@pytest.fixture
def researcher(django_user_model):
    return make_researcher("researcher", password=PASSWORD)


def _login(client, password: str, language: str = "en"):
    prefix = "/en" if language == "en" else ""
    return client.post(
        f"{prefix}/accounts/login/", {"username": "researcher", "password": password}
    )


def test_repeated_wrong_passwords_lock_the_user_name_out_even_for_the_right_one(
    client, researcher, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "wrong").status_code == 200  # the form again, with its error
    locked = _login(client, "wrong")
    assert locked.status_code == 429
    assert "Too many attempts" in locked.content.decode()
    after = _login(client, PASSWORD)
    assert after.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lock_out_page_speaks_arabic(client, researcher, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = _login(client, "wrong", language="ar")
    assert response.status_code == 429
    assert "محاولات كثيرة جدًا" in response.content.decode()


def test_a_right_password_before_the_limit_logs_in_and_resets_the_count(
    client, researcher, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "wrong")
    assert _login(client, PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "wrong").status_code == 200


def test_pages_carry_a_strict_content_security_policy(client, researcher):
    client.force_login(researcher)
    policy = client.get("/en/accounts/login/").headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"  # no 'unsafe-inline', no other origin
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    import os
    import subprocess
    import sys

    from tests.conftest import REPO

    environment = {
        **os.environ,
        "CTSEARCH_ENV": "production",
        "SECRET_KEY": "x" * 64 + "-a-production-secret-with-enough-variety-0123456789",
        "DATABASE_URL": settings.DATABASE_URL,
        "OPENSEARCH_URL": settings.OPENSEARCH_URL,
        "REDIS_URL": settings.REDIS_URL,
        "ALLOWED_HOSTS": "ctsearch.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
