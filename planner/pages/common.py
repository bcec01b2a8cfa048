"""What every page needs: the therapist role, a time zone field, and domain errors shown on the
form field they name. The plans a page shows are looked up by planner.access."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy

from conditions.models import RedFlag
from planner.access import is_therapist
from planner.engine import schedule

P = ParamSpec("P")

# What a page shows of a plan besides the plan: its program and its runner, read with it.
SHOWN = ("program", "user")


def therapist_required(view: Callable[P, HttpResponse]) -> Callable[P, HttpResponse]:
    """Signed in and holding the therapist role; others get a 404, as for anyone's object."""

    @login_required
    @wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        request = args[0]
        assert isinstance(request, HttpRequest)
        if not is_therapist(request.user):
            raise Http404("Only therapists have this page.")
        return view(*args, **kwargs)

    return wrapped


class TimeZoneField(forms.CharField):
    """An IANA time zone name, checked the way plans check it (schedule.validate_time_zone)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", gettext_lazy("Time zone"))
        kwargs.setdefault("max_length", 64)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        name = str(super().clean(value))
        try:
            return schedule.validate_time_zone(name)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


def add_domain_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the fields it names; a field the form lacks (or
    no field) goes to the top of the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


YES_NO = [("no", gettext_lazy("No")), ("yes", gettext_lazy("Yes"))]


class ScreeningForm(forms.Form):
    """One required yes/no question per warning sign: the screening before a plan, and the
    weekly check-in."""

    def __init__(self, flags: list[RedFlag], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for flag in flags:
            self.fields[flag.slug] = forms.ChoiceField(
                label=flag.question,
                choices=YES_NO,
                widget=forms.RadioSelect,
                error_messages={"required": gettext_lazy("Answer this question: yes or no.")},
            )


def is_htmx(request: HttpRequest) -> bool:
    """Whether htmx sent the request (django-htmx's middleware sets request.htmx)."""
    return bool(getattr(request, "htmx", False))
