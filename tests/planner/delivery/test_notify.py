"""Sending one delivery: what the message says, and how each outcome is recorded."""

from __future__ import annotations

import contextlib
import gc
from datetime import UTC, date, datetime, timedelta

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail

from planner.delivery import compose, dispatch, notify
from planner.models import (
    Alert,
    CareLink,
    Delivery,
    Notification,
    Phase,
    Plan,
    Urgency,
)
from tests import factories
from tests.personas import therapist
from tests.smtp_sink import Sink

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)


@pytest.fixture
def plan() -> Plan:
    return factories.plan_for(factories.person("rosa"), MONDAY)


def delivery(plan: Plan, kind: str = "reminder", day: date = MONDAY) -> Delivery:
    return Delivery.objects.create(plan=plan, kind=kind, local_date=day, due_at=NOW)


def said(plan: Plan, kind: str, day: date) -> compose.Message | None:
    """What a delivery of that kind and day would say (nothing is stored)."""
    return notify.compose(Delivery(plan=plan, kind=kind, local_date=day, due_at=NOW), NOW)


def test_a_reminder_lists_todays_exercises_with_doses_and_a_link(plan: Plan) -> None:
    row = delivery(plan)

    assert notify.send_delivery(row.pk, NOW) == "sent"

    email = mail.outbox[0]
    assert email.to == ["rosa@example.com"]
    assert email.subject == "Your exercises for today"
    assert "Clamshells: 1 set of 10 per side" in email.body
    assert f"/plans/{plan.pk}/day/2026-03-02/" in email.body
    html = email.alternatives[0][0]
    assert "<strong>Clamshells</strong>" in html
    note = Notification.objects.get(delivery=row)
    assert note.user == plan.user and note.title == email.subject
    row.refresh_from_db()
    assert (row.state, row.attempts, row.sent_at) == ("sent", 1, NOW)


def test_a_reminders_notice_in_the_app_links_to_the_day_with_no_address_in_its_words(
    plan: Plan,
) -> None:
    row = delivery(plan)

    notify.send_delivery(row.pk, NOW)

    note = Notification.objects.get(delivery=row)
    assert "Clamshells: 1 set of 10 per side" in note.body
    assert "http" not in note.body and "/plans/" not in note.body
    assert note.link.endswith(f"/plans/{plan.pk}/day/2026-03-02/")
    # The email keeps its address: a mail reader shows it as a link.
    assert f"Log today's session: {note.link}" in mail.outbox[0].body


def test_the_reminder_of_the_week_asks_for_the_check_in_until_it_is_done(plan: Plan) -> None:
    first = said(plan, "reminder", MONDAY)  # week one: no check-in yet
    assert first is not None and "check-in" not in first.text
    week_two = MONDAY + timedelta(days=8)  # the reminder of a day with exercises due
    message = said(plan, "reminder", week_two)
    assert message is not None
    assert f"/plans/{plan.pk}/check-in/" in message.text and "check-in" in message.html
    factories.checked_in(plan, datetime(2026, 3, 9, 18, 0, tzinfo=UTC))
    after = said(plan, "reminder", week_two)
    assert after is not None and "check-in" not in after.text


def test_sending_the_same_delivery_twice_sends_one_message(plan: Plan) -> None:
    row = delivery(plan)

    notify.send_delivery(row.pk, NOW)
    second = notify.send_delivery(row.pk, NOW + timedelta(seconds=5))

    assert second == "not claimed"
    assert len(mail.outbox) == 1
    assert Notification.objects.count() == 1


def test_a_progression_step_says_what_changes_and_why(plan: Plan) -> None:
    change = factories.clamshells_stepped_up(plan)
    row = delivery(plan, "progression", change.effective_on)

    assert notify.send_delivery(row.pk, NOW) == "sent"

    email = mail.outbox[0]
    assert email.subject == "Your plan changes today"
    assert email.body.startswith(f"From {change.effective_on:%A}: Clamshells 15")
    assert f"From {change.effective_on:%A}: Clamshells 15" in email.alternatives[0][0]
    assert change.reason in email.body
    assert "up to 15 per side" in email.body


