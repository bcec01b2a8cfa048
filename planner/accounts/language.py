"""The language of the signed-in person's pages (issue 20): her own choice when she made one
(Profile.language), else the browser's, which LocaleMiddleware has already put in force from
Accept-Language (or the visitor's switch in the footer, Django's set_language cookie).

As the clock (planner.accounts.clock), the choice is read at sign-in and kept in the session, so
a page costs no query for it. A choice made on the account page or through the API updates this
session at once (`remember`); another session of hers reads it again within FRESH_SECONDS.

A person who signs up gets the language the sign-up page was shown in as her choice, so the
emails and push messages sent while she is away (which have no browser to ask) go in it.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from planner.models import Profile

SESSION_KEY = "planner_language"
FRESH_SECONDS = 300


def known(code: str) -> bool:
    return code in dict(settings.LANGUAGES)


def language_of(user_id: int) -> str:
    """The code the person chose ("" when none: her browser's), read without making a profile."""
    code: str | None = (
        Profile.objects.filter(user_id=user_id).values_list("language", flat=True).first()
    )
    return code if code and known(code) else ""


def remember(request: HttpRequest, user_id: int, code: str | None = None) -> str:
    """Keep the person's choice in this session (read now unless given); return it."""
    if code is None:
        code = language_of(user_id)
    request.session[SESSION_KEY] = [code, time.time()]
    return code


def on_signed_in(sender: object, request: HttpRequest | None, user: Any, **_: Any) -> None:
    if request is not None and hasattr(request, "session"):
        remember(request, user.pk)


def keep_for_new_account(user_id: int) -> str:
    """The language in force (the sign-up page's, or the app's Accept-Language) becomes the
    new person's choice; returned ("" when it is none of settings.LANGUAGES)."""
    code = (translation.get_language() or "").split("-")[0]
    if not known(code):
        return ""
    Profile.objects.update_or_create(user_id=user_id, defaults={"language": code})
    return code


def on_signed_up(sender: object, request: HttpRequest | None, user: Any, **_: Any) -> None:
    """A sign-up through the pages (allauth's user_signed_up): this session follows at once."""
    code = keep_for_new_account(user.pk)
    if request is not None and hasattr(request, "session"):
        remember(request, user.pk, code)


class PersonLanguageMiddleware:
    """Puts the signed-in person's chosen language in force (after AuthenticationMiddleware and
    LocaleMiddleware); with no choice, the browser's stays."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.get_response(request)  # type: ignore[no-any-return]
        kept = request.session.get(SESSION_KEY)
        if isinstance(kept, list) and len(kept) == 2 and time.time() - kept[1] < FRESH_SECONDS:
            code = str(kept[0])
        else:
            code = remember(request, request.user.pk)
        if not code or not known(code):
            return self.get_response(request)  # type: ignore[no-any-return]
        with translation.override(code):
            request.LANGUAGE_CODE = code
            response: HttpResponse = self.get_response(request)
        # LocaleMiddleware only sets it when missing, with the language in force after this
        # override has ended: said here, the one the page was written in.
        response.headers["Content-Language"] = code
        return response
