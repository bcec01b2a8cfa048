"""Each exercise's drawing prints in the handout: the still start-and-end picture, loaded in
print media, and present in the PDF the browser makes of the page (its Start and End labels
are text in the drawing, so they come out as text in the PDF). A runner whose system asks for
less motion gets the still picture on the day's cards."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from kit.datafiles import LoadReport
from planner.models import Program
from tests import factories
from tests.browser.conftest import Site

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_handout_prints_each_exercise_with_its_picture(site: Site, catalog: LoadReport) -> None:
    program = Program.objects.get(slug="it-band-syndrome-home-program")
    exercises = list(program.prescriptions.values_list("exercise__name", flat=True))
    factories.person("nina")
    page = site.sign_in("nina", "nina-pass-4242")
    page.goto(f"{site.url}/programs/{program.slug}/handout/")
    page.emulate_media(media="print")

    pictures = page.locator(".exercise-picture img")
    assert pictures.count() == len(exercises) >= 3
    for index in range(pictures.count()):
        picture = pictures.nth(index)
        picture.scroll_into_view_if_needed()
        assert picture.evaluate("image => image.complete && image.naturalWidth > 0")
        assert picture.is_visible()
        assert "/picture-still.svg" in (picture.get_attribute("src") or "")
        assert (picture.get_attribute("alt") or "").startswith("Drawing of ")

    with_pictures = pdf_text(page.pdf(format="A4"))
    # The same page printed without its pictures: what the pictures alone add to the PDF.
    page.evaluate("document.querySelectorAll('.exercise-picture').forEach(f => f.remove())")
    without = pdf_text(page.pdf(format="A4"))
    for label in ("Start", "End"):
        assert with_pictures.count(label) - without.count(label) == len(exercises)
    for name in exercises:
        assert name in with_pictures


def pdf_text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_runner_who_asks_for_less_motion_gets_the_still_picture(
    site: Site, catalog: LoadReport
) -> None:
    # The factories' program takes the catalog's clamshells, pictures and all.
    runner = factories.person("nina")
    plan = factories.plan_for(runner, date.today() - timedelta(days=1))
    page = site.sign_in("nina", "nina-pass-4242")

    def shown_sources() -> set[str]:
        page.goto(f"{site.url}/plans/{plan.pk}/today/")
        pictures = page.locator(".exercise-card .exercise-picture img")
        assert pictures.count() >= 1
        sources = set()
        for index in range(pictures.count()):
            picture = pictures.nth(index)
            picture.scroll_into_view_if_needed()
            assert picture.evaluate("image => image.complete && image.naturalWidth > 0")
            address = str(picture.evaluate("image => image.currentSrc"))
            sources.add(address.split("?")[0].rsplit("/", 1)[-1])
        return sources

    assert shown_sources() == {"picture.svg"}
    page.emulate_media(reduced_motion="reduce")
    assert shown_sources() == {"picture-still.svg"}
