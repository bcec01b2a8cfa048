"""Photos and videos of exercises: served with the access rules of the plans (the catalog's to
everyone signed in, a therapist's to them and their linked patients), and the therapist's page
to add and remove their own."""

from __future__ import annotations

import logging

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from exercises.models import Exercise, ExerciseMedia
from kit.ranges import Unsatisfiable, byte_range, chunks
from kit.uploads import megabytes
from kit.web import signed_in
from planner import access
from planner.care import media as care_media
from planner.pages.common import add_domain_errors, therapist_required


@login_required
@require_safe
def media_file(request: HttpRequest, media_id: int, variant: str) -> HttpResponseBase:
    media = access.media_visible_to(request.user).filter(pk=media_id).first()
    if media is None or variant not in ("file", "thumbnail"):
        access.not_found(ExerciseMedia)
    stored = media.thumbnail if variant == "thumbnail" and media.thumbnail else media.file
    etag = f'"{media.pk}-{variant}-{media.size}"'
    response: HttpResponseBase | None = get_conditional_response(request, etag=etag)
    if response is None:
        response = file_response(request, media, stored)
    response["ETag"] = etag
    # Someone's care: kept by their own browser only, and asked again each time (a 304 when
    # unchanged), so a removed photo or an ended link takes it away at once.
    patch_cache_control(response, private=True, no_cache=True)
    return response


def file_response(
    request: HttpRequest, media: ExerciseMedia, stored: FieldFile
) -> HttpResponseBase:
    content_type = "image/jpeg" if stored.name != media.file.name else media.content_type
    try:
        size = stored.size
        opened = stored.open("rb")
    except (OSError, ValueError) as error:
        # The row is there, the file is not (a storage restored without it): say so in the
        # log, and to the person, that it is not there.
        logger.error("media %s: %s is missing from the storage (%s)", media.pk, stored.name, error)
        raise Http404(_("That file is missing.")) from None
    try:
        wanted = byte_range(request.headers.get("Range", ""), size)
    except Unsatisfiable as refused:
        opened.close()
        response: HttpResponseBase = HttpResponse(status=416)
        response["Content-Range"] = str(refused)
        return response
    if wanted is None:
        response = FileResponse(opened, content_type=content_type)
    else:
        start, end = wanted
        response = StreamingHttpResponse(
            chunks(opened, start, end), status=206, content_type=content_type
        )
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    # Never run as a page in the app's origin, whatever the bytes say.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response


class MediaForm(forms.Form):
    exercise = forms.ChoiceField(label=gettext_lazy("Exercise"))
    file = forms.FileField(
        label=gettext_lazy("Photo or video"),
    )
    caption = forms.CharField(
        required=False, max_length=200, label=gettext_lazy("Caption (optional)")
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["file"].help_text = _(
            "A photo (JPEG, PNG or WebP, up to %(photo)s) or a short video (MP4, QuickTime "
            "or WebM, up to %(video)s)."
        ) % {
            "photo": megabytes(settings.MEDIA_IMAGE_MAX_BYTES),
            "video": megabytes(settings.MEDIA_VIDEO_MAX_BYTES),
        }
        self.fields["exercise"].choices = list(  # type: ignore[attr-defined]
            Exercise.objects.values_list("slug", "name")
        )


@therapist_required
def my_media(request: HttpRequest) -> HttpResponse:
    therapist = signed_in(request)
    form = MediaForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            added = care_media.add_media(
                therapist,
                form.cleaned_data["exercise"],
                form.cleaned_data["file"],
                form.cleaned_data["caption"],
            )
        except ValidationError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(
                request,
                (
                    _(
                        "Added a photo of %(exercise)s: your patients see it on that exercise's "
                        "card."
                    )
                    if added.kind == "photo"
                    else _(
                        "Added a video of %(exercise)s: your patients see it on that exercise's "
                        "card."
                    )
                )
                % {"exercise": added.exercise.name},
            )
            return redirect("my-media")
    context = {"form": form, "media": care_media.own_media(therapist)}
    return render(
        request,
        "pages/therapist/media.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


@therapist_required
@require_POST
def remove(request: HttpRequest, media_id: int) -> HttpResponse:
    care_media.remove_media(signed_in(request), media_id)
    messages.success(request, _("Removed."))
    return redirect("my-media")


logger = logging.getLogger(__name__)

urlpatterns = [
    path("media/<id:media_id>/<str:variant>/", media_file, name="media-file"),
    path("therapist/media/", my_media, name="my-media"),
    path("therapist/media/<id:media_id>/remove/", remove, name="my-media-remove"),
]
