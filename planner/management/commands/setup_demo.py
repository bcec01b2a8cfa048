"""`manage.py setup_demo`: demo accounts for the embedded app, with their logins printed."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create or refresh the demo accounts (development mode only) and print their logins."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("Demo accounts are never created in production mode.")
        user_model = get_user_model()
        admin, _ = user_model.objects.get_or_create(
            username="demo-admin", defaults={"email": "demo-admin@example.com"}
        )
        # A fresh password on every start: a demo login never outlives the run that printed it.
        password = secrets.token_urlsafe(12)
        admin.set_password(password)
        admin.is_staff = True
        admin.is_superuser = True
        admin.save()
        self.stdout.write(f"Demo admin: username demo-admin, password {password}")
