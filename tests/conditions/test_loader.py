"""The catalog loader: idempotent, respectful of admin edits, all-or-nothing on bad data."""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from conditions import loader as conditions_loader
from conditions.models import BodyRegion, Condition, RedFlag, Source
from exercises import loader as exercises_loader
from exercises.models import Exercise, InstructionStep, Recommendation, Variation
from planner.models import Phase, Prescription, Program
from planner.programs import loader
from planner.programs.catalog import load_catalog

CATALOG_MODELS = [
    Source,
    BodyRegion,
    Condition,
    RedFlag,
    Exercise,
    InstructionStep,
    Variation,
    Recommendation,
    Program,
    Phase,
    Prescription,
]
DataDirs = tuple[Path, Path, Path]


def table_state() -> dict[str, list[tuple[object, ...]]]:
    """Every catalog row, as values, so two states can be compared whole."""
    return {
        model.__name__: sorted(
            tuple(str(value) for value in row) for row in model.objects.values_list()
        )
        for model in CATALOG_MODELS
    }


@pytest.fixture
def data_copy(tmp_path: Path) -> DataDirs:
    """Copies of the data folders that a test may break without touching the repository."""
    copies = []
    for name, source in [
        ("conditions", conditions_loader.DATA_DIR),
        ("exercises", exercises_loader.DATA_DIR),
        ("programs", loader.DATA_DIR),
    ]:
        shutil.copytree(source, tmp_path / name)
        copies.append(tmp_path / name)
    return copies[0], copies[1], copies[2]


def load_from(dirs: DataDirs) -> None:
    conditions_dir, exercises_dir, programs_dir = dirs
    call_command(
        "load_catalog",
        conditions_dir=conditions_dir,
        exercises_dir=exercises_dir,
        programs_dir=programs_dir,
        stdout=StringIO(),
    )


@pytest.mark.django_db
def test_first_load_creates_every_entry_of_the_data_files() -> None:
    report = load_catalog()

    conditions_in_file = yaml.safe_load(
        (conditions_loader.DATA_DIR / "conditions.yaml").read_text()
    )
    exercises_in_file = yaml.safe_load((exercises_loader.DATA_DIR / "exercises.yaml").read_text())
    assert Condition.objects.count() == len(conditions_in_file)
    assert Exercise.objects.count() == len(exercises_in_file)
    assert report.created["conditions"] == len(conditions_in_file)
    assert not report.updated


@pytest.mark.django_db
def test_loading_twice_changes_nothing() -> None:
    load_catalog()
    before = table_state()
    timestamps = list(Exercise.objects.values_list("updated_at", flat=True).order_by("pk"))

    report = load_catalog()

    assert not sum(report.created.values()) and not sum(report.updated.values())
    assert table_state() == before
    assert list(Exercise.objects.values_list("updated_at", flat=True).order_by("pk")) == timestamps


@pytest.mark.django_db
def test_an_admin_edit_survives_a_reload_and_overwrite_replaces_it(catalog: object) -> None:
    clamshells = Exercise.objects.get(slug="clamshells")
    clamshells.target = 40
    clamshells.admin_edited = True
    clamshells.save()

    report = load_catalog()

    assert Exercise.objects.get(slug="clamshells").target == 40
    assert "clamshells" in report.kept["exercises"]

    load_catalog(overwrite=True)

    restored = Exercise.objects.get(slug="clamshells")
    assert restored.target == 30
    assert restored.admin_edited is False


@pytest.mark.django_db
def test_a_changed_data_file_updates_rows_nobody_curated(
    catalog: object, data_copy: DataDirs
) -> None:
    conditions_dir, exercises_dir, programs_dir = data_copy
    path = exercises_dir / "exercises.yaml"
    entries = yaml.safe_load(path.read_text())
    clamshells = next(entry for entry in entries if entry["slug"] == "clamshells")
    clamshells["steps"].append("Rest for a minute between sides.")
    # A step is written in both languages: the Spanish beside the English (kit/translated.py).
    clamshells["es"]["steps"].append("Descansa un minuto entre un lado y otro.")
    path.write_text(yaml.safe_dump(entries, sort_keys=False))

    report = load_catalog(
        conditions_dir=conditions_dir, exercises_dir=exercises_dir, programs_dir=programs_dir
    )

    assert report.updated == {"exercises": 1}
    steps = list(Exercise.objects.get(slug="clamshells").steps.values_list("text", flat=True))
    assert steps[-1] == "Rest for a minute between sides."
    with translation.override("es"):
        pasos = list(Exercise.objects.get(slug="clamshells").steps.values_list("text", flat=True))
    assert pasos[-1] == "Descansa un minuto entre un lado y otro."


