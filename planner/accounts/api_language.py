"""The language the API answers a signed-in person in: her own choice (Profile.language) when
she made one; else the one LocaleMiddleware took from the request's Accept-Language, else
English. DRF authenticates inside the view, after the middleware ran, so the API's
authenticators (planner.accounts.tokens) call `answer_in` once they know who is asking.
LocaleMiddleware then says the language answered in (Content-Language) from the one active."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils import translation

from planner.models import Profile


def chosen_language(user: User) -> str:
    """The person's choice, "" for none. The token's query loads the profile with the user
    (tokens.ExpiringTokenAuthentication): no query then; a session's user costs one, and the
    profile is then at hand for the rest of the request."""
    try:
        profile = user.profile
    except Profile.DoesNotExist:
        return ""
    return profile.language


def answer_in(request: HttpRequest, user: User) -> None:
    """Answer `request` in the language `user` chose, if she chose one."""
    language = chosen_language(user)
    if language and translation.check_for_language(language):
        translation.activate(language)
        request.LANGUAGE_CODE = language
