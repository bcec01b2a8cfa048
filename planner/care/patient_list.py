"""The therapist's patient list, kept in the cache until something on it changes.

Working a row out reads the patient's recent logs: tens of milliseconds for a hundred
patients. Reading what a row depends on takes one cheap query for the whole list
(`statements.runner_marks`): the runner's name and, per plan, when it was last saved, its open
warning signs and when its logs last changed. Those marks and the quarter hour of `now` tell
whether a cached entry is fresh: the whole list's, against all the marks at once, and each
row's, against its own runner's. When nothing changed the list is one cache read; when a
runner logs a session, only that runner's row is worked out afresh, not the other
ninety-nine. Why the marks see every change:

- logs change only through saves, which set `updated_at` (corrections too);
- a plan's program is fixed when it starts, and every later change to the plan itself is a
  save that sets its `updated_at` (an outcome questionnaire answered touches it too, for the
  change since the start the row shows): its schedule changes (its exercises' frequency, weeks and
  days in the plan) only through a therapist's tailoring (planner.plans.tailoring), which saves
  the plan for that reason;
- a program renamed by an admin is a save that sets the program's `updated_at`, and the
  latest of those is in every runner's marks;
- a row shows program names in the reader's language: the language is in each digest;
- open warning signs are counted live in the marks' query, never taken from the cache;
- a row also depends on the date: each plan's local date, and the UTC date that dates the
  windows. Every zone's offset is a whole number of quarter hours, so no date changes inside
  a quarter hour, and the key changes with it.

A row holds nothing of the therapist's, so two therapists of one runner share it. While the
cache server is down, every row is worked out on every request.

Each entry is kept under a key that names only whose it is, its form and the quarter hour
(the list's: the therapist's; a row's: the runner's), with the digest of the marks it was
worked out from beside it: an entry whose digest is not that of the marks now is stale, and
is worked out again and written over. So there is at most one entry per person, form and
quarter hour, and `forget_runner` can drop every entry that holds a runner's row when her
account is deleted, instead of leaving it in the cache for up to a quarter hour.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from operator import itemgetter
from typing import Any, Literal, TypeVar, get_args

from django.contrib.auth.models import User
from django.utils import translation

from kit import cache_safe
from planner.care import attention, statements

QUARTER_HOUR = 15 * 60
WHAT = "cached patient rows"
Row = TypeVar("Row")
# The forms a list is kept in: the Patient rows (the patient page's), the list page's rendered
# HTML, the API's rendered JSON. Named here so
# that forgetting a runner reaches every form of her row.
Form = Literal["rows", "html", "api"]
FORMS: tuple[Form, ...] = get_args(Form)


def patients_of(therapist: User, now: datetime) -> list[attention.Patient]:
    """attention.patients_of, each row from the cache when nothing it depends on has changed."""
    return rendered(therapist, now, "rows", list)


def rendered(
    therapist: User,
    now: datetime,
    form: Form,
    render: Callable[[list[attention.Patient]], Sequence[Row]],
) -> list[Row]:
    """The patient list, most in need of attention first, each patient as `render` makes it
    (named `form` in the key: the API keeps each row as the JSON it sends, which saves
    serialising and encoding fifty patients on every request, and unpickles in microseconds).
    One query when nothing changed; four when something did, and then only the changed
    patients are worked out."""
    rows = statements.runner_marks(therapist.pk, attention.open_flags_from(now))
    # The whole list first, under all the marks at once: one cache read instead of a hundred.
    whole_key = list_key(form, therapist.pk, quarter_of(now))
    whole_digest = digest_of(rows)
    cached: tuple[str, list[Row]] | None = cache_safe.get(whole_key, None, WHAT)
    if cached is not None and cached[0] == whole_digest:
        return cached[1]
    marks = attention.marks_by_runner(rows)
    keys = {mark.id: row_key(form, mark.id, quarter_of(now)) for mark in marks}
    digests = {mark.id: digest_of(mark) for mark in marks}
    # Each entry: (the digest of the marks it was worked out from, the patient's rank, the
    # rendered row).
    found: dict[str, tuple[str, Any, Row]] = cache_safe.get_many(list(keys.values()), WHAT)
    entries: dict[int, tuple[Any, Row]] = {}
    for mark in marks:
        hit = found.get(keys[mark.id])
        if hit is not None and hit[0] == digests[mark.id]:
            entries[mark.id] = (hit[1], hit[2])
    stale = [mark for mark in marks if mark.id not in entries]
    if stale:
        entries.update(worked_out(stale, keys, digests, now, render))
    whole = [row for _rank, row in sorted(entries.values(), key=itemgetter(0))]
    cache_safe.put(whole_key, (whole_digest, whole), QUARTER_HOUR, WHAT)
    return whole


def row_of(therapist: User, runner_id: int, now: datetime) -> attention.Patient | None:
    """One linked runner's row of the patient list (None without an active link): the entry
    the list keeps, when the runner's marks have not changed since; else worked out afresh
    and kept for the list. The patient page reads it here, so it shows what the list shows
    at the cost of the runner's marks (one query) when nothing changed."""
    rows = statements.runner_marks(therapist.pk, attention.open_flags_from(now), runner_id)
    if not rows:
        return None
    (mark,) = attention.marks_by_runner(rows)
    key = row_key("rows", mark.id, quarter_of(now))
    digest = digest_of(mark)
    hit: tuple[str, Any, attention.Patient] | None = cache_safe.get(key, None, WHAT)
    if hit is not None and hit[0] == digest:
        return hit[2]
    (worked,) = worked_out([mark], {mark.id: key}, {mark.id: digest}, now, list).values()
    return worked[1]


