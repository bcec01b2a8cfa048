"""The account: notifications (with therapists' invitations and care links), a copy of my
data, a new password, and deleting the account."""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from kit.web import client_address, signed_in
from planner.accounts import deletion, export
from planner.care import linking
from planner.models import CareLink, Notification
from planner.pages.common import add_domain_errors

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
        .select_related("therapist")
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
    if request.htmx:  # type: ignore[attr-defined]
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
        name = link.therapist.username
        messages.success(
            request,
            f"{name} can now see your plans and progress."
            if accept
            else f"You declined {name}'s invitation.",
        )
    return redirect("notifications")


@require_POST
@login_required
def end(request: HttpRequest, link_id: int) -> HttpResponse:
    link = linking.end_link(signed_in(request), link_id, timezone.now())
    messages.success(request, f"{link.therapist.username} can no longer see your plans.")
    return redirect("notifications")


# --- The account ---------------------------------------------------------------------------


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Asked again because deleting cannot be undone.",
    )


def account_page(
    request: HttpRequest,
    password_form: PasswordChangeForm | None = None,
    delete_form: DeleteAccountForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = signed_in(request)
    return render(
        request,
        "pages/account/account.html",
        {
            "password_form": password_form or PasswordChangeForm(user, prefix="password"),
            "delete_form": delete_form,
            "confirming": delete_form is not None,
        },
        status=status,
    )


@login_required
def account_view(request: HttpRequest) -> HttpResponse:
    return account_page(request)


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
def change_password(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(signed_in(request), request.POST, prefix="password")
    if not form.is_valid():
        return account_page(request, password_form=form)
    user = form.save()
    # Keeps this browser signed in; other sessions signed in with the old password end.
    update_session_auth_hash(request, user)
    messages.success(request, "Your password is changed.")
    return redirect("account")


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
    messages.success(request, "Your account and all its data are deleted.")
    return redirect("home")


urlpatterns = [
    path("account/", account_view, name="account"),
    path("account/export/", download, name="account-export"),
    path("account/password/", change_password, name="account-password"),
    path("account/delete/", delete, name="account-delete"),
    path("notifications/", notifications, name="notifications"),
    path("notifications/<int:notification_id>/read/", mark_read, name="notification-read"),
    path("care/<int:link_id>/answer/", answer, name="care-answer"),
    path("care/<int:link_id>/end/", end, name="care-end"),
]
