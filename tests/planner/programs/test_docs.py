"""docs/ says what the data files say: the sources page is written from them, and a stale
page is caught."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from planner.programs import docs


def test_the_checked_in_documents_say_what_the_data_files_say() -> None:
    # Fails when a data file changed and `python manage.py catalog_docs` was not run.
    call_command("catalog_docs", "--check")


def test_every_source_is_on_the_sources_page_with_what_cites_it() -> None:
    catalog = docs.read_catalog()
    page = docs.sources_md(catalog)
    for source in catalog.sources:
        assert f"### {source.title}" in page
    hip = next(s for s in catalog.sources if s.slug == "ease-the-stride-hip-pain")
    assert f"{hip.publisher}." in page and "- exercise: Clamshells" in page


def test_a_stale_page_is_refused_by_name(tmp_path: Path) -> None:
    call_command("catalog_docs", "--docs-dir", str(tmp_path))
    (tmp_path / "sources.md").write_text("# Sources\n\nOld.\n")

    with pytest.raises(CommandError, match=r"sources\.md"):
        call_command("catalog_docs", "--check", "--docs-dir", str(tmp_path))
