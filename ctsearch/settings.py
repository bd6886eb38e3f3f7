"""ctsearch settings.

Every value comes from an environment variable with a local default that matches the services
`make services` starts (ops/services.sh). ``CTSEARCH_ENV=production`` turns the defaults off for
secrets and service addresses: a missing one stops start-up with a clear message.
"""

from __future__ import annotations

import datetime as dt
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

# Local services started by ops/services.sh, on the ports it reads from the same variables
# (CTSEARCH_PG_PORT …): a second checkout sets them once for its services and its app alike.
PG_PORT = env.int("CTSEARCH_PG_PORT", 55432)
REDIS_PORT = env.int("CTSEARCH_REDIS_PORT", 56379)
OPENSEARCH_PORT = env.int("CTSEARCH_OPENSEARCH_PORT", 59200)
DEFAULT_DATABASE_URL = f"postgres://ctsearch@127.0.0.1:{PG_PORT}/ctsearch"
DEFAULT_OPENSEARCH_URL = f"http://127.0.0.1:{OPENSEARCH_PORT}"
# Tests use their own Redis database, so a running dev worker never picks up a test's task.
DEFAULT_REDIS_URL = f"redis://127.0.0.1:{REDIS_PORT}/{1 if CTSEARCH_ENV == 'test' else 0}"

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
    "axes",
    "articles",
    "auditlog",
    "collection",
    "alerts",  # saved searches and email alerts (issue 12); depends on articles, never back
]

MIDDLEWARE = [
    # Outermost, so that it sees every answer under /api/, errors that the middleware below
    # produce included (a bad Host header, a CSRF failure), and makes it the documented JSON.
    "articles.web.api_errors.ApiErrorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files from the application server itself, compressed, with long cache lifetimes.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # The audit log's "who": the logged-in user of the request that changed a row.
    "auditlog.middleware.AuditlogMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lock-out page.
    "axes.middleware.AxesMiddleware",
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
# One node or several, comma-separated (the nodes of a cluster, or a managed service's
# endpoint): the client (articles.search.client) spreads requests over them and moves on from
# one that does not answer.
# Shape of a new articles index (`search_index rebuild` applies a change): one shard and no
# replica suit one node; a cluster that must survive the loss of a node needs replicas >= 1.
OPENSEARCH_SHARDS = env.int("OPENSEARCH_SHARDS", 1)
OPENSEARCH_REPLICAS = env.int("OPENSEARCH_REPLICAS", 0)
# Tests use their own indices (and database) on the same services, so a test run never
# touches demo data.
OPENSEARCH_INDEX_PREFIX = env.str(
    "OPENSEARCH_INDEX_PREFIX", f"ctsearch_test{TEST_RUN}" if CTSEARCH_ENV == "test" else "ctsearch"
)
OPENSEARCH_TIMEOUT = env.int("OPENSEARCH_TIMEOUT", 10)
# How search results are marked: ``ctsearch_whole`` is ops/opensearch's highlighter, on the nodes
# that ops/services.sh starts (the default URL); any other OpenSearch 2.x (docker compose, a
# managed service) has only its stock ``unified``. Both mark the same text; the first costs the
# engine about half as much (articles.search.compiler.highlight_spec).
OPENSEARCH_HIGHLIGHTER = env.choice(
    "OPENSEARCH_HIGHLIGHTER",
    "ctsearch_whole" if OPENSEARCH_URL == DEFAULT_OPENSEARCH_URL else "unified",
    ("ctsearch_whole", "unified"),
)
# Outbox rows per index transaction (one bulk request): what a failure mid-drain sends again.
INDEX_DRAIN_BATCH = env.int("INDEX_DRAIN_BATCH", 500)

REDIS_URL = env.str("REDIS_URL", DEFAULT_REDIS_URL, required_in_production=True)
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True  # a task whose worker dies is redelivered, not lost
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BEAT_SCHEDULE = {
    "sweep-search-index": {"task": "articles.sweep_index", "schedule": 60.0},
    # Feed collection (collection.tasks): fetch the feeds that are due.
    "collect-due-feeds": {"task": "collection.collect_due", "schedule": 60.0},
}
# Without this a queued task waits forever when the broker loses its connection.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker rides out a broker restart: it reconnects, without limit, instead of exiting; tasks
# it was running are cancelled and (acks_late) delivered again. supervisord (make run) or
# Docker's restart policy bring back a worker that exits all the same.
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5}
# Sending a task gives up quickly when Redis is down: every caller can do without the message
# (the outbox and the periodic sweep are the guarantee), but not without a quick answer.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}

# Test runs side by side share Redis: each run's workers read their own queue and each run's
# cache keys are its own, so one run never executes or reads another's.
CELERY_TASK_DEFAULT_QUEUE = f"celery{TEST_RUN}"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": f"ctsearch{TEST_RUN}",
    }
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
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Compressed copies made by collectstatic (`make run` and the image run it); no manifest, so
    # tests and development need no collectstatic first.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Development and tests serve from the source folders as they change.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

