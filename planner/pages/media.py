"""Photos and videos of exercises: served with the access rules of the plans (the catalog's to
everyone signed in, a therapist's to them and their linked patients), and the therapist's page
to add and remove their own."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.http import require_POST, require_safe

from exercises.models import Exercise, ExerciseMedia
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
        content_type = "image/jpeg" if stored is media.thumbnail else media.content_type
        response = FileResponse(stored.open("rb"), content_type=content_type)
        # Never run as a page in the app's origin, whatever the bytes say.
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Disposition"] = "inline"
    response["ETag"] = etag
    # Someone's care: kept by their own browser only, never by a shared cache.
    patch_cache_control(response, private=True, max_age=3600)
    return response


class MediaForm(forms.Form):
    exercise = forms.ChoiceField(label="Exercise")
    file = forms.FileField(
        label="Photo or video",
        help_text="A photo (JPEG, PNG or WebP) or a short video (MP4, QuickTime or WebM).",
    )
    caption = forms.CharField(required=False, max_length=200, label="Caption (optional)")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
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
                f"Added a {added.get_kind_display().lower()} of {added.exercise.name}: your "
                "patients see it on that exercise's card.",
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
    messages.success(request, "Removed.")
    return redirect("my-media")


urlpatterns = [
    path("media/<int:media_id>/<str:variant>/", media_file, name="media-file"),
    path("therapist/media/", my_media, name="my-media"),
    path("therapist/media/<int:media_id>/remove/", remove, name="my-media-remove"),
]
