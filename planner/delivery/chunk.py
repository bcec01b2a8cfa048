"""What a chunk of deliveries needs to be composed and addressed, read set by set: a handful of
queries for the whole chunk (its deliveries, the plans' days and exercises, last check-ins,
questionnaire answers, dose changes and phases, confirmed addresses with the recipients'
languages and time zones), not a handful per delivery. A send task takes 500 deliveries at a
time (planner.delivery.dispatch.SEND_CHUNK)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from planner import addresses
from planner.access import active_links
from planner.delivery import compose
from planner.models import (
    Delivery,
    DoseChange,
    Phase,
    PushSubscription,
    QuestionnaireAnswer,
    Reminder,
)
from planner.plans import check_in, daily, outcomes


@dataclass
class Facts:
    """A chunk's reads: by (plan id, day) the days and dose changes, by plan id the last
        check-ins and answers, by (program id, first week) the phases, by user id the addresses,
    languages and time zones."""

    days: dict[tuple[int, date], daily.Day] = field(default_factory=dict)
    last_check_in: dict[int, datetime] = field(default_factory=dict)
    answers: dict[int, list[QuestionnaireAnswer]] = field(default_factory=dict)
    changes: dict[tuple[int, date], list[DoseChange]] = field(default_factory=dict)
    phases: dict[tuple[int, int], Phase] = field(default_factory=dict)
    addresses: dict[int, str] = field(default_factory=dict)
    # By user id, the language and time zone each chose ("" when none), read with the addresses.
    languages: dict[int, str] = field(default_factory=dict)
    zones: dict[int, str] = field(default_factory=dict)
    # (therapist id, runner id) of the alerts' links that still run.
    linked: set[tuple[int, int]] = field(default_factory=set)
    # By user id, the devices push deliveries go to (read only when the chunk has one).
    devices: dict[int, list[PushSubscription]] = field(default_factory=dict)


def deliveries(ids: Iterable[int]) -> list[Delivery]:
    """The deliveries, with their plan, recipient, alert and conversation. Not the plan's
    owner: nothing sent shows more of her than her id (her address and language are read with
    the others', addresses.readers_of), and a chunk's 500 users built for nothing cost a
    tenth of reading it."""
    return list(
        Delivery.objects.filter(pk__in=list(ids))
        .select_related("plan", "recipient", "alert__runner", "conversation__link")
        .order_by("pk")
    )


def addressee_id(delivery: Delivery) -> int | None:
    """Who the delivery is for: its recipient (alerts, messages), else the plan's owner."""
    if delivery.recipient_id is not None:
        return delivery.recipient_id
    return delivery.plan.user_id if delivery.plan is not None else None


def read(chunk: Sequence[Delivery]) -> Facts:
    """Everything compose needs for the chunk's plan deliveries, alerts and addresses."""
    facts = Facts()
    by_kind: dict[str, list[Delivery]] = defaultdict(list)
    for delivery in chunk:
        if delivery.plan is not None and delivery.alert_id is None:
            by_kind[delivery.kind].append(delivery)
    reminders = by_kind[Reminder.Kind.REMINDER]
    # A nudge says something only when its day is due and not logged: the day is read as a
    # reminder's is.
    days = reminders + by_kind[Reminder.Kind.NUDGE]
    if days:
        facts.days = daily.plan_days([(d.plan, d.local_date) for d in days if d.plan])
    if reminders:
        facts.last_check_in = check_in.last_answered(d.plan_id for d in reminders if d.plan_id)
    asked = by_kind[Reminder.Kind.OUTCOMES]
    if asked:
        facts.answers = outcomes.answers_of_plans(d.plan_id for d in asked if d.plan_id)
    steps = by_kind[Reminder.Kind.PROGRESSION]
    if steps:
        facts.changes = _changes_on([(d.plan_id, d.local_date) for d in steps if d.plan_id])
        programs = {
            d.plan.program_id
            for d in steps
            if d.plan and compose.starts_a_week(d.plan, d.local_date)
        }
        if programs:
            for phase in Phase.objects.filter(program_id__in=programs):
                # The first of the program's phases to start that week, as .first() read it.
                facts.phases.setdefault((phase.program_id, phase.first_week), phase)
    raised = [d for d in chunk if d.alert is not None and d.recipient_id is not None]
    if raised:
        facts.linked = set(
            active_links()
            .filter(runner_id__in={d.alert.runner_id for d in raised if d.alert})
            .values_list("therapist_id", "runner_id")
        )
    people = {person for d in chunk if (person := addressee_id(d)) is not None}
    for person, reader in addresses.readers_of(people).items():
        if reader.email:
            facts.addresses[person] = reader.email
        facts.languages[person] = reader.language
        facts.zones[person] = reader.time_zone
    # A push delivery's devices, and those of a reminder's runner: her email's sender writes
    # its push beside it (planner.delivery.notify).
    pushed = {
        d.plan.user_id
        for d in chunk
        if d.plan is not None and d.alert_id is None and d.conversation_id is None
    }
    if pushed:
        for device in PushSubscription.objects.filter(user_id__in=pushed).order_by("pk"):
            facts.devices.setdefault(device.user_id, []).append(device)
    return facts


def _changes_on(wanted: Sequence[tuple[int, date]]) -> dict[tuple[int, date], list[DoseChange]]:
    """The dose changes effective on each (plan id, day), starts left out, in the plan's order
    of exercises (one query)."""
    found: dict[tuple[int, date], list[DoseChange]] = defaultdict(list)
    keys = set(wanted)
    for change in (
        DoseChange.objects.filter(
            plan_exercise__plan_id__in={plan_id for plan_id, _ in keys},
            effective_on__in={day for _, day in keys},
        )
        .exclude(action=DoseChange.Action.START)
        .select_related("plan_exercise__exercise")
        .order_by("plan_exercise__order", "pk")
    ):
        key = (change.plan_exercise.plan_id, change.effective_on)
        if key in keys:
            found[key].append(change)
    return found
