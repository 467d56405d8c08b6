"""Property-based tests (hypothesis) of the reader, the loader and the models.

- any text, any bytes and any soup of YAML syntax either reads or gives located
  diagnostics (an :class:`~ropa.errors.InputError`), never another exception;
- any document built from YAML's data types (and a few hostile tags) either loads
  as a register or gives located diagnostics;
- a register that loads survives load -> normalised JSON -> load unchanged;
- ``ropa validate`` never raises on a generated register: exit 0, 1 or 2.

Examples are few and deadlines off so the suite stays fast on a loaded machine;
hypothesis keeps the failing examples it finds in its database.
"""

from __future__ import annotations

import datetime as dt
import json
import string
import tempfile
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ropa.archive.normalise import register_from_data, register_json
from ropa.check.engine import check
from ropa.cli import main
from ropa.errors import Diagnostic, InputError
from ropa.load.loader import load_register
from ropa.read.source import read_file, read_text

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FILE = "providers/acme.yaml"


def assert_located(diagnostics: list[Diagnostic], files: set[str]) -> None:
    assert diagnostics, "an InputError must carry at least one diagnostic"
    for d in diagnostics:
        assert d.file in files, d
        assert d.line >= 0 and d.column >= 0 and d.message.strip(), d
        assert "\n" not in d.render(), d


# --- the reader --------------------------------------------------------------------------------

SYNTAX = [
    "- ",
    ": ",
    "? ",
    "&a ",
    "*a",
    "&b ",
    "*b",
    "!!python/object/apply:os.system ",
    "!!str ",
    "!local ",
    "<<: ",
    "{",
    "}",
    "[",
    "]",
    ", ",
    "'",
    '"',
    "#",
    "|",
    ">",
    "---",
    "...",
    "%TAG ! tag:x,2000:",
    "%YAML 1.1",
    "\n",
    "  ",
    "\t",
    "id",
    "acme",
    "1",
    "2026-02-30",
    "~",
    "yes",
    ".nan",
    "0x1F",
    "\\x00",
    "\\u202e",
    "é",
    "深",
    "\ufeff",
]


@FAST
@given(st.text(max_size=300))
def test_any_text_reads_or_fails_cleanly(text: str) -> None:
    try:
        read_text(text, FILE)
    except InputError as exc:
        assert_located(exc.diagnostics, {FILE})


@FAST
@given(st.lists(st.sampled_from(SYNTAX), max_size=60).map("".join))
def test_any_yaml_syntax_soup_reads_or_fails_cleanly(text: str) -> None:
    try:
        read_text(text, FILE)
    except InputError as exc:
        assert_located(exc.diagnostics, {FILE})


@FAST
@given(st.binary(max_size=400))
def test_any_bytes_read_or_fail_cleanly(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "acme.yaml"
        path.write_bytes(raw)
        try:
            read_file(path, FILE)
        except InputError as exc:
            assert_located(exc.diagnostics, {FILE})


# --- documents of any shape through the loader ----------------------------------------------

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.dates()
    | st.sampled_from(["acme", "DE", "US", "processor", "6.1.b", "P30D", "transmission", "2026-11-01", ""])
)
KEYS = st.sampled_from(
    [
        "id",
        "legal_name",
        "country",
        "role",
        "service",
        "activities",
        "name",
        "purposes",
        "description",
        "lawful_basis",
        "data_categories",
        "retention",
        "kind",
        "duration",
        "recipients",
        "provider",
        "toms",
        "measure",
        "sub_processors",
        "record",
        "version",
        "date",
        "settings",
        "waivers",
        "contract",
        "title",
    ]
) | st.text(max_size=12)
VALUES = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=6), max_leaves=40
)


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _write(root: Path, organisation: str, providers: dict[str, str]) -> None:
    (root / "providers").mkdir(parents=True, exist_ok=True)
    (root / "organisation.yaml").write_text(organisation, encoding="utf-8")
    for name, text in providers.items():
        (root / "providers" / name).write_text(text, encoding="utf-8")


ORGANISATION = {
    "legal_name": "Example GmbH",
    "country": "DE",
    "record": {"version": "1", "date": dt.date(2026, 11, 1)},
}


EXTRAS = ["", "x: !!python/object/apply:os.system [x]\n", "x: &a [*a]\n", "<<: {a: 1}\n", "? [a]\n: b\n"]
"""Lines appended to a generated document: a python tag, a self-referencing alias, a merge key, a list key."""


