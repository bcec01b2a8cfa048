"""Spanish beside English in the catalog: the data files' `es:` blocks and the rows' columns.

Each translatable entry of a data file carries its Spanish in an `es:` mapping next to the
English, with the same keys (and the same number of items in each list) for the fields that
are translated. The mapping's shape is a `Spanish` schema; its fields are the translated ones.
English is the source of truth: Spanish translates its words and keeps every number as it is,
which the load checks (a number changed or dropped in translation is a load error).

The rows keep each translated field in a column per language (django-modeltranslation: the
field `name` reads the active language's `name_en` or `name_es`, falling back to English).
The loader writes both columns explicitly, so what it writes does not depend on the language
active while it runs.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterable
from typing import Any

from django.db.models import F, Model, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, NullIf
from django.utils import translation
from pydantic import BaseModel

from kit.datafiles import Snapshot, StrictEntry

# Every entry of every data file has its Spanish, so an entry without `es:` is a load error
# too. (False would let such an entry load, its English shown in Spanish by modeltranslation's
# fallback; tests/kit/test_catalog_spanish.py would still list it as missing.)
SPANISH_REQUIRED = True

SOURCE_LANGUAGE = "en"
TRANSLATION = "es"

_NUMBER = re.compile(r"\d+")


class Spanish(StrictEntry):
    """The Spanish of an entry: one field per translated field of the English, same names."""


def _nested_shape(annotation: Any) -> type[Spanish] | None:
    """The Spanish schema inside an annotation such as `list[StepEs]` or `RecoveryEs | None`."""
    if isinstance(annotation, type) and issubclass(annotation, Spanish):
        return annotation
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is not None:
        for argument in typing.get_args(annotation):
            found = _nested_shape(argument)
            if found is not None:
                return found
    return None


def _numbers(text: str) -> list[str]:
    return sorted(_NUMBER.findall(text))


def _text_problem(english: str, spanish: str | None) -> str | None:
    if english and not spanish:
        return "missing or empty"
    if spanish and _numbers(english) != _numbers(spanish):
        return f"its numbers {_numbers(spanish)} are not the English's {_numbers(english)}"
    return None


def spanish_problems(
    english: BaseModel, spanish: BaseModel | None, shape: type[Spanish], prefix: str = "es"
) -> list[str]:
    """What is wrong with an entry's Spanish, one line per field ("es.steps.3: missing or
    empty"): a field with English and no Spanish, a list of another length, a number changed."""
    problems: list[str] = []
    for name, info in shape.model_fields.items():
        path = f"{prefix}.{name}"
        en = getattr(english, name)
        es = getattr(spanish, name, None) if spanish is not None else None
        nested = _nested_shape(info.annotation)
        if isinstance(en, str):
            problem = _text_problem(en, es)
            if problem:
                problems.append(f"{path}: {problem}")
        elif isinstance(en, BaseModel) and nested is not None:
            problems += spanish_problems(en, es, nested, path)
        elif isinstance(en, list) and en:
            if not isinstance(es, list) or len(es) != len(en):
                count = len(es) if isinstance(es, list) else 0
                problems.append(f"{path}: {count} items for the English's {len(en)}")
                continue
            for index, (en_item, es_item) in enumerate(zip(en, es, strict=True), start=1):
                if nested is not None:
                    problems += spanish_problems(en_item, es_item, nested, f"{path}.{index}")
                else:
                    problem = _text_problem(en_item, es_item)
                    if problem:
                        problems.append(f"{path}.{index}: {problem}")
    return problems


def check_spanish(english: BaseModel, spanish: Spanish | None, shape: type[Spanish]) -> None:
    """Refuse an entry whose Spanish is incomplete or changes a number (a pydantic validator
    raises this as the entry's error, which the load reports with its file and slug)."""
    if spanish is None and not SPANISH_REQUIRED:
        return
    problems = spanish_problems(english, spanish, shape)
    if problems:
        raise ValueError("its Spanish: " + "; ".join(problems))


def spanish_of(spanish: BaseModel | None, name: str) -> Any:
    """A field of an entry's Spanish; None (the English shown) where the entry has none."""
    return getattr(spanish, name) if spanish is not None else None


def both(english: Any, spanish: Any, name: str) -> Snapshot:
    """`{name: English, name_es: Spanish}` for a loader's desired values."""
    return {name: english, f"{name}_{TRANSLATION}": spanish}


def read_both(row: Model, fields: Iterable[str]) -> Snapshot:
    """A row's translated fields as the loader compares them: English under the field's name,
    Spanish under `<name>_es`, read from their columns whatever the active language."""
    values: Snapshot = {}
    for name in fields:
        values[name] = getattr(row, f"{name}_{SOURCE_LANGUAGE}")
        values[f"{name}_{TRANSLATION}"] = getattr(row, f"{name}_{TRANSLATION}")
    return values


def write_both(row: Model, values: Snapshot, fields: Iterable[str]) -> None:
    """Set a row's translated fields from `read_both`'s shape. The field itself is set with
    English active, so its own column, which hand-written reads may name, stays English."""
    with translation.override(SOURCE_LANGUAGE):
        for name in fields:
            setattr(row, name, values[name])
            setattr(row, f"{name}_{SOURCE_LANGUAGE}", values[name])
            setattr(row, f"{name}_{TRANSLATION}", values[f"{name}_{TRANSLATION}"])


def columns(*names: str) -> tuple[str, ...]:
    """Field names with their per-language columns, for `.only()` and hand-written reads that
    load a translated field: a column left out would be loaded again, row by row, on reading."""
    return tuple(
        column
        for name in names
        for column in (name, f"{name}_{SOURCE_LANGUAGE}", f"{name}_{TRANSLATION}")
    )


def across(path: str) -> Combinable:
    """A translated field read through a relation (`program__name` from a plan) in the active
    language, English where its Spanish is empty. modeltranslation rewrites a translated
    model's own `.values()` and `.only()`, not another model's lookups through it, which read
    the English column whatever the language."""
    if (translation.get_language() or "").split("-")[0] != TRANSLATION:
        return F(path)
    return Coalesce(NullIf(F(f"{path}_{TRANSLATION}"), Value("")), F(path))
