"""Onboarding: where it hurts, the warning signs first, conditions, the program, the start."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import pytest
import yaml
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from conditions.models import Condition, RedFlag
from exercises.models import Exercise
from planner.models import Plan, Program, Reminder, Screening
from planner.pages import onboarding
from tests import factories

pytestmark = pytest.mark.django_db

DVT = "dvt-calf-pain-swelling-warmth"


@pytest.fixture
def nina(client: Client, catalog: object) -> User:
    user = factories.person("nina")
    client.force_login(user)
    return user


def answers(regions: list[str], yes: tuple[str, ...] = ()) -> dict[str, str]:
    flags = RedFlag.objects.filter(regions__slug__in=regions) | RedFlag.objects.filter(
        regions__isnull=True
    )
    return {flag.slug: "yes" if flag.slug in yes else "no" for flag in flags.distinct()}


def screen_clean(client: Client, regions: list[str]) -> None:
    assert client.post("/start/", {"regions": regions}).url == "/start/screening/"
    response = client.post("/start/screening/", answers(regions))
    # The finder's few questions come next, never before the warning signs.
    assert response.status_code == 302 and response.url == "/start/finder/"


def test_onboarding_needs_a_sign_in(client: Client) -> None:
    response = client.get("/start/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/?next=/start/")


def test_the_picture_and_the_list_offer_every_region(client: Client, nina: User) -> None:
    page = client.get("/start/").content.decode()
    assert 'aria-label="Knee"' in page and 'aria-label="Calf"' in page
    assert 'type="checkbox" name="regions" value="knee"' in page
    assert "<style" not in page and "style=" not in page


def test_tapping_the_picture_adds_and_removes_regions(client: Client, nina: User) -> None:
    page = client.get("/start/?regions=knee").content.decode()
    # The knee is chosen: its link now removes it, the calf's adds the calf beside the knee.
    assert 'aria-label="Knee (chosen)"' in page
    assert 'href="?regions=knee&amp;regions=calf"' in page
    assert 'value="knee" id="id_regions_4" checked' in page


SVG = "{http://www.w3.org/2000/svg}"
# The regions drawn on the back view of the legs; every other region is on the front.
BACK_VIEW = {"lower-back-buttock", "thigh-back", "calf", "heel-achilles"}


def picture_regions(page: str) -> dict[str, ElementTree.Element]:
    """The regions on the picture of the legs, by slug: the SVG's links, parsed as XML."""
    start = page.index('<svg class="bodymap-picture"')
    picture = ElementTree.fromstring(page[start : page.index("</svg>", start) + len("</svg>")])
    return {a.attrib["data-region"]: a for a in picture.iter(f"{SVG}a")}


def catalog_regions() -> dict[str, str]:
    """Each region's name by slug, as the catalog's data file gives them."""
    path = settings.BASE_DIR / "conditions" / "data" / "regions.yaml"
    return {row["slug"]: row["name"] for row in yaml.safe_load(path.read_text())}


def test_the_picture_draws_every_region_labelled_and_focusable(client: Client, nina: User) -> None:
    drawn = picture_regions(client.get("/start/").content.decode())
    assert {slug: a.attrib["aria-label"] for slug, a in drawn.items()} == catalog_regions()
    for slug, region in drawn.items():
        name = region.attrib["aria-label"]
        # A link (focusable, and it works without the script), with a shape over the outline
        # of the view the region belongs to, and a visible label whose words are in its name.
        assert region.attrib["href"].startswith("?regions="), slug
        zone = region.find(f"{SVG}rect[@class='zone']")
        assert zone is not None, slug
        view = "back" if slug in BACK_VIEW else "front"
        assert zone.attrib["clip-path"] == f"url(#bodymap-{view}-clip)", slug
        label = region.find(f"{SVG}text[@class='label']")
        assert label is not None, slug
        words = " ".join(part.strip() for part in label.itertext())
        assert words and words.lower() in name.lower(), (words, name)


def test_the_chosen_places_are_said_under_the_picture(client: Client, nina: User) -> None:
    page = client.get("/start/").content.decode()
    assert 'aria-live="polite">Nothing chosen yet.</p>' in page
    page = client.get("/start/?regions=knee&regions=calf").content.decode()
    assert 'aria-live="polite">Chosen: Knee, Calf.</p>' in page
    drawn = picture_regions(page)
    assert "picked" in drawn["knee"].attrib["class"] and "picked" in drawn["calf"].attrib["class"]
    assert "picked" not in drawn["shin"].attrib["class"]
    # Each chosen region carries a check mark, so the choice does not rest on colour.
    assert 'class="tick picked" data-tick="knee"' in page
    assert 'class="tick" data-tick="shin"' in page


