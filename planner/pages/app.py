"""The planner as an app a runner installs and opens with no network: its web app manifest,
its service worker (served from the site's root, so its scope is every page), and the page it
shows when a page asked for was never kept.

What the service worker keeps (docs/architecture.md, "Offline"): the signed-in runner's own
day pages, today and the days after it (`OFFLINE_DAYS`), with their pictures, in a cache of
that runner's alone, which it fills itself when a day page of theirs asks it to (`offline_of`)
and which is emptied at sign-out. The pages stay "private, no-store" for the browser's HTTP
cache and for every shared cache; the worker's cache is the device's copy the runner asked for.
"""

from __future__ import annotations

import functools
import hashlib
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.i18n import JavaScriptCatalog

from kit.web import signed_in
from planner.models import Plan

# Today and the six days after it: a week of sessions with no network.
OFFLINE_DAYS = 7

# The brand's blue (site.css --brand) and the page's grey (--page).
THEME_COLOUR = "#1f5f8b"
BACKGROUND_COLOUR = "#f5f7fa"

WORKER_SOURCE = Path(__file__).with_name("service_worker.js")

# What every page needs offline: the styles, the scripts, the icons and the offline page.
SHELL_ASSETS = (
    "planner/site.css",
    "planner/site.js",
    "planner/app.js",
    "planner/signals.js",
    "planner/timer.js",
    "planner/favicon.svg",
    "planner/favicon-32.png",
    "planner/icon-192.png",
)


def manifest_data() -> dict[str, Any]:
    return {
        # In the language of the request that asks (the browser's, or the person's choice).
        "name": _("Rehab planner"),
        # Translators: the app's name under its icon on a phone's home screen: very short.
        "short_name": _("Rehab"),
        "description": _("Your rehab exercises day by day, with or without a signal."),
        "lang": translation.get_language(),
        "id": "/",
        "start_url": reverse("dashboard"),
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {"src": static("planner/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("planner/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("planner/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    response = JsonResponse(manifest_data(), content_type="application/manifest+json")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@functools.cache
def worker_script() -> str:
    """The worker's source with what it precaches (static addresses: hashed in production)
    and a version that changes with them, so a new deploy installs a new worker."""
    shell = (
        [static(name) for name in SHELL_ASSETS]
        + [reverse("js-catalog", args=[code]) for code, _name in settings.LANGUAGES]
        + [reverse("offline")]
    )
    head = (
        f"const SHELL = {json.dumps(shell)};\n"
        f"const START_URL = {json.dumps(reverse('dashboard'))};\n"
    )
    source = WORKER_SOURCE.read_text()
    version = hashlib.sha256((head + source).encode()).hexdigest()[:12]
    return f'"use strict";\nconst VERSION = "{version}";\n{head}{source}'


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(worker_script(), content_type="text/javascript; charset=utf-8")
    # Served from the root: its scope is the whole site (said outright for any proxy that
    # moves it). Checked on every load, so a fixed worker reaches phones at once.
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def js_catalog(request: HttpRequest, code: str) -> HttpResponseBase:
    """The scripts' words in one language (djangojs.po), as a script file the CSP allows; the
    language is in the address, so each is cached apart and kept for offline pages."""
    if code not in dict(settings.LANGUAGES):
        raise Http404("No such language.")
    with translation.override(code):
        response = JavaScriptCatalog.as_view(domain="djangojs")(request)
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """Shown by the worker for a page it never kept: nobody's data, the same for everyone."""
    response = render(request, "pages/app/offline.html")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def runner_key(request: HttpRequest) -> str:
    """The signed-in person as the worker knows them: an opaque key (not their id), so its
    cache is theirs and another's sign-in on the device empties it."""
    return salted_hmac("planner.pages.app.runner_key", str(signed_in(request).pk)).hexdigest()[:20]


def offline_of(request: HttpRequest, plan: Plan, today: date) -> dict[str, Any]:
    """What a runner's own day page hands the worker to keep: the day pages from today on,
    and where logs made offline are sent."""
    days = [today + timedelta(days=n) for n in range(OFFLINE_DAYS)]
    return {
        "runner": runner_key(request),
        "plan": plan.pk,
        "days": json.dumps(
            [
                reverse("plan-day", kwargs={"plan_id": plan.pk, "day": day.isoformat()})
                for day in days
            ]
        ),
        "logs": reverse("api-plan-logs", kwargs={"plan_id": plan.pk}),
    }


urlpatterns = [
    path("manifest.webmanifest", manifest, name="manifest"),
    path("sw.js", service_worker, name="service-worker"),
    path("offline/", offline, name="offline"),
    path("jsi18n/<str:code>.js", js_catalog, name="js-catalog"),
]
