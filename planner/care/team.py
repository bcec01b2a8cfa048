"""Who looks after a runner, as the runner's pages and handouts show them: each actively linked
therapist by the name they chose, with their clinic's details (whom to call)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User

from planner.access import active_links, is_therapist
from planner.models import Clinic, Plan, Profile
from planner.names import clinic_of, shown_name


@dataclass(frozen=True)
class Carer:
    name: str
    clinic: Clinic | None
    assigned_this_plan: bool = False


def carers_of(plan: Plan) -> list[Carer]:
    """The runner's actively linked therapists, the one who assigned `plan` first. One query."""
    links = (
        active_links()
        .filter(runner_id=plan.user_id)
        .select_related("therapist__profile__clinic")
        .order_by("created_at")
    )
    carers = [
        Carer(
            shown_name(link.therapist),
            clinic_in(link.therapist),
            link.therapist_id == plan.assigned_by_id,
        )
        for link in links
    ]
    return sorted(carers, key=lambda carer: not carer.assigned_this_plan)


def clinic_in(therapist: User) -> Clinic | None:
    try:
        return therapist.profile.clinic
    except Profile.DoesNotExist:
        return None


def handout_clinic(viewer: User, plan: Plan | None) -> Clinic | None:
    """The clinic a handout is printed for: the therapist printing it, else the one who
    assigned the plan while they still look after the runner."""
    if is_therapist(viewer):
        own = clinic_of(viewer.pk)
        if own is not None:
            return own
    if plan is not None and plan.assigned_by_id is not None:
        still_caring = active_links().filter(
            therapist_id=plan.assigned_by_id, runner_id=plan.user_id
        )
        if still_caring.exists():
            return clinic_of(plan.assigned_by_id)
    return None
