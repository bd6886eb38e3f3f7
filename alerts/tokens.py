"""Signed one-click unsubscribe tokens (``django.core.signing``, salted for this use only)."""

from __future__ import annotations

from django.core import signing

SALT = "alerts.unsubscribe"


def make(alert_ids: list[int]) -> str:
    return signing.dumps({"a": sorted(alert_ids)}, salt=SALT, compress=True)


def read(token: str) -> list[int] | None:
    """The alert ids of a token, or None when it was altered or is not one of ours."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    ids = data.get("a") if isinstance(data, dict) else None
    if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
        return None
    return ids
