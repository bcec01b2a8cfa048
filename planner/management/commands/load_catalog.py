"""`manage.py load_catalog`: load conditions and exercises from the versioned data files."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from conditions import loader as conditions_loader
from exercises import loader as exercises_loader
from kit.datafiles import CatalogError
from planner.programs import loader
from planner.programs.catalog import load_catalog


class Command(BaseCommand):
    help = (
        "Load the catalog from the data files. Idempotent; keeps entries an admin has edited "
        "unless --overwrite. A malformed file stops the load and changes nothing."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="Replace entries an admin has edited with what the data files say.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and count, then roll back."
        )
        parser.add_argument("--conditions-dir", type=Path, default=conditions_loader.DATA_DIR)
        parser.add_argument("--exercises-dir", type=Path, default=exercises_loader.DATA_DIR)
        parser.add_argument("--programs-dir", type=Path, default=loader.DATA_DIR)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = load_catalog(
                overwrite=options["overwrite"],
                dry_run=options["dry_run"],
                conditions_dir=options["conditions_dir"],
                exercises_dir=options["exercises_dir"],
                programs_dir=options["programs_dir"],
            )
        except CatalogError as exc:
            raise CommandError(f"Catalog not loaded, nothing changed: {exc}") from exc
        for line in report.lines():
            self.stdout.write(line)
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was written.")
