"""Who may see what: every object is reachable by its owner, the owner's linked therapist
(through an active care link) and admins. Everything else is as if it did not exist (404).

The plans a view shows are looked up here, for the API and the pages alike.
"""

from __future__ import annotations

from typing import NoReturn

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, PermissionsMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from exercises.models import ExerciseMedia
from planner.models import CareLink, Plan, Program

THERAPIST_GROUP = "therapist"

Someone = AbstractBaseUser | AnonymousUser


# The explicit permission that lets staff read runners' health data (plans and all in them);
# a superuser holds every permission. Each look is recorded (audit.recording).
HEALTH_DATA_PERMISSION = "planner.view_plan"


def is_admin(user: Someone) -> bool:
    """Staff granted the health-data permission: a staff account without it (one made to
    curate the catalog, say) reads no one's plans."""
    return bool(
        user.is_authenticated
        and getattr(user, "is_staff", False)
        and isinstance(user, PermissionsMixin)
        and user.has_perm(HEALTH_DATA_PERMISSION)
    )


def is_therapist(user: Someone) -> bool:
    """Therapists are granted the role by an admin (the "therapist" group)."""
    return bool(
        user.is_authenticated
        and Group.objects.filter(name=THERAPIST_GROUP, user__pk=user.pk).exists()
    )


def role_of(user: Someone) -> str:
    if is_admin(user):
        return "admin"
    return "therapist" if is_therapist(user) else "runner"


def active_links() -> QuerySet[CareLink]:
    """Links that grant access: accepted, not ended, and the therapist still holds the role
    (an admin who takes the role away takes the access with it)."""
    return CareLink.objects.filter(
        status=CareLink.Status.ACTIVE, therapist__groups__name=THERAPIST_GROUP
    )


def linked_runner_ids(therapist: Someone) -> QuerySet[CareLink, int]:
    return active_links().filter(therapist_id=therapist.pk).values_list("runner_id", flat=True)


def plans_visible_to(user: Someone) -> QuerySet[Plan]:
    if not user.is_authenticated:
        return Plan.objects.none()
    if is_admin(user):
        return Plan.objects.all()
    return Plan.objects.filter(Q(user_id=user.pk) | Q(user_id__in=linked_runner_ids(user)))


def may_see_plan_of(user: Someone, owner_id: int) -> bool:
    """What plans_visible_to says of a plan already read, for its owner's id: no query for the
    owner or an admin, one for anyone else (are they the owner's linked therapist?)."""
    if not user.is_authenticated:
        return False
    if user.pk == owner_id or is_admin(user):
        return True
    return active_links().filter(therapist_id=user.pk, runner_id=owner_id).exists()


def is_linked(therapist: Someone, runner: Someone) -> bool:
    return active_links().filter(therapist_id=therapist.pk, runner_id=runner.pk).exists()


def plans_by(related: tuple[str, ...]) -> QuerySet[Plan]:
    # select_related() with no names would follow every foreign key.
    return Plan.objects.select_related(*related) if related else Plan.objects.all()


def not_found(model: type[Model]) -> NoReturn:
    """The 404 of an object that does not exist: one the caller may not see gets the same."""
    raise Http404(f"No {model._meta.object_name} matches the given query.")


def visible_plan(user: Someone, plan_id: int, *, related: tuple[str, ...] = ()) -> Plan:
    """The plan (with the `related` rows it names, for select_related) if the caller may see
    it (owner, linked therapist, admin); to anyone else, the 404 of a plan that does not exist.

    Read by its key, then checked: filtering through plans_visible_to costs an OR and a
    subquery to compile and plan on every request, where the owner, who makes most of them,
    needs nothing beyond the row.
    """
    plan = plans_by(related).filter(pk=plan_id).first()
    if plan is None or not may_see_plan_of(user, plan.user_id):
        not_found(Plan)
    return plan


# What a person may be refused, in words ("Only the runner whose plan this is can ..."): every
# `act` the callers pass, marked here for the translations and translated when refused.
ACTS = (
    gettext_noop("log its sessions"),
    gettext_noop("correct its logs"),
    gettext_noop("report a warning sign on"),
    gettext_noop("answer a questionnaire for"),
    gettext_noop("check in on"),
    gettext_noop("pause, resume or move it"),
    gettext_noop("change its reminders"),
    gettext_noop("change it"),
    gettext_noop("delete it"),
    gettext_noop("invite runners"),
    gettext_noop("list patients"),
    gettext_noop("assign programs"),
)


