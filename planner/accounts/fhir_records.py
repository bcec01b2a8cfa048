"""A runner's records as a FHIR R4 bundle, for a clinic's record system to read.

FHIR R4B (4.3.0, the R4 line's technical correction) as fhir.resources 8 models it
(`fhir.resources.R4B`): each resource is built as plain JSON-able values and validated by
constructing the library's model, so a bundle that breaks the specification's structure (a
missing required element, an unknown one, a wrong type) fails here, never at the reader.

`load` reads what the bundle needs in a fixed number of queries (five, whatever the number of
plans, logs and answers); `bundle_of` and the one function per resource kind below it are pure:
they take the rows already loaded and never query, so the data export
(planner.accounts.export) feeds them the rows it has read anyway. A new kind of resource is one
function and one line in `bundle_of`.

What goes in: a Patient (an identifier of the account, the name she chose if she chose one,
never her email), a CarePlan per plan with an activity per exercise, a Procedure per logged
session (done, done in part, or skipped), an Observation per pain score (during the
exercise, and the next morning), a Questionnaire per outcome measure she answered (the LEFS,
the PSFS) and a QuestionnaireResponse per answer (planner.accounts.fhir_questionnaires).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import User
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.procedure import Procedure
from fhir.resources.R4B.resource import Resource

from planner.accounts import fhir_questionnaires
from planner.engine import course
from planner.engine.schedule import Frequency
from planner.models import Plan, PlanExercise, Profile, QuestionnaireAnswer, SessionLog
from planner.plans import ladders

# The version of FHIR the bundle is validated against (fhir.resources' R4B models).
FHIR_VERSION = "4.3.0"
MEDIA_TYPE = "application/fhir+json"

LOINC = "http://loinc.org"
# "Pain severity - 0-10 verbal numeric rating [Score] - Reported": the runner's own 0-10 score.
PAIN_SCORE_CODE = "72514-3"
PAIN_SCORE_DISPLAY = "Pain severity - 0-10 verbal numeric rating [Score] - Reported"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"

# A plan's status as FHIR's CarePlan status (request-status): a paused plan is on hold; a plan
# stopped for a warning sign is revoked, ended before its time and not to be carried on.
CARE_PLAN_STATUS: Mapping[str, str] = {
    Plan.Status.ACTIVE: "active",
    Plan.Status.PAUSED: "on-hold",
    Plan.Status.STOPPED: "revoked",
    Plan.Status.COMPLETED: "completed",
}
# The same for each exercise of the plan (care-plan-activity-status).
ACTIVITY_STATUS: Mapping[str, str] = {
    Plan.Status.ACTIVE: "in-progress",
    Plan.Status.PAUSED: "on-hold",
    Plan.Status.STOPPED: "stopped",
    Plan.Status.COMPLETED: "completed",
}
# How often an exercise is done, as a FHIR Timing's repeat.
TIMING: Mapping[Frequency, dict[str, Any]] = {
    Frequency.DAILY: {"frequency": 1, "period": 1, "periodUnit": "d"},
    Frequency.EVERY_OTHER_DAY: {"frequency": 1, "period": 2, "periodUnit": "d"},
    Frequency.THREE_PER_WEEK: {
        "frequency": 3,
        "period": 1,
        "periodUnit": "wk",
        "dayOfWeek": ["mon", "wed", "fri"],
    },
}


@dataclass(frozen=True)
class RunnerRecords:
    """What one person's bundle is made of, already loaded: plans with their program,
    exercises with their exercise, the session logs and the questionnaires answered."""

    account_id: int
    display_name: str
    plans: list[Plan]
    exercises: list[PlanExercise]
    logs: list[SessionLog]
    answers: list[QuestionnaireAnswer]


def load(user: User) -> RunnerRecords:
    """The person's records in five queries, however many plans, logs and answers she has."""
    return RunnerRecords(
        account_id=user.pk,
        # 1: the name she chose, if any.
        display_name=chosen_name(user),
        # 2: the plans, with their program (for its name).
        plans=list(
            Plan.objects.filter(user=user).select_related("program").order_by("start_date", "pk")
        ),
        # 3: their exercises, with the exercise (its name and unit, for the dose in words).
        exercises=list(
            PlanExercise.objects.filter(plan__user=user)
            .select_related("exercise")
            .order_by("plan_id", "order", "pk")
        ),
        # 4: the session logs.
        logs=list(SessionLog.objects.filter(plan__user=user).order_by("plan_id", "day", "pk")),
        # 5: the outcome questionnaires answered (the data export's order).
        answers=list(
            QuestionnaireAnswer.objects.filter(plan__user=user).order_by(
                "plan_id", "answered_at", "pk"
            )
        ),
    )