def worked_out(
    marks: Sequence[attention.RunnerMarks],
    keys: dict[int, str],
    digests: dict[int, str],
    now: datetime,
    render: Callable[[list[attention.Patient]], Sequence[Row]],
) -> dict[int, tuple[Any, Row]]:
    """The rows of the runners `marks` names, worked out afresh (two queries) and rendered,
    each kept under its key with the digest of the marks it was worked out from. By runner:
    (her rank in the list, her rendered row)."""
    people = [(mark.id, mark.username, mark.open_alerts, mark.chosen_name) for mark in marks]
    patients = attention.patients_from(people, attention.plan_rows(people, now), now)
    worked: dict[int, tuple[Any, Row]] = {}
    fresh: dict[str, tuple[str, Any, Row]] = {}
    for patient, row in zip(patients, render(patients), strict=True):
        worked[patient.id] = (patient.rank, row)
        fresh[keys[patient.id]] = (digests[patient.id], patient.rank, row)
    cache_safe.put_many(fresh, QUARTER_HOUR, WHAT)
    return worked


def forget_runner(runner_id: int, lists_of: Iterable[int], now: datetime) -> None:
    """Drop the runner's cached rows, in every form, and the cached lists of the therapists
    `lists_of` (those linked to her), which hold her row too: called when her account is
    deleted, so nothing of it stays in the cache. An entry lives a quarter hour, so those
    written in this quarter hour or the one before are all there can be."""
    quarters = (quarter_of(now), quarter_of(now) - 1)
    keys = [row_key(form, runner_id, quarter) for form in FORMS for quarter in quarters]
    keys += [
        list_key(form, therapist_id, quarter)
        for therapist_id in set(lists_of)
        for form in FORMS
        for quarter in quarters
    ]
    cache_safe.forget_many(keys, WHAT)


# Raised when a row's shape changes, so entries written by the code before are not read.
ROW_SHAPE = 4


def list_key(form: str, therapist_id: int, quarter: int) -> str:
    return f"patients:v{ROW_SHAPE}:{form}:{therapist_id}:{quarter}"


def row_key(form: str, runner_id: int, quarter: int) -> str:
    return f"patient:v{ROW_SHAPE}:{form}:{runner_id}:{quarter}"


def quarter_of(now: datetime) -> int:
    return int(now.timestamp()) // QUARTER_HOUR


def digest_of(marks: object) -> str:
    """The digest an entry is kept with. A row shows its plans' program names in the active
    language (modeltranslation), so the language is part of what it was worked out from: a row
    kept in English is stale to a reader in Spanish, and worked out again in Spanish."""
    shown = (translation.get_language(), marks)
    return hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()
