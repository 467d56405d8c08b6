"""Register folder -> typed models, with every problem located and explained.

Layout of a register folder::

    organisation.yaml        the organisation, the record's version, settings
    activities/<name>.yaml   activities that stand on their own (in-house, or with any providers)
    providers/<id>.yaml      one file per provider, with the activities done with it

All files are read, validated and cross-checked before anything is reported, so
a run lists every problem at once. Problems become :class:`~ropa.errors.Diagnostic`
objects raised together in one :class:`~ropa.errors.InputError`.
"""

from __future__ import annotations

import difflib
import os
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ropa.errors import Diagnostic, InputError, KeyPath
from ropa.load import hints
from ropa.read.safefiles import is_inside, real_folder
from ropa.read.source import Document, read_file

if TYPE_CHECKING:  # pydantic and the models are imported when a register is validated, not before:
    from pydantic import BaseModel

    from ropa.model.provider import Provider
    from ropa.model.register import Register

ORGANISATION_FILE = "organisation.yaml"
PROVIDERS_DIR = "providers"
ACTIVITIES_DIR = "activities"
MAX_PROVIDERS = 5_000
"""Most provider files a register may hold."""
MAX_ACTIVITIES = 100_000
"""Most activities a register may hold."""
MAX_FOLDER_ENTRIES = 50_000
"""Most entries (of any kind) the providers folder may hold: listing it stays bounded in time and memory."""

_MESSAGES: dict[str, str] = {
    "missing": "required field {field!r} is missing; add it",
    "extra_forbidden": "unknown key {field!r}{suggestion}",
    "string_type": "expected text, got {got}",
    "int_type": "expected a whole number, got {got}",
    "int_parsing": "expected a whole number, got {got}",
    "int_from_float": "expected a whole number, got {got}",
    "finite_number": "expected a whole number, got {got}",
    "float_type": "expected a number, got {got}",
    "float_parsing": "expected a number, got {got}",
    "bool_type": "expected true or false, got {got}",
    "bool_parsing": "expected true or false, got {got}",
    "model_type": "expected a mapping of keys to values, got {got}",
    "model_attributes_type": "expected a mapping of keys to values, got {got}",
    "dict_type": "expected a mapping of keys to values, got {got}",
    "list_type": "expected a list, got {got}",
    "date_type": "expected a date as YYYY-MM-DD, got {got}",
    "date_from_datetime_parsing": "expected a date as YYYY-MM-DD, got {got}",
    "date_parsing": "expected a date as YYYY-MM-DD, got {got}",
    "string_too_short": "must not be empty",
    "string_too_long": "text is too long ({detail})",
    "string_pattern_mismatch": "{got} is not valid here ({detail})",
    "enum": "{got} is not allowed; use one of {detail}",
    "literal_error": "{got} is not allowed; use one of {detail}",
    "value_error": "{detail}",
    "greater_than_equal": "{got} is too small ({detail})",
}

_PATTERN_HINTS = {
    r"^[a-z0-9][a-z0-9_-]{0,62}$": "ids use lower-case letters, digits, '-' and '_', at most 63 characters",
    r"^[A-Za-z]{2}$": "use a two-letter ISO 3166-1 country code such as DE or US",
    r"^[^@\s]+@[^@\s]+$": "use an e-mail address such as privacy@example.com",
}


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return f"'{str(value).lower()}'"
    text = str(value)
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _unwrap(annotation: Any) -> list[Any]:
    """The concrete types inside Optional/Union/list/dict/Annotated annotations."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(annotation) for t in _unwrap(arg)]
    if origin in (list, tuple, set, frozenset):
        return [t for arg in typing.get_args(annotation) for t in _unwrap(arg)]
    if origin is dict:
        return _unwrap(typing.get_args(annotation)[1])
    return [annotation]


def _model_at(model: type[BaseModel], path: KeyPath) -> type[BaseModel] | None:
    """The model class that holds the mapping at ``path`` (for 'did you mean')."""
    from pydantic import BaseModel

    current: type[BaseModel] | None = model
    for part in path:
        if current is None:
            return None
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part)
        if field is None:
            return None
        candidates = [t for t in _unwrap(field.annotation) if isinstance(t, type) and issubclass(t, BaseModel)]
        current = candidates[0] if candidates else None
    return current


def _clean_loc(data: Any, loc: tuple[Any, ...]) -> KeyPath:
    """Drop pydantic's union/function tags from an error location, keeping real keys."""
    path: list[str | int] = []
    current = data
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        if isinstance(current, dict) and isinstance(part, str) and (part in current or last):
            path.append(part)
            current = current.get(part)
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            path.append(part)
            current = current[part]
    return tuple(path)


