"""Every page route against the people who must not see Rosa's things, and every form on every
page against a request without a CSRF token.

The routes are read from the URL configuration, so a page added later is covered without
editing this file; a route whose parameter this file cannot fill fails, naming it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from exercises.models import Exercise, ExerciseMedia
from planner.care import messages
from planner.models import Alert, CareLink, Notification, Screening, SessionLog
from tests import factories
from tests.personas import People

pytestmark = pytest.mark.django_db

SECRET_NOTE = "rosa-private-note-7731"
# Routes about the catalog, not a person: anyone signed in may read them.
# The invitation link opens with its token alone (tests/planner/care/test_invitation_links.py):
# a made-up one says so to anyone.
PUBLIC_TO_SIGNED_IN = {
    "handout",
    "handout-pdf",
    "onboarding-preview",
    "onboarding-begin",
    "invitation-link",
    # The scripts' words in a language (planner.pages.app): the same for everyone.
    "js-catalog",
}
# Routes without an object, each person's own (their plans, their account, the way in).
NO_OBJECT_OF_OTHERS = {
    "home",
    "dashboard",
    "account-sign-out-everywhere",
    "invitation-link",
    "return-to-run",
    "return-to-run-start",
}
# The installed app's own files (planner.pages.app): the same for everyone, signed in or not.
APP_FILES = {"manifest", "service-worker", "offline", "js-catalog"}


@dataclass(frozen=True)
class PageRoute:
    name: str
    params: tuple[str, ...]


def page_routes() -> Iterator[PageRoute]:
    def walk(patterns: list[Any]) -> Iterator[PageRoute]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns)
            elif isinstance(entry, URLPattern) and entry.name:
                yield PageRoute(entry.name, tuple(entry.pattern.regex.groupindex))

    resolver = get_resolver("planner.pages.urls")
    return walk(resolver.url_patterns)


def rosas_objects(people: People) -> dict[str, Any]:
    """A value of Rosa's for each parameter a page route may take."""
    plan = people.rosa_plan
    item = plan.exercises.select_related("exercise").first()
    assert item is not None
    log = SessionLog.objects.create(
        plan=plan, plan_exercise=item, day=plan.start_date, done=True, note=SECRET_NOTE
    )
    link = CareLink.objects.get(therapist=people.theo, runner=people.rosa)
    invitation = CareLink.objects.create(therapist=people.uma, runner=people.rosa)
    notification = Notification.objects.create(user=people.rosa, title="Hi", body=SECRET_NOTE)
    screening = Screening.objects.create(
        user=people.rosa,
        answers={"numbness-or-tingling": True},
        verdict=Screening.Verdict.SEE_CLINICIAN,
        answered_at=timezone.now(),
    )
    alert = Alert.objects.create(
        runner=people.rosa,
        plan=plan,
        screening=screening,
        kind=Alert.Kind.WARNING_SIGN,
        text=SECRET_NOTE,
        created_at=timezone.now(),
    )
    conversation = messages.with_runner(people.theo, people.rosa.pk)
    messages.post(people.rosa, conversation.pk, SECRET_NOTE, timezone.now())
    return {
        "conversation_id": conversation.pk,
        "plan_id": plan.pk,
        # Theo's own program, private: no one else's to open.
        "program_id": factories.own_program(people.theo).pk,
        "runner_id": people.rosa.pk,
        "day": plan.start_date.isoformat(),
        "slug": plan.program.slug,
        "condition": plan.program.condition.slug,
        "log_id": log.pk,
        "item_id": item.pk,
        "plan_exercise_id": item.pk,
        "exercise_id": item.pk,
        "link_id": link.pk,
        "care_link_id": link.pk,
        "invitation_id": invitation.pk,
        "notification_id": notification.pk,
        "kind": "pain",
        "alert_id": alert.pk,
        "screening_id": screening.pk,
        "media_id": theos_photo(people, item.exercise).pk,
        "variant": "file",
        "token": "made-up",
        "device_id": factories.push_device(people.rosa).pk,
        "code": "es",
    }


def theos_photo(people: People, exercise: Exercise) -> ExerciseMedia:
    """A photo Rosa's therapist took of one of her exercises: hers to see, and his."""
    media = ExerciseMedia(
        exercise=exercise,
        owner=people.theo,
        kind=ExerciseMedia.Kind.PHOTO,
        content_type="image/jpeg",
        size=4,
    )
    media.file.save("theo.jpg", ContentFile(b"\xff\xd8\xff\xd9"), save=False)
    media.save()
    return media


def url_for(route: PageRoute, objects: dict[str, Any]) -> str:
    missing = [param for param in route.params if param not in objects]
    assert not missing, f"test_page_access cannot fill {missing} of route {route.name!r}: add it"
    return reverse(route.name, kwargs={param: objects[param] for param in route.params})


@pytest.mark.parametrize("who", ["oscar", "uma"])
def test_nobody_else_reaches_rosas_pages(people: People, who: str) -> None:
    """Another runner and a therapist Rosa never linked to get a 404 (or a 405 for the wrong
    method, which says nothing about the object) on every route that names her things, and
    nothing of hers appears on any page they can open."""
    objects = rosas_objects(people)
    client = Client()
    client.force_login(getattr(people, who))
    checked = 0
    for route in page_routes():
        if not route.params or route.name in PUBLIC_TO_SIGNED_IN:
            continue
        url = url_for(route, objects)
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code in (404, 405), f"{who} {method.__name__} {url}"
            assert SECRET_NOTE not in response.content.decode(), url
        checked += 1
    assert checked >= 1


def test_signed_out_visitors_are_sent_to_sign_in(people: People) -> None:
    objects = rosas_objects(people)
    client = Client()
    for route in page_routes():
        if route.name in NO_OBJECT_OF_OTHERS | APP_FILES:
            continue
        url = url_for(route, objects)
        response = client.get(url)
        assert response.status_code in (302, 404, 405), url
        if response.status_code == 302:
            assert response.url.startswith(reverse("account_login")), url


FORM = re.compile(r"<form\b[^>]*>", re.IGNORECASE)
ATTRIBUTE = re.compile(r'(\w[\w-]*)="([^"]*)"')


def post_forms(html: str, page_url: str) -> Iterator[tuple[str, str]]:
    """(action, whole form) of each POST form on a page."""
    for match in FORM.finditer(html):
        attributes = dict(ATTRIBUTE.findall(match.group(0)))
        if attributes.get("method", "get").lower() != "post":
            continue
        end = html.find("</form>", match.end())
        yield attributes.get("action") or page_url, html[match.start() : end]


@pytest.mark.parametrize("who", ["rosa", "theo"])
def test_every_form_needs_its_csrf_token(people: People, who: str) -> None:
    """Each POST form on each page the person can open carries a CSRF token, and its target
    refuses a request without one."""
    objects = rosas_objects(people)
    reader = Client()
    reader.force_login(getattr(people, who))
    attacker = Client(enforce_csrf_checks=True)
    attacker.force_login(getattr(people, who))
    forms = 0
    for route in page_routes():
        if route.name in ("account-sign-out-everywhere",):  # would sign the reader out
            continue
        url = url_for(route, objects)
        response = reader.get(url)
        if response.status_code != 200 or "text/html" not in response.headers["Content-Type"]:
            continue
        for action, form in post_forms(response.content.decode(), url):
            assert "csrfmiddlewaretoken" in form, f"a form on {url} has no CSRF token"
            assert attacker.post(action).status_code == 403, f"{action} took a forged POST"
            forms += 1
    assert forms >= 1  # at least the sign-out form in the header
