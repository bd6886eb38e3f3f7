"""Reading settings from the environment, with local defaults that work out of the box.

In production (``CTSEARCH_ENV=production``) a required value that is missing stops the process
at start-up with one message naming every missing variable, rather than at the first request.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


class Env:
    def __init__(self, *, production: bool) -> None:
        self.production = production
        self.missing: list[str] = []

    def str(self, name: str, default: str, *, required_in_production: bool = False) -> str:
        value = os.environ.get(name)
        if value not in (None, ""):
            return value
        if self.production and required_in_production:
            self.missing.append(name)
        return default

    def bool(self, name: str, default: bool) -> bool:
        value = os.environ.get(name)
        if value is None or value == "":
            return default
        if value.lower() in {"1", "true", "yes", "on"}:
            return True
        if value.lower() in {"0", "false", "no", "off"}:
            return False
        raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")

    def int(self, name: str, default: int) -> int:
        value = os.environ.get(name)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except ValueError:
            raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        value = self.str(name, default)
        if value not in choices:
            raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}")
        return value

    def list(self, name: str, default: list[str], *, required_in_production: bool = False):
        value = self.str(name, "", required_in_production=required_in_production)
        if not value:
            return default
        return [item.strip() for item in value.split(",") if item.strip()]

    def check(self) -> None:
        if self.missing:
            raise ImproperlyConfigured(
                "Missing required settings for production: " + ", ".join(sorted(self.missing))
            )


def local_secret_key(var_dir: Path) -> str:
    """A per-checkout random key kept in var/, so local sessions survive restarts."""
    path = var_dir / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        var_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        path.write_text(key)
        path.chmod(0o600)
        return key
