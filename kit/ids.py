"""Database ids in addresses: at most 18 digits, so an id past a 64-bit integer (a probe sent
2**63) is a route that does not match, a 404 on every database, and never reaches a query
(SQLite raises OverflowError on it: a 500)."""

from __future__ import annotations

from django.urls import register_converter


class DatabaseId:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


def register() -> None:
    """`<id:name>` in the project's routes (called when the apps are ready)."""
    register_converter(DatabaseId, "id")