def chosen_name(user: User) -> str:
    """The name the person chose, or "" (1 query): unlike planner.names, never the username,
    which is a login, not a name to put in a health record."""
    return Profile.objects.filter(user=user).values_list("display_name", flat=True).first() or ""


def as_json(bundle: Bundle) -> dict[str, Any]:
    """The bundle as plain JSON values (what the data export holds)."""
    return bundle.model_dump(mode="json")


# --- The bundle, from loaded rows: no queries below this line -------------------------------


class Ids:
    """The bundle's `urn:uuid:` ids: the same row gives the same id in every export from the
    same site, so a reader can tell a resource it has seen again from a new one."""

    def __init__(self, site_url: str) -> None:
        self.site_url = site_url

    def of(self, kind: str, pk: int | str) -> str:
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{self.site_url}/fhir/{kind}/{pk}')}"


def bundle_of(records: RunnerRecords, site_url: str, now: datetime) -> Bundle:
    """The person's bundle (type "collection"): Patient, CarePlans, Procedures, Observations,
    then the Questionnaires of the measures she answered and a QuestionnaireResponse each."""
    ids = Ids(site_url)
    patient_url = ids.of("Patient", records.account_id)
    exercises_of: dict[int, list[PlanExercise]] = {}
    for item in records.exercises:
        exercises_of.setdefault(item.plan_id, []).append(item)
    exercise_by_id = {item.pk: item for item in records.exercises}

    entries: list[tuple[str, Resource]] = [
        (patient_url, patient(records.account_id, records.display_name, site_url))
    ]
    for plan in records.plans:
        entries.append(
            (
                ids.of("CarePlan", plan.pk),
                care_plan(plan, exercises_of.get(plan.pk, []), patient_url),
            )
        )
    for log in records.logs:
        plan_url = ids.of("CarePlan", log.plan_id)
        session_url = ids.of("Procedure", log.pk)
        entries.append(
            (session_url, session(log, exercise_by_id[log.plan_exercise_id], patient_url, plan_url))
        )
        for moment, score in pain_scores(log):
            entries.append(
                (
                    ids.of(f"Observation/{moment}", log.pk),
                    pain_observation(score, moment, log.day, patient_url, plan_url, session_url),
                )
            )
    # A measure's definition once, in the order first answered; then every answer.
    for measure in dict.fromkeys(answer.measure for answer in records.answers):
        entries.append(
            (
                ids.of("Questionnaire", measure),
                fhir_questionnaires.questionnaire(measure, site_url),
            )
        )
    for answer in records.answers:
        entries.append(
            (
                ids.of("QuestionnaireResponse", answer.pk),
                fhir_questionnaires.questionnaire_response(
                    answer, site_url, patient_url, ids.of("CarePlan", answer.plan_id)
                ),
            )
        )
    return Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "type": "collection",
            "timestamp": now.isoformat(),
            "entry": [{"fullUrl": url, "resource": resource} for url, resource in entries],
        }
    )


def patient(account_id: int, display_name: str, site_url: str) -> Patient:
    """The person: the account's id under the app's own identifier system; her name only if
    she chose one to be shown by; never her email (an export gets shared)."""
    values: dict[str, Any] = {
        "resourceType": "Patient",
        "identifier": [{"system": account_system(site_url), "value": str(account_id)}],
        "active": True,
    }
    if display_name:
        values["name"] = [{"text": display_name}]
    return Patient.model_validate(values)


