"""The plans app's models, by domain: program templates, plans and their history, messages,
care links. Django finds them all here; import them from `planner.models`."""

from planner.models.care import CareLink, EmailInvitation
from planner.models.delivery import Delivery, Notification, Reminder
from planner.models.people import Clinic, Profile
from planner.models.plans import (
    CalendarFeed,
    DoseChange,
    Plan,
    PlanExercise,
    RedFlagReport,
    SessionLog,
)
from planner.models.programs import (
    FREQUENCY_LABELS,
    LADDER_FIELDS,
    DoseLadder,
    Phase,
    Prescription,
    Program,
)
from planner.models.safety import Alert, Screening, Urgency

__all__ = [
    "FREQUENCY_LABELS",
    "LADDER_FIELDS",
    "Alert",
    "CalendarFeed",
    "CareLink",
    "Clinic",
    "Delivery",
    "DoseChange",
    "DoseLadder",
    "EmailInvitation",
    "Notification",
    "Phase",
    "Plan",
    "PlanExercise",
    "Prescription",
    "Profile",
    "Program",
    "RedFlagReport",
    "Reminder",
    "Screening",
    "SessionLog",
    "Urgency",
]