def test_no_subject_says_the_condition_an_exercise_a_dose_or_a_patient(plan: Plan) -> None:
    # Subjects show on lock screens (issue 17): what the message is about is inside it.
    week_two = MONDAY + timedelta(days=8)  # both exercises are due
    Phase.objects.create(
        program=plan.program, order=2, name="Load the tendon", first_week=2, last_week=6
    )
    change = factories.clamshells_stepped_up(plan)
    alert = Alert(
        runner=plan.user,
        plan=plan,
        kind=Alert.Kind.WARNING_SIGN,
        urgency=Urgency.EMERGENCY,
        text="Calf pain with swelling and warmth",
        created_at=NOW,
    )
    messages = [
        said(plan, "reminder", week_two),
        said(plan, "progression", change.effective_on),
        said(plan, "progression", MONDAY + timedelta(days=7)),  # the new phase
        compose.alert(alert),
    ]

    assert all(message is not None for message in messages)
    subjects = [message.subject for message in messages if message is not None]
    assert subjects == [
        "Your exercises for today",
        "Your plan changes today",
        "A new week of your plan starts today",
        "Emergency: an alert from a patient",
    ]
    # The detail is inside: the phase, and who the alert is about and what they reported.
    assert messages[2] is not None and "Week 2: Load the tendon" in messages[2].text
    assert messages[3] is not None and messages[3].text.startswith("Emergency: Warning sign: rosa")
    assert "Emergency: Warning sign: rosa" in messages[3].html


def test_a_day_with_nothing_to_say_is_skipped_not_sent(plan: Plan) -> None:
    row = delivery(plan, "progression", MONDAY + timedelta(days=3))

    assert notify.send_delivery(row.pk, NOW) == "skipped"
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_a_plan_stopped_since_the_delivery_was_written_gets_nothing(plan: Plan) -> None:
    row = delivery(plan)
    Plan.objects.filter(pk=plan.pk).update(status="stopped")

    assert notify.send_delivery(row.pk, NOW) == "skipped"
    assert mail.outbox == []


def test_a_refused_address_fails_for_good_without_retrying(plan: Plan, settings: object) -> None:
    settings.EMAIL_BACKEND = "tests.mail_backends.RefusingBackend"  # type: ignore[attr-defined]
    row = delivery(plan)

    assert notify.send_delivery(row.pk, NOW) == "failed"

    row.refresh_from_db()
    assert row.state == "failed"
    assert "address refused" in row.last_error
    # The app is a channel of its own: today's exercises are listed there all the same.
    assert Notification.objects.filter(delivery=row, user=plan.user).count() == 1


def test_an_unreachable_mail_server_is_retried_then_given_up(plan: Plan, settings: object) -> None:
    settings.EMAIL_BACKEND = "tests.mail_backends.UnreachableBackend"  # type: ignore[attr-defined]
    row = delivery(plan)

    for attempt in range(1, notify.MAX_ATTEMPTS):
        with pytest.raises(notify.TransientSendError):
            notify.send_delivery(row.pk, NOW + timedelta(minutes=attempt))
        row.refresh_from_db()
        assert (row.state, row.attempts) == ("pending", attempt)

    assert notify.send_delivery(row.pk, NOW + timedelta(hours=1)) == "failed"
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("failed", notify.MAX_ATTEMPTS)
    assert "ConnectionRefusedError" in row.last_error


def test_a_person_without_an_email_address_still_gets_the_in_app_notification(
    plan: Plan,
) -> None:
    plan.user.email = ""
    plan.user.save()
    EmailAddress.objects.filter(user=plan.user).delete()

    assert notify.send_delivery(delivery(plan).pk, NOW) == "sent"
    assert mail.outbox == []
    assert Notification.objects.filter(user=plan.user).count() == 1


def test_no_email_to_an_address_nobody_confirmed(plan: Plan) -> None:
    """Anyone can type anyone's address at sign-up: a reminder waits for its owner's click."""
    EmailAddress.objects.filter(user=plan.user).update(verified=False)

    assert notify.send_delivery(delivery(plan).pk, NOW) == "sent"

    assert mail.outbox == []
    assert Notification.objects.filter(user=plan.user).count() == 1


def test_a_reminder_reaches_the_confirmed_address_through_a_mail_server(
    plan: Plan, smtp_sink: Sink
) -> None:
    EmailAddress.objects.filter(user=plan.user).update(email="rosa.confirmed@example.com")

    assert notify.send_delivery(delivery(plan).pk, NOW) == "sent"

    (received,) = smtp_sink.received
    assert received.to == ["rosa.confirmed@example.com"]
    assert received.subject == Notification.objects.get(user=plan.user).title