def account_system(site_url: str) -> str:
    """The identifier system of the planner's accounts: a URL of the app itself."""
    return f"{site_url}/fhir/identifiers/account"


def care_plan(plan: Plan, exercises: Iterable[PlanExercise], patient_url: str) -> CarePlan:
    """A plan: its program's name, its days (from the start to the projected end, which moves
    later when progress stalls, never before the planned end), and an activity per exercise
    with the dose now, in words, and how often."""
    description = f"Planned to end on {plan.planned_end.isoformat()}."
    if plan.stop_reason:
        description += f" Stopped: {plan.stop_reason}"
    return CarePlan.model_validate(
        {
            "resourceType": "CarePlan",
            "status": CARE_PLAN_STATUS[plan.status],
            "intent": "plan",
            "title": plan.program.name,
            "description": description,
            "subject": {"reference": patient_url},
            "period": {
                "start": plan.start_date.isoformat(),
                "end": plan.projected_end.isoformat(),
            },
            "created": plan.created_at.isoformat(),
            "activity": [{"detail": activity(plan, item)} for item in exercises],
        }
    )


def activity(plan: Plan, item: PlanExercise) -> dict[str, Any]:
    """One exercise of a plan; one a therapist removed is stopped whatever the plan's status."""
    frequency = Frequency(item.frequency)
    status = "stopped" if item.removed_on is not None else ACTIVITY_STATUS[plan.status]
    return {
        "status": status,
        "code": {"text": item.exercise.name},
        "description": course.dose_text(ladders.ladder_of(item), ladders.dose_of(item)),
        "scheduledTiming": {
            "repeat": TIMING[frequency],
            "code": {"text": item.get_frequency_display()},
        },
    }


def session(log: SessionLog, item: PlanExercise, patient_url: str, plan_url: str) -> Procedure:
    """A logged session as a Procedure (an act done, or not, by the patient): completed when
    done in full, stopped when done in part (fewer reps or seconds than the day's dose), not
    done when skipped."""
    if not log.done:
        status = "not-done"
    elif log.partial:
        status = "stopped"
    else:
        status = "completed"
    values: dict[str, Any] = {
        "resourceType": "Procedure",
        "status": status,
        "code": {"text": item.exercise.name},
        "subject": {"reference": patient_url},
        "basedOn": [{"reference": plan_url}],
        "performedDateTime": log.day.isoformat(),
    }
    if log.partial and log.amount_done is not None:
        values["outcome"] = {"text": f"Done in part: {log.amount_done} {item.exercise.unit}"}
    if log.note:
        values["note"] = [{"text": log.note}]
    return Procedure.model_validate(values)


# The moments a pain score is taken, and how each Observation says which it is.
PAIN_MOMENTS: Mapping[str, str] = {
    "during": "Pain during the exercise",
    "next-morning": "Pain the morning after the session",
}


def pain_scores(log: SessionLog) -> list[tuple[str, int]]:
    """The pain scores a log holds, by moment: none, one or both."""
    scores = [("during", log.pain_during), ("next-morning", log.pain_next_morning)]
    return [(moment, score) for moment, score in scores if score is not None]


def pain_observation(
    score: int, moment: str, day: date, patient_url: str, plan_url: str, session_url: str
) -> Observation:
    """A 0-10 pain score the runner reported, on the session's day, part of that session."""
    return Observation.model_validate(
        {
            "resourceType": "Observation",
            "status": "final",
            "category": [
                {"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey"}]},
            ],
            "code": {
                "coding": [
                    {"system": LOINC, "code": PAIN_SCORE_CODE, "display": PAIN_SCORE_DISPLAY}
                ],
                "text": PAIN_MOMENTS[moment],
            },
            "subject": {"reference": patient_url},
            "basedOn": [{"reference": plan_url}],
            "partOf": [{"reference": session_url}],
            "effectiveDateTime": day.isoformat(),
            "valueInteger": score,
            "note": [{"text": PAIN_MOMENTS[moment]}],
        }
    )