def test_choosing_no_region_is_an_error_next_to_the_field(client: Client, nina: User) -> None:
    response = client.post("/start/", {})
    assert response.status_code == 200
    assert "Choose at least one place that hurts." in response.content.decode()


def test_screening_asks_the_regions_and_the_general_questions(client: Client, nina: User) -> None:
    client.post("/start/", {"regions": ["hip"]})
    page = client.get("/start/screening/").content.decode()
    assert "Did your hip pain start with a fall or injury" in page  # hip only
    assert "swollen or warm to the touch" in page  # asked whatever hurts
    assert "redness, warmth or swelling of the joint" not in page  # knee, ankle, foot


def test_every_question_must_be_answered_and_answers_are_kept(client: Client, nina: User) -> None:
    client.post("/start/", {"regions": ["knee"]})
    given = answers(["knee"])
    given.pop(DVT)
    response = client.post("/start/screening/", given)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("Answer this question: yes or no.") == 1
    # Every answer given is still ticked, the unanswered one is not.
    assert page.count(" checked") == len(given)


def test_calf_swelling_stops_with_the_emergency_advice(client: Client, nina: User) -> None:
    client.post("/start/", {"regions": ["calf"]})
    response = client.post("/start/screening/", answers(["calf"], yes=(DVT,)))
    assert response.url == "/start/stop/"
    page = client.get("/start/stop/").content.decode()
    assert "Get help now" in page and 'href="tel:112"' in page
    assert "deep vein thrombosis (DVT)" in page and "Seek emergency care now" in page
    assert "/start/program/" not in page and "/start/conditions/" not in page
    # Recorded, and no way around it: the later steps, and starting again, lead back here.
    assert Screening.objects.get(user=nina).verdict == "emergency"
    assert client.get("/start/conditions/").url == "/start/stop/"
    assert client.get("/start/finder/").url == "/start/stop/"
    assert client.get("/start/program/patellofemoral-pain-syndrome/begin/").url == "/start/stop/"
    assert client.get("/start/").url == "/start/stop/"
    assert not Plan.objects.filter(user=nina).exists()


def test_an_emergency_ends_when_the_runner_states_a_clinician_assessed_them(
    client: Client, nina: User
) -> None:
    client.post("/start/", {"regions": ["calf"]})
    client.post("/start/screening/", answers(["calf"], yes=(DVT,)))
    unticked = client.post("/start/stop/", {"note": "Seen in A&E"}).content.decode()
    assert "Tick this only once a clinician has cleared you." in unticked
    assert Screening.objects.get(user=nina).cleared_at is None
    cleared = client.post(
        "/start/stop/", {"note": "Seen in A&E on Friday: no clot.", "confirm": "on"}
    )
    assert cleared.url == "/start/"
    recorded = Screening.objects.get(user=nina)
    assert (recorded.cleared_by, recorded.clearance_note) == (
        nina,
        "Seen in A&E on Friday: no clot.",
    )
    # The questions are asked again, about the pain as it is now.
    assert client.get("/start/").status_code == 200
    screen_clean(client, ["knee"])
    assert client.get("/start/conditions/").status_code == 200


def test_a_see_a_doctor_answer_waits_for_a_clinicians_clearance(client: Client, nina: User) -> None:
    client.post("/start/", {"regions": ["knee"]})
    client.post("/start/screening/", answers(["knee"], yes=("severe-pain",)))
    page = client.get("/start/stop/").content.decode()
    assert "See a clinician before any exercise" in page and "Severe pain" in page
    assert "tel:" not in page and "/start/program/" not in page
    assert client.get("/start/conditions/").url == "/start/stop/"
    client.post("/start/stop/", {"note": "My physio, Tuesday: fine to exercise.", "confirm": "on"})
    screen_clean(client, ["knee"])
    assert client.get("/start/conditions/").status_code == 200


def test_later_steps_need_the_screening_first(client: Client, nina: User) -> None:
    assert client.get("/start/conditions/").url == "/start/"
    client.post("/start/", {"regions": ["knee"]})
    assert client.get("/start/conditions/").url == "/start/screening/"
    assert client.get("/start/finder/").url == "/start/screening/"
    assert client.get("/start/finder/?where=groin").url == "/start/screening/"
    assert client.get("/start/program/patellofemoral-pain-syndrome/").url == "/start/screening/"
    # Nothing reported: the stop page has nothing to say.
    assert client.get("/start/stop/").url == "/start/finder/"


def test_conditions_show_timelines_and_referrals(client: Client, nina: User) -> None:
    screen_clean(client, ["knee"])
    page = client.get("/start/conditions/").content.decode()
    assert "Patellofemoral pain syndrome" in page
    assert "/start/program/patellofemoral-pain-syndrome/" in page
    # A torn cartilage needs a doctor first: the advice, and no program link.
    assert "Knee cartilage tear" in page or "cartilage" in page.lower()
    assert "/start/program/knee-cartilage-tear/" not in page
    assert "See a doctor first" in page
    # The article's own words on recovery, never a bare number presented as a recovery time.
    assert "<dt>Recovery</dt>" in page and "Typical recovery" not in page


