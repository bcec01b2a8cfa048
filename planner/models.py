"""Programs (templates per condition), plans (one person's copy), their dose history and the
session logs the progression engine reads."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from conditions.models import AdminCurated, Condition, RedFlag, Source
from exercises.models import Exercise, Variation
from planner.schedule import Frequency

FREQUENCY_LABELS = {
    Frequency.DAILY: "Every day",
    Frequency.EVERY_OTHER_DAY: "Every other day",
    Frequency.THREE_PER_WEEK: "Three times a week (Mon, Wed, Fri)",
}


class Program(AdminCurated):
    """A condition's home exercise program: phases over its recovery timeline."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=150)
    condition = models.ForeignKey(Condition, on_delete=models.PROTECT, related_name="programs")
    summary = models.TextField(blank=True)
    weeks = models.PositiveSmallIntegerField(help_text="Planned length over the recovery timeline.")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(weeks__gt=0), name="program_weeks_positive")
        ]

    def __str__(self) -> str:
        return self.name


class Phase(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="phases")
    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100)
    first_week = models.PositiveSmallIntegerField()
    last_week = models.PositiveSmallIntegerField()
    goal = models.TextField(blank=True)

    class Meta:
        ordering = ["program", "order"]
        constraints = [
            models.UniqueConstraint(fields=["program", "order"], name="phase_order_unique"),
            models.CheckConstraint(
                condition=models.Q(last_week__gte=models.F("first_week")),
                name="phase_weeks_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (weeks {self.first_week}-{self.last_week})"


class DoseLadder(models.Model):
    """The dose fields a prescription sets and a plan copies, so a therapist can tailor them."""

    frequency = models.CharField(
        max_length=16,
        choices=[(f.value, label) for f, label in FREQUENCY_LABELS.items()],
        default=Frequency.DAILY,
    )
    first_week = models.PositiveSmallIntegerField(default=1)
    last_week = models.PositiveSmallIntegerField()
    sets = models.PositiveSmallIntegerField(default=1)
    start = models.PositiveSmallIntegerField()
    target = models.PositiveSmallIntegerField()
    step = models.PositiveSmallIntegerField()
    hold_seconds = models.PositiveSmallIntegerField(default=0)
    sessions_to_progress = models.PositiveSmallIntegerField(default=3)
    days_to_progress = models.PositiveSmallIntegerField(default=7)

    class Meta:
        abstract = True


def ladder_constraints(prefix: str) -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(
            condition=models.Q(start__lte=models.F("target")), name=f"{prefix}_start_le_target"
        ),
        models.CheckConstraint(
            condition=models.Q(step__gt=0) & models.Q(start__gt=0), name=f"{prefix}_positive"
        ),
        models.CheckConstraint(
            condition=models.Q(last_week__gte=models.F("first_week")),
            name=f"{prefix}_weeks_ordered",
        ),
    ]


class Prescription(DoseLadder):
    """One exercise in a program: which weeks, how often, and its dose ladder."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="prescriptions")
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=1)
    variation = models.ForeignKey(
        Variation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="prescriptions",
        help_text="The harder variation taken once the target is reached.",
    )

    class Meta:
        ordering = ["program", "order"]
        constraints = [
            models.UniqueConstraint(fields=["program", "exercise"], name="prescription_unique"),
            *ladder_constraints("prescription"),
        ]

    def __str__(self) -> str:
        return f"{self.exercise} in {self.program}"


class Plan(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        COMPLETED = "completed", "Completed"
        STOPPED = "stopped", "Stopped: see a doctor"

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
    prescription = models.ForeignKey(Prescription, on_delete=models.PROTECT, related_name="+")
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=1)
    variation_name = models.CharField(max_length=150, blank=True)
    amount = models.PositiveSmallIntegerField(help_text="Reps per set, or seconds held, now.")
    with_variation = models.BooleanField(default=False)
    dose_since = models.DateField(help_text="The day the current dose took effect.")

    class Meta:
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "prescription"], name="plan_exercise_unique"),
            models.CheckConstraint(
                condition=models.Q(amount__gte=models.F("start"))
                & models.Q(amount__lte=models.F("target")),
                name="plan_exercise_amount_within_ladder",
            ),
            *ladder_constraints("plan_exercise"),
        ]

    def __str__(self) -> str:
        return f"{self.exercise} in {self.plan}"


class DoseChange(models.Model):
    """Every dose a plan exercise has had, with the reason in words and who decided it."""

    class Action(models.TextChoices):
        START = "start", "Start"
        PROGRESS = "progress", "Progress"
        ADD_VARIATION = "add_variation", "Add the harder variation"
        HOLD = "hold", "Hold"
        STEP_BACK = "step_back", "Step back"
        STOP = "stop", "Stop"
        OVERRIDE = "override", "Therapist override"

    plan_exercise = models.ForeignKey(
        PlanExercise, on_delete=models.CASCADE, related_name="dose_changes"
    )
    effective_on = models.DateField()
    action = models.CharField(max_length=16, choices=Action.choices)
    old_amount = models.PositiveSmallIntegerField(null=True, blank=True)
    old_with_variation = models.BooleanField(default=False)
    new_amount = models.PositiveSmallIntegerField()
    new_with_variation = models.BooleanField(default=False)
    reason = models.TextField()
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


class SessionLog(models.Model):
    """One exercise on one local day of a plan: done or not, how it felt."""

    class Difficulty(models.IntegerChoices):
        VERY_EASY = 1, "Very easy"
        EASY = 2, "Easy"
        RIGHT = 3, "About right"
        HARD = 4, "Hard"
        VERY_HARD = 5, "Very hard"

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
    pain_during = models.PositiveSmallIntegerField(null=True, blank=True)
    pain_next_morning = models.PositiveSmallIntegerField(null=True, blank=True)
    difficulty = models.PositiveSmallIntegerField(choices=Difficulty.choices, null=True, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["plan_exercise", "day"]
        constraints = [
            models.UniqueConstraint(fields=["plan_exercise", "day"], name="session_log_unique"),
            pain_between_0_and_10("pain_during"),
            pain_between_0_and_10("pain_next_morning"),
        ]
        indexes = [
            models.Index(fields=["plan", "day"]),
            # When a plan's logs last changed, one index step per plan: the cached patient
            # list (planner.patient_list) is keyed by it.
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


class Reminder(models.Model):
    """A plan's recurring message: the daily reminder, or the daily progression step.

    The dispatcher finds due rows by `next_due_at` alone; a row that must not fire (reminders
    off or paused, plan not active) has it set to NULL, which also keeps it out of the index.
    """

    class Kind(models.TextChoices):
        REMINDER = "reminder", "Daily reminder"
        PROGRESSION = "progression", "Progression step"

    class State(models.TextChoices):
        ON = "on", "On"
        PAUSED = "paused", "Paused"
        OFF = "off", "Off"

    # No index of its own: UNIQUE (plan, kind) leads with it, and each index slows the
    # dispatcher's UPDATE of next_due_at.
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="reminders", db_index=False
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    local_time = models.TimeField(help_text="Time of day in the plan's time zone.")
    state = models.CharField(max_length=6, choices=State.choices, default=State.ON)
    next_due_at = models.DateTimeField(null=True, blank=True)
    next_local_date = models.DateField(
        null=True, blank=True, help_text="The person's date of the occurrence due next."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind"], name="reminder_one_per_kind"),
            models.CheckConstraint(
                condition=models.Q(next_due_at__isnull=True)
                | models.Q(next_local_date__isnull=False),
                name="reminder_due_has_local_date",
            ),
        ]
        indexes = [
            # Used by planner.dispatch.claim_due: WHERE next_due_at <= now ORDER BY next_due_at.
            # Partial, so the rows that never fire (off, paused, ended plans) cost nothing.
            models.Index(
                fields=["next_due_at"],
                name="reminder_due",
                condition=models.Q(next_due_at__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.plan} at {self.local_time}"


class Delivery(models.Model):
    """One message for (plan, local date, kind), written before it is sent: the UNIQUE
    constraint is what makes a reminder go out once whatever the broker does."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Skipped: nothing to say"
        FAILED = "failed", "Failed"

    # Indexed through UNIQUE (plan, local_date, kind), which leads with it.
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="deliveries", db_index=False
    )
    kind = models.CharField(max_length=12, choices=Reminder.Kind.choices)
    local_date = models.DateField()
    due_at = models.DateTimeField()
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "local_date", "kind"], name="delivery_once_per_day_and_kind"
            )
        ]
        indexes = [
            # Used by planner.dispatch.sweep: deliveries left unsent, oldest first.
            models.Index(
                fields=["created_at"],
                name="delivery_unsent",
                condition=models.Q(state__in=["pending", "sending"]),
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.plan_id} on {self.local_date}: {self.state}"


class Notification(models.Model):
    """The in-app copy of a delivery, listed for the person."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    delivery = models.OneToOneField(
        Delivery, on_delete=models.CASCADE, null=True, blank=True, related_name="notification"
    )
    title = models.CharField(max_length=200)
    body = models.TextField()
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return self.title


class CareLink(models.Model):
    """A therapist's link to a runner: made by an invitation the runner accepts, ended by
    either of them at any time. Only an active link lets the therapist see the runner's plans."""

    class Status(models.TextChoices):
        INVITED = "invited", "Invited"
        ACTIVE = "active", "Active"
        DECLINED = "declined", "Declined"
        ENDED = "ended", "Ended"

    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="patient_links"
    )
    runner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="therapist_links"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.INVITED)
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["therapist", "runner"],
                condition=models.Q(status__in=["invited", "active"]),
                name="care_link_one_open_per_pair",
            ),
            models.CheckConstraint(
                condition=~models.Q(therapist=models.F("runner")), name="care_link_not_self"
            ),
        ]
        indexes = [models.Index(fields=["therapist", "status"])]

    def __str__(self) -> str:
        return f"{self.therapist} cares for {self.runner} ({self.status})"


class CalendarFeed(models.Model):
    """A private, revocable address of a plan's iCalendar feed."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.plan}"
