"""The fix for an unknown key that is a known key one level in: indent it, rather than remove it.

A key dedented out of its activity lands among the provider's keys, where it is unknown; "remove
it" would lose the value. When the mapping or list just above the key in the file (or one inside
it) accepts the key, :func:`misplaced_key` says so and where to indent it.
"""

from __future__ import annotations

import re
import types
import typing
from typing import TYPE_CHECKING, Any

from ropa.errors import KeyPath

if TYPE_CHECKING:
    from pydantic import BaseModel

    from ropa.read.source import Document

MAX_LEVELS = 3
"""How many levels in the key may have been dedented out of (an activity's purpose, inside a provider)."""
_NOUNS = {
    "Tom": "technical or organisational measure",
    "RecordInfo": "record",
    "Art28Coverage": "Art. 28(3) coverage",
    "Dpo": "DPO",
    "DpfCertification": "DPF certification",
    "Tia": "transfer impact assessment",
}
"""Model class -> what a reader calls it, where splitting the class name would not do."""


def _noun(model: type[BaseModel]) -> str:
    name = model.__name__
    return _NOUNS.get(name) or " ".join(re.findall(r"[A-Z][a-z0-9]*|[a-z0-9]+", name)).lower()


def _a(noun: str) -> str:
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def _models(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """The model an annotation holds and whether it is a list of them ((None, False) when none)."""
    from pydantic import BaseModel

    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _models(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _models(arg)
            if found[0] is not None:
                return found
        return None, False
    if origin is list:
        inner, _ = _models(typing.get_args(annotation)[0])
        return inner, True
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    return None, False


def _just_above(
    holder: type[BaseModel], value: dict[str, Any], path: KeyPath, doc: Document, line: int
) -> tuple[type[BaseModel], KeyPath, bool] | None:
    """The model-valued key of ``value`` that starts last before ``line``: its model, path, and if a list item.

    For a list, the path is that of its last item (the one a dedented key left).
    """
    before = [(doc.locate((*path, key))[0], key) for key in value]
    before = [(start, key) for start, key in before if start < line]
    if not before:
        return None
    key = max(before)[1]  # the key right above: a dedented key left the value of this one, or none
    info = holder.model_fields.get(key)
    model, many = _models(info.annotation) if info is not None else (None, False)
    item = value[key]
    if model is None:
        return None
    if many:
        if not isinstance(item, list) or not item or not isinstance(item[-1], dict) or not item[-1]:
            return None
        return model, (*path, key, len(item) - 1), True
    if isinstance(item, dict) and item:
        return model, (*path, key), False
    return None


def _model_at(model: type[BaseModel], path: KeyPath) -> type[BaseModel] | None:
    """The model of the mapping at ``path`` in a file of ``model`` (None where the path leaves the models)."""
    current: type[BaseModel] | None = model
    for part in path:
        if current is None:
            return None
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part)
        current = _models(info.annotation)[0] if info is not None else None
    return current


def _value_at(data: Any, path: KeyPath) -> Any:
    for part in path:
        data = data[part]
    return data


def misplaced_key(field: str, path: KeyPath, model: type[BaseModel], data: Any, doc: Document) -> str | None:
    """'; it is a key of an activity, indented as a key of the provider: indent it under the activity (...)'.

    None unless ``field`` (unknown at ``path``) is a key of the structure just above it in the file, or
    of one inside that, up to :data:`MAX_LEVELS` levels in.

    Args:
        field: The unknown key.
        path: Its key path (the key last).
        model: The model of the whole file.
        data: The file's data.
        doc: The file, for positions.
    """
    holder_path = path[:-1]
    holder = _model_at(model, holder_path)
    if holder is None:
        return None
    holder_noun = (_a if holder_path and isinstance(holder_path[-1], int) else "the {}".format)(_noun(holder))
    line = doc.locate(path)[0]
    current, where = holder, holder_path
    for _ in range(MAX_LEVELS):
        try:
            value = _value_at(data, where)
        except (KeyError, IndexError, TypeError):
            return None
        if not isinstance(value, dict):
            return None
        above = _just_above(current, value, where, doc, line)
        if above is None:
            return None
        current, where, many = above
        if field in current.model_fields:
            noun = _noun(current)
            siblings = _value_at(data, where)
            first = next(iter(siblings))
            key_line, column = doc.locate((*where, first))
            return (
                f"; it is a key of {_a(noun) if many else 'the ' + noun}, indented as a key of {holder_noun}: "
                f"indent it under the {noun}, to column {column} like {first!r} on line {key_line}"
            )
    return None
