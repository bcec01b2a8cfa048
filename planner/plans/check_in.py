"""The weekly check-in of a running plan: the warning-sign questions asked again. A sign
stops the plan, as urgent as the sign, and alerts the runner's therapists."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from conditions.models import RedFlag
from planner.access import own_plan
from planner.engine import schedule
from planner.engine import screening as rules
from planner.models import Plan, Screening
from planner.plans import lifecycle
from planner.plans.daily import today_of
from planner.safety import screenings


def questions(plan: Plan) -> list[RedFlag]:
    """The warning signs asked for the plan's condition's regions."""
    return screenings.questions_for(plan.program.condition.regions.all())


def last_check_in(plan: Plan) -> Screening | None:
    return plan.check_ins.order_by("-answered_at").first()


def due(plan: Plan, now: datetime) -> bool:
    """Whether the plan's weekly check-in is due on the runner's today."""
    return due_on(plan, today_of(plan, now))


def due_on(plan: Plan, day: date) -> bool:
    """Whether the plan's weekly check-in is due on `day` (the runner's local date)."""
    last = last_check_in(plan)
    return due_after(plan, day, last.answered_at if last else None)


def due_after(plan: Plan, day: date, last_answered: datetime | None) -> bool:
    """Whether the check-in is due on `day` when the last one was answered at `last_answered`
    (None: never)."""
    last_day = schedule.local_date(last_answered, plan.time_zone) if last_answered else None
    return plan.status == Plan.Status.ACTIVE and rules.check_in_due(plan.start_date, day, last_day)


def last_answered(plan_ids: Iterable[int]) -> dict[int, datetime]:
    """When each plan's last check-in was answered, for the plans that had one (one query)."""
    return dict(
        Screening.objects.filter(check_in_of_id__in=list(plan_ids))
        .values("check_in_of_id")
        .annotate(last=Max("answered_at"))
        .order_by()
        .values_list("check_in_of_id", "last")
    )


def check_in(runner: User, plan_id: int, answers: Mapping[str, bool], now: datetime) -> Screening:
    """Store the runner's check-in; a warning sign stops the plan with its urgency and the
    catalog's advice, in the same transaction as the alert to the therapists."""
    with transaction.atomic():
        plan = own_plan(runner, plan_id, act="check in on", related=("program__condition",))
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        if locked.status not in (Plan.Status.ACTIVE, Plan.Status.PAUSED):
            raise ValidationError(
                {
                    "plan": _("The plan is %(status)s: no check-in.")
                    % {"status": locked.get_status_display().lower()}
                }
            )
        screening = screenings.record(runner, questions(plan), answers, now, check_in_of=locked)
        if screening.verdict != Screening.Verdict.CLEAR:
            signs = screenings.signs_reported(screening)
            lifecycle.stop(
                locked,
                # Stored as written: in the language of the runner answering.
                _("Warning sign at the weekly check-in: %(signs)s")
                % {"signs": "; ".join(f.sign for f in signs)},
                now,
                urgency=screening.verdict,
                advice=" ".join(flag.advice for flag in signs),
            )
    return screening
