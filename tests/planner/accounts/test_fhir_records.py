"""Rosa's records as a FHIR R4 bundle: valid by the library's models, her own and all of it."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.procedure import Procedure
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from planner.accounts import fhir_records, profile
from planner.engine import outcomes as rules
from planner.models import Plan, QuestionnaireAnswer, SessionLog
from planner.plans import outcomes, tailoring
from tests import factories
from tests.personas import People

pytestmark = pytest.mark.django_db

SITE = "https://planner.example"
NOW = datetime(2026, 4, 1, 12, tzinfo=UTC)


def bundle_for(people: People, who: str = "rosa") -> Bundle:
    return fhir_records.bundle_of(fhir_records.load(getattr(people, who)), SITE, NOW)


def resources(bundle: Bundle, kind: type[Any]) -> list[Any]:
    return [entry.resource for entry in bundle.entry or [] if isinstance(entry.resource, kind)]


def log(plan: Plan, slug: str, days: int, **values: Any) -> SessionLog:
    return SessionLog.objects.create(
        plan=plan,
        plan_exercise=plan.exercises.get(exercise__slug=slug),
        day=plan.start_date + timedelta(days=days),
        **values,
    )


def answer_lefs(plan: Plan, weeks: int = 0, items: list[int] | None = None) -> QuestionnaireAnswer:
    """The runner answers the LEFS through the service, `weeks` after the plan's start."""
    return outcomes.answer(
        plan.user,
        plan.pk,
        "lefs",
        factories.evening_of(plan, plan.start_date + timedelta(weeks=weeks)),
        items=items if items is not None else [2] * 20,
    )


PSFS_ACTIVITIES = ["Running 5 km", "Stairs at work", "Squatting to garden"]


def answer_psfs(
    plan: Plan, weeks: int = 0, scores: tuple[int, ...] = (3, 5, 7)
) -> QuestionnaireAnswer:
    return outcomes.answer(
        plan.user,
        plan.pk,
        "psfs",
        factories.evening_of(plan, plan.start_date + timedelta(weeks=weeks)),
        activities=list(zip(PSFS_ACTIVITIES, scores, strict=True)),
    )


def test_rosas_bundle_round_trips_with_her_counts(people: People) -> None:
    second = factories.plan_for(people.rosa, people.rosa_plan.start_date + timedelta(weeks=6))
    log(people.rosa_plan, "clamshells", 0, done=True, pain_during=2, pain_next_morning=1)
    log(people.rosa_plan, "clamshells", 1, done=True, pain_during=3)
    log(people.rosa_plan, "clamshells", 2, done=False)
    log(second, "clamshells", 0, done=True, pain_next_morning=0)

    text = bundle_for(people).model_dump_json()
    again = Bundle.model_validate_json(text)

    assert again.type == "collection"
    assert again.model_dump_json() == text
    assert len(resources(again, Patient)) == 1
    assert len(resources(again, CarePlan)) == Plan.objects.filter(user=people.rosa).count() == 2
    assert (
        len(resources(again, Procedure))
        == SessionLog.objects.filter(plan__user=people.rosa).count()
        == 4
    )
    # Pain scores: 2 + 1 + 0 + 1.
    assert len(resources(again, Observation)) == 4
    assert sorted(o.valueInteger for o in resources(again, Observation)) == [0, 1, 2, 3]


def references_in(resource: dict[str, Any]) -> list[str]:
    """The references a resource makes to others: its subject, plan and session."""
    found: list[str] = []
    for field in ("subject", "basedOn", "partOf"):
        value = resource.get(field, [])
        found += [ref["reference"] for ref in (value if isinstance(value, list) else [value])]
    return found


def test_every_reference_points_into_the_bundle(people: People) -> None:
    log(people.rosa_plan, "clamshells", 0, done=True, pain_during=2, pain_next_morning=1)

    data = json.loads(bundle_for(people).model_dump_json())

    urls = [entry["fullUrl"] for entry in data["entry"]]
    assert all(url.startswith("urn:uuid:") for url in urls)
    assert len(set(urls)) == len(urls)
    references = [ref for entry in data["entry"] for ref in references_in(entry["resource"])]
    # CarePlan: subject; Procedure: subject, plan; each Observation: subject, plan, session.
    assert len(references) == 1 + 2 + 3 * 2
    assert set(references) <= set(urls)


