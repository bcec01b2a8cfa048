"""The day page: cards with steps and doses, logging with htmx or a plain form, what the engine
decided, the next-morning question, and who may see or log what."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from exercises.models import InstructionStep
from planner.engine import schedule
from planner.models import Alert, CareLink, Plan, PlanExercise, SessionLog
from tests import factories
from tests.personas import therapist

pytestmark = pytest.mark.django_db

ZONE = "Europe/Berlin"
HTMX = {"HTTP_HX_REQUEST": "true"}


def local_today() -> date:
    return schedule.local_date(timezone.now(), ZONE)


@pytest.fixture
def nina() -> User:
    return factories.person("nina")


def plan_started(user: User, days_ago: int) -> Plan:
    return factories.plan_for(user, local_today() - timedelta(days=days_ago), time_zone=ZONE)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def shells(plan: Plan) -> PlanExercise:
    return plan.exercises.select_related("exercise").get(exercise__slug="clamshells")


def day_url(plan: Plan, day: date) -> str:
    return f"/plans/{plan.pk}/day/{day.isoformat()}/"


def log_url(plan: Plan, day: date, item: PlanExercise) -> str:
    return f"{day_url(plan, day)}exercises/{item.pk}/"


def card_data(item: PlanExercise, **values: object) -> dict[str, object]:
    data = {"done": "on", "amount_done": "", "pain_during": "", "difficulty": "", "note": ""}
    data.update({k: v for k, v in values.items()})
    return {f"ex{item.pk}-{k}": v for k, v in data.items() if v is not None}


def log_earlier_days(plan: Plan, days: int, pain: int = 2) -> None:
    item = shells(plan)
    for n in range(days):
        day = plan.start_date + timedelta(days=n)
        factories.log_session(
            plan=plan, plan_exercise=item, day=day, today=day, done=True, pain_during=pain
        )


def test_signed_out_visitors_sign_in_and_come_back(client: Client, nina: User) -> None:
    plan = plan_started(nina, 2)
    url = day_url(plan, local_today())
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next={url}"


def test_today_goes_to_the_plans_local_date(nina: User) -> None:
    plan = plan_started(nina, 2)
    response = signed_in(nina).get(f"/plans/{plan.pk}/today/")
    assert response.status_code == 302
    assert response.url == day_url(plan, local_today())


@pytest.mark.parametrize("bad", ["2026-02-30", "yesterday", "2026-3-1x", "20260301"])
def test_a_bad_date_is_a_page_that_does_not_exist(nina: User, bad: str) -> None:
    plan = plan_started(nina, 2)
    assert signed_in(nina).get(f"/plans/{plan.pk}/day/{bad}/").status_code == 404


def test_a_card_shows_the_steps_the_dose_and_an_accessible_pain_control(nina: User) -> None:
    plan = plan_started(nina, 2)
    item = shells(plan)
    InstructionStep.objects.create(exercise=item.exercise, order=1, text="Lie on your side.")
    InstructionStep.objects.create(exercise=item.exercise, order=2, text="Lift the top knee.")

    page = signed_in(nina).get(day_url(plan, local_today())).content.decode()

    assert "Clamshells" in page
    assert "<li>Lie on your side.</li><li>Lift the top knee.</li>" in page
    assert '1 set of 10 per side<br><span class="muted">Repetitions per set</span>' in page
    assert "With an exercise band, once the top of the ladder is reached" in page
    assert f'<label for="id_ex{item.pk}-pain_during">Pain during (0 to 10):</label>' in page
    assert f'hx-post="{log_url(plan, local_today(), item)}"' in page
    assert "<script>" not in page and "style=" not in page


def test_an_htmx_save_logs_the_session_and_returns_the_card_with_the_decision(
    nina: User,
) -> None:
    plan = plan_started(nina, 3)
    log_earlier_days(plan, 3)
    item = shells(plan)
    today = local_today()

    response = signed_in(nina).post(
        log_url(plan, today, item), card_data(item, pain_during="2"), **HTMX
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page and page.strip().startswith("<article")
    log = SessionLog.objects.get(plan_exercise=item, day=today)
    assert (log.done, log.pain_during) == (True, 2)
    assert "Held at 10 per side" in page
    assert "4 more days before the next step" in page
    assert "Logged: done, pain during 2/10." in page


def test_a_week_of_comfortable_sessions_steps_up_from_tomorrow(nina: User) -> None:
    plan = plan_started(nina, 7)
    log_earlier_days(plan, 7)
    item = shells(plan)

    page = (
        signed_in(nina)
        .post(log_url(plan, local_today(), item), card_data(item, pain_during="2"), **HTMX)
        .content.decode()
    )

    assert "Stepping up to 15 per side from tomorrow" in page
    assert "8 sessions over 7 days at 10 per side with pain no higher than 2/10" in page
    assert "From " in page and "then 20 per side" in page  # what changes next
    item.refresh_from_db()
    assert item.amount == 15


def test_borderline_pain_holds_and_says_why(nina: User) -> None:
    plan = plan_started(nina, 7)
    log_earlier_days(plan, 7)
    item = shells(plan)

    page = (
        signed_in(nina)
        .post(log_url(plan, local_today(), item), card_data(item, pain_during="4"), **HTMX)
        .content.decode()
    )

    assert "Held at 10 per side" in page
    assert "pain 4/10 during" in page and "within the 5/10 limit" in page


def test_a_plain_form_post_redirects_and_the_card_then_shows_the_decision(nina: User) -> None:
    plan = plan_started(nina, 3)
    item = shells(plan)
    today = local_today()
    client = signed_in(nina)

    response = client.post(log_url(plan, today, item), card_data(item, pain_during="2"))

    assert response.status_code == 302
    assert response.url == f"{day_url(plan, today)}#card-{item.pk}"
    page = client.get(day_url(plan, today)).content.decode()
    assert "Held at 10 per side" in page
    assert "Logged: done, pain during 2/10." in page
    # Shown once: it is what the save decided, not a standing message.
    assert "Held at 10 per side" not in client.get(day_url(plan, today)).content.decode()


@pytest.mark.parametrize("htmx", [True, False])
def test_a_service_error_shows_next_to_its_field_and_keeps_what_was_typed(
    nina: User, htmx: bool
) -> None:
    plan = plan_started(nina, 3)
    item = shells(plan)
    today = local_today()

    response = signed_in(nina).post(
        log_url(plan, today, item),
        card_data(item, amount_done="999", pain_during="4", note="felt odd"),
        **(HTMX if htmx else {}),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert ("<html" in page) is not htmx
    assert "Between 0 and 60 for Clamshells." in page
    # The message sits by its field and the field points at it.
    assert f'id_ex{item.pk}-amount_done_error"><li>Between 0 and 60' in page
    assert (
        f'aria-describedby="id_ex{item.pk}-amount_done_helptext id_ex{item.pk}-amount_done_error"'
        in page
    )
    assert 'value="999"' in page
    assert '<option value="4" selected>4</option>' in page
    assert "felt odd</textarea>" in page
    assert not SessionLog.objects.filter(plan_exercise=item).exists()


def test_pain_outside_the_scale_is_refused_on_its_field(nina: User) -> None:
    plan = plan_started(nina, 3)
    item = shells(plan)

    page = (
        signed_in(nina)
        .post(log_url(plan, local_today(), item), card_data(item, pain_during="11"), **HTMX)
        .content.decode()
    )

    assert "Select a valid choice. 11 is not one of the available choices." in page
    assert not SessionLog.objects.exists()


def test_a_logged_day_is_corrected_not_logged_twice(nina: User) -> None:
    plan = plan_started(nina, 3)
    item = shells(plan)
    today = local_today()
    client = signed_in(nina)
    client.post(log_url(plan, today, item), card_data(item, pain_during="2"), **HTMX)

    page = client.post(
        log_url(plan, today, item), card_data(item, pain_during="5", amount_done="8"), **HTMX
    ).content.decode()

    log = SessionLog.objects.get(plan_exercise=item, day=today)
    assert (log.pain_during, log.amount_done) == (5, 8)
    assert "Save changes as done" in page
    # 8 of the dose's 10: done, but partial.
    assert "Logged: partial, 8 of 10 per side, pain during 5/10." in page


def sign_url(plan: Plan, day: date) -> str:
    return f"{day_url(plan, day)}warning-sign/"


def test_a_warning_sign_stops_the_plan_with_the_articles_advice(nina: User) -> None:
    plan = plan_started(nina, 3)
    flag = factories.calf_swelling()
    theo = therapist("theo")
    CareLink.objects.create(therapist=theo, runner=nina, status=CareLink.Status.ACTIVE)

    response = signed_in(nina).post(sign_url(plan, local_today()), {"red_flag": flag.slug})

    assert response.url == day_url(plan, local_today())
    plan.refresh_from_db()
    assert (plan.status, plan.stop_urgency) == (Plan.Status.STOPPED, "emergency")
    page = signed_in(nina).get(response.url).content.decode()
    # An emergency sign is called one at once: what to do and a number to call.
    assert "Get help now" in page and 'href="tel:112"' in page
    assert "Calf pain with swelling and warmth reported on" in page
    assert "This may be a blood clot (DVT): seek emergency care." in page
    # Nothing more to log on a stopped plan, and no sign to report again.
    assert "Save as done" not in page and "log-form" not in page
    assert "Did you notice a warning sign?" not in page
    assert list(plan.red_flag_reports.values_list("red_flag__slug", "day")) == [
        (flag.slug, local_today())
    ]
    alert = Alert.objects.get(runner=nina)
    assert (alert.kind, alert.urgency) == (Alert.Kind.WARNING_SIGN, "emergency")
    assert "calf pain with swelling and warmth" in alert.text and alert.advice == flag.advice
    assert alert.deliveries.get().recipient == theo


def test_the_morning_after_asks_how_it_is_and_records_it(nina: User) -> None:
    plan = plan_started(nina, 3)
    item = shells(plan)
    today = local_today()
    yesterday = today - timedelta(days=1)
    factories.log_session(
        plan=plan, plan_exercise=item, day=yesterday, today=yesterday, done=True, pain_during=2
    )
    client = signed_in(nina)

    assert "How is it this morning?" in client.get(day_url(plan, today)).content.decode()
    assert "How is it this morning?" not in client.get(day_url(plan, yesterday)).content.decode()

    response = client.post(
        f"{day_url(plan, today)}morning/", {"morning-pain_next_morning": "1"}, **HTMX
    )

    assert "Recorded: pain 1/10 this morning." in response.content.decode()
    assert SessionLog.objects.get(plan_exercise=item, day=yesterday).pain_next_morning == 1
    assert "How is it this morning?" not in client.get(day_url(plan, today)).content.decode()


def test_the_morning_question_needs_an_answer(nina: User) -> None:
    plan = plan_started(nina, 3)
    item = shells(plan)
    today = local_today()
    yesterday = today - timedelta(days=1)
    factories.log_session(
        plan=plan, plan_exercise=item, day=yesterday, today=yesterday, done=True, pain_during=2
    )

    response = signed_in(nina).post(f"{day_url(plan, today)}morning/", {})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert SessionLog.objects.get(plan_exercise=item, day=yesterday).pain_next_morning is None


def test_days_that_cannot_be_logged_are_read_only_and_say_why(nina: User) -> None:
    plan = plan_started(nina, 10)
    client = signed_in(nina)
    today = local_today()

    ahead = client.get(day_url(plan, today + timedelta(days=1))).content.decode()
    too_old = client.get(day_url(plan, today - timedelta(days=9))).content.decode()
    before = client.get(day_url(plan, plan.start_date - timedelta(days=1))).content.decode()

    assert (
        "still ahead: log it once it is done" in ahead
        and '<form method="post" action="/plans' not in ahead
    )
    assert "more than 7 days ago: too late to log or correct it" in too_old
    assert "Clamshells" in too_old and "hx-post" not in too_old
    assert "is outside the plan" in before


def test_a_post_for_a_day_outside_the_window_saves_nothing(nina: User) -> None:
    plan = plan_started(nina, 10)
    item = shells(plan)
    old = local_today() - timedelta(days=9)

    page = signed_in(nina).post(log_url(plan, old, item), card_data(item)).content.decode()

    assert "more than 7 days ago: too late to log." in page
    assert not SessionLog.objects.exists()


def test_a_linked_therapist_sees_the_day_read_only(nina: User) -> None:
    plan = plan_started(nina, 3)
    theo = therapist("theo")
    from planner.models import CareLink

    CareLink.objects.create(therapist=theo, runner=nina, status=CareLink.Status.ACTIVE)
    client = signed_in(theo)

    page = client.get(day_url(plan, local_today())).content.decode()

    assert "Clamshells" in page
    assert "only they can log it" in page and "hx-post" not in page
    item = shells(plan)
    assert client.post(log_url(plan, local_today(), item), card_data(item)).status_code == 404
    assert not SessionLog.objects.exists()


def test_anyone_else_gets_a_404(nina: User) -> None:
    plan = plan_started(nina, 3)
    item = shells(plan)
    for other in (factories.person("oscar"), therapist("uma")):
        client = signed_in(other)
        assert client.get(day_url(plan, local_today())).status_code == 404
        assert client.get(f"/plans/{plan.pk}/today/").status_code == 404
        assert client.post(log_url(plan, local_today(), item), card_data(item)).status_code == 404
        morning = f"{day_url(plan, local_today())}morning/"
        assert client.post(morning, {"morning-pain_next_morning": "1"}).status_code == 404


def test_a_morning_rating_with_nothing_to_rate_or_ahead_of_time_saves_nothing(
    nina: User,
) -> None:
    plan = plan_started(nina, 3)
    item = shells(plan)
    today = local_today()
    factories.log_session(plan=plan, plan_exercise=item, day=today, today=today, done=True)
    client = signed_in(nina)
    data = {"morning-pain_next_morning": "2"}

    ahead = client.post(f"{day_url(plan, today + timedelta(days=1))}morning/", data, **HTMX)
    nothing = client.post(f"{day_url(plan, today)}morning/", data, **HTMX)

    assert "The morning after has not come yet." in ahead.content.decode()
    assert "No session of the day before is waiting" in nothing.content.decode()
    assert SessionLog.objects.get(plan_exercise=item, day=today).pain_next_morning is None


def test_each_card_says_the_pain_rule_its_exercise_is_decided_by(nina: User) -> None:
    plan = plan_started(nina, 8)  # week 2: both exercises are due
    PlanExercise.objects.filter(pk=shells(plan).pk).update(pain_rule="near_pain_free")

    page = signed_in(nina).get(day_url(plan, local_today())).content.decode()

    # Clamshells now under near pain-free work, the stretch under the pain-monitoring model.
    assert "no more than 2 out of 10" in page
    assert "up to 5 out of 10 is acceptable" in page


def test_each_card_shows_its_exercises_cautions(nina: User) -> None:
    plan = plan_started(nina, 3)
    exercise = shells(plan).exercise
    exercise.cautions = ["Never lie on the painful hip."]
    exercise.save()

    page = signed_in(nina).get(day_url(plan, local_today())).content.decode()

    assert "Take care" in page and "Never lie on the painful hip." in page


# --- Logging tells the truth (issue 15, point 7) ------------------------------------------------


def test_nothing_is_ticked_before_anything_is_done(nina: User) -> None:
    plan = plan_started(nina, 3)
    item = shells(plan)

    page = signed_in(nina).get(day_url(plan, local_today())).content.decode()

    # No "Done" box to find ticked: the runner says what they did with the button they press.
    assert 'type="checkbox"' not in page and "checked" not in page
    assert f'name="ex{item.pk}-done" value="true"' in page
    assert ">Save as done</button>" in page and ">Save as not done</button>" in page
    # Each button is named with its card for a screen reader.
    assert f'aria-describedby="card-{item.pk}-name"' in page


def test_a_save_with_pain_only_and_no_button_value_is_not_logged_as_done(nina: User) -> None:
    plan = plan_started(nina, 3)
    item = shells(plan)
    today = local_today()

    page = (
        signed_in(nina)
        .post(log_url(plan, today, item), card_data(item, done=None, pain_during="3"), **HTMX)
        .content.decode()
    )

    log = SessionLog.objects.get(plan_exercise=item, day=today)
    assert (log.done, log.pain_during) == (False, 3)
    assert "Logged: not done, pain during 3/10." in page


def test_save_as_not_done_logs_it_not_done(nina: User) -> None:
    plan = plan_started(nina, 3)
    item = shells(plan)
    today = local_today()

    signed_in(nina).post(log_url(plan, today, item), card_data(item, done="false"), **HTMX)

    assert SessionLog.objects.get(plan_exercise=item, day=today).done is False


def test_fewer_reps_than_the_dose_are_logged_and_shown_as_partial(nina: User) -> None:
    plan = plan_started(nina, 3)
    item = shells(plan)
    today = local_today()

    page = (
        signed_in(nina)
        .post(
            log_url(plan, today, item),
            card_data(item, done="true", amount_done="6", pain_during="2"),
            **HTMX,
        )
        .content.decode()
    )

    assert SessionLog.objects.get(plan_exercise=item, day=today).partial is True
    assert '<span class="badge warn">Partial</span>' in page
    assert "Logged: partial, 6 of 10 per side, pain during 2/10." in page
    # Not counted towards the next step; the card says so.
    assert "(1 partial session at this dose not counted)" in page


def test_an_amount_with_save_as_not_done_is_refused_by_name(nina: User) -> None:
    plan = plan_started(nina, 3)
    item = shells(plan)

    page = (
        signed_in(nina)
        .post(
            log_url(plan, local_today(), item),
            card_data(item, done="false", amount_done="6"),
            **HTMX,
        )
        .content.decode()
    )

    assert f'id="id_ex{item.pk}-amount_done_error"' in page
    assert "6 done is a session done in part: log it as done" in page
    assert not SessionLog.objects.exists()


def pain_box(page: str) -> str:
    start = page.index('<div class="pain-warning"')
    return page[start : page.index("</div>", start)]


def test_pain_above_the_rule_is_a_warning_box_of_its_own_with_what_to_do(nina: User) -> None:
    plan = plan_started(nina, 3)
    item = shells(plan)
    today = local_today()
    client = signed_in(nina)

    page = client.post(
        log_url(plan, today, item), card_data(item, pain_during="7"), **HTMX
    ).content.decode()

    box = pain_box(page)
    assert 'role="alert"' in box  # announced as it arrives
    assert "Pain above the limit: 7/10" in box
    assert "the pain-monitoring model, whose limit for pain during the exercise is 5/10" in box
    assert "What to do:</strong> Pain during the exercise up to 5 out of 10" in box
    # The normal log line stays plain, outside the box.
    assert "Logged: done, pain during 7/10." in page
    assert "Logged:" not in box
    assert '<span class="badge">Pain 7/10</span>' in page
    # And it stays on the card after the save, without announcing itself again.
    again = pain_box(client.get(day_url(plan, today)).content.decode())
    assert "Pain above the limit: 7/10" in again and 'role="alert"' not in again


def test_pain_within_the_rule_has_no_warning_box(nina: User) -> None:
    plan = plan_started(nina, 3)
    item = shells(plan)

    page = (
        signed_in(nina)
        .post(log_url(plan, local_today(), item), card_data(item, pain_during="5"), **HTMX)
        .content.decode()
    )

    assert "pain-warning" not in page and "Pain above the limit" not in page


def test_the_warning_follows_the_exercises_own_rule(nina: User) -> None:
    plan = plan_started(nina, 3)
    item = shells(plan)
    PlanExercise.objects.filter(pk=item.pk).update(pain_rule="near_pain_free")

    page = (
        signed_in(nina)
        .post(log_url(plan, local_today(), item), card_data(item, pain_during="3"), **HTMX)
        .content.decode()
    )

    box = pain_box(page)
    assert "Pain above the limit: 3/10" in box
    assert "near pain-free work, whose limit for pain during the exercise is 2/10" in box


def test_the_warning_sign_question_is_asked_once_for_the_day_and_stays_after_a_save(
    nina: User,
) -> None:
    # The piriformis stretch is due every other day from week 2: two cards today.
    plan = plan_started(nina, 8)
    item = shells(plan)
    flag = factories.calf_swelling()
    client = signed_in(nina)
    page = client.get(day_url(plan, local_today())).content.decode()
    cards = page.count('class="card exercise-card"')
    assert cards >= 2
    # One question for the whole session, not one on each card.
    option = f'<option value="{flag.slug}">Calf pain with swelling and warmth</option>'
    assert page.count(option) == 1
    assert "red_flag" not in page.split('id="warning-sign"')[0]

    client.post(log_url(plan, local_today(), item), card_data(item, pain_during="2"), **HTMX)
    page = client.get(day_url(plan, local_today())).content.decode()

    assert f'action="{sign_url(plan, local_today())}"' in page
    assert f'<option value="{flag.slug}">Calf pain with swelling and warmth</option>' in page
    assert "cannot be taken back here" in page


def test_a_warning_sign_needs_a_sign_chosen_and_a_day_that_can_be_logged(nina: User) -> None:
    plan = plan_started(nina, 3)
    flag = factories.calf_swelling()
    client = signed_in(nina)

    page = client.post(sign_url(plan, local_today()), {"red_flag": ""}).content.decode()
    assert "Choose the sign you noticed." in page
    page = client.post(
        sign_url(plan, local_today() + timedelta(days=1)), {"red_flag": flag.slug}
    ).content.decode()
    assert "is in the future" in page
    plan.refresh_from_db()
    assert plan.status == Plan.Status.ACTIVE
    assert not plan.red_flag_reports.exists()
    # Only the runner reports a sign on their plan.
    theo = therapist("theo")
    CareLink.objects.create(therapist=theo, runner=nina, status=CareLink.Status.ACTIVE)
    response = signed_in(theo).post(sign_url(plan, local_today()), {"red_flag": flag.slug})
    assert response.status_code in (403, 404)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.ACTIVE


def test_a_sign_reported_on_a_logged_day_stops_the_plan(nina: User) -> None:
    plan = plan_started(nina, 3)
    item = shells(plan)
    flag = factories.calf_swelling()
    today = local_today()
    client = signed_in(nina)
    client.post(log_url(plan, today, item), card_data(item, pain_during="7"), **HTMX)

    response = client.post(sign_url(plan, today), {"red_flag": flag.slug})
    page = client.get(response.url).content.decode()

    plan.refresh_from_db()
    assert plan.status == Plan.Status.STOPPED
    assert "Get help now" in page and 'href="tel:112"' in page
    assert "This may be a blood clot (DVT): seek emergency care." in page
    assert "Save changes as done" not in page
    # The stop says what to do now: no advice on dosing for the pain beside it.
    assert "Pain above the limit" not in page
    assert SessionLog.objects.get(plan_exercise=item, day=today).pain_during == 7
    assert list(plan.red_flag_reports.values_list("red_flag__slug", "day")) == [(flag.slug, today)]


def test_a_held_stretch_logged_in_full_reads_as_seconds_held(nina: User) -> None:
    plan = plan_started(nina, 8)  # in week 2, on a day of the every-other-day stretch
    item = plan.exercises.select_related("exercise").get(exercise__slug="piriformis-stretch")
    today = local_today()
    due = item.amount  # the whole of today's hold

    page = (
        signed_in(nina)
        .post(
            log_url(plan, today, item),
            card_data(item, done="true", amount_done=str(due), pain_during="1"),
            **HTMX,
        )
        .content.decode()
    )

    assert f"Logged: done, {due} s hold, pain during 1/10." in page
    assert "per set" not in page.split("Logged:")[1].split("</p>")[0]


def test_a_cards_fields_show_each_new_log_and_correction_at_once(nina: User) -> None:
    # A card's fields are drawn once per what they show (Card.fields_shown): a log or a
    # correction shows at once.
    plan = plan_started(nina, 3)
    item = shells(plan)
    today = local_today()
    client = signed_in(nina)
    field = f'name="ex{item.pk}-pain_during"'
    assert field in client.get(day_url(plan, today)).content.decode()

    client.post(log_url(plan, today, item), card_data(item, pain_during="2"))
    assert (
        '<option value="2" selected>2</option>' in client.get(day_url(plan, today)).content.decode()
    )
    client.post(log_url(plan, today, item), card_data(item, pain_during="4"))
    page = client.get(day_url(plan, today)).content.decode()
    assert '<option value="4" selected>4</option>' in page
    assert '<option value="2" selected>' not in page
