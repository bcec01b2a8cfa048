"""The outcome questionnaires in the FHIR bundle (planner.accounts.fhir_records): the LEFS and
the PSFS as Questionnaires, and each answer as a QuestionnaireResponse.

Pure functions of rows already loaded, like the rest of the bundle: they never query. The
wording, the answers' labels, the scale's ends and the citations are the engine's
(planner.engine.outcomes), never copied here, so the definition in a clinic's record system
says what the runner was shown.

Codes: no LOINC. The LEFS and the PSFS do have LOINC terms, but none was found documented in
a source the project could check, so every code here is in a system of the planner's own
under `<SITE_URL>/fhir/`, like the account identifiers:

- `<SITE_URL>/fhir/Questionnaire/lefs` and `.../psfs`: the Questionnaires' canonical URLs;
- `<SITE_URL>/fhir/CodeSystem/lefs-answer`: the LEFS's answers, codes "0" to "4" (the score
  each is worth, also given as the standard `ordinalValue` extension);
- `<SITE_URL>/fhir/CodeSystem/outcome-score`: the score items, `lefs-total` (the sum, 0-80)
  and `psfs-mean` (the mean, 0-10).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from planner.engine import outcomes as rules
from planner.engine.outcomes import Measure
from planner.models import QuestionnaireAnswer
from planner.plans.outcomes import NAMES

# FHIR core extensions (R4: http://hl7.org/fhir/R4/extensibility-registry.html).
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
MIN_OCCURS = "http://hl7.org/fhir/StructureDefinition/questionnaire-minOccurs"
MAX_OCCURS = "http://hl7.org/fhir/StructureDefinition/questionnaire-maxOccurs"

# Each measure's computable name (FHIR: a capital, then letters, digits or "_"), citation and
# score code in the planner's own outcome-score system.
COMPUTABLE_NAMES: Mapping[Measure, str] = {Measure.LEFS: "LEFS", Measure.PSFS: "PSFS"}
CITATIONS: Mapping[Measure, str] = {
    Measure.LEFS: rules.LEFS_CITATION,
    Measure.PSFS: rules.PSFS_CITATION,
}
SCORE_CODES: Mapping[Measure, str] = {Measure.LEFS: "lefs-total", Measure.PSFS: "psfs-mean"}
SCORE_TEXT: Mapping[Measure, str] = {
    Measure.LEFS: f"LEFS score: the sum of the {len(rules.LEFS_ITEMS)} answers "
    f"(0 to {rules.LEFS_MAX})",
    Measure.PSFS: f"PSFS score: the mean of the activities' scores (0 to {rules.PSFS_ITEM_MAX})",
}
SCORING: Mapping[Measure, str] = {
    Measure.LEFS: f"Each of the {len(rules.LEFS_ITEMS)} activities is answered 0 to "
    f"{rules.LEFS_ITEM_MAX}; the score is their sum, 0 to {rules.LEFS_MAX}.",
    Measure.PSFS: f"The person names {rules.PSFS_MIN_ACTIVITIES} to "
    f"{rules.PSFS_MAX_ACTIVITIES} activities and scores each 0 to {rules.PSFS_ITEM_MAX}; the "
    "score is their mean.",
}

# The items' linkIds: the LEFS's are the form's field names (planner.engine.outcomes.items_of).
INTRO = "intro"
LEFS_GROUP = "activities"
PSFS_GROUP = "activity"
PSFS_NAME = "activity.name"
PSFS_SCORE = "activity.score"
TOTAL = "total"


def questionnaire_url(site_url: str, measure: str) -> str:
    """The canonical URL of a measure's Questionnaire: one of the planner's own."""
    return f"{site_url}/fhir/Questionnaire/{measure}"


def lefs_answer_system(site_url: str) -> str:
    return f"{site_url}/fhir/CodeSystem/lefs-answer"


def score_system(site_url: str) -> str:
    return f"{site_url}/fhir/CodeSystem/outcome-score"


def lefs_item_id(number: int) -> str:
    """The linkId of the LEFS's item `number` (1 to 20)."""
    return f"item_{number}"


def lefs_coding(value: int, site_url: str) -> dict[str, Any]:
    """A LEFS answer as a Coding: its code is the score it is worth, its display the form's
    label."""
    return {
        "system": lefs_answer_system(site_url),
        "code": str(value),
        "display": dict(rules.LEFS_ANSWERS)[value],
    }


def score_item(measure: Measure, site_url: str) -> dict[str, Any]:
    """The score, worked out by the planner from the answers: read-only."""
    return {
        "linkId": TOTAL,
        "code": [
            {
                "system": score_system(site_url),
                "code": SCORE_CODES[measure],
                "display": SCORE_TEXT[measure],
            }
        ],
        "text": SCORE_TEXT[measure],
        "type": "integer" if measure == Measure.LEFS else "decimal",
        "readOnly": True,
    }