def test_the_ids_are_the_same_in_every_export(people: People) -> None:
    log(people.rosa_plan, "clamshells", 0, done=True, pain_during=2)

    first = [entry.fullUrl for entry in bundle_for(people).entry or []]
    second = [entry.fullUrl for entry in bundle_for(people).entry or []]

    assert first == second


def test_the_patient_has_the_account_id_and_no_email_or_username(people: People) -> None:
    [patient] = resources(bundle_for(people), Patient)

    [identifier] = patient.identifier
    assert (identifier.system, identifier.value) == (
        f"{SITE}/fhir/identifiers/account",
        str(people.rosa.pk),
    )
    assert patient.name is None and patient.telecom is None
    text = bundle_for(people).model_dump_json()
    assert "rosa@example.com" not in text and '"rosa"' not in text


def test_the_patient_is_named_once_she_chose_a_name(people: People) -> None:
    profile.set_name(people.rosa, "Rosa Lind")

    [patient] = resources(bundle_for(people), Patient)

    assert [name.text for name in patient.name] == ["Rosa Lind"]


def test_a_plan_is_a_care_plan_with_an_activity_per_exercise(people: People) -> None:
    plan = people.rosa_plan

    [care_plan] = resources(bundle_for(people), CarePlan)

    assert (care_plan.status, care_plan.intent, care_plan.title) == (
        "active",
        "plan",
        plan.program.name,
    )
    assert (care_plan.period.start, care_plan.period.end) == (
        plan.start_date,
        plan.projected_end,
    )
    names = [a.detail.code.text for a in care_plan.activity]
    assert names == [item.exercise.name for item in plan.exercises.order_by("order", "pk")]
    clamshells = next(a.detail for a in care_plan.activity if a.detail.code.text == "Clamshells")
    assert clamshells.status == "in-progress"
    assert clamshells.description == "1 set of 10 per side"
    assert clamshells.scheduledTiming.code.text == "Every day"
    assert clamshells.scheduledTiming.repeat.periodUnit == "d"


@pytest.mark.parametrize(
    ("status", "care_plan_status", "activity_status"),
    [
        (Plan.Status.PAUSED, "on-hold", "on-hold"),
        (Plan.Status.STOPPED, "revoked", "stopped"),
        (Plan.Status.COMPLETED, "completed", "completed"),
    ],
)
def test_a_plans_status_maps_to_its_care_plans(
    people: People, status: str, care_plan_status: str, activity_status: str
) -> None:
    factories.set_status(
        people.rosa_plan,
        status,
        factories.evening_of(people.rosa_plan, people.rosa_plan.start_date),
    )

    [care_plan] = resources(bundle_for(people), CarePlan)

    assert care_plan.status == care_plan_status
    assert {a.detail.status for a in care_plan.activity} == {activity_status}


def test_a_session_with_only_next_morning_pain_gives_one_observation(people: People) -> None:
    log(people.rosa_plan, "clamshells", 0, done=True, pain_next_morning=4)

    bundle = bundle_for(people)

    [observation] = resources(bundle, Observation)
    [session] = resources(bundle, Procedure)
    [care_plan_url] = [e.fullUrl for e in bundle.entry or [] if isinstance(e.resource, CarePlan)]
    session_url = next(e.fullUrl for e in bundle.entry or [] if e.resource is session)
    assert observation.valueInteger == 4
    assert observation.status == "final"
    assert [(c.system, c.code) for c in observation.code.coding] == [
        ("http://loinc.org", "72514-3")
    ]
    assert observation.code.text == "Pain the morning after the session"
    assert observation.effectiveDateTime == people.rosa_plan.start_date
    assert [r.reference for r in observation.basedOn] == [care_plan_url]
    assert [r.reference for r in observation.partOf] == [session_url]


@pytest.mark.parametrize(
    ("values", "status"),
    [
        ({"done": True}, "completed"),
        ({"done": True, "partial": True, "amount_done": 6}, "stopped"),
        ({"done": False}, "not-done"),
    ],
)
def test_a_session_is_a_procedure_done_in_full_in_part_or_not(
    people: People, values: dict[str, Any], status: str
) -> None:
    log(people.rosa_plan, "clamshells", 0, **values)

    [session] = resources(bundle_for(people), Procedure)

    assert session.status == status
    assert session.code.text == "Clamshells"
    assert session.performedDateTime == people.rosa_plan.start_date
    assert (session.outcome is not None) == (status == "stopped")