EMAIL_HOST = env.str("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env.int("EMAIL_PORT", 1025)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "ctsearch@localhost")

# /healthz shows service detail to staff and to a monitor sending "Authorization: Bearer
# <HEALTHZ_TOKEN>"; everyone else gets {"ok": true|false} (empty: staff only).
HEALTHZ_TOKEN = env.str("HEALTHZ_TOKEN", "")
# /readyz counts a Celery worker as alive while its heartbeat (a timestamp it writes to Redis
# every WORKER_HEARTBEAT_SECONDS, articles/heartbeat.py) is younger than WORKER_HEARTBEAT_MAX_AGE.
# The key carries the test run's name, so test workers of parallel runs never vouch for each
# other.
WORKER_HEARTBEAT_KEY = env.str("WORKER_HEARTBEAT_KEY", f"ctsearch{TEST_RUN}:worker-heartbeats")
WORKER_HEARTBEAT_SECONDS = env.int("WORKER_HEARTBEAT_SECONDS", 10)
WORKER_HEARTBEAT_MAX_AGE = env.int("WORKER_HEARTBEAT_MAX_AGE", 3 * WORKER_HEARTBEAT_SECONDS)

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

# Behind TLS (CTSEARCH_ENV=production turns these on; each can be set on its own): HTTPS
# redirect, HSTS, secure cookies. SECURE_PROXY_SSL_HEADER for a proxy that terminates TLS.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
# The header only says the site may be listed; submitting it to browsers is a separate step.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", PRODUCTION)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", PRODUCTION)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", PRODUCTION)
SECURE_CONTENT_TYPE_NOSNIFF = True
if env.bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy: the pages load nothing from elsewhere and run no inline script or
# style, so everything is 'self' (the admin's own scripts and styles are files too).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one user name
# from one address, that pair is locked out for AXES_COOLOFF_TIME; a success resets the count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", 5)
# The lock-out page says "a quarter of an hour": keep it in step.
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Every failed sign-in is kept (who tried which user name, from where), browsable in the admin.
AXES_ENABLE_ACCESS_FAILURE_LOG = True

# -------------------------------------------------------------------------------------------
# Curation audit log (django-auditlog) and feed collection (the `collection` app)
# -------------------------------------------------------------------------------------------
# Every curation change -- sources (and their collections), collections, feeds, the gazetteer,
# hiding/unhiding articles -- is a row of auditlog's LogEntry: who, when, before and after.
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    {"model": "articles.source", "m2m_fields": {"collections"}},
    "articles.collection",
    "articles.actor",
    "articles.actorlink",
    "articles.venue",
    "articles.topic",
    "articles.tagoverride",
    {"model": "articles.article", "include_fields": ["status"]},
    "collection.feed",
)
# Hosts (host:port) the collector may reach although they resolve to loopback/private
# addresses (the SSRF guard refuses those otherwise); tests name their local servers here.
COLLECTION_ALLOWED_HOSTS = env.list("COLLECTION_ALLOWED_HOSTS", [])
COLLECTION_USER_AGENT = env.str(
    "COLLECTION_USER_AGENT", "ctsearch-collector/0.1 (+https://github.com/ctsearch)"
)
COLLECTION_TIMEOUT = float(env.str("COLLECTION_TIMEOUT", "20"))  # seconds, connect and each read
COLLECTION_MAX_BYTES = env.int("COLLECTION_MAX_BYTES", 5_000_000)  # per response body
COLLECTION_MAX_REDIRECTS = env.int("COLLECTION_MAX_REDIRECTS", 5)
COLLECTION_HOST_DELAY = float(env.str("COLLECTION_HOST_DELAY", "1"))  # seconds between requests
COLLECTION_MAX_FAILURES = env.int("COLLECTION_MAX_FAILURES", 5)  # then the feed is paused
COLLECTION_POLL_INTERVAL = env.int("COLLECTION_POLL_INTERVAL", 3600)  # seconds, new feeds
COLLECTION_MAX_ITEMS = env.int("COLLECTION_MAX_ITEMS", 200)  # new items fetched per feed poll

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
        # django-axes logs every sign-in at INFO; failures and lock-outs are WARNING.
        "axes": {"level": "WARNING"},
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
# Seconds between an instant alert's match and its email: a burst of drained batches (an
# ingest) makes one email rather than one per batch. Beat's tick (below) is the safety net.
ALERTS_INSTANT_DELAY = env.int("ALERTS_INSTANT_DELAY", 60)
# An email "sending" for longer than this had its sender die inside SMTP: shown as stuck (the
# admin, `send_alerts`), re-sent only by an operator (`send_alerts --retry-stuck`).
ALERTS_STUCK_AFTER_MINUTES = env.int("ALERTS_STUCK_AFTER_MINUTES", 10)
CELERY_BEAT_SCHEDULE |= {
    # `manage.py send_alerts --cadence …` does the same: the sweep, then the sending.
    "alerts-instant": {"task": "alerts.send", "schedule": 60.0, "args": ["instant"]},
    "alerts-daily": {"task": "alerts.send", "schedule": 3600.0, "args": ["daily"]},
    "alerts-weekly": {"task": "alerts.send", "schedule": 3600.0, "args": ["weekly"]},
    # Volume spikes of the last full day (each alert is checked once a day: volume_checked_on).
    "alerts-volume": {"task": "alerts.volume", "schedule": 3600.0},
}
