"""The change log in words: "provider amd-telecom removed (2 activities)", "retention of ... : 30 days -> 90 days".

The text and Markdown change logs are read by privacy officers and auditors; the key paths and raw
values (``activities[0].data_categories[3].retention.duration: P3Y``) stay in the JSON change log,
for machines. Each :class:`~ropa.archive.diff.Change` becomes a subject ("transfer to United States
(US) (acme) in otp") and one sentence per field that differs, with durations, countries, transfer
mechanisms, yes/no and lists written out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ropa.archive.diff import Change, FieldChange

ENTITY_WORDS = {
    "provider": "provider",
    "sub_processor": "sub-processor",
    "activity": "activity",
    "data_category": "data category",
}
"""Entities whose subject starts with their kind; the others' labels already say what they are."""
_DURATION = re.compile(r"^P(?=\d|T\d)[0-9YMWDTHS]+$")
_INDEX = re.compile(r"^(?P<name>[^\[]+)\[(?P<index>\d+)\]$")
_TRANSFER = re.compile(r"^transfer to (?P<destination>.+) \((?P<recipient>[^()]*)\)$")
"""A transfer's label from :func:`ropa.archive.diff.compare`: ``transfer to US (acme)``."""
_COUNTRY_FIELDS = frozenset({"country", "countries", "data_locations", "location", "locations"})
_MAIN_FIELD = {"retention": "duration"}
"""The field an entity is mostly about: its change reads "subject: old -> new"."""


def _singular(name: str) -> str:
    if name.endswith("ies"):
        return name[:-3] + "y"
    if name.endswith("s") and not name.endswith("ss"):
        return name[:-1]
    return name


def field_words(path: str) -> str:
    """``purposes[0].lawful_basis`` -> ``purpose 1, lawful basis``: the path read aloud, indexes from 1."""
    groups: list[list[str]] = [[]]
    for segment in path.split("."):
        match = _INDEX.match(segment)
        if match is not None:
            segment = f"{_singular(match['name'])} {int(match['index']) + 1}"
        groups[-1].append(segment.replace("_", " "))
        if match is not None:  # a list item closes its group: "purpose 1, lawful basis"
            groups.append([])
    return ", ".join(" ".join(group) for group in groups if group)


def _mechanism(value: str) -> str | None:
    from ropa.model.labels import MECHANISM_LABELS

    return next((label for kind, label in MECHANISM_LABELS.items() if kind.value == value), None)


def value_words(value: Any, path: str = "") -> str:
    """A value as a reader writes it: durations and countries in words, yes/no, lists joined, none."""
    from ropa.render.text import country_label, duration_label

    last = path.rsplit(".", 1)[-1].split("[", 1)[0]
    if value is None or value == [] or value == {}:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(value_words(item, path) for item in value)
    if isinstance(value, dict):
        import json

        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = str(value)
    if isinstance(value, str):
        if _DURATION.match(text):
            return duration_label(text)
        if last in _COUNTRY_FIELDS and len(text) == 2:
            return country_label(text) or text
        if last == "type" and "mechanism" in path:
            return _mechanism(text) or text
        if text == "":
            return '""'
    return text


def subject(change: Change) -> str:
    """What the change is about: ``provider acme (Acme Inc.)``, ``retention of Phone number in otp``."""
    if change.entity == "organisation":
        return f"organisation {change.label}"
    if change.entity in ("provider", "activity"):
        return f"{ENTITY_WORDS[change.entity]} {change.label}"
    owner, _, rest = change.label.partition(": ")
    transfer = _TRANSFER.match(rest) if change.entity == "transfer" else None
    if transfer is not None:
        from ropa.render.text import country_label

        destination = transfer["destination"]
        named = (country_label(destination) if len(destination) == 2 else None) or destination
        return f"transfer to {transfer['recipient']} in {named} (activity {owner})"
    if change.entity == "data_category":
        rest = f"data category {rest}"
    if change.entity == "sub_processor":
        return f"{rest} of {owner}"
    return f"{rest} {'in' if change.activity else 'of'} {owner}"


def _count(change: Change, list_name: str, noun: str, plural: str) -> str:
    """'(2 activities)': how many items of ``list_name`` an added or removed entity held."""
    found = {f.field.split("]", 1)[0] for f in change.fields if f.field.startswith(f"{list_name}[")}
    return f" ({len(found)} {noun if len(found) == 1 else plural})"


def whole(change: Change) -> str:
    """The sentence for an added or removed entity."""
    said = f"{subject(change)} {change.op}"
    if change.entity == "provider":
        said += _count(change, "activities", "activity", "activities")
    return said


def field_sentence(change: Change, field: FieldChange) -> str:
    """One changed field in words: ``subject: field: old -> new`` (added / removed when one side is none)."""
    what = field_words(field.field)
    if _MAIN_FIELD.get(change.entity) == field.field and field.old is not None and field.new is not None:
        return f"{subject(change)}: {value_words(field.old, field.field)} -> {value_words(field.new, field.field)}"
    if field.old is None:
        return f"{subject(change)}: {what} added: {value_words(field.new, field.field)}"
    if field.new is None:
        return f"{subject(change)}: {what} removed (was {value_words(field.old, field.field)})"
    return f"{subject(change)}: {what}: {value_words(field.old, field.field)} -> {value_words(field.new, field.field)}"


@dataclass(frozen=True)
class Row:
    """One line of a changed entity: what changed, and the value before and after, in words."""

    what: str
    before: str
    after: str
    sentence: str


def _item(path: str) -> str | None:
    """``purposes[1]`` for ``purposes[1].description``: the list item a field belongs to, if any."""
    head, bracket, _ = path.partition("]")
    return head + bracket if bracket and "." in path[len(head) :] else None


def rows(change: Change) -> list[Row]:
    """The lines of a changed entity: one per field, or one for a list item added or removed whole."""
    out: list[Row] = []
    fields = list(change.fields)
    index = 0
    while index < len(fields):
        item = _item(fields[index].field)
        group = [fields[index]]
        while item is not None and index + len(group) < len(fields) and _item(fields[index + len(group)].field) == item:
            group.append(fields[index + len(group)])
        added = all(f.old is None for f in group)
        if item is not None and (added or all(f.new is None for f in group)):
            values = "; ".join(
                f"{field_words(f.field[len(item) + 1 :])} {value_words(f.new if added else f.old, f.field)}"
                for f in group
            )
            what = f"{subject(change)}: {field_words(item)}"
            op = "added" if added else "removed"
            out.append(Row(what, "none" if added else values, values if added else "none", f"{what} {op}: {values}"))
        else:
            group = group[:1]
            f = group[0]
            what = f"{subject(change)}: {field_words(f.field)}"
            out.append(Row(what, value_words(f.old, f.field), value_words(f.new, f.field), field_sentence(change, f)))
        index += len(group)
    return out


def sentences(change: Change) -> list[str]:
    """Every sentence a change gives: one for an addition or removal, one per field (or list item) for a change."""
    if change.op != "changed":
        return [whole(change)]
    return [row.sentence for row in rows(change)]
