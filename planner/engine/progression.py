"""The progression engine: from a prescription and its log history, the next dose and why.

Plain values in, plain values out: no ORM, no request, no clock. The caller passes `today`.

Each exercise is decided under its program's pain rule (planner.engine.pain): by default the
pain-monitoring model (Silbernagel et al., Am J Sports Med 2007;35(6):897-906), pain during
exercise up to 5/10 acceptable when it has settled by the next morning, 0-2/10 its safe zone,
and next-morning pain not rising from session to session. Under the rule:

- a red flag reported in any log stops the plan;
- pain during above the limit, or next-morning pain worse than the morning before, steps the
  dose back one step (never below the start);
- borderline pain during (above the comfortable level, up to the limit), or sessions missed
  in the last progression period, holds the dose;
- pain during above the limit, or next-morning pain worse than the morning before, steps the
  dose down one rung: back one step of the ladder (one set fewer, or fewer reps or seconds),
  from the bottom of a harder version to the top of the one before it, and from the bottom of
  the exercise itself to its easier version when the prescription names one;
- a partial session (done, but fewer reps or seconds than the dose) is neither missed nor
  completed: its pain counts like any session's, but it does not count towards a step up;
- enough completed sessions and days at the current dose with comfortable pain step it up one
  rung: reps (or seconds) climb from `start` to `target` in steps, then sets one at a time to
  `sets_target`; at the top, the next harder version (a load step: a band, a heavier band, a
  weight) starts again at the bottom; from the easier version, back to the exercise itself;
- a therapist's override is applied by the caller and wins: it is not decided here.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from planner.engine.pain import PAIN_MONITORING, PainRule
from planner.engine.phrases import _, ngettext, weekday
from planner.engine.return_to_run import RunPhase, is_short_run, phase_of, phase_words
from planner.engine.words import in_sentence


class Action(enum.StrEnum):
    PROGRESS = "progress"
    ADD_VARIATION = "add_variation"
    HOLD = "hold"
    STEP_BACK = "step_back"
    STOP = "stop"


EASIER = -1  # a dose's level when it is the easier version


@dataclass(frozen=True)
class Ladder:
    """A prescription's dose ladder, counted in `unit` ("reps" or "seconds").

    Its rungs, from the bottom: `start` to `target` in `step`s at `sets` sets, then one set
    more at a time up to `sets_target`; then the same again for each harder version in turn.
    Below the bottom, the easier version when there is one.
    """

    exercise: str  # the exercise's name, for reasons in words
    unit: str
    start: int
    target: int
    step: int
    per_side: bool
    sets: int = 1
    sets_target: int = 1  # below `sets` means the same as `sets`: sets do not climb
    harder: tuple[str, ...] = ()  # the harder versions' names, in the order they are taken
    easier: str = ""  # the easier version's name, or "" when there is none
    hold_seconds: int = 0  # how long each repetition is held
    times_per_day: int = 1
    # A walk-run ladder (unit "phases"): its rungs are these phases, the amount counting them
    # from 1, so every rule above (a step up, a step back) moves one phase.
    phases: tuple[RunPhase, ...] = ()
    # The versions' names in the reader's language, by the names above (which are the
    # catalog's keys, in English): a version with none here is worded as its key.
    names: tuple[tuple[str, str], ...] = ()

    @property
    def top_sets(self) -> int:
        return max(self.sets, self.sets_target)

    @property
    def lowest_level(self) -> int:
        return EASIER if self.easier else 0

    def bottom(self, level: int = 0) -> Dose:
        """The first rung of a version of the exercise (the exercise itself by default)."""
        return Dose(self.start, self.sets, level)

    def top(self, level: int = 0) -> Dose:
        return Dose(self.target, self.top_sets, level)

    def version_key(self, level: int) -> str:
        """The catalog's name of the version a dose is at: "" for the exercise itself."""
        if level == EASIER:
            return self.easier
        return self.harder[level - 1] if 0 < level <= len(self.harder) else ""

    def version(self, level: int) -> str:
        """The version a dose is at, named in the reader's language: "" for the exercise
        itself."""
        key = self.version_key(level)
        for named, shown in self.names:
            if named == key:
                return shown
        return key

    def clamp(self, dose: Dose) -> Dose:
        """The nearest dose the ladder allows (a ladder edited since the dose was set)."""
        return Dose(
            min(max(dose.amount, self.start), max(self.start, self.target)),
            min(max(dose.sets, self.sets), self.top_sets),
            min(max(dose.level, self.lowest_level), len(self.harder)),
        )


