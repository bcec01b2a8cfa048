"""Plans (one person's copy of a program), their exercises, dose history, session logs and
warning-sign reports, and the private address of a plan's calendar."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy, pgettext_lazy

from conditions.models import RedFlag
from exercises.models import Exercise
from planner.engine.schedule import Frequency, frequency_on
from planner.models.programs import DoseLadder, Prescription, Program, ladder_constraints


class Plan(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", gettext_lazy("Active")
        PAUSED = "paused", gettext_lazy("Paused")
        COMPLETED = "completed", gettext_lazy("Completed")
        STOPPED = "stopped", gettext_lazy("Stopped: see a doctor")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plans"
    )
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="plans")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_plans",
    )
    start_date = models.DateField()
    time_zone = models.CharField(max_length=64, help_text="The person's IANA time zone.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    planned_end = models.DateField()
    projected_end = models.DateField(help_text="Moves later when progress stalls.")
    stop_reason = models.TextField(blank=True)
    # A stop for a warning sign keeps how urgent it was and the catalog's advice for it, shown
    # wherever the plan is: an emergency stays an emergency after the moment passes.
    stop_urgency = models.CharField(
        max_length=13,
        blank=True,
        choices=[("emergency", "Emergency: get help now"), ("see_clinician", "See a clinician")],
    )
    stop_advice = models.TextField(blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_end__gte=models.F("start_date")),
                name="plan_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.program} for {self.user} from {self.start_date}"


class PlanExercise(DoseLadder):
    """One person's copy of a prescription, with the dose they are at now."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="exercises")
    # Kept while its program has it (the loader refuses to take an exercise that plans follow
    # out of a catalog program); empty for an exercise a therapist added to the running plan, or
    # one its owner has since taken out of their own program: the plan is its runner's copy.
    prescription = models.ForeignKey(
        Prescription, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=1)
    # A therapist tailors a running plan from a day on (planner.plans.tailoring): the weeks say
    # which weeks it runs, these the exact days within them.
    added_on = models.DateField(
        null=True, blank=True, help_text="The day a therapist added it to the running plan."
    )
    removed_on = models.DateField(
        null=True,
        blank=True,
        help_text="The first day it is no longer due (a therapist removed it); its logs and "
        "dose history stay.",
    )
    # The dose now: a rung of the ladder (planner.engine.progression.Dose).
    amount = models.PositiveSmallIntegerField(help_text="Reps per set, or seconds held, now.")
    current_sets = models.PositiveSmallIntegerField(default=1, help_text="Sets now.")
    level = models.SmallIntegerField(
        default=0,
        help_text="0: the exercise itself; 1, 2...: its harder versions in order; -1: its "
        "easier version.",
    )
    dose_since = models.DateField(help_text="The day the current dose took effect.")
    # A therapist changes `frequency` from a day on; the days before keep theirs. On the row, so
    # that every reader of due days (the patient list's adherence among them) has it without
    # another query. Written by planner.plans.tailoring.change_frequency alone.
    earlier_frequencies = models.JSONField(
        default=list,
        blank=True,
        help_text="The frequencies before the current one, oldest first: [day, frequency] "
        "pairs, each in force before that day (ISO date).",
    )

    class Meta:
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "prescription"], name="plan_exercise_unique"),
            models.CheckConstraint(
                condition=models.Q(amount__gte=models.F("start"))
                & models.Q(amount__lte=models.F("target")),
                name="plan_exercise_amount_within_ladder",
            ),
            models.CheckConstraint(
                condition=models.Q(current_sets__gte=models.F("sets"))
                & models.Q(current_sets__lte=models.F("sets_target"))
                & models.Q(level__gte=-1),
                name="plan_exercise_sets_within_ladder",
            ),
            *ladder_constraints("plan_exercise"),
        ]

    def __str__(self) -> str:
        return f"{self.exercise} in {self.plan}"

    @property
    def earlier(self) -> tuple[tuple[date, Frequency], ...]:
        """The earlier frequencies as the engine reads them (schedule.EarlierFrequencies)."""
        return earlier_frequencies(self.earlier_frequencies)

    def frequency_on(self, day: date) -> Frequency:
        """How often the exercise was (or is to be) done on `day`."""
        return frequency_on(day, Frequency(self.frequency), self.earlier)


def earlier_frequencies(stored: Iterable[Sequence[str]]) -> tuple[tuple[date, Frequency], ...]:
    """PlanExercise.earlier_frequencies as stored (also as a values_list reads it), typed."""
    return tuple((date.fromisoformat(until), Frequency(was)) for until, was in stored)


def stored_frequencies(earlier: Iterable[tuple[date, Frequency]]) -> list[list[str]]:
    """Earlier frequencies in the form PlanExercise.earlier_frequencies stores them."""
    return [[until.isoformat(), was.value] for until, was in earlier]


