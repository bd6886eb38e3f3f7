"""Plain test factories: make_source(**kw), make_article(**kw). No magic, no globals."""

from __future__ import annotations

import itertools

from articles.ingest.pipeline import HASHED_FIELDS, content_hash
from articles.models import Article, Source

_counter = itertools.count(1)


def make_source(**fields) -> Source:
    n = next(_counter)
    values = {"slug": f"source-{n}", "name": f"مصدر {n}"} | fields
    return Source.objects.create(**values)


def make_article(**fields) -> Article:
    n = next(_counter)
    source = fields.pop("source", None) or make_source()
    values = {
        "source": source,
        "key": f"https://example.org/{n}",
        "url": f"https://example.org/{n}",
        "title": f"عنوان المقال {n}",
        "body": "نص المقال عن مكافحة الإرهاب.",
        "raw": "raw",
        "origin": "tests",
        "language": "ar",
    } | fields
    values.setdefault(
        "content_hash", content_hash({name: values.get(name) for name in HASHED_FIELDS})
    )
    return Article.objects.create(**values)


def with_role(user, role: str = "researcher"):
    """``user`` in the group of that role (migration 0005's; put back if a transactional test
    flushed it), so that it may do what the role may."""
    import importlib

    from django.apps import apps
    from django.contrib.auth.models import Group

    roles = importlib.import_module("articles.migrations.0005_roles")
    group, created = Group.objects.get_or_create(name=role)
    if created or not group.permissions.exists():
        wanted = roles.CURATOR if role == "curator" else roles.RESEARCHER
        group.permissions.add(*roles._permissions(apps, wanted))
    user.groups.add(group)
    return user


def make_researcher(username: str = "researcher", **fields):
    """A user account with the researcher role: may search, export, save searches and alerts."""
    from django.contrib.auth import get_user_model

    password = fields.pop("password", "a long pass phrase")
    return with_role(get_user_model().objects.create_user(username, password=password, **fields))
