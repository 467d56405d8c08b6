"""JSON Schemas: the committed files are current, and every field of every model is described."""

from __future__ import annotations

import importlib
import json
import pkgutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner
from pydantic import BaseModel

import ropa.model
from ropa.cli import main
from ropa.read.source import read_text
from ropa.schema import SCHEMA_FILES, schemas

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "schemas"


def _models() -> list[type[BaseModel]]:
    found: dict[str, type[BaseModel]] = {}
    for info in pkgutil.iter_modules(ropa.model.__path__):
        module = importlib.import_module(f"ropa.model.{info.name}")
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, BaseModel) and obj.__module__.startswith("ropa.model"):
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return [found[k] for k in sorted(found)]


def test_committed_schemas_are_current() -> None:
    generated = schemas()
    assert sorted(generated) == sorted(SCHEMA_FILES)
    stale = [
        name
        for name, text in generated.items()
        if not (COMMITTED / name).is_file() or (COMMITTED / name).read_text(encoding="utf-8") != text
    ]
    assert not stale, f"schemas/{', schemas/'.join(stale)} out of date with the models: run `ropa schema`"
    extra = sorted(p.name for p in COMMITTED.glob("*.json") if p.name not in generated)
    assert not extra, f"schemas/ holds files no model generates: {extra}; delete them or run `ropa schema`"


def test_schema_check_command_detects_a_stale_file(tmp_path: Path) -> None:
    runner = CliRunner()
    written = runner.invoke(main, ["schema", "--out", str(tmp_path)])
    assert written.exit_code == 0, written.output
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(SCHEMA_FILES)
    assert runner.invoke(main, ["schema", "--out", str(tmp_path), "--check"]).exit_code == 0
    (tmp_path / "provider.schema.json").write_text("{}\n")
    stale = runner.invoke(main, ["schema", "--out", str(tmp_path), "--check"])
    assert stale.exit_code == 1
    assert "provider.schema.json" in stale.stderr and "ropa schema" in stale.stderr
    assert (tmp_path / "provider.schema.json").read_text() == "{}\n", "--check must not write"


@pytest.mark.parametrize("model", _models(), ids=lambda m: m.__qualname__)
def test_every_field_has_a_description(model: type[BaseModel]) -> None:
    assert model.__doc__ and model.__doc__.strip(), f"{model.__qualname__} has no docstring"
    missing = [name for name, field in model.model_fields.items() if not (field.description or "").strip()]
    assert not missing, f"{model.__qualname__}: fields without a description: {missing}"


def test_models_were_found() -> None:
    names = {m.__qualname__ for m in _models()}
    assert {"Organisation", "Provider", "Activity", "Transfer"} <= names


def _walk(node: Any, path: str, out: list[str]) -> None:
    if isinstance(node, dict):
        props = node.get("properties")
        if isinstance(props, dict):
            for key, value in props.items():
                if isinstance(value, dict) and not value.get("description"):
                    out.append(f"{path}.{key}")
        for key, value in node.items():
            _walk(value, f"{path}.{key}", out)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _walk(value, f"{path}[{index}]", out)


@pytest.mark.parametrize("name", sorted(SCHEMA_FILES))
def test_every_schema_property_has_a_description(name: str) -> None:
    """What an editor shows on hover comes from these descriptions."""
    missing: list[str] = []
    _walk(json.loads(schemas()[name]), name, missing)
    assert not missing, missing


def _as_json(text: str) -> Any:
    return json.loads(json.dumps(read_text(text, "x.yaml").data, default=str))


def test_provider_schema_accepts_a_provider_and_rejects_unknown_keys() -> None:
    schema = json.loads(schemas()["provider.schema.json"])
    provider = "id: acme\nlegal_name: Acme\ncountry: DE\nrole: processor\nservice: SMS\n"
    jsonschema.validate(_as_json(provider), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(_as_json(provider + "colour: blue\n"), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(_as_json(provider.replace("role: processor", "role: friend")), schema)


def test_organisation_schema_accepts_an_organisation() -> None:
    schema = json.loads(schemas()["organisation.schema.json"])
    organisation = 'legal_name: T\ncountry: DE\nrecord:\n  version: "1"\n  date: 2026-11-01\n'
    jsonschema.validate(_as_json(organisation), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(_as_json(organisation.replace("legal_name: T\n", "")), schema)
