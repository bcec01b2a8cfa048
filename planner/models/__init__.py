"""The plans app's models, by domain: program templates, plans and their history, messages
(reminders and alerts sent; conversations between a runner and their therapist), care links.
Django finds them all here; import them from `planner.models`."""

from planner.models.care import CareLink, EmailInvitation
from planner.models.delivery import Delivery, Notification, PushSubscription, Reminder
from planner.models.messages import MESSAGE_MAX_LENGTH, Conversation, Message
from planner.models.outcomes import QuestionnaireAnswer
from planner.models.people import Clinic, Profile
from planner.models.plans import (
    CalendarFeed,
    DoseChange,
    Plan,
    PlanExercise,
    RedFlagReport,
    SessionLog,
    earlier_frequencies,
    stored_frequencies,
)
from planner.models.programs import (
    FREQUENCY_LABELS,
    LADDER_FIELDS,
    DoseLadder,
    Phase,
    Prescription,
    Program,
)
from planner.models.running import ReadinessCheck
from planner.models.safety import Alert, Screening, Urgency

__all__ = [
    "FREQUENCY_LABELS",
    "LADDER_FIELDS",
    "MESSAGE_MAX_LENGTH",
    "Alert",
    "CalendarFeed",
    "CareLink",
    "Clinic",
    "Conversation",
    "Delivery",
    "DoseChange",
    "DoseLadder",
    "EmailInvitation",
    "Message",
    "Notification",
    "Phase",
    "Plan",
    "PlanExercise",
    "Prescription",
    "Profile",
    "Program",
    "PushSubscription",
    "QuestionnaireAnswer",
    "ReadinessCheck",
    "RedFlagReport",
    "Reminder",
    "Screening",
    "SessionLog",
    "Urgency",
    "earlier_frequencies",
    "stored_frequencies",
]
