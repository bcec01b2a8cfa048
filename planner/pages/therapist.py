"""Therapists: the patient list, a patient's page, invitations, assigning and tailoring
programs. Printable handouts are planner.pages.handouts.

planner.care and planner.plans decide; these views load, call and render. A runner without an
active link to the therapist is a 404, like anyone's object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import F, Window
from django.db.models.functions import DenseRank
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import get_template
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from audit.recording import record_view, record_views
from kit.web import signed_in
from planner.access import programs_a_therapist_sees
from planner.care import attention, invitation_links, linking, patient_list
from planner.engine import course, schedule, trends
from planner.models import (
    Alert,
    CareLink,
    DoseChange,
    EmailInvitation,
    Plan,
    PlanExercise,
    Program,
    RedFlagReport,
    Screening,
    SessionLog,
)
from planner.names import shown_name
from planner.pages.common import TimeZoneField, add_domain_errors, is_htmx, therapist_required
from planner.pages.day_cards import run_words
from planner.pages.progress import progress_context
from planner.plans import ladders, progress_report, readiness, reminders
from planner.safety import screenings

# The alerts shown on a patient's page: every open one comes first, then the latest acknowledged.
ALERTS_SHOWN = 50

# The newest days of logs shown per plan on a patient's page (whole days: a day cut in two
# would read as exercises skipped).
RECENT_LOG_DAYS = 14
# Invitations listed on the patient list, newest first.
INVITATIONS_SHOWN = 50

# What the therapist is told once a plan's status changed (linking.THERAPIST_CHANGES), each a
# whole sentence: the verb's form depends on the language.
CHANGED = {
    Plan.Status.PAUSED.value: gettext_lazy("%(program)s: paused. The runner is told."),
    Plan.Status.ACTIVE.value: gettext_lazy("%(program)s: resumed. The runner is told."),
    Plan.Status.COMPLETED.value: gettext_lazy("%(program)s: ended. The runner is told."),
}

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# --- Forms ------------------------------------------------------------------------------------


class InviteForm(forms.Form):
    runner = forms.CharField(
        label=gettext_lazy("Username or email"),
        max_length=254,
        help_text=gettext_lazy(
            "A username, or an email address: we email it a link to sign up or sign in. "
            "The runner decides whether to accept."
        ),
    )


class ProgramChoice(forms.ModelChoiceField[Program]):
    def label_from_instance(self, obj: Any) -> str:
        program: Program = obj
        if not program.is_own:
            return program.name
        owner = shown_name(program.owner) if program.owner else _("a former therapist")
        return _("%(program)s (own program of %(owner)s)") % {
            "program": program.name,
            "owner": owner,
        }


class AssignForm(forms.Form):
    # The catalog's unless the form is given its therapist: then theirs and their clinic's
    # shared programs too (planner.access.programs_visible_to).
    program = ProgramChoice(
        queryset=Program.objects.catalog().order_by("name"),
        to_field_name="slug",
        label=gettext_lazy("Program"),
        empty_label=gettext_lazy("Choose a program"),
    )
    start_date = forms.DateField(
        label=gettext_lazy("Start date"),
        widget=DATE_INPUT,
        help_text=gettext_lazy("The plan's first day."),
    )
    time_zone = TimeZoneField(
        label=gettext_lazy("Time zone"),
        max_length=64,
        help_text=gettext_lazy(
            "The runner's IANA time zone (e.g. Europe/Berlin): days and reminders follow it."
        ),
        widget=forms.TextInput(attrs={"data-browser-time-zone": "", "autocomplete": "off"}),
    )
    reminder_time = forms.CharField(
        label=gettext_lazy("Reminder time"),
        max_length=5,
        help_text=gettext_lazy(
            "Time of day of the daily reminder (HH:MM, 24-hour), in the runner's zone."
        ),
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    running = forms.ChoiceField(
        label=gettext_lazy("The plan running now"),
        choices=[
            (linking.END_RUNNING, gettext_lazy("End it: the new program replaces it")),
            (linking.KEEP_BOTH, gettext_lazy("Keep it: the runner follows both")),
        ],
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        therapist: User | None = None,
        running: list[Plan] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if therapist is not None:
            field = self.fields["program"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = (
                programs_a_therapist_sees(therapist)
                .select_related("owner")
                .order_by("is_own", "name")
            )
        # Asked only while a plan runs; the service refuses to guess, after its own checks
        # (the screening first), so the field is not required here.
        if running:
            names = "; ".join(plan.program.name for plan in running)
            self.fields["running"].help_text = _("Running now: %(names)s.") % {"names": names}
        else:
            del self.fields["running"]
        # A zone typed by the therapist, or the runner's own, is kept; only an empty field
        # takes the browser's zone (site.js).
        if self.is_bound or self.initial.get("time_zone"):
            self.fields["time_zone"].widget.attrs["data-keep"] = "1"

    def clean_reminder_time(self) -> Any:
        try:
            return reminders.local_time_from_text(self.cleaned_data["reminder_time"].strip())
        except ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["local_time"]) from exc


# --- The patient list -----------------------------------------------------------------------


@dataclass(frozen=True)
class SentInvitation:
    """One line of "Invitations sent": by username, or by email (shown alike whether or not
    anyone has the address, until a runner answers)."""

    shown_as: str
    declined: bool
    created_at: datetime
    withdraw_url: str
    resend_url: str = ""  # by email only, while it may be sent again
    mailed: str = ""  # by email: what became of the email, in words

    @classmethod
    def by_name(cls, link: CareLink) -> SentInvitation:
        return cls(
            link.runner.username,
            link.status == CareLink.Status.DECLINED,
            link.created_at,
            reverse("invitation-withdraw", args=[link.pk]),
        )

    @classmethod
    def by_email(cls, invitation: EmailInvitation) -> SentInvitation:
        link = invitation.link
        declined = link is not None and link.status == CareLink.Status.DECLINED
        may_resend = (
            not declined
            and invitation.used_at is None
            and invitation_links.next_resend(invitation) is not None
        )
        return cls(
            invitation.email,
            declined,
            invitation.created_at,
            reverse("email-invitation-withdraw", args=[invitation.pk]),
            reverse("email-invitation-resend", args=[invitation.pk]) if may_resend else "",
            invitation_links.mail_state(invitation),
        )


def render_patients(request: HttpRequest, form: InviteForm) -> HttpResponse:
    therapist = signed_in(request)
    by_name = CareLink.objects.filter(
        therapist_id=therapist.pk,
        invited_as="",
        status__in=[CareLink.Status.INVITED, CareLink.Status.DECLINED],
    ).select_related("runner")[:INVITATIONS_SHOWN]
    by_email = linking.email_invitations_of(therapist)[:INVITATIONS_SHOWN]
    invitations = sorted(
        [SentInvitation.by_name(link) for link in by_name]
        + [SentInvitation.by_email(invitation) for invitation in by_email],
        key=lambda sent: sent.created_at,
        reverse=True,
    )[:INVITATIONS_SHOWN]
    rows = patient_list.rendered(therapist, timezone.now(), "html", rendered_rows)
    # One INSERT: the therapist saw these patients' adherence, pain and warning signs.
    record_views(therapist, [runner_id for runner_id, _row in rows], "patient list page")
    context = {
        # Rendered by our own template, which escaped what it shows.
        "patient_rows": [mark_safe(row) for _runner_id, row in rows],
        "invitations": invitations,
        "form": form,
    }
    return render(request, "pages/therapist/patients.html", context)


def rendered_rows(patients: list[attention.Patient]) -> list[tuple[int, str]]:
    """Each patient's row of the list as HTML, kept by patient_list until it changes: a
    hundred rows through the template engine cost about 85 ms a page (bench/page_times.py),
    a join of kept rows next to nothing."""
    template = get_template("pages/therapist/_patient_row.html")
    return [(patient.id, template.render({"patient": patient})) for patient in patients]


@therapist_required
def patients(request: HttpRequest) -> HttpResponse:
    """Who needs attention first, and the invitations sent."""
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        identifier = form.cleaned_data["runner"].strip()
        try:
            if linking.is_email(identifier):
                invitation_links.invite(signed_in(request), identifier, timezone.now())
                # The same words whether or not anyone has confirmed the address.
                messages.success(
                    request,
                    _("Invitation to %(address)s: %(what)s")
                    % {"address": identifier, "what": linking.SENT_BY_EMAIL},
                )
            else:
                link = linking.invite(signed_in(request), identifier, timezone.now())
                messages.success(
                    request,
                    _("Invitation sent to %(name)s. You will see their plans once they accept.")
                    % {"name": shown_name(link.runner)},
                )
        except ValidationError as exc:
            add_domain_errors(form, exc)
        else:
            return redirect("patients")
    return render_patients(request, form)


@therapist_required
@require_POST
def withdraw(request: HttpRequest, link_id: int) -> HttpResponse:
    link = linking.end_link(signed_in(request), link_id, timezone.now())
    messages.success(
        request,
        _("Invitation to %(name)s withdrawn.") % {"name": link.invited_as or link.runner.username},
    )
    return redirect("patients")


@therapist_required
@require_POST
def withdraw_by_email(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = linking.withdraw_email_invitation(
        signed_in(request), invitation_id, timezone.now()
    )
    messages.success(request, _("Invitation to %(name)s withdrawn.") % {"name": invitation.email})
    return redirect("patients")


@therapist_required
@require_POST
def resend_by_email(request: HttpRequest, invitation_id: int) -> HttpResponse:
    try:
        invitation = invitation_links.resend(signed_in(request), invitation_id, timezone.now())
    except ValidationError as refused:
        for message in refused.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Invitation to %(address)s sent again, with a new link.")
            % {"address": invitation.email},
        )
    return redirect("patients")


# --- A patient's page -----------------------------------------------------------------------


@dataclass(frozen=True)
class LoggedDay:
    """One day of a plan's recent sessions, as the therapist scans it: how many exercises were
    done, the worst pain, and what the runner wrote."""

    day: date
    logs: list[SessionLog]
    due: int  # exercises due that day
    # The plan's today: what is not logged yet is still due, not missed.
    is_today: bool = False

    @property
    def missing(self) -> int:
        """Exercises due that day and not logged done (skipped, or not logged at all)."""
        return max(0, self.due - self.done - self.partial)

    @property
    def still_due(self) -> int:
        """Today's exercises not logged at all yet: the day is not over."""
        return max(0, self.due - len({log.plan_exercise_id for log in self.logs}))

    @property
    def not_done(self) -> int:
        """Exercises the day counts as not done: all missing ones on a past day; today, only
        those logged as not done."""
        return self.missing - self.still_due if self.is_today else self.missing

    @property
    def done(self) -> int:
        return sum(1 for log in self.logs if log.done and not log.partial)

    @property
    def partial(self) -> int:
        return sum(1 for log in self.logs if log.done and log.partial)

    @property
    def worst_during(self) -> int | None:
        rated = [log.pain_during for log in self.logs if log.pain_during is not None]
        return max(rated, default=None)

    @property
    def worst_morning(self) -> int | None:
        rated = [log.pain_next_morning for log in self.logs if log.pain_next_morning is not None]
        return max(rated, default=None)

    @property
    def notes(self) -> list[tuple[str, str]]:
        return [(log.plan_exercise.exercise.name, log.note) for log in self.logs if log.note]

    @property
    def runs(self) -> list[str]:
        """The walk-run sessions' time and distance: "12 min, 1.68 km (from a GPX file)"."""
        return [run_words(log) for log in self.logs if log.run_seconds is not None]

    @property
    def hard(self) -> list[str]:
        """Exercises the runner found hard or very hard that day."""
        return [
            log.plan_exercise.exercise.name
            for log in self.logs
            if log.difficulty is not None and log.difficulty >= SessionLog.Difficulty.HARD
        ]


