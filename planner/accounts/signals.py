"""What a change to a person's account sets going, wired in one place (PlannerConfig.ready):

- a new password (the person's, a reset, an admin's) ends every API token issued under the old
  one; sessions end by Django's own session hash;
- being made a therapist or staff ends every session and token, so the next sign-in asks for
  the second factor, or sends them to set one up;
- a sign-in through the pages flags a therapist or staff member without a factor; adding or
  removing one looks again (planner.accounts.two_factors);
- signing out of allauth's app API ends the token it gave (planner.accounts.tokens);
- a confirmed address receives the invitations waiting for it (planner.care.linking);
- any sign-in reads the time zone the person's pages show times in (planner.accounts.clock),
  and the language she chose for them (planner.accounts.language); a sign-up through the pages
  keeps the language it was shown in as her choice;
- signing out on a browser turns its push reminders off (planner.delivery.devices).
"""

from __future__ import annotations

from typing import Any

from allauth.account.signals import email_confirmed, user_logged_in, user_signed_up
from allauth.mfa.signals import authenticator_added, authenticator_removed
from django.contrib.auth.models import Group, User
from django.contrib.auth.signals import user_logged_in as signed_in_anywhere
from django.contrib.auth.signals import user_logged_out
from django.db import transaction
from django.db.models.signals import m2m_changed, pre_save

from planner.access import THERAPIST_GROUP
from planner.accounts import clock, deletion, language, tokens, two_factors
from planner.care import linking
from planner.delivery import devices

# The fields whose change ends something; a save naming neither reads nothing.
WATCHED = frozenset({"password", "is_staff"})


def role_granted(user_id: int) -> None:
    """Made a therapist or staff: the new role's reading starts at a sign-in with a factor."""
    tokens.revoke_all(user_id)
    transaction.on_commit(lambda: deletion.end_sessions(user_id))


def on_user_saving(sender: object, instance: User, **kwargs: Any) -> None:
    update_fields = kwargs.get("update_fields")
    if instance.pk is None or (update_fields is not None and not WATCHED & set(update_fields)):
        return
    # One read of what the save changes.
    before = User.objects.filter(pk=instance.pk).values("password", "is_staff").first()
    if before is None:
        return
    if before["password"] != instance.password:
        tokens.revoke_all(instance.pk)
    if instance.is_staff and not before["is_staff"]:
        role_granted(instance.pk)


def on_groups_changed(
    sender: object, instance: object, action: str, pk_set: set[int] | None, **_: Any
) -> None:
    if action != "post_add" or not pk_set:
        return
    if isinstance(instance, User):
        if Group.objects.filter(pk__in=pk_set, name=THERAPIST_GROUP).exists():
            role_granted(instance.pk)
    elif isinstance(instance, Group) and instance.name == THERAPIST_GROUP:
        for user_id in pk_set:
            role_granted(user_id)


def connect() -> None:
    pre_save.connect(on_user_saving, sender=User, dispatch_uid="accounts-user-saving")
    m2m_changed.connect(
        on_groups_changed, sender=User.groups.through, dispatch_uid="accounts-role-granted"
    )
    user_logged_in.connect(two_factors.on_signed_in, dispatch_uid="accounts-signed-in")
    # Django's own signal: every sign-in, the pages', the admin's and a test's force_login.
    signed_in_anywhere.connect(clock.on_signed_in, dispatch_uid="accounts-clock")
    signed_in_anywhere.connect(language.on_signed_in, dispatch_uid="accounts-language")
    user_signed_up.connect(language.on_signed_up, dispatch_uid="accounts-signed-up-language")
    authenticator_added.connect(two_factors.on_factors_changed, dispatch_uid="accounts-2fa-added")
    authenticator_removed.connect(
        two_factors.on_factors_changed, dispatch_uid="accounts-2fa-removed"
    )
    user_logged_out.connect(tokens.on_signed_out, dispatch_uid="accounts-signed-out")
    user_logged_out.connect(devices.on_signed_out, dispatch_uid="accounts-push-signed-out")
    email_confirmed.connect(linking.on_email_confirmed, dispatch_uid="accounts-email-confirmed")
    # Signing up through an invitation's link confirms the address without a confirmation
    # email (allauth's verified-email stash), so no email_confirmed is sent: the invitations
    # waiting for that address reach the new account here.
    user_signed_up.connect(linking.on_signed_up, dispatch_uid="accounts-signed-up")