def _translate(error: Any, data: Any, model: type[BaseModel], doc: Document) -> Diagnostic:
    path = _clean_loc(data, error["loc"])
    kind = error["type"]
    got = _describe(error.get("input"))
    field = str(path[-1]) if path else ""
    ctx = error.get("ctx") or {}
    detail = ""
    suggestion = ""
    if kind == "extra_forbidden":
        holder = _model_at(model, path[:-1])
        if holder is not None:
            close = difflib.get_close_matches(field, list(holder.model_fields), n=1, cutoff=0.6)
            if close:
                suggestion = f"; did you mean {close[0]!r}?"
            else:
                suggestion = "; remove it (allowed keys: " + ", ".join(sorted(holder.model_fields)) + ")"
        suggestion = hints.misplaced_key(field, path, model, data, doc) or suggestion
    elif kind == "value_error":
        detail = str(ctx.get("error", error["msg"]))
    elif kind in ("enum", "literal_error"):
        detail = str(ctx.get("expected", ""))
    elif kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        detail = _PATTERN_HINTS.get(pattern, f"must match {pattern}")
    elif kind == "string_too_long":
        detail = f"at most {ctx.get('max_length')} characters"
    elif kind == "greater_than_equal":
        detail = f"at least {ctx.get('ge')}"
    template = _MESSAGES.get(kind)
    message = (
        template.format(field=field, got=got, detail=detail, suggestion=suggestion)
        if template
        else f"{error['msg']} (got {got})"
    )
    if kind == "string_type" and isinstance(error.get("input"), bool):
        message += (
            "; YAML reads unquoted yes/no/on/off/true/false as a boolean (Norway's code NO too): "
            'put the value in quotes, e.g. "NO"'
        )
    if kind == "missing":
        line, column = doc.locate(path[:-1])
    else:
        line, column = doc.locate(path)
    return Diagnostic(doc.file, line, column, message, path, "INPUT-schema")


def _validate(model: type[BaseModel], doc: Document, errors: list[Diagnostic]) -> Any:
    from pydantic import ValidationError

    if not isinstance(doc.data, dict):
        errors.append(
            Diagnostic(
                doc.file,
                *doc.locate(()),
                f"the file must hold a mapping of keys to values, got {_describe(doc.data)}",
                (),
                "INPUT-schema",
            )
        )
        return None
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        errors.extend(_translate(e, doc.data, model, doc) for e in exc.errors(include_url=False))
        return None


def _display(root: Path, display_root: str | None) -> Callable[[str], str]:
    """How files of the register are named in messages: ``display_root`` (default: ``root``) joined to the name."""
    prefix = str(root) if display_root is None else display_root

    def shown(rel: str) -> str:
        return f"{prefix.rstrip('/')}/{rel}" if prefix not in ("", ".") else rel

    return shown


