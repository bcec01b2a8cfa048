"""Who may see what: every object is reachable by its owner, the owner's linked therapist
(through an active care link) and admins. Everything else is as if it did not exist."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group
from django.db.models import Q, QuerySet

from planner.models import CareLink, Plan

THERAPIST_GROUP = "therapist"

Someone = AbstractBaseUser | AnonymousUser


def is_admin(user: Someone) -> bool:
    return bool(user.is_authenticated and getattr(user, "is_staff", False))


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