def test_the_way_back_to_running_is_not_offered_as_something_that_hurts(
    client: Client, nina: User
) -> None:
    # It lists every lower-limb region (its warning-sign questions), but is reached from the
    # runner's plans (/return-to-run/), never among what may be hurting.
    screen_clean(client, ["knee", "calf"])
    page = client.get("/start/conditions/").content.decode()
    assert "Patellofemoral pain syndrome" in page
    assert "Returning to running" not in page
    assert "/start/program/returning-to-running/" not in page


def test_the_preview_says_a_programs_length_is_not_a_recovery_time(
    client: Client, nina: User
) -> None:
    screen_clean(client, ["knee"])
    page = client.get("/start/program/patellofemoral-pain-syndrome/").content.decode()
    assert "not how long recovery takes" in page and "Typical recovery" not in page


def test_a_referral_condition_has_no_program_page(client: Client, nina: User) -> None:
    screen_clean(client, ["knee"])
    assert client.get("/start/program/knee-cartilage-tear/").status_code == 404
    assert client.get("/start/program/knee-cartilage-tear/begin/").status_code == 404


def test_preview_lays_the_program_out_week_by_week(client: Client, nina: User) -> None:
    screen_clean(client, ["knee"])
    page = client.get("/start/program/patellofemoral-pain-syndrome/").content.decode()
    assert "Week 1" in page and "Week 6" in page and "Week 7" not in page
    # The dose expected week by week, as the handout shows it: it climbs.
    weeks = page.split("<h3>Week ")[1:]
    assert "2 sets of 8 per side" in weeks[0] and "2 sets of 8 per side" not in weeks[-1]
    assert "/start/program/patellofemoral-pain-syndrome/begin/" in page


def test_the_preview_offers_to_start_after_the_cautions_not_only_after_the_weeks(
    client: Client, nina: User
) -> None:
    screen_clean(client, ["knee"])
    page = client.get("/start/program/patellofemoral-pain-syndrome/").content.decode()
    begin = 'href="/start/program/patellofemoral-pain-syndrome/begin/"'
    # Once the care note and the cautions are read, before six weeks of doses on a phone.
    assert page.index('id="exercise-cautions"') < page.index(begin) < page.index("Week by week")
    assert page.count(begin) == 2


def card_of(page: str, slug: str) -> str:
    """The condition's card on the conditions page."""
    return page.split(f'aria-labelledby="condition-{slug}"')[1].split("</section>")[0]


def test_a_condition_card_shows_what_to_take_care_with(client: Client, nina: User) -> None:
    screen_clean(client, ["knee"])
    page = client.get("/start/conditions/").content.decode()

    knee = card_of(page, "patellofemoral-pain-syndrome")
    assert "Take care" in knee and "Knee swelling, locking or giving way" in knee
    # A referral's note is its advice, under "See a doctor first", and said once.
    tear = card_of(page, "knee-cartilage-tear")
    assert "See a doctor first" in tear and "Take care" not in tear
    assert tear.count("needs a doctor&#x27;s examination") == 1


def test_a_condition_card_without_a_care_note_has_no_box(client: Client, nina: User) -> None:
    Condition.objects.filter(slug="patellofemoral-pain-syndrome").update(care_note="")
    screen_clean(client, ["knee"])

    knee = card_of(
        client.get("/start/conditions/").content.decode(), "patellofemoral-pain-syndrome"
    )

    assert "Take care" not in knee and "/start/program/patellofemoral-pain-syndrome/" in knee


def test_the_preview_puts_the_conditions_care_note_first(client: Client, nina: User) -> None:
    screen_clean(client, ["hip"])
    page = client.get("/start/program/hip-labral-tear/").content.decode()

    note = page.index("A labral tear is diagnosed by a doctor.")
    assert page.index("<h1>") < page.index("Take care") < note < page.index("<dt>For</dt>")


def test_the_preview_folds_each_exercises_cautions_under_its_name(
    client: Client, nina: User
) -> None:
    screen_clean(client, ["knee"])
    page = client.get("/start/program/patellofemoral-pain-syndrome/").content.decode()
    section = page.split('id="exercise-cautions"')[1].split("</section>")[0]

    program = Program.objects.get(slug="patellofemoral-pain-syndrome-home-program")
    prescriptions = program.prescriptions.select_related("exercise").order_by("order")
    exercises = list({p.exercise_id: p.exercise for p in prescriptions}.values())
    blocks = section.split('<details class="exercise-caution"')[1:]
    assert [block.split("<summary>")[1].split(" <span")[0] for block in blocks] == [
        escape(exercise.name) for exercise in exercises
    ]
    for block, exercise in zip(blocks, exercises, strict=True):
        assert exercise.cautions and f"{len(exercise.cautions)} caution" in block
        assert all(escape(caution) in block for caution in exercise.cautions)
    # Folded, one line per exercise on a phone, and before the weeks.
    assert '<details class="exercise-caution" open>' not in section
    assert page.index('id="exercise-cautions"') < page.index("<h3>Week 1")


