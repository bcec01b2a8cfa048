"""The handout as a PDF made on the server: the clinic, the drawings, each step on its own
line, the dose table, nothing outside the page; downloadable by the runner and their
therapist only, and sent by email to the runner's confirmed address through a mail server.

People (tests/personas.py): Theo is Rosa's therapist; Uma is a therapist nobody linked to."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from audit.models import AccessRecord
from exercises.models import Exercise, InstructionStep
from planner.accounts import profile
from planner.engine import schedule
from planner.models import Plan
from tests import factories
from tests.personas import People
from tests.smtp_sink import Sink

pytestmark = pytest.mark.django_db


def berlin_today() -> date:
    return schedule.local_date(timezone.now(), "Europe/Berlin")


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


STEPS = [
    "Lie on your side with your knees bent and your legs stacked.",
    "Keeping your feet together, slowly lift your top knee up, opening your legs like a clamshell.",
    "Slowly close the leg again.",
    "Repeat for the number of repetitions of today's dose.",
]


def running_plan(people: People) -> Plan:
    """Rosa's plan in its second week, its clamshells with their steps."""
    plan = factories.plan_for(people.rosa, berlin_today() - timedelta(days=8))
    shells = Exercise.objects.get(slug="clamshells")
    for order, text in enumerate(STEPS, start=1):
        InstructionStep.objects.create(exercise=shells, order=order, text=text)
    return plan


def lines_of(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    return [line.strip() for page in reader.pages for line in page.extract_text().splitlines()]


def test_the_therapist_downloads_a_pdf_with_the_clinic_the_steps_and_the_doses(
    people: People,
) -> None:
    profile.set_clinic(
        people.theo, name="Riverside Physio", phone="555 0100", email="", address="1 River Rd"
    )
    plan = running_plan(people)
    response = signed_in(people.theo).get(f"/plans/{plan.pk}/handout.pdf")

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert 'filename="exercise-handout.pdf"' in response["Content-Disposition"]
    lines = lines_of(response.content)
    text = "\n".join(lines)
    assert "Riverside Physio" in text and "For rosa" in text
    assert "Clamshells" in text and "Dose, week by week" in text
    # The drawings are in it (their labels are text), and each step starts a line of its own
    # (once two steps shared a line in print).
    assert "Start" in text and "End" in text
    for step in STEPS:
        assert any(line.startswith(step[:30]) for line in lines), step
    assert "Week Dose" in text and "2 1 set of" in text  # the table, from this week on
    assert AccessRecord.objects.filter(
        subject=people.rosa, viewer=people.theo, what__contains="handout (PDF)"
    ).exists()


def test_nothing_is_drawn_past_the_right_margin(people: People) -> None:
    plan = running_plan(people)
    pdf = signed_in(people.rosa).get(f"/plans/{plan.pk}/handout.pdf").content
    reader = PdfReader(io.BytesIO(pdf))
    starts: list[float] = []
    for page in reader.pages:
        width = float(page.mediabox.width)

        def visit(
            text: str, cm: list[float], tm: list[float], *_: object, w: float = width
        ) -> None:
            if text.strip():
                # Where the run starts on the page: the text matrix through the current one.
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                starts.append(x / w)

        page.extract_text(visitor_text=visit)
    # Every run of text starts inside the page's printable width (12 mm margins of 210).
    assert starts and min(starts) >= 0.05 and max(starts) < 0.95


def test_only_the_runner_and_her_therapist_get_the_pdf(people: People) -> None:
    url = f"/plans/{people.rosa_plan.pk}/handout.pdf"
    assert signed_in(people.uma).get(url).status_code == 404
    assert signed_in(people.oscar).get(url).status_code == 404
    assert Client().get(url).status_code == 302


def test_the_pdf_is_emailed_to_the_runners_confirmed_address(
    people: People, smtp_sink: Sink
) -> None:
    answer = signed_in(people.theo).post(f"/plans/{people.rosa_plan.pk}/handout/email/")

    assert answer.status_code == 200
    assert "The handout is on its way" in answer.content.decode()
    (mail,) = smtp_sink.to("rosa@example.com")
    assert mail.subject == "Your exercise handout"
    (attachment,) = list(mail.message.iter_attachments())
    assert attachment.get_filename() == "exercise-handout.pdf"
    assert "Clamshells" in "\n".join(lines_of(attachment.get_content()))


def test_without_a_confirmed_address_nothing_is_sent_and_the_page_says_why(
    people: People, smtp_sink: Sink
) -> None:
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=people.rosa).update(verified=False)
    page = signed_in(people.theo).post(f"/plans/{people.rosa_plan.pk}/handout/email/", follow=True)
    assert "No confirmed email address to send it to" in page.content.decode()
    assert smtp_sink.received == []


def test_a_server_without_pango_says_so_instead_of_failing(
    people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    from planner.pages import handouts

    def no_pango(name: str) -> object:
        raise OSError("cannot load library 'libpangoft2-1.0.so.0'")

    monkeypatch.setattr(handouts.importlib, "import_module", no_pango)
    page = signed_in(people.rosa).get(f"/plans/{people.rosa_plan.pk}/handout.pdf", follow=True)

    assert page.status_code == 200
    assert "This server cannot make PDFs" in page.content.decode()


@pytest.mark.parametrize(
    "path", ["/static//etc/passwd", "/static/../../../../etc/passwd", "/admin/", "/plans/"]
)
def test_the_pdf_reads_only_the_sites_static_files_and_drawings(people: People, path: str) -> None:
    from django.test import RequestFactory

    from planner.pages.handout_pdf import SiteFetcher

    request = RequestFactory().get("/plans/1/handout.pdf")
    request.user = people.rosa
    fetcher = SiteFetcher(request)

    with pytest.raises(ValueError):
        fetcher.fetch("http://testserver" + path)
    with pytest.raises(ValueError):
        fetcher.fetch("file:///etc/passwd")
    css = fetcher.fetch("http://testserver/static/planner/print.css")
    assert b"@page" in css.read()


def test_making_a_pdf_leaves_the_photo_check_strict(people: People) -> None:
    # WeasyPrint's import once switched Pillow to accept truncated images process-wide.
    from PIL import ImageFile

    signed_in(people.rosa).get(f"/plans/{people.rosa_plan.pk}/handout.pdf")

    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
