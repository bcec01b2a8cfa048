"""Loading the whole catalog in one transaction: all of it, or none of it."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction
from django.utils import translation

from conditions import loader as conditions_loader
from exercises import loader as exercises_loader
from kit.datafiles import LoadReport
from planner.programs import loader


class DryRunRollback(Exception):
    """Raised inside the transaction to undo a dry run after it has been counted."""


def load_catalog(
    *,
    overwrite: bool = False,
    dry_run: bool = False,
    conditions_dir: Path = conditions_loader.DATA_DIR,
    exercises_dir: Path = exercises_loader.DATA_DIR,
    programs_dir: Path = loader.DATA_DIR,
) -> LoadReport:
    """Make the database say what the data files say; keep admins' edits unless `overwrite`.

    Raises CatalogError, naming the file, entry and field, before anything is committed.
    """
    report = LoadReport()
    try:
        # English active while rows are saved: a translated field's own column is written
        # from the active language, and it stays the English (kit/translated.py).
        with translation.override("en"), transaction.atomic():
            sources = conditions_loader.load_sources(conditions_dir, overwrite, report)
            regions = conditions_loader.load_regions(conditions_dir, overwrite, report)
            conditions = conditions_loader.load_conditions(
                conditions_dir, sources, regions, overwrite, report
            )
            conditions_loader.load_red_flags(
                conditions_dir, sources, regions, conditions, overwrite, report
            )
            exercises = exercises_loader.load_exercises(
                exercises_dir, sources, regions, conditions, overwrite, report
            )
            loader.load_programs(programs_dir, sources, conditions, exercises, overwrite, report)
            if dry_run:
                raise DryRunRollback
    except DryRunRollback:
        pass
    return report