@FAST
@given(st.dictionaries(KEYS, VALUES, max_size=8), st.sampled_from(EXTRAS))
def test_documents_of_any_shape_load_or_fail_cleanly(document: dict[str, Any], extra: str) -> None:
    text = _dump(document) + extra
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        _write(root, _dump(ORGANISATION), {"acme.yaml": text})
        try:
            register = load_register(root, "")
        except InputError as exc:
            assert_located(exc.diagnostics, {"organisation.yaml", FILE, "providers"})
        else:
            check(register, dt.date(2026, 11, 1))


# --- registers that load: round trip and validate -------------------------------------------

TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\u2028\u2029"),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() != "")
IDS = st.text(alphabet=string.ascii_lowercase + string.digits + "-_", min_size=1, max_size=12).filter(
    lambda s: s[0].isalnum()
)
COUNTRIES = st.sampled_from(["DE", "FR", "US", "GB", "LV", "GR", "CN", "SA", "CH", "IN"])


@st.composite
def activities(draw: st.DrawFn, prefix: str) -> dict[str, Any]:
    activity: dict[str, Any] = {"id": f"{prefix}-{draw(IDS)}", "name": draw(TEXT)}
    if draw(st.booleans()):
        activity["purposes"] = [
            {"description": draw(TEXT), "lawful_basis": draw(st.sampled_from(["6.1.a", "6.1.b", "6.1.c", "6.1.f"]))}
            for _ in range(draw(st.integers(0, 2)))
        ]
    if draw(st.booleans()):
        categories = draw(st.lists(IDS, max_size=3, unique=True))
        durations = st.sampled_from(["P30D", "P6M", "P7Y"])
        activity["data_categories"] = [
            {"id": c, "name": draw(TEXT), "retention": {"kind": "duration", "duration": draw(durations)}}
            for c in categories
        ]
    if draw(st.booleans()):
        activity["recipients"] = [{"category": draw(TEXT), "country": draw(COUNTRIES)}]
    if draw(st.booleans()):
        activity["description"] = draw(TEXT)
    return activity


@st.composite
def registers(draw: st.DrawFn) -> dict[str, dict[str, Any]]:
    ids = draw(st.lists(IDS, min_size=1, max_size=3, unique=True))
    files: dict[str, dict[str, Any]] = {}
    for pid in ids:
        provider: dict[str, Any] = {
            "id": pid,
            "legal_name": draw(TEXT),
            "country": draw(COUNTRIES),
            "role": draw(st.sampled_from(["processor", "sub_processor", "independent_controller"])),
            "service": draw(TEXT),
            "activities": draw(st.lists(activities(pid), max_size=3, unique_by=lambda a: a["id"])),
        }
        if draw(st.booleans()):
            provider["toms"] = [{"kind": "encryption", "measure": draw(TEXT)}]
        if draw(st.booleans()):
            subs = draw(st.lists(IDS, min_size=1, max_size=3, unique=True))
            provider["sub_processors"] = [
                {"id": s, "name": draw(TEXT), "country": draw(COUNTRIES), "sub_processors": subs[i + 1 : i + 2]}
                for i, s in enumerate(subs)
            ]
        files[f"{pid}.yaml"] = provider
    return files


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(registers(), TEXT)
def test_loaded_register_survives_normalised_json_round_trip(files: dict[str, dict[str, Any]], org_name: str) -> None:
    organisation = {**ORGANISATION, "legal_name": org_name}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        _write(root, _dump(organisation), {name: _dump(data) for name, data in files.items()})
        try:
            register = load_register(root, "")
        except InputError as exc:
            assert_located(exc.diagnostics, {"organisation.yaml", "providers"} | {f"providers/{n}" for n in files})
            return
        first = register_json(register)
        again = register_from_data(json.loads(first))
        assert again.organisation == register.organisation
        assert again.providers == register.providers
        assert register_json(again) == first
        # the JSON is itself a valid register again when written back as YAML files
        data = json.loads(first)
        copy = root / "copy"
        _write(copy, _dump(data["organisation"]), {f"{p['id']}.yaml": _dump(p) for p in data["providers"]})
        reloaded = load_register(copy, "")
        assert register_json(reloaded) == first


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(registers())
def test_validate_never_raises(files: dict[str, dict[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        _write(root, _dump(ORGANISATION), {name: _dump(data) for name, data in files.items()})
        for fmt in ("text", "json", "sarif"):
            result = CliRunner().invoke(main, ["validate", str(root), "--format", fmt], catch_exceptions=True)
            assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
            assert result.exit_code in (0, 1, 2), (result.exit_code, result.stderr)
            assert "Traceback" not in result.stderr
