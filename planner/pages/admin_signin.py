"""The admin's sign-in counted like every other: staff read all health data, so guessing their
password is slowed exactly as a runner's is (planner.accounts.signin_guard), and the right
password waits its turn during a lockout."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone

from kit.web import client_address
from planner.accounts import signin_guard


class GuardedAdminAuthenticationForm(AdminAuthenticationForm):
    def clean(self) -> dict[str, Any]:
        username = str(self.data.get("username", ""))
        address = client_address(self.request) if self.request else "unknown"
        now = timezone.now()
        wait = signin_guard.retry_after(username, address, now)
        if wait > 0:
            raise ValidationError(
                f"Too many failed sign-ins: try again in {wait} seconds.", code="throttled"
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            signin_guard.record_failure(username, address, now)
            raise
        signin_guard.record_success(username, address)
        return cleaned
