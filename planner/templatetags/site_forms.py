"""Forms from django-allauth shown as the site's own: labels without Django's trailing colon."""

from __future__ import annotations

from django import forms, template

register = template.Library()


@register.filter
def plain_labels(form: forms.BaseForm) -> forms.BaseForm:
    form.label_suffix = ""
    return form
