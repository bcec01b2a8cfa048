"""Answering the warning-sign questions, and the clearance that lets a runner go on.

A screening is stored as answered, with its verdict (planner.engine.screening): a sign reported
is never lost by answering again, and an emergency stays until the runner states that a
clinician has assessed them. Every plan starts on a screening that allows it, answered in the
last week and not used for another plan (planner.plans.lifecycle.start_plan asks here).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, prefetch_related_objects
from django.http import Http404
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from conditions.models import BodyRegion, RedFlag, Source
from kit.conflict import Conflict
from planner.access import active_links
from planner.engine import screening as rules
from planner.models import Alert, Plan, Screening
from planner.names import shown_name
from planner.safety import refusals
from planner.safety.alerts import raise_alert


def questions_for(regions: Iterable[BodyRegion]) -> list[RedFlag]:
    """The warning signs asked for these regions, and those asked whatever hurts; all of them
    when no region is given."""
    chosen = list(regions)
    flags = (
        RedFlag.objects.all()
        if not chosen
        else RedFlag.objects.filter(Q(regions__in=chosen) | Q(regions__isnull=True))
    )
    return list(flags.distinct().select_related("source").order_by("pk"))


@dataclass(frozen=True)
class CitedSign:
    """A warning sign reported, with the sources it cites to this runner."""

    flag: RedFlag
    sources: list[Source]


def signs_cited(screening: Screening, regions: Iterable[BodyRegion]) -> list[CitedSign]:
    """The warning signs answered "yes", the most urgent first, each with the sources that give
    it for the regions that hurt (rules.cited_sources): the caller gives them (the regions
    chosen in this sign-in), else a running plan's check-in reads them from the plan's
    condition, else they are read from the questions the screening asked."""
    chosen = [region.slug for region in regions]
    if screening.check_in_of_id is not None and not chosen:
        chosen = list(
            BodyRegion.objects.filter(
                conditions__programs__plans=screening.check_in_of_id
            ).values_list("slug", flat=True)
        )
    elif not chosen:
        # Answered elsewhere (another sign-in, the API): the questions it asked tell.
        signs_by_region: dict[str, list[str]] = {}
        for region_slug, sign in RedFlag.regions.through.objects.order_by(
            "bodyregion__order", "bodyregion__name"
        ).values_list("bodyregion__slug", "redflag__slug"):
            signs_by_region.setdefault(region_slug, []).append(sign)
        chosen = rules.regions_asked(screening.answers, signs_by_region)
    flags = signs_reported(screening)
    prefetch_related_objects(flags, "region_sources__source", "region_sources__region")
    cited = []
    for flag in flags:
        by_region = {c.region.slug: c.source for c in flag.region_sources.all()}
        sources = {flag.source.slug: flag.source} | {s.slug: s for s in by_region.values()}
        slugs = rules.cited_sources(
            flag.source.slug, {region: s.slug for region, s in by_region.items()}, chosen
        )
        cited.append(CitedSign(flag, [sources[slug] for slug in slugs]))
    return cited


def signs_reported(screening: Screening) -> list[RedFlag]:
    """The warning signs answered "yes", the most urgent first."""
    yes = [slug for slug, answer in screening.answers.items() if answer]
    found = RedFlag.objects.filter(slug__in=yes).select_related("source")
    return sorted(found, key=lambda flag: (flag.urgency != RedFlag.Urgency.EMERGENCY, flag.pk))


def check_answers(asked: list[RedFlag], answers: Mapping[str, bool]) -> None:
    """Every question asked answered, and nothing else: a ValidationError naming the rule."""
    slugs = {flag.slug for flag in asked}
    unknown = sorted(set(answers) - slugs)
    missing = [flag.slug for flag in asked if flag.slug not in answers]
    problems = []
    if missing:
        problems.append(
            _("Answer every question, yes or no: %(questions)s not answered.")
            % {"questions": ", ".join(missing)}
        )
    if unknown:
        problems.append(_("Not asked here: %(questions)s.") % {"questions": ", ".join(unknown)})
    if problems:
        raise ValidationError({"answers": problems})


def record(
    user: User,
    asked: list[RedFlag],
    answers: Mapping[str, bool],
    now: datetime,
    check_in_of: Plan | None = None,
) -> Screening:
    """Store one answering of the questions `asked`; a warning sign alerts the runner's
    therapists in the same transaction."""
    check_answers(asked, answers)
    urgencies = {flag.slug: flag.urgency for flag in asked}
    verdict = rules.verdict(dict(answers), urgencies)
    with transaction.atomic():
        screening = Screening.objects.create(
            user=user,
            answers=dict(answers),
            verdict=verdict.value,
            answered_at=now,
            check_in_of=check_in_of,
        )
        earlier = recent_clearance(user, screening, now)
        if verdict is rules.Verdict.SEE_CLINICIAN and earlier is not None:
            # The same signs a clinician cleared lately: still cleared, and said so.
            screening.cleared_at, screening.cleared_by = now, earlier.cleared_by
            screening.clearance_note = (
                f"Covered by the clearance of {earlier.cleared_at:%d %B %Y}: "
                f"{earlier.clearance_note}"
            )
            screening.save(update_fields=["cleared_at", "cleared_by", "clearance_note"])
        elif verdict in (rules.Verdict.EMERGENCY, rules.Verdict.SEE_CLINICIAN):
            signs = signs_reported(screening)
            where = "the weekly check-in" if check_in_of else "the screening before a plan"
            raise_alert(
                runner=user,
                kind=Alert.Kind.WARNING_SIGN,
                urgency=verdict.value,
                text=f"{shown_name(user)} reported in {where}: "
                + "; ".join(flag.sign for flag in signs),
                advice=" ".join(flag.advice for flag in signs),
                plan=check_in_of,
                screening=screening,
                now=now,
            )
    return screening


def yes_signs(screening: Screening) -> frozenset[str]:
    return frozenset(slug for slug, answer in screening.answers.items() if answer)


def recent_clearance(user: User, screening: Screening, now: datetime) -> Screening | None:
    """The latest cleared screening whose signs cover every "yes" of `screening` (signs to see
    a clinician about only), cleared within rules.CLEARANCE_COVERS; None when there is none."""
    yes = yes_signs(screening)
    if not yes:
        return None
    for earlier in (
        Screening.objects.filter(
            user=user,
            verdict=Screening.Verdict.SEE_CLINICIAN,
            cleared_at__gte=now - rules.CLEARANCE_COVERS,
        )
        .exclude(pk=screening.pk)
        .order_by("-cleared_at")
    ):
        if rules.covered_by_clearance(yes, yes_signs(earlier)):
            return earlier
    return None


def history(user: User) -> list[Screening]:
    """The person's screenings, the one answered last first (in the order they were recorded,
    which is the order of `answered_at` when they are answered as they are recorded)."""
    return list(Screening.objects.filter(user=user).order_by("-pk"))


def facts(screenings: Iterable[Screening]) -> list[rules.Screened]:
    return [
        rules.Screened(
            verdict=rules.Verdict(s.verdict),
            answered_at=s.answered_at,
            cleared=s.cleared_at is not None,
            used=s.used_by_id is not None,
            answered=frozenset(s.answers),
        )
        for s in screenings
    ]


def start_permission(
    user: User, now: datetime, regions: Iterable[BodyRegion] | None = None
) -> rules.Permission:
    """Whether a plan may start for this person now, for a condition of these `regions` (its
    questions must have been asked), and what is missing when not."""
    required = frozenset(flag.slug for flag in questions_for(regions)) if regions else frozenset()
    stopped_for = list(
        Plan.objects.filter(user=user, status=Plan.Status.STOPPED)
        .exclude(stop_urgency="")
        .values_list("stop_urgency", flat=True)
    )
    return rules.may_start_plan(facts(history(user)), now, required, stopped_for)


def newest(user: User) -> Screening | None:
    return Screening.objects.filter(user=user).order_by("-pk").first()


def open_emergency(user: User) -> Screening | None:
    """The emergency reported and not yet assessed by a clinician, if any."""
    return (
        Screening.objects.filter(
            user=user, verdict=Screening.Verdict.EMERGENCY, cleared_at__isnull=True
        )
        .order_by("-answered_at")
        .first()
    )


def check_may_clear(by: User, screening_id: int) -> None:
    """A screening is cleared by its runner or a therapist linked to them; anyone else finds
    no such screening (404)."""
    owner = Screening.objects.filter(pk=screening_id).values_list("user_id", flat=True).first()
    if owner is None or not (
        owner == by.pk or active_links().filter(therapist_id=by.pk, runner_id=owner).exists()
    ):
        raise Http404("No such screening.")


@transaction.atomic
def clear(by: User, screening_id: int, note: str, now: datetime) -> Screening:
    """Record that a clinician has assessed the runner and cleared exercise: stated by the
    runner themselves, or by a therapist linked to them. Kept with who and when."""
    check_may_clear(by, screening_id)
    # Locked by its key alone: FOR UPDATE cannot take the nullable side of a join.
    found = Screening.objects.select_for_update().get(pk=screening_id)
    if found.verdict == Screening.Verdict.CLEAR:
        raise ValidationError({"screening": _("No warning sign was reported: nothing to clear.")})
    if found.cleared_at is not None:
        raise ValidationError(
            {
                "screening": _("Already cleared on %(day)s.")
                % {"day": date_format(found.cleared_at, _("j F Y"))}
            }
        )
    if not note.strip():
        raise ValidationError(
            {"note": _("Say who assessed you (or the runner) and when: it is kept with the plan.")}
        )
    found.cleared_at, found.cleared_by, found.clearance_note = now, by, note.strip()
    found.save(update_fields=["cleared_at", "cleared_by", "clearance_note"])
    return found


class ScreeningRequired(Conflict):
    """A plan cannot start: the screening does not allow it (what is missing, in words)."""

    def __init__(self, permission: rules.Permission) -> None:
        super().__init__(
            refusals.in_words(permission.reason),
            permission.missing,
            screenings="/api/v1/screenings",
        )
        self.permission = permission


def mark_used(user: User, plan: Plan) -> None:
    """The plan started on the person's newest screening: it cannot start another. A
    conditional UPDATE, so two starts at once cannot both use it: the second is refused."""
    screening = newest(user)
    taken = (
        Screening.objects.filter(pk=screening.pk, used_by__isnull=True).update(used_by=plan)
        if screening is not None
        else 0
    )
    if not taken:
        raise ScreeningRequired(
            rules.Permission(
                False,
                "screening",
                "Answer the warning-sign questions again: these answers started another plan.",
            )
        )
