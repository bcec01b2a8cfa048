"""Emails and their notices in the recipient's language and on her clock (issue 20): each
delivery of a chunk is composed in its recipient's language, read with her address."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import formats, translation
from django.utils.translation import trans_real
from jinja2.ext import babel_extract

from exercises.models import Exercise
from planner.delivery import chunk, compose, notify
from planner.engine import pain
from planner.management.commands import makemessages
from planner.models import Alert, CareLink, Delivery, Notification, Plan, Profile
from tests import factories
from tests.personas import therapist
from tests.smtp_sink import Sink

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)
EMAILS = Path(__file__).resolve().parents[3] / "planner" / "jinja2" / "planner" / "email"


def speaks(user: User, language: str = "", time_zone: str = "") -> User:
    Profile.objects.update_or_create(
        user=user, defaults={"language": language, "time_zone": time_zone}
    )
    return user


def text(part: str) -> str:
    """A received part with the line breaks it was written with."""
    return part.replace("\r\n", "\n")


def reminder(plan: Plan) -> Delivery:
    return Delivery.objects.create(plan=plan, kind="reminder", local_date=MONDAY, due_at=NOW)


@pytest.fixture
def two_runners() -> tuple[Plan, Plan]:
    """Rosa reads Spanish, Eva chose no language; both start the same program on Monday."""
    rosa = factories.plan_for(speaks(factories.person("rosa"), "es"), MONDAY)
    eva = factories.plan_for(factories.person("eva"), MONDAY)
    # The catalog's Spanish name, as load_catalog writes it.
    Exercise.objects.filter(slug="clamshells").update(name_es="Almejas")
    return rosa, eva


def test_a_spanish_runner_reads_her_reminder_in_spanish_and_an_english_one_english(
    two_runners: tuple[Plan, Plan], smtp_sink: Sink
) -> None:
    rosa, eva = two_runners
    english_alone = notify.compose(reminder(eva), NOW)
    Delivery.objects.all().delete()
    spanish, english = reminder(rosa), reminder(eva)

    senders_language = translation.get_language()
    outcome = notify.send_chunk([spanish.pk, english.pk], NOW)

    assert set(outcome.states.values()) == {"sent"}
    (es,) = smtp_sink.to("rosa@example.com")
    (en,) = smtp_sink.to("eva@example.com")
    assert es.subject == "Tus ejercicios de hoy"
    assert text(es.text).startswith("Semana 1, lunes 2 de marzo: ejercicios de hoy\n")
    assert "- Almejas: " in es.text
    assert "Para y ve al médico si tienes la pantorrilla hinchada y caliente" in es.text
    assert "Registra la sesión de hoy: http" in es.text
    assert '<html lang="es">' in es.html
    assert "<strong>Almejas</strong>" in es.html
    assert "Semana 1, lunes 2 de marzo: ejercicios de hoy" in es.html
    assert ">Registra la sesión de hoy</a>" in es.html
    # The pain rule the plan keeps, in her language (the engine's words, translated).
    assert "sobre 10" in es.text and "out of 10" not in es.text
    notice = Notification.objects.get(delivery=spanish)
    assert notice.title == "Tus ejercicios de hoy"
    assert notice.body.startswith("Semana 1, lunes 2 de marzo: ejercicios de hoy")
    assert "Registra la sesión de hoy desde su página." in notice.body
    # The English reader of the same chunk reads exactly what she would have alone.
    assert english_alone is not None
    assert en.subject == english_alone.subject == "Your exercises for today"
    assert text(en.text) == english_alone.text
    assert text(en.html) == english_alone.html
    assert text(en.text).startswith("Week 1, Monday 2 March: today's exercises\n")
    assert "- Clamshells: 1 set of 10 per side" in en.text
    assert '<html lang="en">' in en.html
    assert Notification.objects.get(delivery=english).body == english_alone.in_app
    # And the sender's own language is as it was.
    assert translation.get_language() == senders_language


def test_the_languages_are_read_with_the_addresses_in_the_same_queries(
    two_runners: tuple[Plan, Plan],
) -> None:
    rows = chunk.deliveries([reminder(plan).pk for plan in two_runners])
    english_only = [row for row in rows if row.plan == two_runners[1]]

    with CaptureQueriesContext(connection) as mixed:
        facts = chunk.read(rows)
    with CaptureQueriesContext(connection) as one_language:
        chunk.read(english_only)

    # tests/planner/delivery/test_chunk.py pins the number; a second language adds none.
    assert len(mixed) == len(one_language)
    assert sum("account_emailaddress" in query["sql"] for query in mixed.captured_queries) == 1
    rosa, eva = (plan.user_id for plan in two_runners)
    assert facts.languages == {rosa: "es", eva: ""}
    assert facts.addresses == {rosa: "rosa@example.com", eva: "eva@example.com"}


def alert_for(runner_plan: Plan, reader: User) -> Delivery:
    CareLink.objects.create(
        therapist=reader, runner=runner_plan.user, status=CareLink.Status.ACTIVE
    )
    alert = Alert.objects.create(
        runner=runner_plan.user,
        plan=runner_plan,
        kind=Alert.Kind.WARNING_SIGN,
        text="Dolor en la pantorrilla con hinchazón",
        created_at=NOW,
    )
    return Delivery.objects.create(
        alert=alert, recipient=reader, kind="alert", local_date=MONDAY, due_at=NOW
    )


def test_a_therapists_alert_shows_the_time_on_her_own_clock_in_her_language(
    smtp_sink: Sink,
) -> None:
    plan = factories.plan_for(factories.person("rosa"), MONDAY)
    sent = alert_for(plan, speaks(therapist("theo"), "es", "Europe/Madrid"))

    assert notify.send_delivery(sent.pk, NOW) == "sent"

    (received,) = smtp_sink.received
    assert received.subject == "Una alerta de un paciente"
    assert text(received.text).startswith("Señal de alarma: rosa\n")
    # 06:30 UTC is 07:30 in Madrid in March.
    assert "Comunicado el lunes 2 de marzo de 2026, 07:30 (Europe/Madrid)." in received.text
    assert "Comunicado el lunes 2 de marzo de 2026, 07:30 (Europe/Madrid)." in received.html
    assert "Acusa recibo con una nota (el corredor la lee): http" in received.text
    notice = Notification.objects.get(delivery=sent)
    assert notice.title == "Una alerta de un paciente"
    assert "07:30 (Europe/Madrid)" in notice.body


def test_an_english_therapists_alert_names_her_zone(smtp_sink: Sink) -> None:
    plan = factories.plan_for(factories.person("rosa"), MONDAY)
    sent = alert_for(plan, speaks(therapist("theo"), "", "America/New_York"))

    assert notify.send_delivery(sent.pk, NOW) == "sent"

    (received,) = smtp_sink.received
    assert received.subject == "An alert from a patient"
    assert "Reported Monday 2 March 2026, 01:30 (America/New_York)." in received.text


def test_the_pain_rules_advice_is_the_engines_word_for_word() -> None:
    # compose translates the engine's words by key: they must stay the same words.
    assert {key: rule.advice for key, rule in pain.PAIN_RULES.items()} == compose.PAIN_ADVICE


def email_strings() -> set[str]:
    """Every string the email templates look up, as Jinja2 extracts them."""
    found: set[str] = set()
    for template in EMAILS.iterdir():
        source = io.BytesIO(template.read_bytes())
        for _line, _function, message, _comments in babel_extract(
            source, makemessages.KEYWORDS, makemessages.COMMENT_TAGS, {}
        ):
            found.update([message] if isinstance(message, str) else message or ())
    return found


def test_every_email_string_is_in_the_spanish_catalog() -> None:
    strings = email_strings()
    catalog = trans_real.translation("es")._catalog  # type: ignore[attr-defined]

    assert len(strings) > 30
    assert sorted(s for s in strings if not catalog.get(s)) == []


def test_the_project_makemessages_reads_jinja2_calls_and_their_comments() -> None:
    source = (
        '{# Translators: a day. #}{{ _("l j F") }}'
        "{% trans n=2 %}{{ n }} sets{% endtrans %}"
        "{% trans count=k %}one{% pluralize %}{{ count }} many{% endtrans %}"
    )

    assert makemessages.as_python(source).splitlines() == [
        "# Translators: a day.",
        "gettext('l j F')",
        "gettext('%(n)s sets')",
        "ngettext('one', '%(count)s many', 1)",
    ]
    assert makemessages.is_jinja("./planner/jinja2/planner/email/alert.txt")
    assert not makemessages.is_jinja("./templates/pages/home.html")


def test_every_kind_of_plan_email_is_written_in_spanish(
    two_runners: tuple[Plan, Plan], smtp_sink: Sink
) -> None:
    rosa = two_runners[0]
    change = factories.clamshells_stepped_up(rosa)
    rows = [
        Delivery.objects.create(plan=rosa, kind=kind, local_date=day, due_at=NOW)
        for kind, day in (
            ("outcomes", MONDAY),  # the first day: both questionnaires are due
            ("progression", change.effective_on),
        )
    ]
    nudge_day = change.effective_on + timedelta(days=1)
    rows.append(Delivery.objects.create(plan=rosa, kind="nudge", local_date=nudge_day, due_at=NOW))

    outcome = notify.send_chunk([row.pk for row in rows], NOW)

    assert set(outcome.states.values()) == {"sent"}
    asked, stepped, nudged = (text(r.text) for r in smtp_sink.received)
    subjects = [r.subject for r in smtp_sink.received]
    assert subjects == [
        "Tienes dos cuestionarios breves pendientes",
        "Tu plan cambia hoy",
        "Los ejercicios de hoy siguen pendientes",
    ]
    assert asked.startswith("¿Cómo vas? Hoy te tocan tus cuestionarios de progreso\n")
    assert "- Escala Funcional de la Extremidad Inferior: http" in asked
    with translation.override("es"):
        weekday = formats.date_format(change.effective_on, "l")
    assert stepped.startswith(f"Desde el {weekday}: Almejas ")
    assert "Consulta tu plan: http" in stepped
    assert "aún no están registrados" in nudged and "Este es el único aviso de hoy." in nudged
