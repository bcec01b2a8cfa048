"""django-allauth fitted to the planner: its sign-in slowed by our guard (counted per name and
address, the address read through our trusted proxies), new runners sent to the warning-sign
questions first, and therapists and staff sent to set up two factors."""

from __future__ import annotations

import logging
import smtplib
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kit.web import client_address
from planner.accounts import signin_guard

logger = logging.getLogger(__name__)


def _login_name(credentials: dict[str, Any]) -> str:
    """The name typed in the sign-in box: a username or an email, as allauth passes it on."""
    return str(credentials.get("username") or credentials.get("email") or "")


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        # One reading of the client's address for every limit: allauth's and ours.
        return client_address(request)

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        wait = signin_guard.retry_after(
            _login_name(credentials), client_address(request), timezone.now()
        )
        if wait > 0:
            raise ValidationError(
                _("Too many failed sign-ins: try again in %(seconds)d seconds.")
                % {"seconds": wait},
                code="throttled",
            )

    def authenticate(self, request: HttpRequest, **credentials: Any) -> AbstractBaseUser | None:
        user: AbstractBaseUser | None = super().authenticate(request, **credentials)
        if user is not None:
            signin_guard.record_success(_login_name(credentials), client_address(request))
        return user

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        signin_guard.record_failure(
            _login_name(credentials), client_address(request), timezone.now()
        )

    def clean_username(self, username: str, shallow: bool = False) -> str:
        # As Django stores and checks a username (NFKC), before allauth's checks: a fullwidth
        # spelling of a taken name is that name, taken, not a look-alike second account (the
        # API's sign-up does the same, planner.api.auth).
        cleaned: str = super().clean_username(User.normalize_username(username), shallow)
        return cleaned

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # A mail server that is down or refuses the address must not fail a sign-up or a
        # sign-in (a 500, the account half made): the person can ask again from the account
        # page (confirmation) or the reset page, and the log says what was not sent.
        try:
            super().send_mail(template_prefix, email, context)
        except (smtplib.SMTPException, OSError) as exc:
            logger.warning("account email %s not sent: %s", template_prefix, type(exc).__name__)

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        # A new runner goes straight to the warning-sign questions: nothing comes before them.
        return reverse("onboarding")