def test_nothing_of_another_runner_appears(people: People) -> None:
    log(people.oscar_plan, "clamshells", 0, done=True, pain_during=7, note="Oscar's knee")
    log(people.rosa_plan, "clamshells", 0, done=True, pain_during=2, note="Rosa's hip")

    text = bundle_for(people).model_dump_json()

    assert "Rosa's hip" in text
    assert "Oscar's knee" not in text and '"valueInteger":7' not in text
    assert Counter(type(e.resource).__name__ for e in bundle_for(people).entry or []) == Counter(
        {"Patient": 1, "CarePlan": 1, "Procedure": 1, "Observation": 1}
    )


def test_a_therapist_without_plans_has_just_a_patient(people: People) -> None:
    assert [type(e.resource) for e in bundle_for(people, "theo").entry or []] == [Patient]


@pytest.mark.parametrize("size", ["small", "large"])
def test_loading_costs_five_queries_and_building_none(
    people: People, django_assert_num_queries: Any, size: str
) -> None:
    if size == "large":
        second = factories.plan_for(people.rosa, people.rosa_plan.start_date + timedelta(weeks=6))
        for n in range(20):
            log(people.rosa_plan, "clamshells", n, done=True, pain_during=2, pain_next_morning=1)
            log(second, "clamshells", n, done=True, pain_during=1)
        for n in range(4):
            answer_lefs(people.rosa_plan, weeks=2 * n)
            answer_psfs(second, weeks=2 * n)

    # 1: the chosen name; 2: the plans, with their program; 3: the plans' exercises, with the
    # exercise; 4: the session logs; 5: the questionnaire answers.
    with django_assert_num_queries(5):
        records = fhir_records.load(people.rosa)
    with django_assert_num_queries(0):
        fhir_records.bundle_of(records, SITE, NOW)


def test_an_exercise_a_therapist_removed_is_a_stopped_activity(people: People) -> None:
    plan = people.rosa_plan
    clamshells = plan.exercises.get(exercise__slug="clamshells")
    tailoring.remove_exercise(
        therapist=people.theo,
        plan_id=plan.pk,
        plan_exercise_id=clamshells.pk,
        effective_on=plan.start_date + timedelta(days=2),
        reason="The bridge does the work now.",
        now=factories.evening_of(plan, plan.start_date),
    )

    [care_plan] = resources(bundle_for(people), CarePlan)

    statuses = {a.detail.code.text: a.detail.status for a in care_plan.activity}
    assert statuses.pop("Clamshells") == "stopped"
    assert set(statuses.values()) == {"in-progress"}


# --- The outcome questionnaires ------------------------------------------------------------------


def test_every_answer_is_a_response_and_every_measure_answered_a_questionnaire(
    people: People,
) -> None:
    second = factories.plan_for(people.rosa, people.rosa_plan.start_date + timedelta(weeks=6))
    answer_lefs(people.rosa_plan)
    answer_lefs(people.rosa_plan, weeks=2, items=[3] * 20)
    answer_psfs(people.rosa_plan)
    answer_lefs(second)

    text = bundle_for(people).model_dump_json()
    again = Bundle.model_validate_json(text)

    assert again.model_dump_json() == text
    answers = QuestionnaireAnswer.objects.filter(plan__user=people.rosa)
    assert len(resources(again, QuestionnaireResponse)) == answers.count() == 4
    questionnaires = resources(again, Questionnaire)
    assert len(questionnaires) == len({a.measure for a in answers}) == 2
    assert sorted(q.name for q in questionnaires) == ["LEFS", "PSFS"]
    assert {q.status for q in questionnaires} == {"active"}
    # Each response answers one of the bundle's Questionnaires, by its canonical URL.
    urls = {q.url for q in questionnaires}
    assert {r.questionnaire for r in resources(again, QuestionnaireResponse)} == urls
    assert urls == {f"{SITE}/fhir/Questionnaire/lefs", f"{SITE}/fhir/Questionnaire/psfs"}