def test_the_preview_says_once_what_every_exercise_asks(client: Client, nina: User) -> None:
    program = Program.objects.get(slug="patellofemoral-pain-syndrome-home-program")
    shared = "Stop if the knee locks or gives way."
    for p in program.prescriptions.select_related("exercise"):
        p.exercise.cautions = [*p.exercise.cautions, shared]
        p.exercise.save()
    screen_clean(client, ["knee"])

    page = client.get("/start/program/patellofemoral-pain-syndrome/").content.decode()

    section = page.split('id="exercise-cautions"')[1].split("</section>")[0]
    assert section.count(shared) == 1
    assert section.index("Every exercise") < section.index(shared) < section.index("<details")


def test_cautions_every_exercise_gives_are_said_once(db: None) -> None:
    program = factories.program()
    shells, stretch = (p.exercise for p in program.prescriptions.order_by("order"))
    shells.cautions = ["Keep your hips stacked.", "Pain should settle by the next morning."]
    stretch.cautions = ["Pain should settle by the next morning."]
    shells.save()
    stretch.save()
    prescriptions = list(program.prescriptions.select_related("exercise").order_by("order"))

    # The same exercise again in a later phase adds nothing.
    both = onboarding.cautions_of([*prescriptions, prescriptions[0]])
    alone = onboarding.cautions_of(prescriptions[:1])

    assert both == onboarding.ProgramCautions(
        every=["Pain should settle by the next morning."],
        by_exercise=[onboarding.ExerciseCautions("Clamshells", ["Keep your hips stacked."])],
    )
    assert alone == onboarding.ProgramCautions(
        every=[],
        by_exercise=[onboarding.ExerciseCautions("Clamshells", shells.cautions)],
    )
    assert not onboarding.cautions_of([])


def test_a_program_without_cautions_shows_no_caution_section(client: Client, nina: User) -> None:
    Exercise.objects.update(cautions=[])
    screen_clean(client, ["knee"])

    page = client.get("/start/program/patellofemoral-pain-syndrome/").content.decode()

    assert 'id="exercise-cautions"' not in page and "Week 1" in page


# Next week in Berlin: a start the planner accepts (a week back at most, a year ahead at most).
START = (
    timezone.localdate(timezone.now(), ZoneInfo("Europe/Berlin")) + timedelta(days=7)
).isoformat()


def start_data(**changes: Any) -> dict[str, Any]:
    return {
        "start_date": START,
        "reminder_time": "06:45",
        "time_zone": "Europe/Berlin",
        **changes,
    }


def test_start_creates_the_plan_and_goes_to_it(client: Client, nina: User) -> None:
    screen_clean(client, ["knee"])
    begin = "/start/program/patellofemoral-pain-syndrome/begin/"
    form = client.get(begin).content.decode()
    assert 'value="07:30"' in form and "data-browser-time-zone" in form
    response = client.post(begin, start_data(), follow=True)
    plan = Plan.objects.get(user=nina)
    assert response.redirect_chain[-1][0] == f"/plans/{plan.pk}/"
    assert plan.program.condition.slug == "patellofemoral-pain-syndrome"
    assert str(plan.start_date) == START and plan.time_zone == "Europe/Berlin"
    assert str(plan.reminders.get(kind=Reminder.Kind.REMINDER).local_time) == "06:45:00"
    page = response.content.decode()
    assert "Your plan has started" in page
    assert f'href="/plans/{plan.pk}/today/"' in page


def test_a_bad_time_zone_is_an_error_on_the_field_and_keeps_the_typing(
    client: Client, nina: User
) -> None:
    screen_clean(client, ["knee"])
    begin = "/start/program/patellofemoral-pain-syndrome/begin/"
    response = client.post(begin, start_data(time_zone="Mars/Olympus", reminder_time="25:00"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "not an IANA time zone name" in page and 'value="Mars/Olympus"' in page
    assert 'data-keep="1"' in page
    assert "Enter a valid time." in page and 'value="25:00"' in page
    assert f'value="{START}"' in page
    assert not Plan.objects.filter(user=nina).exists()


def test_onboarding_steps_are_csrf_protected(catalog: object) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(factories.person("nina"))
    assert client.post("/start/", {"regions": ["knee"]}).status_code == 403
