"""`manage.py catalog_docs`: write docs/ pages from the catalog's data files; `--check` only
says which are out of date (exit 1), for the tests and CI."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from planner.programs import docs


class Command(BaseCommand):
    help = "Write docs/sources.md, programs.md and signs.md from the data files; --check: stale?"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--check", action="store_true", help="Change nothing; exit 1 if stale.")
        parser.add_argument("--docs-dir", type=Path, default=docs.DOCS_DIR)

    def handle(self, *args: Any, **options: Any) -> None:
        catalog = docs.read_catalog()
        docs_dir: Path = options["docs_dir"]
        if options["check"]:
            out_of_date = docs.stale(docs_dir, catalog)
            if out_of_date:
                raise CommandError(
                    f"Out of date: {', '.join(out_of_date)}; run `python manage.py catalog_docs`."
                )
            self.stdout.write("The catalog's documents say what the data files say.")
            return
        docs_dir.mkdir(parents=True, exist_ok=True)
        for name, text in docs.documents(catalog).items():
            (docs_dir / name).write_text(text)
            self.stdout.write(f"Wrote {docs_dir / name}")