def test_the_lefs_questionnaire_is_the_published_form(people: People) -> None:
    answer_lefs(people.rosa_plan)

    [lefs] = resources(bundle_for(people), Questionnaire)

    assert lefs.title == "Lower Extremity Functional Scale"
    assert rules.LEFS_CITATION in lefs.description
    assert "Binkley" in lefs.description and "1999" in lefs.description
    intro, group, total = lefs.item
    assert (intro.type, intro.text) == ("display", rules.LEFS_INTRO)
    assert (group.type, group.text) == ("group", rules.LEFS_QUESTION)
    assert [item.text for item in group.item] == list(rules.LEFS_ITEMS)
    assert {item.type for item in group.item} == {"choice"}
    for item in group.item:
        options = [(o.valueCoding.code, o.valueCoding.display) for o in item.answerOption]
        assert options == [(str(value), label) for value, label in rules.LEFS_ANSWERS]
    # The total is the planner's, read-only, coded in the planner's own system (no LOINC).
    assert (total.type, total.readOnly) == ("integer", True)
    assert [(c.system, c.code) for c in total.code] == [
        (f"{SITE}/fhir/CodeSystem/outcome-score", "lefs-total")
    ]


def test_the_lefs_answers_round_trip_to_the_stored_items(people: People) -> None:
    items = [0, 1, 2, 3, 4] * 4
    saved = answer_lefs(people.rosa_plan, items=items)

    bundle = Bundle.model_validate_json(bundle_for(people).model_dump_json())

    [response] = resources(bundle, QuestionnaireResponse)
    [care_plan_url] = [e.fullUrl for e in bundle.entry or [] if isinstance(e.resource, CarePlan)]
    [patient_url] = [e.fullUrl for e in bundle.entry or [] if isinstance(e.resource, Patient)]
    assert response.status == "completed"
    assert response.subject.reference == patient_url
    assert [r.reference for r in response.basedOn] == [care_plan_url]
    assert response.authored == saved.answered_at
    group, total = response.item
    assert [int(item.answer[0].valueCoding.code) for item in group.item] == saved.items == items
    assert [item.answer[0].valueCoding.display for item in group.item[:5]] == [
        label for _value, label in rules.LEFS_ANSWERS
    ]
    assert total.answer[0].valueInteger == saved.total == sum(items)


def test_the_psfs_names_her_activities_with_their_scores(people: People) -> None:
    answer_psfs(people.rosa_plan)
    saved = answer_psfs(people.rosa_plan, weeks=2, scores=(6, 6, 8))

    bundle = Bundle.model_validate_json(bundle_for(people).model_dump_json())

    [psfs] = resources(bundle, Questionnaire)
    assert psfs.title == "Patient-Specific Functional Scale"
    assert rules.PSFS_CITATION in psfs.description
    intro, activity, _total = psfs.item
    assert intro.text == rules.PSFS_INTRO
    assert (activity.type, activity.repeats) == ("group", True)
    first, latest = resources(bundle, QuestionnaireResponse)
    *activities, total = latest.item
    assert [a.item[0].answer[0].valueString for a in activities] == PSFS_ACTIVITIES
    assert [a.item[0].answer[0].valueString for a in first.item[:-1]] == PSFS_ACTIVITIES
    assert [a.item[1].answer[0].valueInteger for a in activities] == saved.items == [6, 6, 8]
    assert total.linkId == "total"
    assert float(total.answer[0].valueDecimal) == pytest.approx(saved.total)


def test_a_runner_without_answers_gets_no_questionnaires(people: People) -> None:
    log(people.rosa_plan, "clamshells", 0, done=True, pain_during=2)

    bundle = bundle_for(people)

    assert resources(bundle, Questionnaire) == resources(bundle, QuestionnaireResponse) == []


def test_another_runners_answers_never_appear(people: People) -> None:
    outcomes.answer(
        people.oscar,
        people.oscar_plan.pk,
        "psfs",
        factories.evening_of(people.oscar_plan, people.oscar_plan.start_date),
        activities=[("Oscar's hill repeats", 1), ("Kneeling", 2), ("Cycling", 3)],
    )
    answer_lefs(people.rosa_plan)

    text = bundle_for(people).model_dump_json()

    assert "Oscar's hill repeats" not in text
    bundle = Bundle.model_validate_json(text)
    assert len(resources(bundle, QuestionnaireResponse)) == 1
    assert [q.name for q in resources(bundle, Questionnaire)] == ["LEFS"]
    # And Oscar's own bundle has his, and nothing of Rosa's.
    oscars = bundle_for(people, "oscar")
    assert [q.name for q in resources(oscars, Questionnaire)] == ["PSFS"]
    assert len(resources(oscars, QuestionnaireResponse)) == 1