@pytest.mark.django_db
def test_a_malformed_entry_names_file_entry_and_field_and_changes_nothing(
    catalog: object, data_copy: DataDirs
) -> None:
    conditions_dir, exercises_dir, _ = data_copy
    # A good change early in the file, then a bad entry later: the good change must not land.
    conditions_path = conditions_dir / "conditions.yaml"
    conditions = yaml.safe_load(conditions_path.read_text())
    conditions[0]["summary"] = "Changed by a file that also holds a broken entry."
    conditions_path.write_text(yaml.safe_dump(conditions, sort_keys=False))
    exercises_path = exercises_dir / "exercises.yaml"
    exercises = yaml.safe_load(exercises_path.read_text())
    bridge = next(e for e in exercises if e["slug"] == "one-legged-glute-bridge")
    bridge["ladder"]["start"] = "ten"
    exercises_path.write_text(yaml.safe_dump(exercises, sort_keys=False))
    before = table_state()

    with pytest.raises(CommandError) as error:
        load_from(data_copy)

    message = str(error.value)
    assert "exercises.yaml" in message
    assert "'one-legged-glute-bridge'" in message
    assert "ladder.start" in message
    assert table_state() == before


@pytest.mark.django_db
def test_a_reference_to_an_unknown_region_is_named(data_copy: DataDirs) -> None:
    exercises_dir = data_copy[1]
    path = exercises_dir / "exercises.yaml"
    exercises = yaml.safe_load(path.read_text())
    exercises[0]["regions"] = ["elbow"]
    path.write_text(yaml.safe_dump(exercises, sort_keys=False))

    with pytest.raises(CommandError, match=r"exercises.yaml: entry .*field 'regions'.*'elbow'"):
        load_from(data_copy)
    assert Exercise.objects.count() == 0
    assert Condition.objects.count() == 0


@pytest.mark.django_db
def test_an_unknown_key_is_a_typo_and_is_refused(data_copy: DataDirs) -> None:
    conditions_dir = data_copy[0]
    path = conditions_dir / "red_flags.yaml"
    flags = yaml.safe_load(path.read_text())
    flags[0]["urgncy"] = flags[0].pop("urgency")
    path.write_text(yaml.safe_dump(flags, sort_keys=False))

    with pytest.raises(CommandError, match=r"red_flags.yaml: entry #1 .*field 'urgency'"):
        load_from(data_copy)


@pytest.mark.django_db
def test_the_command_reports_what_it_did() -> None:
    out = StringIO()
    call_command("load_catalog", stdout=out)
    call_command("load_catalog", stdout=(second := StringIO()))

    assert "created" in out.getvalue()
    assert "exercises: 0 created, 0 updated" in second.getvalue()


def program_entries(programs_dir: Path) -> list[dict]:
    return yaml.safe_load((programs_dir / "programs.yaml").read_text())


@pytest.mark.django_db
def test_an_exercise_listed_twice_in_a_program_is_named(data_copy: DataDirs) -> None:
    programs_dir = data_copy[2]
    entries = program_entries(programs_dir)
    entries[0]["prescriptions"].append(dict(entries[0]["prescriptions"][0]))
    (programs_dir / "programs.yaml").write_text(yaml.safe_dump(entries, sort_keys=False))

    with pytest.raises(CommandError, match=r"programs.yaml: entry #1 .*more than once"):
        load_from(data_copy)


def test_an_exercise_people_follow_cannot_be_dropped_from_its_program(
    catalog: object, data_copy: DataDirs
) -> None:
    from datetime import UTC, date, datetime

    from planner.plans import lifecycle
    from tests import factories

    program = Program.objects.get(slug="it-band-syndrome-home-program")
    rosa = factories.person("rosa")
    factories.screened(rosa, datetime(2026, 3, 1, tzinfo=UTC))
    lifecycle.start_plan(
        user=rosa,
        program=program,
        start_date=date(2026, 3, 2),
        time_zone="Europe/Berlin",
        now=datetime(2026, 3, 1, tzinfo=UTC),
    )
    programs_dir = data_copy[2]
    entries = program_entries(programs_dir)
    it_band = next(e for e in entries if e["slug"] == "it-band-syndrome-home-program")
    dropped = it_band["prescriptions"].pop()["exercise"]
    (programs_dir / "programs.yaml").write_text(yaml.safe_dump(entries, sort_keys=False))
    before = table_state()

    with pytest.raises(CommandError, match=rf"field 'prescriptions': '{dropped}' is in plans"):
        load_from(data_copy)
    assert table_state() == before