def test_backoff_doubles_and_is_capped() -> None:
    delays = [notify.retry_delay(n).total_seconds() for n in range(9)]
    assert delays[:4] == [30, 60, 120, 240]
    assert max(delays) == 3600


@pytest.mark.parametrize(
    "backend", ["tests.mail_backends.RefusingBackend", "tests.mail_backends.UnreachableBackend"]
)
def test_a_delivery_failed_for_good_is_never_tried_again(
    plan: Plan, settings: object, backend: str
) -> None:
    settings.EMAIL_BACKEND = backend  # type: ignore[attr-defined]
    row = delivery(plan)
    later = NOW
    while row.state != "failed":
        assert row.attempts < notify.MAX_ATTEMPTS, "still tried after MAX_ATTEMPTS"
        later += timedelta(hours=1)
        with contextlib.suppress(notify.TransientSendError):
            notify.send_delivery(row.pk, later)
        row.refresh_from_db()
    attempts = row.attempts

    # Days later: the sweeper passes it by and a repeated message finds nothing to send.
    much_later = later + timedelta(days=3)
    swept: list[list[int]] = []
    assert dispatch.sweep(much_later, lambda chunks: swept.extend(chunks)) == 0
    assert swept == []
    assert notify.send_delivery(row.pk, much_later) == "not claimed"
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("failed", attempts)
    assert attempts == (1 if backend.endswith("RefusingBackend") else notify.MAX_ATTEMPTS)


# --- The outcome questionnaires' reminder ------------------------------------------------------


def answer_lefs(plan: Plan, at: datetime) -> None:
    from planner.plans import outcomes

    outcomes.answer(plan.user, plan.pk, "lefs", at, items=[2] * 20)


def test_the_questionnaires_reminder_names_each_measure_due_with_a_link_to_its_page(
    plan: Plan,
) -> None:
    row = delivery(plan, "outcomes")  # the first day: both are due

    assert notify.send_delivery(row.pk, NOW) == "sent"

    email = mail.outbox[0]
    # Nothing of health on the lock screen: not "Lower Extremity", not a condition.
    assert email.subject == "Two short questionnaires are due"
    assert "Lower Extremity Functional Scale" in email.body
    assert "Patient-Specific Functional Scale" in email.body
    assert f"/plans/{plan.pk}/questionnaires/lefs/" in email.body
    assert f"/plans/{plan.pk}/questionnaires/psfs/" in email.body
    html = email.alternatives[0][0]
    assert f'href="{settings.SITE_URL}/plans/{plan.pk}/questionnaires/psfs/"' in html
    note = Notification.objects.get(delivery=row)
    assert note.title == email.subject
    assert note.link.endswith(f"/plans/{plan.pk}/questionnaires/lefs/")


def test_a_questionnaire_answered_on_its_due_date_is_not_asked_again(plan: Plan) -> None:
    answer_lefs(plan, NOW - timedelta(hours=1))  # answered this morning, before the reminder

    message = notify.compose(delivery(plan, "outcomes"), NOW)

    assert message is not None
    assert message.subject == "A short questionnaire is due"
    assert "Patient-Specific Functional Scale" in message.text
    assert "Lower Extremity Functional Scale" not in message.text


def test_the_questionnaires_reminder_is_skipped_when_all_were_answered(plan: Plan) -> None:
    from planner.plans import outcomes

    answer_lefs(plan, NOW - timedelta(hours=1))
    outcomes.answer(
        plan.user,
        plan.pk,
        "psfs",
        NOW - timedelta(hours=1),
        activities=[("Running", 4), ("Stairs", 6), ("Squatting", 5)],
    )
    row = delivery(plan, "outcomes")

    assert notify.send_delivery(row.pk, NOW) == "skipped"
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_the_questionnaires_reminder_says_nothing_on_a_day_that_is_not_a_due_date(
    plan: Plan,
) -> None:
    # Day 3: the first day's questionnaires are still unanswered, but today is not a due date.
    assert notify.compose(delivery(plan, "outcomes", MONDAY + timedelta(days=3)), NOW) is None
    # Day 14 is one, and an answer on the first day does not cover it.
    answer_lefs(plan, NOW)
    day_14 = notify.compose(delivery(plan, "outcomes", MONDAY + timedelta(days=14)), NOW)
    assert day_14 is not None and day_14.subject == "Two short questionnaires are due"


