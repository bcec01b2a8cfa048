"""Curating how to move: steps, variations and recommendations edited inline on the exercise,
so an admin can add an exercise and attach it to a condition without touching code."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from modeltranslation.admin import TranslationStackedInline, TranslationTabularInline

from exercises.in_use import taken_variations, variation_problems
from exercises.media import check_upload, store_media
from exercises.models import Exercise, ExerciseMedia, InstructionStep, Recommendation, Variation
from exercises.pictures.stored import PosesRefused, checked_poses
from exercises.showing import shown_picture
from kit.curation import TranslatedCuratedAdmin
from kit.text_rows import TextRowsField


class PosesField(forms.JSONField):
    """The poses as indented JSON, one value per line: readable and editable as text."""

    def prepare_value(self, value: Any) -> str:
        if isinstance(value, forms.fields.InvalidJSONInput):
            return str(value)
        return json.dumps(value, indent=2, ensure_ascii=False)


class ExerciseForm(forms.ModelForm[Exercise]):
    # Each list in English and in Spanish (modeltranslation's columns), edited as rows.
    equipment_en = TextRowsField(required=False, label="Equipment [en]")
    equipment_es = TextRowsField(required=False, label="Equipment [es]")
    cautions_en = TextRowsField(
        required=False, label="Cautions [en]", help_text="What to stop or take care with."
    )
    cautions_es = TextRowsField(required=False, label="Cautions [es]")
    picture = PosesField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 24, "class": "poses"}),
        help_text="The start and end poses the exercise's picture is drawn from; {} for none.",
    )

    class Meta:
        model = Exercise
        # with the admin's fieldsets
        fields = ["equipment_en", "equipment_es", "cautions_en", "cautions_es", "picture"]

    def clean_picture(self) -> dict[str, Any]:
        try:
            return checked_poses(self.cleaned_data.get("picture"))
        except PosesRefused as refused:
            raise forms.ValidationError(refused.problems) from None


class VariationForm(forms.ModelForm[Variation]):
    equipment_en = TextRowsField(required=False, label="Equipment [en]")
    equipment_es = TextRowsField(required=False, label="Equipment [es]")

    class Meta:
        model = Variation
        fields = ["equipment_en", "equipment_es"]  # with the inline's own fields


class InstructionStepInline(TranslationTabularInline[InstructionStep, Exercise]):
    model = InstructionStep
    extra = 1
    # The row's own title repeats the step: exercises/admin.css hides it, so each step is
    # numbered once, by its order.
    classes = ["instruction-steps"]


class VariationFormSet(forms.BaseInlineFormSet[Variation, Exercise, forms.ModelForm[Variation]]):
    def clean(self) -> None:
        """Programs step to a variation by its English name: one they take keeps its name and
        kind (as the API refuses the same change)."""
        super().clean()
        if self.instance.pk is None:
            return
        kept = [
            (form.cleaned_data.get("name_en") or "", form.cleaned_data.get("kind") or "")
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        problems = variation_problems(taken_variations(self.instance), kept)
        if problems:
            raise ValidationError(problems)


class VariationInline(TranslationStackedInline[Variation, Exercise]):
    model = Variation
    form = VariationForm
    formset = VariationFormSet
    # Named here: without them the admin shows only the form's own fields (the equipment),
    # and a variation's name, kind and description could not be curated.
    fields = ["order", "kind", "name", "description", "equipment_en", "equipment_es"]
    extra = 0


class RecommendationInline(admin.TabularInline[Recommendation, Exercise]):
    model = Recommendation
    extra = 1
    autocomplete_fields = ["condition"]
    verbose_name = "recommended for condition"
    verbose_name_plural = "recommended for conditions"


@admin.register(Exercise)
class ExerciseAdmin(TranslatedCuratedAdmin):
    form = ExerciseForm
    list_display = [
        "name",
        "kind",
        "region_list",
        "ladder_display",
        "per_side",
        "source",
        "admin_edited",
    ]
    list_filter = ["kind", "regions", "per_side", "source", "admin_edited"]
    search_fields = ["name", "slug", "summary"]
    filter_horizontal = ["regions"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["picture_preview"]
    list_select_related = ["source"]
    inlines = [InstructionStepInline, VariationInline, RecommendationInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "regions", "summary", "equipment"]}),
        (
            "Dose ladder",
            {
                "fields": [
                    ("unit", "sets", "per_side"),
                    ("start", "target", "step", "hold_seconds"),
                    "dose_source",
                    "dose_note",
                ]
            },
        ),
        ("Safety", {"fields": ["cautions"]}),
        (
            "Picture",
            {
                "fields": ["picture_preview", "picture"],
                "description": "The app draws the exercise from these poses (see "
                "exercises/pictures/poses.py for the angles); save to see the drawing.",
            },
        ),
        ("Source", {"fields": ["source", "admin_edited"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Exercise]:
        return super().get_queryset(request).prefetch_related("regions")

    @admin.display(description="Regions")
    def region_list(self, obj: Exercise) -> str:
        return ", ".join(region.name for region in obj.regions.all())

    @admin.display(description="Dose ladder")
    def ladder_display(self, obj: Exercise) -> str:
        return obj.ladder_display

    @admin.display(description="Preview")
    def picture_preview(self, obj: Exercise) -> SafeString | str:
        shown = (
            shown_picture(obj.slug, obj.name, obj.picture, [s.text for s in obj.steps.all()])
            if obj.pk
            else None
        )
        if shown is None:
            return "No picture yet: write the poses below and save."
        return format_html(
            '<img src="{}" alt="{}" class="picture-preview">'
            '<img src="{}" alt="" class="picture-preview">',
            shown.still_url,
            shown.alt,
            shown.moving_url,
        )

    class Media:
        css = {"all": ["exercises/admin.css"]}


class CatalogMediaForm(forms.ModelForm[ExerciseMedia]):
    """The catalog's photo or video of an exercise: checked and stored by exercises/media.py
    (re-encoded, thumbnailed, nothing half-stored); seen by everyone."""

    upload = forms.FileField(
        label="Photo or video",
        help_text="A photo (JPEG, PNG or WebP) or a short video (MP4, QuickTime or WebM).",
    )

    class Meta:
        model = ExerciseMedia
        fields = ["exercise", "caption"]

    def clean_upload(self) -> UploadedFile:
        """Checked here, so a refusal is shown beside the field; saving stores what passed."""
        upload: UploadedFile = self.cleaned_data["upload"]
        try:
            self.checked = check_upload(upload)
        except ValidationError as error:
            raise forms.ValidationError(error.message_dict.get("file", error.messages)) from None
        return upload


@admin.register(ExerciseMedia)
class ExerciseMediaAdmin(admin.ModelAdmin[ExerciseMedia]):
    list_display = ["exercise", "kind", "owner", "size", "created_at"]
    list_filter = ["kind", "owner"]
    list_select_related = ["exercise", "owner"]
    autocomplete_fields = ["exercise"]
    ADDED = ["exercise", "upload", "caption"]
    SHOWN = ["preview", "exercise", "caption", "kind", "owner", "content_type", "size"]

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kw: Any
    ) -> Any:
        if obj is None:  # adding: the upload, checked and stored by store_media
            kw.update(form=CatalogMediaForm, fields=self.ADDED)
        return super().get_form(request, obj, change, **kw)

    def get_fields(self, request: HttpRequest, obj: ExerciseMedia | None = None) -> Any:
        return self.ADDED if obj is None else self.SHOWN

    def get_readonly_fields(self, request: HttpRequest, obj: ExerciseMedia | None = None) -> Any:
        return [] if obj is None else [name for name in self.SHOWN if name != "caption"]

    def save_model(self, request: HttpRequest, obj: ExerciseMedia, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        stored = store_media(
            exercise=form.cleaned_data["exercise"],
            owner=None,
            upload=form.cleaned_data["upload"],
            caption=form.cleaned_data.get("caption", ""),
            checked=form.checked,
        )
        obj.__dict__.update(stored.__dict__)  # the message and the redirect name the stored row

    @admin.display(description="Preview")
    def preview(self, obj: ExerciseMedia) -> SafeString | str:
        url = reverse("media-file", args=[obj.pk, "thumbnail" if obj.thumbnail else "file"])
        if obj.kind == ExerciseMedia.Kind.PHOTO:
            return format_html('<img src="{}" alt="" class="picture-preview">', url)
        return format_html('<video src="{}" controls class="picture-preview"></video>', url)

    class Media:
        css = {"all": ["exercises/admin.css"]}