@dataclass
class PlanSection:
    """One plan of the patient, with what the therapist reads on it."""

    plan: Plan
    today: date
    week: int | None
    exercises: list[tuple[PlanExercise, str]] = field(default_factory=list)
    logs: list[SessionLog] = field(default_factory=list)
    red_flags: list[RedFlagReport] = field(default_factory=list)
    changes: list[DoseChange] = field(default_factory=list)
    # This plan's sessions over the last 14 days, as the patient list counts them.
    adherence: trends.Adherence | None = None

    @property
    def is_active(self) -> bool:
        return self.plan.status == Plan.Status.ACTIVE

    @property
    def days(self) -> list[LoggedDay]:
        """The recent logs a day to a row, newest first."""
        by_day: dict[date, list[SessionLog]] = {}
        for log in self.logs:
            by_day.setdefault(log.day, []).append(log)
        if not by_day:
            return []
        items = [item for item, _ in self.exercises]
        due = progress_report.due_by_day(self.plan, items, min(by_day), max(by_day))
        return [
            LoggedDay(day, logs, len(due.get(day, ())), is_today=day == self.today)
            for day, logs in by_day.items()
        ]

    @property
    def is_current(self) -> bool:
        """Running or paused: the plans the therapist acts on, shown first and open."""
        return self.plan.status in (Plan.Status.ACTIVE, Plan.Status.PAUSED, Plan.Status.STOPPED)


