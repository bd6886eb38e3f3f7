"""ctsearch settings.

Every value comes from an environment variable with a local default that matches the services
`make services` starts (ops/services.sh). ``CTSEARCH_ENV=production`` turns the defaults off for
secrets and service addresses: a missing one stops start-up with a clear message.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

from .env import Env, local_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

CTSEARCH_ENV = os.environ.get("CTSEARCH_ENV", "development")
if CTSEARCH_ENV not in {"development", "test", "production"}:
    raise ValueError(f"CTSEARCH_ENV must be development, test or production, not {CTSEARCH_ENV!r}")
PRODUCTION = CTSEARCH_ENV == "production"
# CTSEARCH_TEST_RUN names a test run, so that two runs can share the services side by side.
TEST_RUN = os.environ.get("CTSEARCH_TEST_RUN", "") if CTSEARCH_ENV == "test" else ""
env = Env(production=PRODUCTION)

# Local services started by ops/services.sh; keep these ports in step with that script.
DEFAULT_DATABASE_URL = "postgres://ctsearch@127.0.0.1:55432/ctsearch"
DEFAULT_OPENSEARCH_URL = "http://127.0.0.1:59200"
# Tests use their own Redis database, so a running dev worker never picks up a test's task.
DEFAULT_REDIS_URL = f"redis://127.0.0.1:56379/{1 if CTSEARCH_ENV == 'test' else 0}"

SECRET_KEY = env.str("SECRET_KEY", "", required_in_production=True) or (
    "" if PRODUCTION else local_secret_key(VAR_DIR)
)
DEBUG = env.bool("DEBUG", not PRODUCTION)
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"], required_in_production=True
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "psqlextra",
    "articles",
    "alerts",  # saved searches and email alerts (issue 12); depends on articles, never back
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "ctsearch.urls"
WSGI_APPLICATION = "ctsearch.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASE_URL = env.str("DATABASE_URL", DEFAULT_DATABASE_URL, required_in_production=True)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
# django-postgres-extra's backend adds ON CONFLICT upserts on top of Django's PostgreSQL one.
DATABASES["default"]["ENGINE"] = "psqlextra.backend"
# Parameters travel apart from the SQL (psycopg's server-side binding) instead of being quoted
# into it in Python: an ingest batch's INSERT is megabytes of text, and quoting it was a tenth
# of the ingest time.
DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = env.bool(
    "DATABASE_SERVER_SIDE_BINDING", True
)
DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}{TEST_RUN}"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

OPENSEARCH_URL = env.str("OPENSEARCH_URL", DEFAULT_OPENSEARCH_URL, required_in_production=True)
# Tests use their own indices (and database) on the same services, so a test run never
# touches demo data.
OPENSEARCH_INDEX_PREFIX = env.str(
    "OPENSEARCH_INDEX_PREFIX", f"ctsearch_test{TEST_RUN}" if CTSEARCH_ENV == "test" else "ctsearch"
)
OPENSEARCH_TIMEOUT = env.int("OPENSEARCH_TIMEOUT", 10)

REDIS_URL = env.str("REDIS_URL", DEFAULT_REDIS_URL, required_in_production=True)
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True  # a task whose worker dies is redelivered, not lost
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BEAT_SCHEDULE = {
    "sweep-search-index": {"task": "articles.sweep_index", "schedule": 60.0},
}
# Without this a queued task waits forever when the broker loses its connection.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5}
# Sending a task gives up quickly when Redis is down: every caller can do without the message
# (the outbox and the periodic sweep are the guarantee), but not without a quick answer.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", "العربية"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"

EMAIL_HOST = env.str("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env.int("EMAIL_PORT", 1025)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "ctsearch@localhost")

# Whether visitors who are not logged in may search (the page and the JSON API).
ANONYMOUS_SEARCH = env.bool("ANONYMOUS_SEARCH", False)

# Ingestion: rows per PostgreSQL transaction. A batch is all-or-nothing, so a failure never
# leaves a half-written article behind.
INGEST_BATCH_SIZE = env.int("INGEST_BATCH_SIZE", 500)
# Story clustering during ingest compares a new article with this many most recently stored
# ones (about 1 KB each in memory), so an ingest's memory does not grow with the archive.
# Copies of one story appear within days (30,000 is ten weeks of SaudiNewsNet's 14 outlets);
# `manage.py cluster_stories` reclusters everything.
STORY_WINDOW = env.int("STORY_WINDOW", 30_000)

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", "INFO")},
    "loggers": {
        "opensearch": {"level": "WARNING"},
        # The trace logger writes whole request bodies (every article of a bulk) as curl lines.
        "opensearchpy.trace": {"level": "ERROR", "propagate": False},
        "urllib3": {"level": "WARNING"},
    },
}

env.check()

# ------------------------------------------------------------------------------------------------
# UI (search pages, login, password reset): owned by the web pages.
# ------------------------------------------------------------------------------------------------
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "ui:search"
LOGOUT_REDIRECT_URL = "ui:search"
# Password-reset mail goes out through SMTP at EMAIL_HOST:EMAIL_PORT (Mailpit under Docker).
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"

# ------------------------------------------------------------------------------------------------
# Alerts (saved searches and email alerts, the `alerts` app): owned by alerts/.
# ------------------------------------------------------------------------------------------------
# The address links in alert emails start with (the emails are read outside any request).
ALERTS_SITE_URL = env.str("ALERTS_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Where alert emails come from.
ALERTS_FROM_EMAIL = env.str("ALERTS_FROM_EMAIL", DEFAULT_FROM_EMAIL)
# How alert emails leave: SMTP at EMAIL_HOST:EMAIL_PORT in production or when EMAIL_HOST is set
# (Mailpit under Docker); otherwise (`make run`) one file per email in var/mail/.
ALERTS_EMAIL_BACKEND = env.str(
    "ALERTS_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION or "EMAIL_HOST" in os.environ
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = BASE_DIR / "var" / "mail"
CELERY_BEAT_SCHEDULE |= {
    # `manage.py send_alerts --cadence …` does the same: the sweep, then the sending.
    "alerts-instant": {"task": "alerts.send", "schedule": 60.0, "args": ["instant"]},
    "alerts-daily": {"task": "alerts.send", "schedule": 3600.0, "args": ["daily"]},
    "alerts-weekly": {"task": "alerts.send", "schedule": 3600.0, "args": ["weekly"]},
}
