"""A person's rights over their own account: confirm it is them, and delete everything.

Deleting an account removes everything personal at once: the person's plans and, through
them, their exercises, dose history, session logs, warning-sign reports, reminders,
deliveries and calendar feeds; their notifications; their care links, both as runner and as
therapist, and with each its conversation (its messages, their notices and emails: the other
side's too, since they name the person); their API tokens and sign-in sessions; the admin
history's entries about them; their rows in the therapists' patient lists kept in the cache.
A therapist who deletes their account leaves their patients' plans in place:
`Plan.assigned_by` and `DoseChange.decided_by` become empty (SET_NULL), so the dose history
keeps its reasons but no longer names who decided.

The REST API (planner/api/account.py) and the account page both use these functions.
"""

from __future__ import annotations

from datetime import datetime
from importlib import import_module

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from planner.accounts import signin_guard
from planner.care import patient_list
from planner.models import CareLink

# The session engines that keep sessions in the database, where a person's can be found.
DATABASE_SESSION_ENGINES = (
    "django.contrib.sessions.backends.db",
    "django.contrib.sessions.backends.cached_db",
    "kit.sessions",  # the database's, renewed as they are used
)


class TooManyAttempts(Exception):
    """Too many wrong passwords lately: the caller must wait `wait` seconds."""

    def __init__(self, wait: int) -> None:
        super().__init__(f"Too many wrong passwords: wait {wait} seconds before trying again.")
        self.wait = wait


def confirm_password(user: User, password: str, address: str, now: datetime) -> None:
    """A ValidationError naming `password` unless it is the account's. Repeated failures are
    slowed as at sign-in (TooManyAttempts), so a stolen session or token cannot be used to
    guess the password here."""
    wait = signin_guard.retry_after(user.username, address, now)
    if wait > 0:
        raise TooManyAttempts(wait)
    if not user.check_password(password):
        signin_guard.record_failure(user.username, address, now)
        raise ValidationError({"password": _("That is not your password.")})
    signin_guard.record_success(user.username, address)


def end_sessions(user_id: int) -> None:
    """Delete every stored sign-in session of a person.

    Sessions carry no user column, so this reads them all; deleting an account is rare enough
    for that. With a session engine that cannot be listed (cache, cookies) the sessions stay,
    but they can no longer sign anyone in: their user is gone.
    """
    if settings.SESSION_ENGINE not in DATABASE_SESSION_ENGINES:
        return
    store = import_module(settings.SESSION_ENGINE).SessionStore
    theirs = [
        session.session_key
        for session in Session.objects.iterator(chunk_size=2000)
        if session.get_decoded().get(SESSION_KEY) == str(user_id)
    ]
    for key in theirs:
        # Through the store, so a cached_db engine forgets its cached copy too.
        store(session_key=key).delete()


@transaction.atomic
def delete_account(user: User) -> None:
    """Delete the person and, by the CASCADEs on every table that refers to them, all of
    their data (see the module docstring); tokens go the same way."""
    user_id = user.pk
    # Read before the links go with the account: the lists that hold the person's row.
    therapist_ids = list(
        CareLink.objects.filter(runner_id=user_id).values_list("therapist_id", flat=True)
    )
    # The admin's history names the account in its entries about it (object_repr): those go
    # with it. (Entries the person made as staff go by the log's own CASCADE.)
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user_id)
    ).delete()
    user.delete()
    end_sessions(user_id)
    # The therapists' cached patient lists hold the person's row (pain, adherence) for up to a
    # quarter hour: dropped once the deletion is committed, so none of it outlives the account.
    # Their own cached lists (a therapist leaving) go too.
    transaction.on_commit(
        lambda: patient_list.forget_runner(user_id, [*therapist_ids, user_id], timezone.now())
    )