UNREAD_EXERCISE_FIELDS = ("picture", "summary", "equipment", "cautions", "dose_note")


def plan_sections(runner: User, now: datetime) -> list[PlanSection]:
    """Every plan of the runner, newest first, in five queries whatever their number (four
    when every plan runs: no dose history is shown in place)."""
    sections = []
    for plan in (
        Plan.objects.filter(user_id=runner.pk)
        .select_related("program")
        .order_by("-created_at", "-pk")
    ):
        today = schedule.local_date(now, plan.time_zone)
        within = plan.start_date <= today <= plan.projected_end
        week = schedule.week_of(plan.start_date, today) if within else None
        sections.append(PlanSection(plan, today, week))
    by_id = {section.plan.pk: section for section in sections}
    items: dict[int, PlanExercise] = {}
    for item in (
        PlanExercise.objects.filter(plan_id__in=by_id)
        .select_related("exercise")
        # The page names the exercise and reads its ladder; its picture's poses and the
        # rest of its text are for the runner's pages.
        .defer(*(f"exercise__{name}" for name in UNREAD_EXERCISE_FIELDS))
        .order_by("plan_id", "order")
    ):
        # In the words of the runner's card ("3 sets of 10 per side"): "1 x 3 sets of 10"
        # read the prescription's sets beside the dose's own.
        dose = course.dose_text(ladders.ladder_of(item), ladders.dose_of(item))
        by_id[item.plan_id].exercises.append((item, dose))
        items[item.pk] = item
    newest = Window(
        DenseRank(),
        partition_by=[F("plan_id")],
        order_by=[F("day").desc()],
    )
    for log in (
        SessionLog.objects.filter(plan_id__in=by_id)
        .annotate(newest=newest)
        .filter(newest__lte=RECENT_LOG_DAYS)
        .order_by("-day")
    ):
        # Each log's exercise is one loaded above: not joined and built again per log.
        log.plan_exercise = items[log.plan_exercise_id]
        by_id[log.plan_id].logs.append(log)
    for section in sections:
        section.logs.sort(key=lambda log: (-log.day.toordinal(), log.plan_exercise.order))
    for report in (
        RedFlagReport.objects.filter(plan_id__in=by_id)
        .filter(attention.still_open(now))
        .select_related("red_flag")
        .order_by("-day", "-pk")
    ):
        by_id[report.plan_id].red_flags.append(report)
    # A running plan's dose history is in its panel, fetched when unfolded (`plan_panel`);
    # the page shows the others' (paused, stopped, ended) in place.
    shown_in_place = [pk for pk, section in by_id.items() if not section.is_active]
    for change in (
        DoseChange.objects.filter(plan_exercise__plan_id__in=shown_in_place)
        .select_related("plan_exercise__exercise", "decided_by")
        .order_by("-effective_on", "-created_at", "-pk")
    ):
        by_id[change.plan_exercise.plan_id].changes.append(change)
    return sections


