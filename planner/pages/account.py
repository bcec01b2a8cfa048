"""The account: notifications (with therapists' invitations and care links), the name I am
shown by, the language I read and, for a therapist, their clinic, a copy of my data, signing
out everywhere, and deleting the account. Email, password, two factors and the list of
sessions are django-allauth's pages, under the same menu."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from allauth.account.models import EmailAddress
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kit.web import client_address, signed_in
from planner.access import is_therapist
from planner.accounts import (
    clock,
    deletion,
    everywhere,
    export,
    language,
    profile,
    two_factors,
)
from planner.care import linking
from planner.models import CareLink, Notification
from planner.names import shown_name
from planner.pages.common import add_domain_errors, is_htmx

NOTIFICATIONS_PER_PAGE = 20


# --- Notifications and care links ----------------------------------------------------------


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    # 1 count + 1 page of the person's own notifications, newest first.
    page = Paginator(
        Notification.objects.filter(user=user).order_by("-created_at", "-pk"),
        NOTIFICATIONS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    # 1: invitations and links where the person is the runner, with the therapist.
    links = list(
        CareLink.objects.filter(
            runner=user, status__in=[CareLink.Status.INVITED, CareLink.Status.ACTIVE]
        )
        .select_related("therapist__profile")
        .order_by("-created_at", "-pk")
    )
    return render(
        request,
        "pages/account/notifications.html",
        {
            "page": page,
            "invitations": [link for link in links if link.status == CareLink.Status.INVITED],
            "care_links": [link for link in links if link.status == CareLink.Status.ACTIVE],
        },
    )


@require_POST
@login_required
def mark_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    note = get_object_or_404(
        Notification.objects.filter(user=signed_in(request)), pk=notification_id
    )
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    if is_htmx(request):
        return render(request, "pages/account/_notification.html", {"note": note})
    return redirect("notifications")


@require_POST
@login_required
def answer(request: HttpRequest, link_id: int) -> HttpResponse:
    accept = request.POST.get("answer") == "accept"
    try:
        link = linking.answer_invitation(
            signed_in(request), link_id, accept=accept, now=timezone.now()
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        name = shown_name(link.therapist)
        messages.success(
            request,
            _("%(name)s can now see your plans and progress.") % {"name": name}
            if accept
            else _("You declined %(name)s's invitation.") % {"name": name},
        )
    return redirect("notifications")


@require_POST
@login_required
def end(request: HttpRequest, link_id: int) -> HttpResponse:
    link = linking.end_link(signed_in(request), link_id, timezone.now())
    messages.success(
        request,
        _("%(name)s can no longer see your plans.") % {"name": shown_name(link.therapist)},
    )
    return redirect("notifications")


# --- The account ---------------------------------------------------------------------------


class NameForm(forms.Form):
    display_name = forms.CharField(
        label=gettext_lazy("Shown as"),
        max_length=profile.NAME_MAX,
        required=False,
        strip=False,  # the service strips and checks it, for the API alike
        help_text=gettext_lazy(
            "How your therapist or your patients see you. Leave it empty to be shown by "
            "your username."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )


class ClinicForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Clinic name"), max_length=profile.CLINIC_NAME_MAX, required=False
    )
    phone = forms.CharField(
        label=gettext_lazy("Phone"),
        max_length=profile.PHONE_MAX,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.CharField(
        label=gettext_lazy("Email"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    address = forms.CharField(
        label=gettext_lazy("Address"),
        max_length=profile.ADDRESS_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class LanguageForm(forms.Form):
    # Each language named in itself, as a reader of the other one looks for it.
    language = forms.ChoiceField(
        label=gettext_lazy("The language of your pages and messages"),
        choices=[
            *settings.LANGUAGES,
            ("", gettext_lazy("The browser's")),
        ],
        required=False,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Your pages, reminders and emails come in it. The browser's: pages follow your "
            "browser's language, emails and reminders come in English."
        ),
    )


class ZoneForm(forms.Form):
    time_zone = forms.CharField(
        label=gettext_lazy("Zone (IANA name)"),
        max_length=64,
        required=False,
        strip=False,  # the service strips and checks it, for the API alike
        help_text=gettext_lazy(
            "An IANA name, like Europe/Madrid or America/New_York: your pages, emails and "
            "alerts show times in it. Leave it empty to follow your latest plan's."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=gettext_lazy("Asked again because deleting cannot be undone."),
    )


def account_page(
    request: HttpRequest,
    delete_form: DeleteAccountForm | None = None,
    status: int = 200,
    name_form: NameForm | None = None,
    clinic_form: ClinicForm | None = None,
    language_form: LanguageForm | None = None,
    zone_form: ZoneForm | None = None,
) -> HttpResponse:
    user = signed_in(request)
    therapist = is_therapist(user)
    clinic = profile.clinic_of(user) if therapist else None
    if name_form is None:
        name_form = NameForm(initial={"display_name": profile.chosen_name(user)})
    if language_form is None:
        language_form = LanguageForm(initial={"language": language.language_of(user.pk)})
    if zone_form is None:
        zone_form = ZoneForm(initial={"time_zone": profile.chosen_time_zone(user)})
    if clinic_form is None and therapist:
        clinic_form = ClinicForm(
            initial={
                "name": clinic.name,
                "phone": clinic.phone,
                "email": clinic.email,
                "address": clinic.address,
            }
            if clinic
            else {}
        )
    return render(
        request,
        "pages/account/account.html",
        {
            "email": EmailAddress.objects.filter(user=user).order_by("-primary", "pk").first(),
            "two_factors": two_factors.has_two_factors(user),
            "two_factors_required": two_factors.required_for(user),
            "delete_form": delete_form,
            "confirming": delete_form is not None,
            "name_form": name_form,
            "language_form": language_form,
            "zone_form": zone_form,
            "clinic_form": clinic_form,
            "clinic": clinic,
        },
        status=status,
    )


@login_required
def account_view(request: HttpRequest) -> HttpResponse:
    return account_page(request)


AccountForm = TypeVar("AccountForm", bound=forms.Form)


def _saved(
    request: HttpRequest,
    form: AccountForm,
    again: Callable[[AccountForm], HttpResponse],
    save: Callable[[dict[str, Any]], str],
) -> HttpResponse:
    """One of the account page's forms sent: `save` hands its values to the service and says
    what was saved; a refusal shows the page again (`again`) with the form and its errors."""
    if form.is_valid():
        try:
            said = save(form.cleaned_data)
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, said)
            return redirect("account")
    return again(form)


@require_POST
@login_required
def name(request: HttpRequest) -> HttpResponse:
    def save(values: dict[str, Any]) -> str:
        profile.set_name(signed_in(request), values["display_name"])
        return _("Your name is saved.")

    return _saved(
        request,
        NameForm(request.POST),
        lambda form: account_page(request, name_form=form, status=400),
        save,
    )


@require_POST
@login_required
def clinic(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    if not is_therapist(user):
        return HttpResponse(status=404)

    def save(values: dict[str, Any]) -> str:
        profile.set_clinic(user, **values)
        return _("Your clinic's details are saved.")

    return _saved(
        request,
        ClinicForm(request.POST),
        lambda form: account_page(request, clinic_form=form, status=400),
        save,
    )


@require_POST
@login_required
def choose_language(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)

    def save(values: dict[str, Any]) -> str:
        profile.set_language(user, values["language"])
        code = language.remember(request, user.pk, values["language"])
        # Said in the language just chosen (the browser's when none).
        with translation.override(code or translation.get_language_from_request(request)):
            return _("Your language is saved.")

    return _saved(
        request,
        LanguageForm(request.POST),
        lambda form: account_page(request, language_form=form, status=400),
        save,
    )


@require_POST
@login_required
def choose_zone(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)

    def save(values: dict[str, Any]) -> str:
        profile.set_time_zone(user, values["time_zone"])
        # This browser's pages follow at once (planner.accounts.clock).
        clock.remember(request, user.pk)
        return _("Your time zone is saved.")

    return _saved(
        request,
        ZoneForm(request.POST),
        lambda form: account_page(request, zone_form=form, status=400),
        save,
    )


@login_required
def download(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    body = json.dumps(export.collect(signed_in(request), now), cls=DjangoJSONEncoder, indent=2)
    response = HttpResponse(body, content_type="application/json")
    filename = f"rehab-planner-export-{now.date().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A copy of someone's health data must not linger in a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    everywhere.sign_out_everywhere(request, signed_in(request))
    messages.success(request, _("You are signed out everywhere, and every API token has ended."))
    return redirect("account_login")


@login_required
def delete(request: HttpRequest) -> HttpResponse:
    """GET asks for the password; POST with the right one deletes everything."""
    if request.method != "POST":
        return account_page(request, delete_form=DeleteAccountForm())
    form = DeleteAccountForm(request.POST)
    if not form.is_valid():
        return account_page(request, delete_form=form)
    user = signed_in(request)
    try:
        deletion.confirm_password(
            user, form.cleaned_data["password"], client_address(request), timezone.now()
        )
    except deletion.TooManyAttempts as exc:
        form.add_error("password", str(exc))
        return account_page(request, delete_form=form, status=429)
    except ValidationError as error:
        add_domain_errors(form, error)
        return account_page(request, delete_form=form)
    deletion.delete_account(user)
    logout(request)
    messages.success(request, _("Your account and all its data are deleted."))
    return redirect("home")


urlpatterns = [
    path("account/", account_view, name="account"),
    path("account/name/", name, name="account-name"),
    path("account/clinic/", clinic, name="account-clinic"),
    path("account/language/", choose_language, name="account-language"),
    path("account/time-zone/", choose_zone, name="account-time-zone"),
    path("account/export/", download, name="account-export"),
    path("account/everywhere/", sign_out_everywhere, name="account-sign-out-everywhere"),
    path("account/delete/", delete, name="account-delete"),
    path("notifications/", notifications, name="notifications"),
    path("notifications/<id:notification_id>/read/", mark_read, name="notification-read"),
    path("care/<id:link_id>/answer/", answer, name="care-answer"),
    path("care/<id:link_id>/end/", end, name="care-end"),
]