@dataclass(frozen=True)
class Dose:
    amount: int  # reps per set, or seconds held
    sets: int = 1
    level: int = 0  # 0: the exercise itself; 1, 2...: its harder versions; EASIER: the easier


@dataclass(frozen=True)
class SessionRecord:
    """One day's log of one exercise."""

    day: date
    done: bool
    pain_during: int | None = None
    pain_next_morning: int | None = None
    red_flag: str = ""  # the sign reported, or "" when none
    partial: bool = False  # done, but fewer reps (or seconds) than the day's dose


def is_partial(done: bool, amount_done: int | None, dose: Dose) -> bool:
    """Whether a session logged done fell short of the day's dose: fewer reps (or seconds) per
    set than `dose` asks. No amount given means the whole dose was done."""
    return done and amount_done is not None and amount_done < dose.amount


def cut_short(
    ladder: Ladder, dose: Dose, done: bool, amount_done: int | None, distance_metres: int | None
) -> bool:
    """Whether a session logged done fell short of the day's dose: fewer reps (or seconds)
    than the dose, or, on a walk-run ladder, a run shorter than its phase's distance."""
    if ladder.phases:
        return done and is_short_run(distance_metres, phase_of(ladder.phases, dose.amount))
    return is_partial(done, amount_done, dose)


def counts_towards_step(record: SessionRecord) -> bool:
    """A session done in full: a partial one is not missed, but it does not earn a step up."""
    return record.done and not record.partial


@dataclass(frozen=True)
class Rules:
    pain_limit: int = PAIN_MONITORING.limit  # pain during above this steps back
    comfortable_pain: int = PAIN_MONITORING.comfortable  # above this (up to the limit) holds
    sessions_to_progress: int = 3  # completed comfortable sessions at a dose before a step up
    days_to_progress: int = 7  # days at a dose before a step up
    pain_rule: str = PAIN_MONITORING.name  # the rule's name, in every reason about pain

    @classmethod
    def under(cls, rule: PainRule, sessions_to_progress: int, days_to_progress: int) -> Rules:
        return cls(rule.limit, rule.comfortable, sessions_to_progress, days_to_progress, rule.name)


@dataclass(frozen=True)
class Decision:
    action: Action
    dose: Dose
    reason: str


def describe(ladder: Ladder, dose: Dose) -> str:
    """A dose in words for a reason: "15 per side", "30 s per side (with an exercise band)",
    and "2 sets of 10 per side" when the ladder climbs in sets."""
    words = amount_words(ladder, dose)
    if ladder.top_sets > ladder.sets:
        return _("%(sets)s of %(amount)s") % {"sets": sets_words(dose.sets), "amount": words}
    return words


def amount_words(ladder: Ladder, dose: Dose) -> str:
    """The amount of one set, per side, and the version: "30 s per side (with a band)"; a
    walk-run phase in words: "phase 2 of 6: walk 2 min, run 3 min, over 1.5 miles (2.4 km),
    effort 3 of 10"."""
    if ladder.phases:
        phase = phase_of(ladder.phases, dose.amount)
        return _("phase %(number)s of %(count)s: %(phase)s") % {
            "number": dose.amount,
            "count": len(ladder.phases),
            "phase": phase_words(phase),
        }
    amount = f"{dose.amount} s" if ladder.unit == "seconds" else str(dose.amount)
    if ladder.per_side:
        amount = _("%(amount)s per side") % {"amount": amount}
    version = ladder.version(dose.level)
    named = f" ({in_sentence(version)})" if version else ""
    return f"{amount}{named}"


def logged_words(ladder: Ladder, dose: Dose, amount_done: int, partial: bool) -> str:
    """How much a log says was done, in words: a held stretch in seconds held ("30 s hold",
    "20 s of 30 s per side"), repetitions per set ("10 per set", "6 of 10 per side"). Every
    place that describes a log asks here, so a hold never reads as a count of repetitions."""
    held = ladder.unit == "seconds"
    if partial:
        done = f"{amount_done} s" if held else str(amount_done)
        return _("%(done)s of %(dose)s") % {"done": done, "dose": amount_words(ladder, dose)}
    if held:
        return _("%(seconds)s s hold") % {"seconds": amount_done}
    return _("%(amount)s per set") % {"amount": amount_done}


def sets_words(sets: int) -> str:
    return ngettext("%(sets)s set", "%(sets)s sets", sets) % {"sets": sets}