class DoseChange(models.Model):
    """Every dose a plan exercise has had, with the reason in words and who decided it."""

    class Action(models.TextChoices):
        START = "start", pgettext_lazy("dose change", "Start")
        PROGRESS = "progress", pgettext_lazy("dose change", "Progress")
        ADD_VARIATION = "add_variation", gettext_lazy("On to the harder version")
        HOLD = "hold", pgettext_lazy("dose change", "Hold")
        STEP_BACK = "step_back", gettext_lazy("Step back")
        STOP = "stop", pgettext_lazy("dose change", "Stop")
        OVERRIDE = "override", gettext_lazy("Therapist override")
        RESUME = "resume", gettext_lazy("Resumed after clearance")
        # A therapist tailoring a running plan (planner.plans.tailoring).
        ADDED = "added", gettext_lazy("Added by the therapist")
        REMOVED = "removed", gettext_lazy("Removed by the therapist")
        FREQUENCY = "frequency", gettext_lazy("New frequency")

    plan_exercise = models.ForeignKey(
        PlanExercise, on_delete=models.CASCADE, related_name="dose_changes"
    )
    effective_on = models.DateField()
    action = models.CharField(max_length=16, choices=Action.choices)
    old_amount = models.PositiveSmallIntegerField(null=True, blank=True)
    old_sets = models.PositiveSmallIntegerField(null=True, blank=True)
    old_level = models.SmallIntegerField(default=0)
    new_amount = models.PositiveSmallIntegerField()
    new_sets = models.PositiveSmallIntegerField(default=1)
    new_level = models.SmallIntegerField(default=0)
    reason = models.TextField()
    what_changed = models.CharField(
        max_length=200,
        blank=True,
        help_text="What a therapist changed that the dose numbers do not show, in words: a new "
        "frequency or hold, an exercise added or removed.",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The therapist who overrode the dose; empty when the engine decided.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan_exercise", "effective_on", "created_at", "pk"]
        indexes = [models.Index(fields=["plan_exercise", "effective_on"])]

    def __str__(self) -> str:
        return f"{self.plan_exercise.exercise}: {self.reason}"


def pain_between_0_and_10(field: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__isnull": True})
        | models.Q(**{f"{field}__gte": 0, f"{field}__lte": 10}),
        name=f"session_log_{field}_0_to_10",
    )


# Where a run's time and distance came from: typed in, or read from an uploaded file.
TRACKS = [("", "Typed in"), ("gpx", "GPX file"), ("tcx", "TCX file")]


class SessionLog(models.Model):
    """One exercise on one local day of a plan: done or not, how it felt."""

    class Difficulty(models.IntegerChoices):
        VERY_EASY = 1, gettext_lazy("Very easy")
        EASY = 2, gettext_lazy("Easy")
        RIGHT = 3, gettext_lazy("About right")
        HARD = 4, gettext_lazy("Hard")
        VERY_HARD = 5, gettext_lazy("Very hard")

    # Both indexed through composite indexes that lead with them: (plan, day) and the UNIQUE
    # (plan_exercise, day). Single-column indexes beside those only tempt the planner to scan
    # every day of a plan where the composite one goes straight to the days asked for.
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="logs", db_index=False)
    plan_exercise = models.ForeignKey(
        PlanExercise, on_delete=models.CASCADE, related_name="logs", db_index=False
    )
    day = models.DateField(help_text="The person's local date.")
    done = models.BooleanField()
    amount_done = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Reps per set (or seconds held) actually done."
    )
    partial = models.BooleanField(
        default=False,
        help_text="Done, but fewer reps (or seconds) than the day's dose: set when it is saved.",
    )
    pain_during = models.PositiveSmallIntegerField(null=True, blank=True)
    pain_next_morning = models.PositiveSmallIntegerField(null=True, blank=True)
    # A walk-run session: how long it took and how far it went, typed in or read from the
    # GPX or TCX file the runner uploaded (`track`: which, or "" when typed in).
    run_seconds = models.PositiveIntegerField(null=True, blank=True)
    distance_metres = models.PositiveIntegerField(null=True, blank=True)
    track = models.CharField(
        max_length=3,
        blank=True,
        choices=TRACKS,
        help_text="Where the run's time and distance came from.",
    )
    difficulty = models.PositiveSmallIntegerField(choices=Difficulty.choices, null=True, blank=True)
    note = models.TextField(blank=True)
    # The id the runner's device made for the log (a UUID), when it was logged there (offline,
    # then sent): a log sent twice is stored once. Unique per plan, hence per runner (a plan
    # never changes hands; plans.sessions.log_once looks it up across the runner's plans).
    client_id = models.UUIDField(
        null=True,
        blank=True,
        editable=False,
        help_text="The id the runner's device made for this log, so a resend stores it once.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["plan_exercise", "day"]
        constraints = [
            models.UniqueConstraint(fields=["plan_exercise", "day"], name="session_log_unique"),
            models.UniqueConstraint(
                fields=["plan", "client_id"], name="session_log_client_id_unique"
            ),
            pain_between_0_and_10("pain_during"),
            pain_between_0_and_10("pain_next_morning"),
        ]
        indexes = [
            models.Index(fields=["plan", "day"]),
            # When a plan's logs last changed, one index step per plan: the cached patient
            # list (planner.care.patient_list) is keyed by it.
            models.Index(fields=["plan", "updated_at"], name="session_log_plan_changed"),
        ]

    def __str__(self) -> str:
        return f"{self.plan_exercise.exercise} on {self.day}"


class RedFlagReport(models.Model):
    """A warning sign a person reported while on a plan; it stops the plan."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="red_flag_reports")
    red_flag = models.ForeignKey(RedFlag, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.red_flag} on {self.day}"


class CalendarFeed(models.Model):
    """A private, revocable address of a plan's iCalendar feed."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.plan}"