def _register_files(root: Path, shown: Callable[[str], str]) -> tuple[list[Path], list[str]]:
    """The provider files of the register at ``root`` and the names relative to it of every file to read
    (organisation.yaml, then activities/, then providers/).

    Raises:
        InputError: when the folder or organisation.yaml is missing, the providers folder leaves the
            register, or there are too many provider files.
    """
    if not root.is_dir():
        raise InputError([Diagnostic(str(root), 0, 0, "register folder not found", (), "INPUT-file")])
    if not os.path.lexists(root / ORGANISATION_FILE):  # a FIFO or a link is read (and refused) like any file
        raise InputError(
            [
                Diagnostic(
                    shown(ORGANISATION_FILE),
                    0,
                    0,
                    "organisation.yaml is missing; every register starts with it (see 'ropa init')",
                    (),
                    "INPUT-file",
                )
            ]
        )
    files = _provider_files(root, shown)
    if len(files) > MAX_PROVIDERS:
        raise InputError(
            [
                Diagnostic(
                    shown(PROVIDERS_DIR),
                    0,
                    0,
                    f"{len(files):,} provider files, over the limit of {MAX_PROVIDERS:,}",
                    (),
                    "INPUT-limit",
                )
            ]
        )
    activity_files = _yaml_files(root, ACTIVITIES_DIR, shown)
    return files, (
        [ORGANISATION_FILE]
        + [f"{ACTIVITIES_DIR}/{p.name}" for p in activity_files]
        + [f"{PROVIDERS_DIR}/{p.name}" for p in files]
    )


def _activity_count(doc: Document) -> int:
    """Activities a document lists, before validation (for :data:`MAX_ACTIVITIES`)."""
    total = 0
    if isinstance(doc.data, dict):
        for key in ("activities", "processor_activities"):
            items = doc.data.get(key)
            total += len(items) if isinstance(items, list) else 0
    return total


def _too_many_activities(total: int, where: str) -> InputError:
    """Refusal of registers with more than :data:`MAX_ACTIVITIES` activities."""
    return InputError(
        [
            Diagnostic(
                where,
                0,
                0,
                f"{total:,} activities, over the limit of {MAX_ACTIVITIES:,}; split the register",
                (),
                "INPUT-limit",
            )
        ]
    )


def register_file_names(root: Path) -> list[str]:
    """The names, relative to ``root``, of every file a load of the register reads.

    Raises:
        InputError: a folder leaves the register or holds too many entries.
    """
    return _register_files(root, _display(root, None))[1]


def provider_files(root: Path) -> list[Path]:
    """The provider files of a register, sorted by name.

    Raises:
        InputError: the providers folder leaves the register or holds too many entries.
    """
    return _provider_files(root, _display(root, None))


def _provider_files(root: Path, shown: Callable[[str], str]) -> list[Path]:
    """The provider files (see :func:`_yaml_files`)."""
    return _yaml_files(root, PROVIDERS_DIR, shown)


def _yaml_files(root: Path, folder_name: str, shown: Callable[[str], str]) -> list[Path]:
    """The YAML files of one folder of the register, listed in bounded time: the folder must lie in the
    register, its entries counted.

    Only the names are looked at: what each file is (a FIFO, a link leaving the register) is checked
    when it is read (:func:`ropa.read.safefiles.read_regular`), so that every such file is named.
    """
    folder = root / folder_name
    if not folder.is_dir():
        return []
    if folder.is_symlink() and not is_inside(real_folder(folder), real_folder(root)):
        raise InputError(
            [
                Diagnostic(
                    shown(folder_name),
                    0,
                    0,
                    "not a folder of the register (a symbolic link leading outside it); put the files "
                    "themselves in the register",
                    (),
                    "INPUT-file",
                )
            ]
        )
    found: list[Path] = []
    with os.scandir(folder) as entries:
        for count, entry in enumerate(entries, 1):
            if count > MAX_FOLDER_ENTRIES:
                raise InputError(
                    [
                        Diagnostic(
                            shown(folder_name),
                            0,
                            0,
                            f"the folder holds more than {MAX_FOLDER_ENTRIES:,} entries; keep only register files",
                            (),
                            "INPUT-limit",
                        )
                    ]
                )
            name = entry.name
            if name.endswith((".yaml", ".yml")) and not name.startswith("."):
                found.append(folder / name)
    return sorted(found)


