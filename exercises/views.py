"""The catalog's pictures, served by the app itself: an exercise's drawing is public (it holds
no one's health data), cached by content and revalidated with its ETag."""

from __future__ import annotations

import logging

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import pgettext
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_safe

from exercises.models import Exercise, InstructionStep
from exercises.pictures.drawing import Labels
from exercises.pictures.rendered import rendered

logger = logging.getLogger(__name__)


def labels() -> Labels:
    """The words under the picture's panels, in the reader's language: her name and steps come
    in it too (the catalog's columns), and so does the address the page gave the picture
    (exercises.pictures.rendered.picture_version), so a cache never mixes two languages."""
    return Labels(
        # Translators: under the first of a picture's two panels: the starting position.
        start=pgettext("exercise picture", "Start"),
        # Translators: under the second panel: the position the movement ends in.
        end=pgettext("exercise picture", "End"),
        hold=pgettext("exercise picture", "Hold, without moving"),
    )


@require_safe
@gzip_page  # a drawing holds no secret, so compressing it leaks none (unlike a page)
def picture(request: HttpRequest, slug: str, still: bool = False) -> HttpResponse:
    row = Exercise.objects.filter(slug=slug).values_list("name", "picture").first()
    if row is None or not row[1]:
        raise Http404("No picture of that exercise.")
    name, stored = row
    steps = InstructionStep.objects.filter(exercise__slug=slug).values_list("text", flat=True)
    try:
        drawn = rendered(stored, name, list(steps), still, labels())
    except ValueError as error:
        # Poses stored before a change of their schema, or written around the admin's check:
        # no picture rather than an error page; the log says which exercise to fix.
        logger.error("exercise %s: its poses cannot be drawn: %s", slug, error)
        raise Http404("No picture of that exercise.") from None
    response = get_conditional_response(request, etag=drawn.etag)
    if response is None:
        response = HttpResponse(drawn.svg, content_type="image/svg+xml")
    response["ETag"] = drawn.etag
    # An hour without asking, then a revalidation that costs no drawing (304 on the ETag).
    patch_cache_control(response, public=True, max_age=3600)
    return response


urlpatterns = [
    path("exercises/<slug:slug>/picture.svg", picture, name="exercise-picture"),
    path(
        "exercises/<slug:slug>/picture-still.svg",
        picture,
        {"still": True},
        name="exercise-picture-still",
    ),
]
