"""A list of short texts edited as rows (one box per item, with empty rows to add more),
not as raw JSON: for the admin's equipment and cautions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.datastructures import MultiValueDict
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

EMPTY_ROWS = 2


class TextRows(forms.Widget):
    def rows_of(self, value: Any) -> list[str]:
        if isinstance(value, str):  # a value sent back after a refused save
            return [value] if value else []
        return [str(item) for item in value or []]

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        rows = self.rows_of(value) + [""] * EMPTY_ROWS
        label = (attrs or {}).get("id", name)
        # "variations-0-equipment" is read aloud as "Equipment row 1".
        spoken = name.rsplit("-", 1)[-1].replace("_", " ").capitalize()
        inputs = format_html_join(
            "",
            '<li><input type="text" name="{}" value="{}" class="vTextField" aria-label="{}"></li>',
            ((name, row, f"{spoken} row {number}") for number, row in enumerate(rows, 1)),
        )
        return format_html(
            '<div class="text-rows-field"><ol class="text-rows" id="{}">{}</ol>'
            '<p class="help">One per row; empty rows are dropped. Save to get more empty rows.'
            "</p></div>",
            label,
            inputs,
        )

    def value_from_datadict(
        self, data: Mapping[str, Any], files: MultiValueDict[str, Any], name: str
    ) -> list[str]:
        if isinstance(data, MultiValueDict):
            return list(data.getlist(name))
        value = data.get(name, [])
        return list(value) if isinstance(value, list | tuple) else [value]

    def value_omitted_from_data(
        self, data: Mapping[str, Any], files: MultiValueDict[str, Any], name: str
    ) -> bool:
        return False


class TextRowsField(forms.Field):
    widget = TextRows

    def to_python(self, value: Any) -> list[str]:
        if isinstance(value, str):
            value = [value]
        return [text.strip() for text in value or [] if text and text.strip()]

    def has_changed(self, initial: Any, data: Any) -> bool:
        """Changed only when the texts differ: empty rows added are no change (an empty extra
        inline stays unsaved instead of asking for its required fields)."""
        before = self.to_python(initial if isinstance(initial, list | tuple) else [])
        return before != self.to_python(data)

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