def own_plan(user: Someone, plan_id: int, *, act: str = "", related: tuple[str, ...] = ()) -> Plan:
    """The caller's own plan: changing it is the runner's alone. Anyone else gets the 404 of a
    plan that does not exist; with `act`, someone who may see the plan (the runner's therapist,
    an admin) is told instead that only the runner can `act` (403)."""
    plan = plans_by(related).filter(pk=plan_id, user_id=user.pk or 0).first()
    if plan is not None:
        return plan
    if act:
        visible_plan(user, plan_id)  # the 404 of a plan they may not see
        raise PermissionDenied(
            _("Only the runner whose plan this is can %(act)s.") % {"act": _(act)}
        )
    not_found(Plan)


def media_visible_to(user: Someone) -> QuerySet[ExerciseMedia]:
    """The exercise photos and videos `user` may see: the catalog's, their own, and those of
    the therapists they are linked to. An admin sees them all."""
    if not user.is_authenticated:
        return ExerciseMedia.objects.none()
    if is_admin(user):
        return ExerciseMedia.objects.all()
    therapists = active_links().filter(runner_id=user.pk).values_list("therapist_id", flat=True)
    return ExerciseMedia.objects.filter(
        Q(owner__isnull=True) | Q(owner_id=user.pk) | Q(owner_id__in=therapists)
    )


def media_shown_with_plan(runner: Someone, viewer: Someone) -> QuerySet[ExerciseMedia]:
    """The photos and videos a runner's cards show to `viewer`: all the runner may see when
    it is the runner; to anyone else (a therapist, an admin) only the catalog's and their own,
    never a colleague's upload to a patient they share."""
    shown = media_visible_to(runner)
    if viewer.pk == runner.pk:
        return shown
    return shown.filter(Q(owner__isnull=True) | Q(owner_id=viewer.pk))


def programs_visible_to(user: Someone) -> QuerySet[Program]:
    """The programs `user` may read, copy and assign: the catalog's, and for a therapist their
    own and those their clinic's therapists share (Profile.clinic); an admin sees them all. A
    runner reads a therapist's program only through a plan of it (plans_visible_to)."""
    if is_admin(user):
        return Program.objects.all()
    if not is_therapist(user):
        return Program.objects.catalog()
    return programs_a_therapist_sees(user)


def programs_a_therapist_sees(therapist: Someone) -> QuerySet[Program]:
    """programs_visible_to for a caller known to hold the therapist role (no question of the
    role asked again): the catalog's, their own, their clinic's shared ones."""
    return Program.objects.filter(Q(is_own=False) | own_programs_of_q(therapist))


def own_programs_of_q(therapist: Someone) -> Q:
    return Q(is_own=True) & (
        Q(owner_id=therapist.pk)
        | Q(shared_with_clinic=True, owner__profile__clinic__therapists__user_id=therapist.pk)
    )


def own_programs_seen_by(therapist: Someone) -> QuerySet[Program]:
    """programs_visible_to's own programs for a caller known to hold the therapist role: theirs
    and those their clinic's therapists share (no question of the role asked again)."""
    return Program.objects.filter(own_programs_of_q(therapist))


def own_program(user: Someone, program_id: int, *, act: str = "") -> Program:
    """A therapist's own program to change: its owner's alone. Anyone else gets the 404 of a
    program that does not exist; with `act`, a colleague who may see it (shared with their
    clinic) is told instead that only its owner can `act` (403)."""
    program = Program.objects.filter(pk=program_id, is_own=True, owner_id=user.pk or 0).first()
    if program is not None and is_therapist(user):
        return program
    if act and programs_visible_to(user).filter(pk=program_id, is_own=True).exists():
        raise PermissionDenied(
            _("Only the therapist who built this program can %(act)s.") % {"act": _(act)}
        )
    not_found(Program)


def plan_to_tailor(user: Someone, plan_id: int, *, related: tuple[str, ...] = ()) -> Plan:
    """A plan its runner's actively linked therapist tailors: theirs alone to change (an admin
    reads plans but does not prescribe). Anyone who may see the plan otherwise (its runner, an
    admin) is told so (403); anyone else gets the 404 of a plan that does not exist."""
    plan = plans_by(related).filter(pk=plan_id).first()
    if plan is None or not user.is_authenticated:
        not_found(Plan)
    if user.pk != plan.user_id:
        if active_links().filter(therapist_id=user.pk, runner_id=plan.user_id).exists():
            return plan
        if not is_admin(user):
            not_found(Plan)
    raise PermissionDenied("Only the runner's therapist can tailor their plan.")