@pytest.mark.django_db
def test_a_phases_pain_rule_reaches_the_exercises_that_start_in_it(data_copy: DataDirs) -> None:
    from planner.models import Prescription

    programs_dir = data_copy[2]
    entries = program_entries(programs_dir)
    program = entries[0]
    program["phases"][0]["pain_rule"] = "near_pain_free"
    first = program["phases"][0]
    (programs_dir / "programs.yaml").write_text(yaml.safe_dump(entries, sort_keys=False))

    load_from(data_copy)

    rules = {
        p.first_week: p.pain_rule
        for p in Prescription.objects.filter(program__slug=program["slug"])
    }
    assert rules and all(
        rule
        == (
            "near_pain_free"
            if first["first_week"] <= week <= first["last_week"]
            else "pain_monitoring"
        )
        for week, rule in rules.items()
    )
    assert "near_pain_free" in rules.values()


@pytest.mark.django_db
def test_a_stricter_pain_rule_reaches_the_plans_that_follow_the_program(
    data_copy: DataDirs,
) -> None:
    from datetime import UTC, date, datetime

    from planner.models import PlanExercise
    from planner.plans import lifecycle
    from tests import factories

    load_from(data_copy)
    programs_dir = data_copy[2]
    entries = program_entries(programs_dir)
    program = next(e for e in entries if e["slug"] == "it-band-syndrome-home-program")
    rosa = factories.person("rosa")
    factories.screened(rosa, datetime(2026, 3, 1, tzinfo=UTC))
    plan = lifecycle.start_plan(
        user=rosa,
        program=Program.objects.get(slug=program["slug"]),
        start_date=date(2026, 3, 2),
        time_zone="Europe/Berlin",
        now=datetime(2026, 3, 1, tzinfo=UTC),
    )
    tailored = plan.exercises.order_by("order").first()
    assert tailored is not None
    # One exercise tailored by a therapist to near pain-free already; the rest follow the
    # program's rule, which the data file now makes near pain-free too.
    PlanExercise.objects.filter(pk=tailored.pk).update(pain_rule="near_pain_free")
    program["pain_rule"] = "near_pain_free"
    (programs_dir / "programs.yaml").write_text(yaml.safe_dump(entries, sort_keys=False))

    load_from(data_copy)

    assert set(plan.exercises.values_list("pain_rule", flat=True)) == {"near_pain_free"}


def break_a_sign(conditions_dir: Path, **changes: str) -> None:
    path = conditions_dir / "conditions.yaml"
    entries = yaml.safe_load(path.read_text())
    band = next(e for e in entries if e["slug"] == "it-band-syndrome")
    band["signs"][0].update(changes)
    path.write_text(yaml.safe_dump(entries, sort_keys=False))


@pytest.mark.django_db
def test_a_sign_answering_no_question_of_the_finder_is_named(data_copy: DataDirs) -> None:
    break_a_sign(data_copy[0], answer="outside-of-the-elbow")
    with pytest.raises(
        CommandError,
        match=r"conditions.yaml: entry .*'it-band-syndrome'.*'signs.0'.*'answer' to 'where'",
    ):
        load_from(data_copy)
    assert Condition.objects.count() == 0


@pytest.mark.django_db
def test_a_sign_citing_an_unknown_source_is_named(data_copy: DataDirs) -> None:
    break_a_sign(data_copy[0], source="a-blog-nobody-cited")
    with pytest.raises(CommandError, match=r"'it-band-syndrome': field 'signs.source'"):
        load_from(data_copy)
    assert Condition.objects.count() == 0


@pytest.mark.django_db
def test_the_signs_reach_the_condition_with_their_sources(catalog: object) -> None:
    band = Condition.objects.get(slug="it-band-syndrome")
    assert {
        "question": "noticed",
        "answer": "clicking",
        "source": "ease-the-stride-hip-pain",
        "note": "some people feel a clicking or rubbing sensation",
    } in band.signs