def assign_form_for(plans: list[Plan], now: datetime, therapist: User) -> AssignForm:
    """Start today, in the zone of the runner's current plan (else the browser's); asking
    what becomes of a plan running now. `plans`: the runner's, newest first."""
    running = [plan for plan in plans if plan.status == Plan.Status.ACTIVE]
    current = next(iter(running), plans[0] if plans else None)
    zone = current.time_zone if current else ""
    today = schedule.local_date(now, zone) if current else now.date()
    initial = {
        "start_date": today,
        "time_zone": zone,
        "reminder_time": reminders.DEFAULT_LOCAL_TIME.strftime("%H:%M"),
    }
    return AssignForm(initial=initial, therapist=therapist, running=running)


def render_patient(
    request: HttpRequest,
    link: CareLink,
    *,
    assign_form: AssignForm | None = None,
) -> HttpResponse:
    # Here rather than in `patient`: a form sent back with its errors shows it all again.
    record_view(request.user, link.runner_id, "patient page: plans, logs, progress")
    now = timezone.now()
    sections = plan_sections(link.runner, now)
    # The adherence the patient list shows, worked out by the same function.
    row = patient_list.row_of(signed_in(request), link.runner_id, now)
    by_plan = {ref.id: ref.adherence for ref in row.active_plans} if row else {}
    for section in sections:
        section.adherence = by_plan.get(section.plan.pk)
    context = {
        "row": row,
        "current": [section for section in sections if section.is_current],
        "past": [section for section in sections if not section.is_current],
        "runner": link.runner,
        "link": link,
        # Alerts not yet acknowledged first, then the latest.
        "alerts": list(
            Alert.objects.filter(runner=link.runner)
            .select_related("acknowledged_by")
            .order_by(F("acknowledged_at").desc(nulls_first=True), "-created_at")[:ALERTS_SHOWN]
        ),
        "awaiting_clearance": list(
            Screening.objects.filter(user=link.runner, cleared_at__isnull=True)
            .exclude(verdict=Screening.Verdict.CLEAR)
            .order_by("-answered_at")
        ),
        "sections": sections,
        # The return-to-run readiness check she took last, with what is left to meet.
        "readiness": readiness.latest_taken(link.runner_id),
        # Sent back with its errors, the form shows open in place; else it is fetched when
        # the therapist unfolds it (`assign_form`): most visits do not assign.
        "assign_form": assign_form,
        "messages_url": reverse("patient-messages", args=[link.runner_id]),
    }
    return render(request, "pages/therapist/patient.html", context)


