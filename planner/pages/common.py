"""What every page needs: the plans a person may see, the therapist role, and domain errors
shown on the form field they name."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any, ParamSpec

from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone

from planner import schedule
from planner.access import is_therapist, plans_visible_to
from planner.models import Plan

P = ParamSpec("P")


def signed_in(request: HttpRequest) -> User:
    """The signed-in person (views behind login_required only)."""
    assert isinstance(request.user, User)
    return request.user


def visible_plan(request: HttpRequest, plan_id: int) -> Plan:
    """A plan the caller may see (owner, linked therapist, admin); anyone else's is a 404."""
    return get_object_or_404(
        plans_visible_to(request.user).select_related("program", "user"), pk=plan_id
    )


def owned_plan(request: HttpRequest, plan_id: int) -> Plan:
    """The caller's own plan: changes to it are the runner's alone."""
    return get_object_or_404(
        Plan.objects.select_related("program").filter(user_id=signed_in(request).pk), pk=plan_id
    )


def local_today(plan: Plan) -> date:
    return schedule.local_date(timezone.now(), plan.time_zone)


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
        kwargs.setdefault("label", "Time zone")
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


def unbuilt(request: HttpRequest, **kwargs: object) -> HttpResponse:
    """Stands in for a page while its area is being built; no page links here once merged."""
    raise Http404("This page is not built yet.")
