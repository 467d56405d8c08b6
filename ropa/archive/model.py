"""Typed models of what ropa reads back from a package: manifest.json, SHA256SUMS and register.json.

Everything inside a package is untrusted until it has passed through here: a
package comes from someone else, and a crafted member must give exit code 2 and one
located line, never a traceback or an endless run. Each reader parses within
limits (:mod:`ropa.archive.safejson`), then validates against a strict pydantic model
(no coercion: ``"5"`` is not a size, ``true`` is not a count) that types every
field ropa uses and bounds sizes, lengths and counts. Unknown keys are allowed
(a later ropa may add some) but stay within the JSON limits.

The register model checks only the shape that ``ropa diff`` and ``package --since``
rely on, not today's register models, so a package made by an older ropa still
compares. Only ``ropa verify``, ``ropa diff`` and ``ropa package --since`` import this
module; ``ropa validate`` never does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from ropa.archive.safejson import JsonLimits, JsonRefused, json_path, loads
from ropa.errors import RopaError

MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
REGISTER_JSON = "register.json"
MANIFEST_FORMAT = "ropa-package"
FORMAT_VERSION = 1
REGISTER_FORMAT_VERSION = 1

MAX_ENTRIES = 20_000
"""Files one package may list (the archive itself is held to the same count)."""
MAX_MEMBER_BYTES = 512 * 1024 * 1024
MAX_PATH_CHARS = 1_024
MAX_TEXT_CHARS = 100_000
"""One value of register text, as ``MAX_SCALAR_CHARS`` allows in a register file."""
MAX_PROVIDERS = 5_000
MAX_ACTIVITIES = 100_000
"""As in :mod:`ropa.load.loader`: a package holds no more than a register may."""
MAX_FINDINGS = 1_000_000
MAX_VERSIONS = 64


class PackageInvalid(RopaError):
    """A member of the package does not fit its model (exit code 2).

    The message is one line: ``PACKAGE.zip:member: $.json.path: what is wrong``.
    """

    exit_code = 2


# ---------------------------------------------------------------- field types


def path_problem(name: str) -> str | None:
    """Why a path inside a package is unsafe, or None when it is a plain relative path."""
    if not name:
        return "empty name"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        return "control character in the name"
    if "\\" in name:
        return "backslash in the name (a Windows path separator)"
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return "absolute path"
    parts = name.rstrip("/").split("/")
    if ".." in parts:
        return "'..' leads outside the package folder"
    if any(part in ("", ".") for part in parts):
        return "empty or '.' path component"
    return None


def _safe_path(name: str) -> str:
    problem = path_problem(name)
    if problem is not None:
        raise ValueError(f"unsafe path: {problem}")
    return name


SafePath = Annotated[str, StringConstraints(min_length=1, max_length=MAX_PATH_CHARS), AfterValidator(_safe_path)]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-fA-F]{64}$")]
Size = Annotated[int, Field(ge=0, le=MAX_MEMBER_BYTES)]
Count = Annotated[int, Field(ge=0, le=MAX_FINDINGS)]
Short = Annotated[str, StringConstraints(max_length=1_024)]
Text = Annotated[str, StringConstraints(max_length=MAX_TEXT_CHARS)]
VersionName = Annotated[str, StringConstraints(max_length=64)]
Version = Annotated[str, StringConstraints(max_length=128)]
Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")]
"""The register's own id rule: no id can hold '/', '..', capitals or control characters."""


class _Open(BaseModel):
    """Strict types for the fields ropa reads; other keys kept (a later ropa may add some)."""

    model_config = ConfigDict(strict=True, extra="allow", frozen=True)


