"""How much pain a program allows during an exercise: one rule per program phase, each from a
published source, named in every reason the engine gives. Plain values.

- The pain-monitoring model (Silbernagel et al., Am J Sports Med 2007;35(6):897-906), for
  tendon pain and overuse: pain during exercise up to 5/10 is acceptable if it has settled by
  the next morning and morning pain does not rise from session to session; 0-2/10 is the
  model's "safe zone", which is what counts towards a step up here.
- Near pain-free work, for acute muscle strains in their first phase and for nerve-related
  pain: Askling et al. (Br J Sports Med 2013;47:953-959) had their lengthening exercises done
  "pain-free or almost pain-free"; the planner reads "almost" as the pain-monitoring model's
  safe zone, no more than 2/10 (the project's own choice of number), and any spreading
  tingling or numbness is a reason to stop.
- The return-to-run rule, for a walk-run program: pain during running no more than 2/10 (the
  TREK education resource for runners with patellofemoral pain, which asks for pain back to
  its level before the run within an hour and no rise the next morning), and pain that neither
  persists nor increases 24 hours after (Vincent & Vincent, Curr Sports Med Rep
  2017;16(3):122, runners' pain rules). The engine reads "back to baseline" as the next
  morning's pain no worse than the morning before, as it does for every rule; a bone injury is
  not run through with pain at all (its warning signs stop the plan).
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.engine.phrases import gettext_noop


@dataclass(frozen=True)
class PainRule:
    key: str
    # Both marked for translation here and translated where shown (gettext of the English).
    name: str  # in words, for reasons: "the pain-monitoring model"
    limit: int  # pain during above this (0-10) steps the dose back
    comfortable: int  # pain during up to this counts towards a step up; above it, holds
    advice: str  # what the runner reads next to the pain question and on the plan


PAIN_MONITORING = PainRule(
    key="pain_monitoring",
    name=gettext_noop("the pain-monitoring model"),
    limit=5,
    comfortable=2,
    advice=gettext_noop(
        "Pain during the exercise up to 5 out of 10 is acceptable if it has settled by the next "
        "morning, and morning pain should be no worse than the morning before. 0 to 2 counts "
        "towards the next step; pain above 5 steps the dose back."
    ),
)

NEAR_PAIN_FREE = PainRule(
    key="near_pain_free",
    name=gettext_noop("near pain-free work"),
    limit=2,
    comfortable=2,
    advice=gettext_noop(
        "Work pain-free or almost: no more than 2 out of 10 during the exercise, and no worse "
        "the next morning. More than that steps the dose back; tingling or numbness that "
        "spreads means stop and have it checked."
    ),
)

RETURN_TO_RUN = PainRule(
    key="return_to_run",
    name=gettext_noop("the return-to-run rule"),
    limit=2,
    comfortable=2,
    advice=gettext_noop(
        "Pain during the run no more than 2 out of 10, and back to how it was before the run "
        "within 24 hours: by the next morning, no worse than the morning before. More than "
        "that steps back a phase."
    ),
)

PAIN_RULES = {rule.key: rule for rule in (PAIN_MONITORING, NEAR_PAIN_FREE, RETURN_TO_RUN)}
