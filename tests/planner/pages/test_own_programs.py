"""The builder's pages: a therapist's own programs listed, built, copied, changed, assigned and
kept from deletion while a plan uses them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from planner.engine import schedule
from planner.models import Clinic, Plan, Profile, Program
from tests import factories
from tests.personas import People

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def builder_data(**changes: str) -> dict[str, str]:
    """The builder as a therapist fills it in: one phase, clamshells, and a blank row."""
    data = {
        "phases": "1",
        "exercises": "2",
        "name": "Theo's hip start",
        "condition": "it-band-syndrome",
        "weeks": "4",
        "summary": "",
        "weeks_note": "",
        "sharing": "private",
        "phases-0-name": "Build",
        "phases-0-first_week": "1",
        "phases-0-last_week": "4",
        "phases-0-goal": "Stronger hips.",
        "exercises-0-exercise": "clamshells",
        "exercises-0-frequency": "daily",
        "exercises-0-first_week": "1",
        "exercises-0-sets": "2",
        "exercises-0-start": "8",
        "exercises-0-target": "20",
        "exercises-0-step": "4",
        "exercises-0-pain_rule": "pain_monitoring",
        "exercises-0-times_per_day": "1",
        "exercises-0-versions": "on",
        "exercises-0-note": "Slowly.",
        "exercises-1-exercise": "",
        "exercises-1-frequency": "daily",
        "exercises-1-pain_rule": "pain_monitoring",
        "exercises-1-times_per_day": "1",
        "save": "1",
    }
    data.update(changes)
    return data


@pytest.fixture(autouse=True)
def library(db: None) -> None:
    factories.clamshells()
    factories.piriformis_stretch()
    factories.condition()


def test_runners_have_no_builder(people: People) -> None:
    rosa = signed_in(people.rosa)

    assert rosa.get("/own-programs/").status_code == 404
    assert rosa.get("/own-programs/new/").status_code == 404


def test_a_therapist_builds_and_saves_a_program(people: People) -> None:
    response = signed_in(people.theo).post("/own-programs/new/", builder_data())

    program = Program.objects.get(is_own=True)
    assert response.status_code == 302
    assert response["Location"] == f"/own-programs/{program.pk}/"
    assert (program.owner, program.source, program.weeks) == (people.theo, None, 4)
    (shells,) = program.prescriptions.all()  # the blank row is left out
    assert (shells.sets, shells.start, shells.target, shells.note) == (2, 8, 20, "Slowly.")
    page = signed_in(people.theo).get(response["Location"]).content.decode()
    # One line: the sentence is translated whole (blocktranslate trimmed joins its lines).
    assert "its exercises, doses, phases and length are your clinical choice" in page


def test_a_mistake_is_shown_on_its_field_and_nothing_typed_is_lost(people: People) -> None:
    response = signed_in(people.theo).post(
        "/own-programs/new/", builder_data(**{"exercises-0-start": "30", "name": "Kept name"})
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was saved yet" in page
    assert "At least the start (30): the dose climbs from start to target." in page
    assert 'value="Kept name"' in page and 'value="30"' in page
    assert not Program.objects.filter(is_own=True).exists()


def test_another_row_is_added_without_saving(people: People) -> None:
    data = builder_data(**{"exercises-0-start": "30"})
    del data["save"]
    data["add_exercise"] = "1"

    response = signed_in(people.theo).post("/own-programs/new/", data)

    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="exercises" value="3"' in page
    assert "exercises-2-exercise" in page
    assert "Nothing was saved yet" not in page  # a row not yet filled in is no mistake
    assert 'value="30"' in page
    assert not Program.objects.filter(is_own=True).exists()


def test_a_catalog_program_is_copied_to_start_from(people: People) -> None:
    catalog = factories.program()

    response = signed_in(people.theo).post("/own-programs/copy/", {"program": catalog.slug})

    copied = Program.objects.get(is_own=True)
    assert response["Location"] == f"/own-programs/{copied.pk}/"
    assert (copied.copied_from, copied.owner) == (catalog, people.theo)
    page = signed_in(people.theo).get(response["Location"]).content.decode()
    assert "started as a copy of the catalog's “IT band syndrome: home program”" in page


def test_a_colleague_reads_a_shared_program_and_cannot_change_it(people: People) -> None:
    clinic = Clinic.objects.create(name="Riverside Physio")
    for therapist in (people.theo, people.uma):
        Profile.objects.create(user=therapist, clinic=clinic)
    shared = factories.own_program(people.theo, shared=True)
    uma = signed_in(people.uma)

    listed = uma.get("/own-programs/").content.decode()
    page = uma.get(f"/own-programs/{shared.pk}/")

    assert "Shared by theo" in listed
    assert page.status_code == 200 and "Copy it to edit" in page.content.decode()
    assert uma.post(f"/own-programs/{shared.pk}/", builder_data()).status_code == 403
    assert uma.post(f"/own-programs/{shared.pk}/delete/").status_code == 403


def test_an_own_program_is_assigned_from_the_patient_page_and_kept(people: People) -> None:
    program = factories.own_program(people.theo)
    factories.screened(people.rosa)
    theo = signed_in(people.theo)
    start = schedule.local_date(timezone.now(), "Europe/Berlin") + timedelta(days=1)

    # The form the patient page fetches when its "Assign a program" block is unfolded.
    offered = theo.get(
        f"/patients/{people.rosa.pk}/assign/form/", HTTP_HX_REQUEST="true"
    ).content.decode()
    assigned = theo.post(
        f"/patients/{people.rosa.pk}/assign/",
        {
            "program": program.slug,
            "start_date": start.isoformat(),
            "time_zone": "Europe/Berlin",
            "reminder_time": "18:15",
            "running": "keep",
        },
    )
    refused = theo.post(f"/own-programs/{program.pk}/delete/", follow=True)

    assert "Theo&#x27;s hip start (own program of theo)" in offered
    assert assigned.status_code == 302
    assert Plan.objects.get(user=people.rosa, start_date=start).program == program
    assert "cannot be deleted: 1 plan uses it" in refused.content.decode()
    assert Program.objects.filter(pk=program.pk).exists()


def test_an_unused_program_is_deleted(people: People) -> None:
    program = factories.own_program(people.theo)

    response = signed_in(people.theo).post(f"/own-programs/{program.pk}/delete/")

    assert response["Location"] == "/own-programs/"
    assert not Program.objects.filter(pk=program.pk).exists()


def test_the_pages_take_the_same_queries_whatever_their_length(
    people: People, django_assert_num_queries: Any
) -> None:
    theo = signed_in(people.theo)
    program = factories.own_program(people.theo)
    theo.post(
        f"/own-programs/{program.pk}/",
        builder_data(**{"exercises-1-exercise": "piriformis-stretch"}),
    )
    for n in range(4):
        factories.own_program(people.theo, f"More {n}")

    # 1: the session  2: its user  3: the role  4: the programs listed, with their owners,
    # conditions and origins  5: the programs to copy from  6: the header's role
    with django_assert_num_queries(6):
        assert theo.get("/own-programs/").status_code == 200
    # 1-3: as above  4: the program  5: its phases  6: its exercises  7: the library
    # 8: the conditions  9: the plans using it  10: the header's role
    with django_assert_num_queries(10):
        assert theo.get(f"/own-programs/{program.pk}/").status_code == 200