class _Closed(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


# ---------------------------------------------------------------- manifest.json


class FileEntry(_Closed):
    """One file as the manifest records it."""

    path: SafePath
    sha256: Sha256
    size: Size


class RegisterRef(_Open):
    """Which register version the package holds."""

    organisation: Text = ""
    version: Short = "?"
    date: Short = "?"


class Summary(_Open):
    """Counts of open findings by severity."""

    error: Count = 0
    warning: Count = 0
    info: Count = 0


class Validation(_Open):
    """The validation result the package was made with."""

    as_of: Short | None = None
    summary: Summary = Field(default_factory=Summary)
    waived: Count = 0
    packaged_with_open_findings: bool = False
    open_findings: list[dict[str, Any]] = Field(default_factory=list, max_length=MAX_FINDINGS)


class SinceRef(_Open):
    """The earlier package a change log was written against."""

    package: Text
    sha256: Sha256
    register_version: Short | None = None
    register_date: Short | None = None


class Manifest(_Open):
    """``manifest.json``: versions, dates and the hash and size of every file and input."""

    format: Literal["ropa-package"]
    format_version: Annotated[int, Field(ge=1, le=FORMAT_VERSION)]
    ropa_version: Short | None = None
    rule_catalogue_version: Short | None = None
    versions: dict[VersionName, Version] = Field(default_factory=dict, max_length=MAX_VERSIONS)
    """Versions of ropa, Python and the libraries that made the package (see :mod:`ropa.archive.provenance`)."""
    register_ref: RegisterRef = Field(default_factory=RegisterRef, alias="register")
    """``register`` in the file (the name would shadow ``BaseModel.register``)."""
    date: Short | None = None
    reference_data: dict[str, Any] = Field(default_factory=dict)
    validation: Validation = Field(default_factory=Validation)
    files: list[FileEntry] = Field(max_length=MAX_ENTRIES)
    inputs: list[FileEntry] = Field(default_factory=list, max_length=MAX_ENTRIES)
    not_listed: dict[Short, Text] = Field(default_factory=dict, max_length=16)
    since: SinceRef | None = None

    def recorded_versions(self) -> dict[str, str]:
        """What made the package: the ``versions`` table, or at least ``ropa_version`` in older packages."""
        if self.versions:
            return dict(self.versions)
        return {"ropa": self.ropa_version} if self.ropa_version else {}


# ---------------------------------------------------------------- register.json


class Measure(_Open):
    """A security measure: the keys diff compares it by."""

    kind: Text
    measure: Text


class SubProcessor(_Open):
    """A sub-processor as register.json lists it."""

    id: Id
    name: Text | None = None


class Recipient(_Open):
    """A recipient of an activity: a provider reference or a category."""

    provider: Text | None = None
    category: Text | None = None


class Transfer(_Open):
    """A transfer: its recipient and destination."""

    recipient: Text
    country: Text | None = None
    international_organisation: Text | None = None


class Category(_Open):
    """A data category with its retention."""

    id: Id
    name: Text | None = None
    retention: dict[str, Any] | None = None


class Activity(_Open):
    """An activity: the parts diff lists changes of."""

    id: Id
    name: Text | None = None
    recipients: list[Recipient] | None = None
    transfers: list[Transfer] = Field(default_factory=list)
    data_categories: list[Category] = Field(default_factory=list)
    security_measures: list[Measure] = Field(default_factory=list)
    retention: dict[str, Any] | None = None


class Provider(_Open):
    """A provider with its activities, measures and sub-processors."""

    id: Id
    legal_name: Text | None = None
    activities: list[Activity] = Field(default_factory=list, max_length=MAX_ACTIVITIES)
    toms: list[Measure] = Field(default_factory=list)
    sub_processors: list[SubProcessor] = Field(default_factory=list)


class ActivityFile(_Open):
    """An ``activities/`` file: activities that stand on their own."""

    file: Text
    activities: list[Activity] = Field(default_factory=list, max_length=MAX_ACTIVITIES)


class Record(_Open):
    """The record's version and date."""

    version: Short | None = None
    date: Short | None = None


class Organisation(_Open):
    """The organisation keeping the record."""

    legal_name: Text | None = None
    record: Record = Field(default_factory=Record)


class RegisterData(_Open):
    """``register.json``: the normalised register (:func:`ropa.archive.normalise.register_data`)."""

    format: Literal["ropa-register"]
    format_version: Annotated[int, Field(ge=1, le=REGISTER_FORMAT_VERSION)] = REGISTER_FORMAT_VERSION
    organisation: Organisation = Field(default_factory=Organisation)
    providers: list[Provider] = Field(default_factory=list, max_length=MAX_PROVIDERS)
    activity_files: list[ActivityFile] = Field(default_factory=list, max_length=MAX_PROVIDERS)

    @model_validator(mode="after")
    def _activities_bounded(self) -> RegisterData:
        total = sum(len(p.activities) for p in self.providers) + sum(len(f.activities) for f in self.activity_files)
        if total > MAX_ACTIVITIES:
            raise ValueError(f"{total:,} activities in all, over the limit of {MAX_ACTIVITIES:,}")
        return self


# ---------------------------------------------------------------- readers

M = TypeVar("M", bound=BaseModel)
_JSON_TYPES = {list: "an array", str: "a string", int: "a number", float: "a number", bool: "true or false"}
_JSON_TYPES[type(None)] = "null"


def _located(where: str, path: str, reason: str) -> PackageInvalid:
    return PackageInvalid(f"{where}: {path}: {reason}")


def _first_error(exc: ValidationError) -> tuple[str, str]:
    """The first problem of a validation error as (JSON path, message), and how many more there are."""
    errors = exc.errors(include_url=False, include_input=False)
    first = errors[0]
    loc = tuple(part for part in first["loc"] if isinstance(part, str | int))
    message = str(first["msg"]).replace("Value error, ", "")
    if len(errors) > 1:
        message += f" (and {len(errors) - 1:,} more problem(s))"
    return json_path(loc), message


def _is_manifest(raw: dict[str, Any], where: str) -> None:
    if raw.get("format") != MANIFEST_FORMAT:
        raise PackageInvalid(f"{where}: not a ropa package ({MANIFEST} is not a {MANIFEST_FORMAT} manifest)")


def _validated(
    model: type[M],
    data: bytes,
    where: str,
    limits: JsonLimits,
    precheck: Callable[[dict[str, Any], str], None] | None = None,
) -> tuple[Any, M]:
    try:
        raw = loads(data, limits)
    except JsonRefused as exc:
        if exc.where[:1].isdigit():  # line:column of a syntax error
            raise PackageInvalid(f"{where}:{exc.where}: {exc.reason}") from None
        raise _located(where, exc.where, exc.reason) from None
    if not isinstance(raw, dict):
        kind = _JSON_TYPES.get(type(raw), "another value")
        raise _located(where, "$", f"must be a JSON object, not {kind}")
    if precheck is not None:
        precheck(raw, where)
    try:
        return raw, model.model_validate(raw)
    except ValidationError as exc:
        raise _located(where, *_first_error(exc)) from None


def read_manifest(data: bytes, where: str, limits: JsonLimits | None = None) -> tuple[dict[str, Any], Manifest]:
    """Parse and validate ``manifest.json``; ``where`` is ``PACKAGE.zip:manifest.json``.

    Returns:
        The manifest as parsed (for callers that read it by key) and its model.

    Raises:
        PackageInvalid: one located line when it does not fit the model.
    """
    raw, manifest = _validated(Manifest, data, where, limits or JsonLimits(), _is_manifest)
    for field, entries in (("files", manifest.files), ("inputs", manifest.inputs)):
        seen: set[str] = set()
        for index, entry in enumerate(entries):
            if entry.path in seen or (field == "files" and entry.path in (MANIFEST, SUMS)):
                why = "listed twice" if entry.path in seen else "cannot be listed (it is not hashed in the manifest)"
                raise _located(where, f"$.{field}[{index}].path", why)
            seen.add(entry.path)
    return raw, manifest


def read_register(data: bytes, where: str, limits: JsonLimits | None = None) -> dict[str, Any]:
    """Parse and validate ``register.json``; return the data as parsed (every field diff reads is typed).

    Raises:
        PackageInvalid: one located line when it does not fit the model.
    """
    raw, _ = _validated(RegisterData, data, where, limits or JsonLimits(max_bytes=256 * 1024 * 1024))
    result: dict[str, Any] = raw
    return result


_SUMS_LINE = re.compile(r"([0-9a-fA-F]{64}) [ *](.+)")


def read_sums(data: bytes, where: str, max_entries: int = MAX_ENTRIES + 1) -> dict[str, str]:
    """Parse ``SHA256SUMS`` (``sha256sum`` format) into path -> lower-case hex digest.

    Raises:
        PackageInvalid: ``PACKAGE.zip:SHA256SUMS:LINE: ...`` for the first line that does not fit.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PackageInvalid(f"{where}: not UTF-8 text (byte {exc.start})") from None
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if len(lines) > max_entries:
        raise PackageInvalid(f"{where}: {len(lines):,} lines, over the limit of {max_entries:,}")
    out: dict[str, str] = {}
    for number, line in enumerate(lines, 1):
        match = _SUMS_LINE.fullmatch(line)
        if match is None:
            raise PackageInvalid(f"{where}:{number}: not a checksum line ('<64 hex digits>  <path>')")
        name = match.group(2)
        problem = path_problem(name) if len(name) <= MAX_PATH_CHARS else "path too long"
        if problem is not None:
            raise PackageInvalid(f"{where}:{number}: unsafe path ({problem})")
        if name in out:
            raise PackageInvalid(f"{where}:{number}: lists a path a second time")
        out[name] = match.group(1).lower()
    return out
