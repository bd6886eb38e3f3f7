"""Canonical article URLs: the same article reached through a tracking link is one article."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

#: Query parameters that identify a campaign or a click, never the page.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "yclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "ref",
        "ref_src",
        "_ga",
        "_gl",
        "cmpid",
        "ocid",
        "at_medium",
        "at_campaign",
    }
)


def is_tracking(name: str) -> bool:
    name = name.lower()
    return name.startswith(("utm_", "at_", "pk_", "mtm_")) or name in TRACKING_PARAMS


def canonical_url(url: str) -> str:
    """Lower-case host, no default port, no fragment, no tracking parameters (the others keep
    their order); the scheme stays the one the site uses."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    if parts.username:
        host = f"{parts.username}@{host}"
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking(k)]
    )
    return urlunsplit((scheme, host, parts.path or "/", query, ""))