def decide(
    ladder: Ladder,
    current: Dose,
    dose_since: date,
    history: Sequence[SessionRecord],
    expected_days: Sequence[date],
    today: date,
    rules: Rules = Rules(),
) -> Decision:
    """Decide the next dose of one exercise. See the module docstring for the rules.

    `history` holds every record of the exercise, in any order; records after `today` are
    ignored. Records on `dose_since` count as sessions at `current`, so a caller that changes
    the dose should set `dose_since` to the first day the new dose is to be done.
    `expected_days` are the days a session was due from `dose_since` up to and including
    `today`.
    """
    # A ladder edited since the dose was set may leave the dose outside it; every answer,
    # even a stop, must be a dose the ladder allows.
    current = ladder.clamp(current)
    known = sorted((r for r in history if r.day <= today), key=lambda r: r.day)
    since = [r for r in known if r.day >= dose_since]
    done_since = [r for r in since if r.done]
    # The warning rules also read the session that earned the current dose (the day before it
    # took effect): its next-morning pain, or a corrected pain, arrives after the step up.
    watched = [r for r in known if r.day >= dose_since - timedelta(days=1)]
    watched_done = [r for r in watched if r.done]
    latest_done = watched_done[-1] if watched_done else None

    flagged = [r for r in known if r.red_flag.strip()]
    if flagged:
        record = flagged[-1]
        return _decision(
            ladder,
            Action.STOP,
            current,
            sign_reason(record.red_flag, record.day),
            "the dose stays at",
        )

    if latest_done is not None and _pain(latest_done) > rules.pain_limit:
        cause = _(
            "pain %(pain)s/10 during %(weekday)s's session is above the %(limit)s/10 limit of "
            "%(rule)s"
        ) % {
            "pain": _pain(latest_done),
            "weekday": weekday(latest_done.day),
            "limit": rules.pain_limit,
            "rule": _(rules.pain_rule),
        }
        return _step_back(ladder, current, cause, rules)

    rise = _morning_rise(known, watched)
    if rise is not None:
        before, after, day = rise
        cause = _(
            "next-morning pain rose from %(before)s/10 to %(after)s/10 after %(weekday)s's session"
        ) % {"before": before, "after": after, "weekday": weekday(day)}
        return _step_back(ladder, current, cause, rules)

    if latest_done is not None and _pain(latest_done) > rules.comfortable_pain:
        return _decision(
            ladder,
            Action.HOLD,
            current,
            _(
                "pain %(pain)s/10 during %(weekday)s's session is above %(comfortable)s/10 but "
                "within the %(limit)s/10 limit of %(rule)s"
            )
            % {
                "pain": _pain(latest_done),
                "weekday": weekday(latest_done.day),
                "comfortable": rules.comfortable_pain,
                "limit": rules.pain_limit,
                "rule": _(rules.pain_rule),
            },
            "staying at",
        )

    # Misses count over the last progression period only: an old miss, made up since by a
    # full period of sessions, must not hold the dose for ever.
    done_days = {r.day for r in done_since}
    window_start = max(dose_since, today - timedelta(days=rules.days_to_progress))
    due = sorted({d for d in expected_days if window_start <= d < today})
    missed = [d for d in due if d not in done_days]
    if missed:
        return _decision(
            ladder,
            Action.HOLD,
            current,
            ngettext(
                "%(missed)s of %(due)s session missed since %(weekday)s %(date)s",
                "%(missed)s of %(due)s sessions missed since %(weekday)s %(date)s",
                len(due),
            )
            % {
                "missed": len(missed),
                "due": len(due),
                "weekday": weekday(window_start),
                "date": window_start.isoformat(),
            },
            "staying at",
        )

    # Days, not records: two logs of one day are still one session. A partial session is
    # done (it is not missed above) but not in full: it does not count towards a step up.
    comfortable = len(
        {r.day for r in done_since if counts_towards_step(r) and _pain(r) <= rules.comfortable_pain}
    )
    partial = len(
        {r.day for r in done_since} - {r.day for r in done_since if counts_towards_step(r)}
    )
    days_at_dose = (today - dose_since).days
    if comfortable >= rules.sessions_to_progress and days_at_dose >= rules.days_to_progress:
        earned = _(
            "%(sessions)s over %(days)s at %(dose)s with pain no higher than %(comfortable)s/10"
        ) % {
            "sessions": ngettext("%(n)s session", "%(n)s sessions", comfortable)
            % {"n": comfortable},
            "days": ngettext("%(n)s day", "%(n)s days", days_at_dose) % {"n": days_at_dose},
            "dose": describe(ladder, current),
            "comfortable": rules.comfortable_pain,
        }
        action, harder = next_dose(ladder, current)
        if action is Action.PROGRESS and current.level == EASIER:
            return _decision(
                ladder,
                Action.PROGRESS,
                harder,
                _("%(earned)s: from the easier version back to the exercise itself")
                % {"earned": earned},
                "up to",
            )
        if action is Action.PROGRESS:
            return _decision(ladder, Action.PROGRESS, harder, earned, "up to")
        if action is Action.ADD_VARIATION:
            return _decision(
                ladder,
                Action.ADD_VARIATION,
                harder,
                _("%(earned)s, and that is the target: next, %(version)s")
                % {"earned": earned, "version": in_sentence(ladder.version(harder.level))},
                "starting again at",
            )
        return _decision(
            ladder,
            Action.HOLD,
            current,
            _("%(earned)s: the target is reached and there is no harder step in this plan")
            % {"earned": earned},
            "keep going at",
        )

    if next_dose(ladder, current)[0] is Action.HOLD:
        # Nothing to wait for: "2 more days before the next step" would promise a step there is
        # not (and contradict the card's "top of this plan's ladder").
        return _decision(
            ladder,
            Action.HOLD,
            current,
            _("the target is reached and there is no harder step in this plan"),
            "keep going at",
        )
    waiting = []
    if comfortable < rules.sessions_to_progress:
        counted = ngettext(
            "%(done)s of %(n)s comfortable session",
            "%(done)s of %(n)s comfortable sessions",
            rules.sessions_to_progress,
        ) % {"done": comfortable, "n": rules.sessions_to_progress}
        waiting.append(
            _("%(counted)s done in full at this dose (%(partial)s not counted)")
            % {
                "counted": counted,
                "partial": ngettext("%(n)s partial session", "%(n)s partial sessions", partial)
                % {"n": partial},
            }
            if partial
            else _("%(counted)s done at this dose") % {"counted": counted}
        )
    days_left = rules.days_to_progress - days_at_dose
    if days_left > 0:
        waiting.append(
            ngettext(
                "%(n)s more day before the next step",
                "%(n)s more days before the next step",
                days_left,
            )
            % {"n": days_left}
        )
    # Unreachable with the rules above, but a reason must never be empty.
    cause = "; ".join(waiting) or _("not ready for the next step yet")
    return _decision(ladder, Action.HOLD, current, cause, "staying at")


