"""Alerts to a runner's therapists: one delivery per active link, written with what raised it,
enqueued by the dispatcher's next tick, acknowledged once with a note."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404

from planner.delivery import dispatch
from planner.models import Alert, CareLink, Delivery, Notification
from planner.safety import alerts
from tests import factories
from tests.personas import People, therapist

NOW = datetime(2026, 12, 6, 17, 0, tzinfo=UTC)


def raise_for(people: People, **fields: str) -> Alert:
    return alerts.raise_alert(
        runner=people.rosa,
        kind=Alert.Kind.WARNING_SIGN,
        urgency="see_clinician",
        text="rosa reported: numbness down the leg",
        now=NOW,
        **fields,
    )


def test_each_active_therapist_gets_one_delivery(people: People) -> None:
    second = therapist("tara")
    CareLink.objects.create(therapist=second, runner=people.rosa, status=CareLink.Status.ACTIVE)
    ended = factories.person("ed")
    CareLink.objects.create(therapist=ended, runner=people.rosa, status=CareLink.Status.ENDED)
    alert = raise_for(people)
    assert sorted(
        Delivery.objects.filter(alert=alert).values_list("recipient__username", flat=True)
    ) == ["tara", "theo"]
    # Oscar has no therapist: his alert is recorded, with no one to send it to.
    lonely = alerts.raise_alert(
        runner=people.oscar, kind=Alert.Kind.WARNING_SIGN, text="oscar", now=NOW
    )
    assert not Delivery.objects.filter(alert=lonely).exists()


def test_an_alert_is_not_kept_when_what_raised_it_is_not(people: People) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        raise_for(people)
        raise RuntimeError("the log that raised it failed to save")
    assert not Alert.objects.exists() and not Delivery.objects.filter(kind="alert").exists()


def test_the_next_tick_enqueues_it_once_and_the_sweeper_catches_a_lost_one(
    people: People, django_capture_on_commit_callbacks: object
) -> None:
    alert = raise_for(people)
    sent: list[int] = []

    def enqueue(chunks: list[list[int]]) -> None:
        sent.extend(i for chunk in chunks for i in chunk)

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        assert dispatch.dispatch_alerts(NOW, enqueue) == 1
        assert dispatch.dispatch_alerts(NOW + timedelta(minutes=1), enqueue) == 0
    delivery = Delivery.objects.get(alert=alert)
    assert sent == [delivery.pk]
    # The message was lost: after the grace period the sweeper sends it again.
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        dispatch.sweep(datetime.now(UTC) + dispatch.PENDING_GRACE * 2, enqueue)
    assert sent == [delivery.pk, delivery.pk]


def test_acknowledging_needs_a_note_a_link_and_happens_once(people: People) -> None:
    alert = raise_for(people)
    with pytest.raises(ValidationError) as empty:
        alerts.acknowledge(people.theo, alert.pk, "  ", NOW)
    assert "note" in empty.value.message_dict
    with pytest.raises(Http404):
        alerts.acknowledge(people.uma, alert.pk, "Seen.", NOW)
    done = alerts.acknowledge(people.theo, alert.pk, "Called her: GP today.", NOW)
    assert (done.acknowledged_by, done.acknowledgement) == (people.theo, "Called her: GP today.")
    told = Notification.objects.get(user=people.rosa, title__startswith="theo read your report")
    assert told.body.startswith("Called her: GP today.")
    with pytest.raises(ValidationError) as twice:
        alerts.acknowledge(people.theo, alert.pk, "Again.", NOW)
    assert "Already acknowledged" in twice.value.message_dict["note"][0]


def test_a_therapist_who_lost_the_role_is_told_nothing_more(people: People) -> None:
    people.theo.groups.clear()
    alert = raise_for(people)
    assert not Delivery.objects.filter(alert=alert).exists()
    with pytest.raises(Http404):
        alerts.acknowledge(people.theo, alert.pk, "Seen.", NOW)
