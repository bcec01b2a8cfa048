"""The therapist's patient list, kept in the cache until something on it changes.

Working a row out reads the patient's recent logs: tens of milliseconds for a hundred
patients. Reading what a row depends on takes one cheap query for the whole list
(`statements.runner_marks`): the runner's name and, per plan, when it was last saved, its open
warning signs and when its logs last changed. Those marks and the quarter hour of `now` make
the cache keys: the whole list's, under all the marks at once, and each row's, under its own
runner's. When nothing changed the list is one cache read; when a runner logs a session,
only that runner's row is worked out afresh, not the other ninety-nine. Why the keys see
every change:

- logs change only through saves, which set `updated_at` (corrections too);
- a plan's schedule (its exercises' frequency and weeks) and program are fixed when it
  starts, and every later change to the plan itself is a save that sets its `updated_at`;
- a program renamed by an admin is a save that sets the program's `updated_at`, and the
  latest of those is in every key;
- open warning signs are counted live in the marks' query, never taken from the cache;
- a row also depends on the date: each plan's local date, and the UTC date that dates the
  windows. Every zone's offset is a whole number of quarter hours, so no date changes inside
  a quarter hour, and the key changes with it.

A row holds nothing of the therapist's, so two therapists of one runner share it. While the
cache server is down, every row is worked out on every request.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import datetime
from operator import itemgetter
from typing import Any, TypeVar

from django.contrib.auth.models import User

from kit import cache_safe
from planner.care import attention, statements

QUARTER_HOUR = 15 * 60
WHAT = "cached patient rows"
Row = TypeVar("Row")


def patients_of(therapist: User, now: datetime) -> list[attention.Patient]:
    """attention.patients_of, each row from the cache when nothing it depends on has changed."""
    return rendered(therapist, now, "rows", list)


def rendered(
    therapist: User,
    now: datetime,
    form: str,
    render: Callable[[list[attention.Patient]], Sequence[Row]],
) -> list[Row]:
    """The patient list, most in need of attention first, each patient as `render` makes it
    (named `form` in the key: the API keeps JSON-ready rows, which saves serialising a hundred
    patients on every request). One query when nothing changed; four when something did, and
    then only the changed patients are worked out."""
    rows = statements.runner_marks(therapist.pk, attention.open_flags_from(now))
    # The whole list first, under all the marks at once: one cache read instead of a hundred.
    whole_key = f"patients:{form}:{therapist.pk}:{quarter_of(now)}:{digest_of(rows)}"
    whole: list[Row] | None = cache_safe.get(whole_key, None, WHAT)
    if whole is not None:
        return whole
    marks = attention.marks_by_runner(rows)
    keys = {mark.id: row_key(form, mark, now) for mark in marks}
    # Each entry: (the patient's rank, the rendered row).
    found: dict[str, tuple[Any, Row]] = cache_safe.get_many(list(keys.values()), WHAT)
    stale = [
        (mark.id, mark.username, mark.open_alerts) for mark in marks if keys[mark.id] not in found
    ]
    if stale:
        patients = attention.patients_from(stale, attention.plan_rows(stale, now), now)
        fresh = {
            keys[patient.id]: (patient.rank, row)
            for patient, row in zip(patients, render(patients), strict=True)
        }
        cache_safe.put_many(fresh, QUARTER_HOUR, WHAT)
        found.update(fresh)
    entries = sorted((found[key] for key in keys.values()), key=itemgetter(0))
    whole = [row for _rank, row in entries]
    cache_safe.put(whole_key, whole, QUARTER_HOUR, WHAT)
    return whole


def row_key(form: str, mark: attention.RunnerMarks, now: datetime) -> str:
    return f"patient:{form}:{mark.id}:{quarter_of(now)}:{digest_of(mark)}"


def quarter_of(now: datetime) -> int:
    return int(now.timestamp()) // QUARTER_HOUR


def digest_of(marks: object) -> str:
    return hashlib.blake2b(repr(marks).encode(), digest_size=16).hexdigest()