def next_dose(ladder: Ladder, current: Dose) -> tuple[Action, Dose]:
    """The dose a step up leads to: from the easier version, the exercise itself at the bottom
    of its ladder; else one step more reps or seconds (never past the target), then one set
    more (never past `sets_target`); at the top, the next harder version from the bottom of
    the ladder; HOLD with the same dose when there is nothing harder."""
    if current.level == EASIER:
        return Action.PROGRESS, ladder.bottom()
    if current.amount < ladder.target:
        return Action.PROGRESS, Dose(
            min(current.amount + ladder.step, ladder.target), current.sets, current.level
        )
    if current.sets < ladder.top_sets:
        return Action.PROGRESS, Dose(current.amount, current.sets + 1, current.level)
    if current.level < len(ladder.harder):
        return Action.ADD_VARIATION, ladder.bottom(current.level + 1)
    return Action.HOLD, current


@dataclass(frozen=True)
class NextStep:
    """What has to happen before an exercise's next step up, and what that step is."""

    action: Action  # PROGRESS, ADD_VARIATION, or HOLD when there is nothing harder
    dose: Dose  # the dose after the step (the current one when there is nothing harder)
    sessions_left: int  # comfortable completed sessions still needed at the current dose
    days_left: int  # days still to wait at the current dose (for the dose, or past a miss)
    missed: int = 0  # sessions missed in the last progression period, which hold the dose
    partial: int = 0  # partial sessions at the current dose: not missed, not counted either

    @property
    def ready(self) -> bool:
        return self.sessions_left == 0 and self.days_left == 0


