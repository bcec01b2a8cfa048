"""The OpenAPI schema generates without a warning, and its docs page is served locally."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_schema_generates_and_validates_without_warnings() -> None:
    out = StringIO()

    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)

    schema = out.getvalue()
    assert schema.startswith("openapi: 3")
    for path in ("/api/v1/plans/{plan_id}/day:", "/api/v1/plans/{plan_id}/logs:"):
        assert path in schema


def test_the_docs_page_loads_its_assets_from_the_app_not_a_cdn(client: Client) -> None:
    page = client.get("/api/v1/docs").content.decode()

    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any("drf_spectacular_sidecar" in asset for asset in assets)
    assert not [asset for asset in assets if asset.startswith(("http:", "https:", "//"))]


def test_the_docs_assets_are_served(client: Client) -> None:
    page = client.get("/api/v1/docs").content.decode()
    script = next(a for a in re.findall(r'src="([^"]+)"', page) if a.endswith(".js"))

    assert client.get(script).status_code == 200


def test_the_day_of_a_plan_is_asked_for_as_a_date(client: Client) -> None:
    schema = client.get("/api/v1/schema", {"format": "json"}).json()

    day = schema["paths"]["/api/v1/plans/{plan_id}/day"]["get"]["parameters"]
    date = next(parameter for parameter in day if parameter["name"] == "date")

    assert date["schema"] == {"type": "string", "format": "date"}
