"""Pieces for the few statements written by hand: names and value conversions taken from the
models' own metadata, so a renamed table or column, or another database, needs no edit here.

Hand-written SQL is kept only where a benchmark in bench/ showed a target needs it, each
statement beside an ORM-equivalence test.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Field, Model
from django.db.models.base import ModelState

Converter = Callable[[Any], Any]
M = TypeVar("M", bound=Model)


def field_of(model: type[Model], name: str) -> Field[Any, Any]:
    field = model._meta.get_field(name)
    assert isinstance(field, Field)
    return field


def table(model: type[Model]) -> str:
    """The model's table name, quoted for the database in use."""
    return connection.ops.quote_name(model._meta.db_table)


def column(model: type[Model], name: str) -> str:
    """A field's column name, quoted for the database in use."""
    return connection.ops.quote_name(field_of(model, name).column)


def among(ids: Sequence[int]) -> tuple[str, list[Any]]:
    """`column <which>` for "is one of `ids`", and its parameters: one array on PostgreSQL (the
    statement's text stays the same however many ids, so its cached plan is reused), a list of
    placeholders elsewhere."""
    if connection.vendor == "postgresql":
        return "= ANY(%s)", [list(ids)]
    return f"IN ({', '.join(['%s'] * len(ids))})", list(ids)


def columns(fields: Sequence[Field[Any, Any]], alias: str = "") -> str:
    prefix = f"{alias}." if alias else ""
    return ", ".join(f"{prefix}{connection.ops.quote_name(f.column)}" for f in fields)


def converters_of(field: Field[Any, Any]) -> list[Converter]:
    """What the ORM's compiler runs on a raw value of `field` (SQLite's dates and booleans)."""
    expression = field.get_col(field.model._meta.db_table)
    found = [
        *connection.ops.get_db_converters(expression),
        *field.get_db_converters(connection),  # type: ignore[attr-defined]
    ]
    return [
        functools.partial(convert, expression=expression, connection=connection)
        for convert in found
    ]


def converted(values: Sequence[Any], converters: Sequence[Sequence[Converter]]) -> list[Any]:
    """A raw row with each value converted as the ORM would convert it."""
    out = list(values)
    for i, column_converters in enumerate(converters):
        for convert in column_converters:
            out[i] = convert(out[i])
    return out


def built(model: type[M], attnames: Sequence[str], values: Sequence[Any], alias: str) -> M:
    """model.from_db(alias, attnames, values) for a read of thousands of rows, without running
    Model.__init__ (a third of the cost of reading a send chunk's plan exercises,
    bench/delivery_bench.py): the same attributes and state, and no pre_init or post_init
    signal, so only for models none listens to (tests/planner/plans/test_statements.py checks
    both for the plan exercises)."""
    instance = model.__new__(model)
    instance.__dict__.update(zip(attnames, values, strict=True))
    state = ModelState()
    state.adding = False
    state.db = alias
    instance._state = state
    return instance


def shared_values(converters: Sequence[Converter]) -> list[Converter]:
    """`converters` for a column whose raw values repeat from row to row (a JSON list of a
    handful of variation names), each distinct value converted once: the rows then share one
    object, so only for rows read, never changed."""
    if not converters:
        return []
    seen: dict[Any, Any] = {}

    def convert_once(value: Any) -> Any:
        if value is None:
            return None
        try:
            return seen[value]
        except KeyError:
            out = value
            for convert in converters:
                out = convert(out)
            seen[value] = out
            return out

    return [convert_once]