def load_register(root: Path, display_root: str | None = None) -> Register:
    """Read, validate and cross-check a register folder.

    Args:
        root: The register folder.
        display_root: Prefix for file names in messages (defaults to ``root`` as given).

    Raises:
        InputError: with every problem found in every file.
    """
    return _load_register(root, _display(root, display_root))


def _load_register(root: Path, shown: Callable[[str], str]) -> Register:
    from ropa.model.activity import ActivitiesFile, Activity
    from ropa.model.organisation import Organisation
    from ropa.model.provider import Provider
    from ropa.model.register import Register

    files, rels = _register_files(root, shown)
    activity_rels = [rel for rel in rels if rel.startswith(f"{ACTIVITIES_DIR}/")]
    activity_shown = {shown(rel) for rel in activity_rels}
    items = [(root / rel, shown(rel)) for rel in rels]
    folder = real_folder(root)  # every file read must lie in it (ropa.read.safefiles)
    errors: list[Diagnostic] = []
    # Each file is validated as soon as it is read, then its data is dropped: only its positions are
    # needed from there on.
    by_file: dict[str, Document] = {}
    models: dict[str, Any] = {}
    total = 0
    for path, name in items:
        try:
            read = read_file(path, name, folder=folder)
        except InputError as exc:
            errors.extend(exc.diagnostics)
            continue
        by_file[read.file] = read
        total += _activity_count(read)
        if total <= MAX_ACTIVITIES:  # past the limit, only count: the register is refused unvalidated
            model: type[BaseModel] = Provider
            if read.file == shown(ORGANISATION_FILE):
                model = Organisation
            elif read.file in activity_shown:
                model = ActivitiesFile
            models[read.file] = _validate(model, read, errors)
        read.data = None
    if total > MAX_ACTIVITIES:
        raise _too_many_activities(total, shown(PROVIDERS_DIR))
    organisation = models.get(shown(ORGANISATION_FILE))
    providers: list[Provider] = []
    provider_rel: dict[str, str] = {}
    for path in files:
        rel = f"{PROVIDERS_DIR}/{path.name}"
        doc = by_file.get(shown(rel))
        if doc is None:
            continue
        provider = models.get(doc.file)
        if provider is None:
            continue
        if provider.id != path.stem:
            errors.append(
                Diagnostic(
                    doc.file,
                    *doc.locate(("id",)),
                    f"provider id {provider.id!r} does not match the file name {path.name!r}; "
                    f"rename the file to {provider.id}.yaml or change the id",
                    ("id",),
                    "INPUT-reference",
                )
            )
            continue
        if provider.id in provider_rel:  # acme.yaml and acme.yml
            errors.append(
                Diagnostic(
                    doc.file,
                    *doc.locate(("id",)),
                    f"provider {provider.id!r} is already defined in {provider_rel[provider.id]}; keep one file",
                    ("id",),
                    "INPUT-reference",
                )
            )
            continue
        providers.append(provider)
        provider_rel[provider.id] = rel
    activity_sets: list[tuple[str, list[Activity]]] = []
    for rel in activity_rels:
        held = models.get(shown(rel))
        if held is not None:
            activity_sets.append((rel, held.activities))
    if organisation is None:  # refused: the references are still checked, against an empty organisation
        unchecked: Any = Organisation  # built without validation: only its (empty) processor records are read
        organisation = unchecked.model_construct(processor_activities=[])
    register = Register(
        organisation=organisation,
        providers=sorted(providers, key=lambda p: p.id),
        provider_files=provider_rel,
        activity_sets=activity_sets,
        positions={rel: by_file[shown(rel)].positions for rel in rels if shown(rel) in by_file},
    )
    from ropa.load.references import check_references

    # Reference problems come in the same run as the schema errors; references to a provider whose file
    # did not load are not judged (its own problems are reported).
    unloaded = frozenset(path.stem for path in files if path.stem not in provider_rel)
    problems = check_references(register, unloaded)
    errors += [
        Diagnostic(shown(p.file), *register.locate(p.file, p.path), p.message, p.path, "INPUT-reference")
        for p in problems
    ]
    if errors:
        raise InputError(errors)
    return register