def next_step(
    ladder: Ladder,
    current: Dose,
    dose_since: date,
    history: Sequence[SessionRecord],
    today: date,
    rules: Rules = Rules(),
    expected_days: Sequence[date] = (),
) -> NextStep:
    """How far the current dose is from its next step up, counted as decide() counts it:
    completed days since `dose_since` with pain during no higher than the comfortable level,
    days spent at the dose, and sessions missed in the last progression period (each holds the
    dose until it is that period old). A partial session is not missed, but does not count
    towards the step either. Pain rules are decide()'s business: this is the way up.
    `expected_days` are the days a session was due, as decide() takes them."""
    at_dose = [r for r in history if dose_since <= r.day <= today and r.done]
    done_days = {r.day for r in at_dose}
    comfortable = len(
        {r.day for r in at_dose if counts_towards_step(r) and _pain(r) <= rules.comfortable_pain}
    )
    partial = len(done_days - {r.day for r in at_dose if counts_towards_step(r)})
    window_start = max(dose_since, today - timedelta(days=rules.days_to_progress))
    missed = sorted(
        d for d in set(expected_days) if window_start <= d < today and d not in done_days
    )
    days_left = max(0, rules.days_to_progress - (today - dose_since).days)
    if missed:
        # decide() counts a miss while it is within the period before the day it decides.
        days_left = max(days_left, (missed[-1] - today).days + rules.days_to_progress + 1)
    action, dose = next_dose(ladder, current)
    return NextStep(
        action=action,
        dose=dose,
        sessions_left=max(0, rules.sessions_to_progress - comfortable),
        days_left=days_left,
        missed=len(missed),
        partial=partial,
    )


def describe_next_step(
    ladder: Ladder, current: Dose, step: NextStep, rules: Rules = Rules()
) -> str:
    """The next step in words, for the day's card."""
    now = describe(ladder, current)
    if step.action is Action.HOLD:
        return _("%(dose)s is the top of this plan's ladder: keep going at it.") % {"dose": now}
    waits = []
    if step.sessions_left:
        n = step.sessions_left
        waits.append(
            (
                ngettext(
                    "%(n)s more comfortable session done in full",
                    "%(n)s more comfortable sessions done in full",
                    n,
                )
                if step.partial
                else ngettext(
                    "%(n)s more comfortable session", "%(n)s more comfortable sessions", n
                )
            )
            % {"n": n}
        )
    if step.days_left:
        waits.append(
            ngettext("%(n)s more day", "%(n)s more days", step.days_left) % {"n": step.days_left}
        )
    then = describe(ladder, step.dose)
    if current.level == EASIER and step.dose.level == 0:
        then = _("%(dose)s (%(exercise)s itself)") % {
            "dose": then,
            "exercise": in_sentence(ladder.exercise),
        }
    if not waits:
        return _(
            "Ready for %(dose)s: the next comfortable session (pain no higher than "
            "%(comfortable)s/10) steps it up."
        ) % {"dose": then, "comfortable": rules.comfortable_pain}
    held = (
        " "
        + ngettext(
            "(%(n)s missed session in the last %(days)s days holds the dose)",
            "(%(n)s missed sessions in the last %(days)s days hold the dose)",
            step.missed,
        )
        % {"n": step.missed, "days": rules.days_to_progress}
        if step.missed
        else ""
    )
    if step.partial and step.sessions_left:
        held += " " + ngettext(
            "(%(n)s partial session at this dose not counted)",
            "(%(n)s partial sessions at this dose not counted)",
            step.partial,
        ) % {"n": step.partial}
    waited = (
        _("%(first)s and %(second)s") % {"first": waits[0], "second": waits[1]}
        if len(waits) == 2
        else waits[0]
    )
    return _("%(waits)s at %(dose)s%(held)s, then %(next)s.") % {
        "waits": waited,
        "dose": now,
        "held": held,
        "next": then,
    }


def steps_remaining(ladder: Ladder, dose: Dose) -> int:
    """Steps still to climb to the top of the exercise's own ladder: the plan's goal.

    The harder versions taken at the top are more conditioning, not part of the goal, so they
    do not push the plan's end later; the easier version is one step below the bottom.
    """
    if dose.level > 0:
        return 0
    if dose.level == EASIER:
        return 1 + steps_remaining(ladder, ladder.bottom())
    return _steps_between(dose.amount, ladder.target, ladder.step) + max(
        0, ladder.top_sets - dose.sets
    )


def expected_finish(today: date, dose_since: date, steps: int, days_to_progress: int) -> date:
    """When an exercise reaches its target if every step from now goes well.

    A step is earned after `days_to_progress` days at a dose and takes effect the next day;
    an exercise that has not started yet starts climbing on `dose_since`. An exercise with no
    step left has reached its target today, even when the dose that reached it takes effect
    tomorrow: a last step earned on the plan's last day must not move its end.
    """
    if steps == 0:
        return today
    return max(today, dose_since) + timedelta(days=steps * (days_to_progress + 1))


