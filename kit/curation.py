"""Rows the data files load and an admin may curate: the base model and its admin."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.forms import ModelForm
from django.http import HttpRequest
from modeltranslation.admin import TranslationAdmin


class AdminCurated(models.Model):
    """A row the data files load and an admin may curate. Once an admin saves it, the loader
    keeps the admin's version unless run with --overwrite."""

    admin_edited = models.BooleanField(
        default=False,
        help_text="Set when an admin saves this entry: `load_catalog` then keeps the admin's "
        "version unless run with --overwrite. Clear it to let the data files win again.",
    )

    class Meta:
        abstract = True


class CuratedAdmin(admin.ModelAdmin[Any]):
    """Saving in the admin marks the entry as curated, so the data files no longer replace it."""

    def save_model(
        self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool
    ) -> None:
        if isinstance(obj, AdminCurated) and "admin_edited" not in form.changed_data:
            obj.admin_edited = True
        super().save_model(request, obj, form, change)


class TranslatedCuratedAdmin(TranslationAdmin[Any], CuratedAdmin):
    """A curated row with translated fields (kit/translated.py): each shown in English and in
    Spanish. Saving either language marks the row curated, so the loader keeps both."""