@therapist_required
def patient(request: HttpRequest, runner_id: int) -> HttpResponse:
    """A linked runner's plans, logs, warning signs and dose history."""
    link = linking.active_link(signed_in(request), runner_id)
    return render_patient(request, link)


@therapist_required
@require_GET
def plan_panel(request: HttpRequest, runner_id: int, plan_id: int) -> HttpResponse:
    """One running plan's charts, calendar and dose history: the panel the runner's progress
    page shows, fetched when the therapist unfolds it on the patient page. Rendering it for
    every plan on every visit was most of the page's cost, for a panel most visits leave
    folded."""
    link = linking.active_link(signed_in(request), runner_id)
    plan = get_object_or_404(Plan, pk=plan_id, user_id=link.runner_id)
    record_view(request.user, link.runner_id, f"plan {plan.pk} progress panel")
    today = schedule.local_date(timezone.now(), plan.time_zone)
    context = {**progress_context(plan, today), "on_patient_page": True}
    return render(request, "pages/progress/_panel.html", context)


@therapist_required
@require_GET
def assign_form(request: HttpRequest, runner_id: int) -> HttpResponse:
    """The form to assign a program: the patient page's folded block fetches it (htmx);
    opened on its own, a page of its own, for a browser without scripts."""
    therapist = signed_in(request)
    link = linking.active_link(therapist, runner_id)
    record_view(request.user, link.runner_id, "assign form: plans running")
    plans = list(
        Plan.objects.filter(user_id=link.runner_id)
        .select_related("program")
        .order_by("-created_at", "-pk")
    )
    context = {
        "runner": link.runner,
        "assign_form": assign_form_for(plans, timezone.now(), therapist),
    }
    if is_htmx(request):
        return render(request, "pages/therapist/_assign_form.html", context)
    return render(request, "pages/therapist/assign.html", context)


