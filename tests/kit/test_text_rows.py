"""A list of texts edited as rows: empty rows are no change and no item, and each box is read
aloud by what it holds."""

from __future__ import annotations

from django.utils.datastructures import MultiValueDict

from kit.text_rows import TextRows, TextRowsField


def test_empty_rows_are_no_change_so_an_empty_extra_inline_stays_unsaved() -> None:
    field = TextRowsField(required=False)

    assert field.has_changed([], ["", "  "]) is False
    assert field.has_changed(["band"], ["band", ""]) is False
    assert field.has_changed(["band"], ["band", "weight"]) is True
    assert field.has_changed(["band"], [""]) is True


def test_rows_are_read_from_every_box_and_blanks_dropped() -> None:
    sent = MultiValueDict({"equipment": ["band", "", " chair "]})

    value = TextRows().value_from_datadict(sent, MultiValueDict(), "equipment")

    assert TextRowsField(required=False).clean(value) == ["band", "chair"]


def test_each_box_is_named_by_its_field_and_row_not_by_its_html_id() -> None:
    html = TextRows().render("variations-0-equipment", ["band"], {"id": "id_variations-0-eq"})

    assert 'aria-label="Equipment row 1"' in html
    assert 'aria-label="Equipment row 3"' in html  # the two empty rows to add more
    assert "id_variations-0-eq row" not in html
