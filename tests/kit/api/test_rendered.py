"""A page of rows kept rendered is sent byte for byte as the plain JSON renderer sends it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from rest_framework.renderers import JSONRenderer

from kit.api.rendered import Rendered, SplicingJSONRenderer, rendered

# Rows with what JSON escapes or keeps as it is: a name outside ASCII, the line separators
# that JavaScript refuses raw, a quote, nested objects and lists, null and a float.
ROWS: list[dict[str, Any]] = [
    {"id": 7, "name": 'Zoë \u2028 “quoted” "x"', "plans": [{"id": 1, "pain": 2.5}], "a": None},
    {"id": 9, "name": "Ana", "plans": [], "a": {"done": 3, "due": 4}},
]


def page(results: list[Any]) -> dict[str, Any]:
    return {
        "count": 2,
        "next": None,
        "previous": "http://testserver/api/v1/patients?limit=2",
        "results": results,
    }


def test_a_spliced_page_is_the_plain_renderers_bytes() -> None:
    spliced = SplicingJSONRenderer().render(page([Rendered(rendered(row)) for row in ROWS]))
    assert spliced == JSONRenderer().render(page(ROWS))
    assert json.loads(spliced)["results"] == ROWS


def test_an_indented_page_decodes_the_rows_and_indents_them_all() -> None:
    media = "application/json; indent=4"
    spliced = SplicingJSONRenderer().render(page([Rendered(rendered(r)) for r in ROWS]), media)
    assert spliced == JSONRenderer().render(page(ROWS), media)
    assert b'\n        {\n            "id": 7' in spliced


@pytest.mark.parametrize("data", [page([]), page(ROWS), {"detail": "Not found."}, [1, 2]])
def test_anything_else_renders_as_the_plain_renderer_does(data: Any) -> None:
    assert SplicingJSONRenderer().render(data) == JSONRenderer().render(data)


def test_a_page_whose_results_are_not_last_is_refused() -> None:
    shuffled = {"results": [Rendered(rendered(ROWS[0]))], "count": 1}
    with pytest.raises(ValueError, match="last key"):
        SplicingJSONRenderer().render(shuffled)