@therapist_required
@require_POST
def assign(request: HttpRequest, runner_id: int) -> HttpResponse:
    therapist = signed_in(request)
    link = linking.active_link(therapist, runner_id)
    form = AssignForm(
        request.POST,
        therapist=therapist,
        # Only the running plans' names: not the five queries of every plan's sections.
        running=list(
            Plan.objects.filter(user_id=link.runner_id, status=Plan.Status.ACTIVE)
            .select_related("program")
            .order_by("-created_at", "-pk")
        ),
    )
    if form.is_valid():
        try:
            plan = linking.assign_program(
                therapist=therapist,
                runner=link.runner,
                program=form.cleaned_data["program"],
                start_date=form.cleaned_data["start_date"],
                time_zone=form.cleaned_data["time_zone"],
                reminder_time=form.cleaned_data["reminder_time"],
                now=timezone.now(),
                running=form.cleaned_data.get("running") or None,
            )
        except ValidationError as exc:
            add_domain_errors(form, exc)
        except screenings.ScreeningRequired as refused:
            # The runner's warning-sign screening does not allow a plan yet: say what is
            # missing, for the whole form.
            form.add_error(
                None,
                _("%(name)s: %(refusal)s")
                % {"name": shown_name(link.runner), "refusal": refused.message},
            )
        else:
            messages.success(
                request,
                _("%(program)s assigned to %(name)s, from %(day)s.")
                % {
                    "program": plan.program.name,
                    "name": shown_name(link.runner),
                    # Translators: a date format of Django's date filter ("7 December 2026"):
                    # give your language's own (Spanish: j \d\e F \d\e Y).
                    "day": date_format(plan.start_date, _("j F Y")),
                },
            )
            return redirect(reverse("patient", args=[runner_id]) + f"#plan-{plan.pk}")
    return render_patient(request, link, assign_form=form)


@therapist_required
@require_POST
def plan_status(request: HttpRequest, runner_id: int, plan_id: int) -> HttpResponse:
    """Pause, resume or end one of the patient's plans; the runner is told, with the note."""
    therapist = signed_in(request)
    linking.active_link(therapist, runner_id)
    try:
        plan = linking.change_patient_plan(
            therapist,
            plan_id,
            request.POST.get("status", ""),
            timezone.now(),
            request.POST.get("note", ""),
        )
    except ValidationError as refused:
        for message in refused.messages:
            messages.error(request, message)
        return redirect(reverse("patient", args=[runner_id]) + f"#plan-{plan_id}")
    messages.success(
        request,
        CHANGED[plan.status] % {"program": plan.program.name},
    )
    return redirect(reverse("patient", args=[runner_id]) + f"#plan-{plan.pk}")


urlpatterns = [
    path("patients/", patients, name="patients"),
    path("patients/invitations/<id:link_id>/withdraw/", withdraw, name="invitation-withdraw"),
    path(
        "patients/email-invitations/<id:invitation_id>/withdraw/",
        withdraw_by_email,
        name="email-invitation-withdraw",
    ),
    path(
        "patients/email-invitations/<id:invitation_id>/resend/",
        resend_by_email,
        name="email-invitation-resend",
    ),
    path("patients/<id:runner_id>/", patient, name="patient"),
    path("patients/<id:runner_id>/assign/", assign, name="patient-assign"),
    path("patients/<id:runner_id>/assign/form/", assign_form, name="patient-assign-form"),
    path(
        "patients/<id:runner_id>/plans/<id:plan_id>/panel/",
        plan_panel,
        name="patient-plan-panel",
    ),
    path(
        "patients/<id:runner_id>/plans/<id:plan_id>/status/",
        plan_status,
        name="patient-plan-status",
    ),
]
