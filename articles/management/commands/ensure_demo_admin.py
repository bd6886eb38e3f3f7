"""manage.py ensure_demo_admin: a local admin account with a generated password.

The password is random per checkout, kept in var/admin-password (mode 600) and printed; there
is never a fixed one. Refuses to run in production.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create (or reset) the local demo admin and print how to log in."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("ensure_demo_admin is for local demos only")
        password_file = settings.VAR_DIR / "admin-password"
        password = password_file.read_text().strip() if password_file.exists() else ""
        if not password:
            password = secrets.token_urlsafe(12)
            password_file.parent.mkdir(parents=True, exist_ok=True)
            password_file.write_text(password)
            password_file.chmod(0o600)
        user_model = get_user_model()
        user, _ = user_model.objects.get_or_create(username=options["username"])
        user.is_staff = user.is_superuser = True
        if not user.check_password(password):
            user.set_password(password)
        user.save()
        self.stdout.write(
            f"Admin: user {user.username!r}, password {password!r} (in {password_file})"
        )