def projected_end(planned_end: date, finishes: Sequence[date]) -> date:
    """When the plan can end: never before it was planned, later when progress stalls."""
    return max([planned_end, *finishes])


def step_down(ladder: Ladder, current: Dose) -> Dose:
    """The dose one rung below (the rung _step_back takes), or the same dose at the lowest."""
    if current.sets > ladder.sets:
        return Dose(current.amount, current.sets - 1, current.level)
    if current.amount > ladder.start:
        return Dose(max(ladder.start, current.amount - ladder.step), current.sets, current.level)
    if current.level > 0:
        return ladder.top(current.level - 1)
    if current.level == 0 and ladder.easier:
        return ladder.bottom(EASIER)
    return current


def _step_back(ladder: Ladder, current: Dose, cause: str, rules: Rules) -> Decision:
    if current.sets > ladder.sets:
        lower = Dose(current.amount, current.sets - 1, current.level)
        return _decision(ladder, Action.STEP_BACK, lower, cause, "back to")
    if current.amount > ladder.start:
        lower = Dose(max(ladder.start, current.amount - ladder.step), current.sets, current.level)
        return _decision(ladder, Action.STEP_BACK, lower, cause, "back to")
    if current.level > 0:
        # A harder version restarted the ladder, so one step down from its bottom is the top
        # of the version before it.
        dropped = in_sentence(ladder.version(current.level))
        return _decision(
            ladder,
            Action.STEP_BACK,
            ladder.top(current.level - 1),
            _("%(cause)s: dropping %(version)s") % {"cause": cause, "version": dropped},
            "back to",
        )
    if current.level == 0 and ladder.easier:
        return _decision(
            ladder,
            Action.STEP_BACK,
            ladder.bottom(EASIER),
            _("%(cause)s: stepping down to the easier version") % {"cause": cause},
            "down to",
        )
    return _decision(
        ladder,
        Action.HOLD,
        current,
        _(
            "%(cause)s, but this is already the lowest dose; see a therapist if pain stays "
            "above %(limit)s/10"
        )
        % {"cause": cause, "limit": rules.pain_limit},
        "staying at",
    )


def _morning_rise(
    known: Sequence[SessionRecord], since: Sequence[SessionRecord]
) -> tuple[int, int, date] | None:
    """The next-morning pain before and after, and the session's day, when it rose."""
    mornings = [(r.day, r.pain_next_morning) for r in since if r.pain_next_morning is not None]
    if not mornings:
        return None
    day, after = mornings[-1]
    earlier = [
        r.pain_next_morning for r in known if r.day < day and r.pain_next_morning is not None
    ]
    if not earlier or after <= earlier[-1]:
        return None
    return earlier[-1], after, day


def _decision(ladder: Ladder, action: Action, dose: Dose, cause: str, verb: str) -> Decision:
    return Decision(
        action,
        dose,
        _verb_sentence(verb)
        % {"exercise": ladder.exercise, "cause": cause, "dose": describe(ladder, dose)},
    )


def _verb_sentence(verb: str) -> str:
    """A decision's whole sentence by the words of its verb, each a sentence to translate."""
    sentences = {
        "the dose stays at": _("%(exercise)s: %(cause)s: the dose stays at %(dose)s."),
        "staying at": _("%(exercise)s: %(cause)s: staying at %(dose)s."),
        "up to": _("%(exercise)s: %(cause)s: up to %(dose)s."),
        "starting again at": _("%(exercise)s: %(cause)s: starting again at %(dose)s."),
        "keep going at": _("%(exercise)s: %(cause)s: keep going at %(dose)s."),
        "back to": _("%(exercise)s: %(cause)s: back to %(dose)s."),
        "down to": _("%(exercise)s: %(cause)s: down to %(dose)s."),
    }
    return sentences[verb]


def _pain(record: SessionRecord) -> int:
    return record.pain_during if record.pain_during is not None else 0


def _steps_between(low: int, high: int, step: int) -> int:
    return max(0, -(-(high - low) // max(step, 1)))


def sign_reason(sign: str, day: date) -> str:
    """Why a warning sign stops the plan, in the words every stop for one gives."""
    return _(
        "%(sign)s reported on %(weekday)s: stop the exercises and see a doctor before going on"
    ) % {"sign": sign.strip(), "weekday": weekday(day)}
