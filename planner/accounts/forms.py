"""django-allauth's sign-in and sign-up forms, in the site's words."""

from __future__ import annotations

from typing import Any

from allauth.account.forms import LoginForm, SignupForm
from django.utils.translation import gettext_lazy as _


class SignInForm(LoginForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Username or email")
        self.fields["remember"].label = _("Keep me signed in on this device")


class SignUpForm(SignupForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = _(
            "Where reminders and a password reset go, once you confirm it from the email we "
            "send. Never shown to anyone."
        )