@pytest.mark.parametrize("status", ["paused", "stopped", "completed"])
def test_a_plan_not_running_is_not_asked_its_questionnaires(plan: Plan, status: str) -> None:
    row = delivery(plan, "outcomes")
    factories.set_status(plan, status, NOW)

    assert notify.send_delivery(row.pk, NOW) == "skipped"
    assert mail.outbox == []


def test_the_questionnaires_reminder_reaches_the_confirmed_address_through_a_mail_server(
    plan: Plan, smtp_sink: Sink
) -> None:
    EmailAddress.objects.filter(user=plan.user).update(email="rosa.confirmed@example.com")

    assert notify.send_delivery(delivery(plan, "outcomes").pk, NOW) == "sent"

    (received,) = smtp_sink.received
    assert received.to == ["rosa.confirmed@example.com"]
    assert received.subject == "Two short questionnaires are due"
    assert [link.split("/plans/")[1] for link in received.links()] == [
        f"{plan.pk}/questionnaires/lefs/",
        f"{plan.pk}/questionnaires/psfs/",
    ]
    assert received.subject == Notification.objects.get(user=plan.user).title


def test_marking_an_email_sent_writes_what_the_orm_would(plan: Plan) -> None:
    by_hand, by_orm = delivery(plan), delivery(plan, "progression")
    assert notify.claim([by_hand.pk, by_orm.pk], NOW) == [by_hand.pk, by_orm.pk]

    notify.mark_sent(by_hand.pk, NOW)
    notify.finish([by_orm.pk], Delivery.State.SENT, NOW)

    fields = ("state", "attempts", "claimed_at", "sent_at", "last_error")
    rows = Delivery.objects.filter(pk__in=[by_hand.pk, by_orm.pk]).order_by("pk")
    assert [tuple(getattr(row, f) for f in fields) for row in rows] == [
        ("sent", 1, NOW, NOW, "")
    ] * 2
    # Only a delivery this sender holds: one marked already, or taken back, is left alone.
    Delivery.objects.filter(pk=by_hand.pk).update(state="pending", sent_at=None)
    notify.mark_sent(by_hand.pk, NOW)
    assert Delivery.objects.get(pk=by_hand.pk).state == "pending"


def test_a_chunks_marks_through_its_one_cursor_write_the_same(plan: Plan) -> None:
    first, second = delivery(plan), delivery(plan, "progression")
    notify.claim([first.pk, second.pk], NOW)

    with notify.marks_not_waiting_for_disk():
        notify.mark_sent(first.pk, NOW)
        notify.mark_sent(second.pk, NOW)

    rows = Delivery.objects.filter(pk__in=[first.pk, second.pk])
    assert {(row.state, row.sent_at, row.last_error) for row in rows} == {("sent", NOW, "")}


def test_an_alert_reaches_the_therapist_in_words_a_mail_reader_shows_as_written(
    plan: Plan, smtp_sink: Sink
) -> None:
    theo = therapist("theo")
    CareLink.objects.create(therapist=theo, runner=plan.user, status=CareLink.Status.ACTIVE)
    reported = "Pain > 6 & my calf is 'hot' <since Sunday>"
    alert = Alert.objects.create(
        runner=plan.user, plan=plan, kind=Alert.Kind.WARNING_SIGN, text=reported, created_at=NOW
    )
    sent = Delivery.objects.create(
        alert=alert, recipient=theo, kind="alert", local_date=MONDAY, due_at=NOW
    )

    assert notify.send_delivery(sent.pk, NOW) == "sent"

    (received,) = smtp_sink.received
    assert received.to == ["theo@example.com"]
    assert received.subject == "An alert from a patient"
    assert received.message["Date"] and received.message["Message-ID"]
    # The text part as written; the HTML part escaped, so a mail reader shows it as written.
    assert reported in received.text
    assert "Pain &gt; 6 &amp; my calf is &#39;hot&#39; &lt;since Sunday&gt;" in received.html
    assert "Reported Monday 2 March 2026, 06:30 (UTC)." in received.text


def test_the_cycle_collector_runs_again_after_a_chunk_whatever_happened(plan: Plan) -> None:
    assert gc.isenabled()
    notify.send_chunk([delivery(plan).pk], NOW)
    assert gc.isenabled()
    with pytest.raises(ZeroDivisionError), notify.collector_paused():
        assert not gc.isenabled()
        _ = 1 / 0
    assert gc.isenabled()