def lefs_items(site_url: str) -> list[dict[str, Any]]:
    """The LEFS as the form asks it: the introduction, the question with its 20 activities,
    each answered with one of the five labelled scores, and the score."""
    options = [
        {
            "valueCoding": {
                **lefs_coding(value, site_url),
                "extension": [{"url": ORDINAL_VALUE, "valueDecimal": value}],
            }
        }
        for value, _label in rules.LEFS_ANSWERS
    ]
    return [
        {"linkId": INTRO, "type": "display", "text": rules.LEFS_INTRO},
        {
            "linkId": LEFS_GROUP,
            "type": "group",
            "text": rules.LEFS_QUESTION,
            "required": True,
            "item": [
                {
                    "linkId": lefs_item_id(number),
                    "prefix": f"{number}.",
                    "text": text,
                    "type": "choice",
                    "required": True,
                    "answerOption": options,
                }
                for number, text in enumerate(rules.LEFS_ITEMS, start=1)
            ],
        },
        score_item(Measure.LEFS, site_url),
    ]


def psfs_items(site_url: str) -> list[dict[str, Any]]:
    """The PSFS: the introduction, then 3 to 5 activities, each the runner's own name for it
    and its score 0 to 10 (the scale's ends as the form gives them), and the score."""
    return [
        {"linkId": INTRO, "type": "display", "text": rules.PSFS_INTRO},
        {
            "linkId": PSFS_GROUP,
            "type": "group",
            "text": "Activity",
            "required": True,
            "repeats": True,
            "extension": [
                {"url": MIN_OCCURS, "valueInteger": rules.PSFS_MIN_ACTIVITIES},
                {"url": MAX_OCCURS, "valueInteger": rules.PSFS_MAX_ACTIVITIES},
            ],
            "item": [
                {
                    "linkId": PSFS_NAME,
                    "text": "The activity",
                    "type": "string",
                    "required": True,
                    "maxLength": rules.PSFS_ACTIVITY_MAX_LENGTH,
                },
                {
                    "linkId": PSFS_SCORE,
                    "text": "; ".join(rules.PSFS_SCALE_ENDS),
                    "type": "integer",
                    "required": True,
                    "extension": [
                        {"url": MIN_VALUE, "valueInteger": 0},
                        {"url": MAX_VALUE, "valueInteger": rules.PSFS_ITEM_MAX},
                    ],
                },
            ],
        },
        score_item(Measure.PSFS, site_url),
    ]


def questionnaire(measure: str, site_url: str) -> Questionnaire:
    """A measure's definition: the published wording, scale and citation, active, under the
    planner's own canonical URL."""
    kind = Measure(measure)
    return Questionnaire.model_validate(
        {
            "resourceType": "Questionnaire",
            "url": questionnaire_url(site_url, kind),
            "name": COMPUTABLE_NAMES[kind],
            "title": NAMES[kind],
            "status": "active",
            "subjectType": ["Patient"],
            "description": f"{SCORING[kind]} Source: {CITATIONS[kind]}",
            "item": lefs_items(site_url) if kind == Measure.LEFS else psfs_items(site_url),
        }
    )


def questionnaire_response(
    answer: QuestionnaireAnswer, site_url: str, patient_url: str, plan_url: str
) -> QuestionnaireResponse:
    """One answering of a measure, as the runner gave it: completed, by her and about her,
    for her plan, when she sent it; each answer and the score it made."""
    kind = Measure(answer.measure)
    return QuestionnaireResponse.model_validate(
        {
            "resourceType": "QuestionnaireResponse",
            "questionnaire": questionnaire_url(site_url, kind),
            "status": "completed",
            "subject": {"reference": patient_url},
            "source": {"reference": patient_url},
            "basedOn": [{"reference": plan_url}],
            "authored": answer.answered_at.isoformat(),
            "item": lefs_answers(answer, site_url)
            if kind == Measure.LEFS
            else psfs_answers(answer),
        }
    )


def lefs_answers(answer: QuestionnaireAnswer, site_url: str) -> list[dict[str, Any]]:
    """The 20 answers, each as the Coding of its label, and the sum."""
    return [
        {
            "linkId": LEFS_GROUP,
            "text": rules.LEFS_QUESTION,
            "item": [
                {
                    "linkId": lefs_item_id(number),
                    "text": text,
                    "answer": [{"valueCoding": lefs_coding(value, site_url)}],
                }
                for number, (text, value) in enumerate(
                    zip(rules.LEFS_ITEMS, answer.items, strict=True), start=1
                )
            ],
        },
        {
            "linkId": TOTAL,
            "text": SCORE_TEXT[Measure.LEFS],
            "answer": [{"valueInteger": round(answer.total)}],
        },
    ]


def psfs_answers(answer: QuestionnaireAnswer) -> list[dict[str, Any]]:
    """Each activity the runner named with its score, in her order, and the mean."""
    return [
        *(
            {
                "linkId": PSFS_GROUP,
                "text": "Activity",
                "item": [
                    {"linkId": PSFS_NAME, "answer": [{"valueString": name}]},
                    {"linkId": PSFS_SCORE, "answer": [{"valueInteger": score}]},
                ],
            }
            for name, score in zip(answer.activities, answer.items, strict=True)
        ),
        {
            "linkId": TOTAL,
            "text": SCORE_TEXT[Measure.PSFS],
            "answer": [{"valueDecimal": answer.total}],
        },
    ]
