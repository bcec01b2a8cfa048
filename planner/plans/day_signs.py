"""A warning sign reported for a day's session as a whole: today's page asks the question once
for the day, not on each exercise's card. It stops the plan as a sign reported with a log
does (sessions.log_session): as urgent as the sign, with the catalog's advice, the report kept
with the day, and the runner's therapists alerted in the same transaction."""

from __future__ import annotations

from datetime import date, datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction

from conditions.models import RedFlag
from planner.engine import progression
from planner.models import Alert, Plan
from planner.names import shown_name
from planner.plans import lifecycle
from planner.plans.daily import not_loggable, today_of
from planner.plans.sessions import lock_own_plan, report_sign, stop_of
from planner.safety import alerts


@transaction.atomic
def report(
    *,
    runner: AbstractBaseUser | AnonymousUser,
    plan_id: int,
    day: date,
    flag: RedFlag,
    note: str = "",
    now: datetime,
) -> Plan:
    """Stop the runner's own plan for `flag`, noticed on `day` (a day that could be logged:
    the plan running, the day within the logging window), and alert their therapists."""
    plan = lock_own_plan(runner, plan_id, "report a warning sign on")
    refused = not_loggable(plan, day, today_of(plan, now))
    if refused is not None:
        raise ValidationError({"red_flag": refused.message})
    report_sign(plan, flag, day, note)
    urgency, advice = stop_of(flag)
    lifecycle.stop(
        plan, progression.sign_reason(flag.sign, day), now, urgency=urgency, advice=advice
    )
    alerts.raise_alert(
        runner=plan.user,
        kind=Alert.Kind.WARNING_SIGN,
        urgency=urgency,
        text=f"{shown_name(plan.user)} reported {flag.sign.lower()} on {day:%A %d %B}; "
        "the plan has stopped.",
        advice=flag.advice,
        plan=plan,
        now=now,
    )
    return plan
