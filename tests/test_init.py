"""'ropa init': the bundled example or a blank register, with the schemas its modelines point at; never overwrites.

That the same works from the built wheel, outside the source tree, is checked in test_packaging.py.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from ropa.cli import main
from ropa.scaffold import blank_files, example_files, local_modeline, register_files, schema_files
from ropa.schema import schemas

ROOT = Path(__file__).resolve().parent.parent
MODELINE = re.compile(r"\A# yaml-language-server: \$schema=(\S+)\n")
COMMENTED_KEY = re.compile(r"^#(?=\S| {2,})", re.MULTILINE)
"""A commented-out optional key of the blank register ("#key: value", "#  key: value"), not a comment in words."""


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _init(target: Path, *options: str) -> None:
    result = CliRunner().invoke(main, ["init", *options, str(target)])
    assert result.exit_code == 0, result.output


def schema_of_every_file(folder: Path) -> dict[str, dict[str, object]]:
    """Register-relative path of every YAML file -> the JSON Schema its modeline names, opened from disk.

    The path is resolved relative to the file, as the YAML language server does; it must stay inside ``folder``.
    """
    found: dict[str, dict[str, object]] = {}
    for path in sorted(folder.rglob("*.y*ml")):
        rel = path.relative_to(folder).as_posix()
        match = MODELINE.match(path.read_text(encoding="utf-8"))
        assert match, f"{rel} has no yaml-language-server modeline on its first line"
        target = (path.parent / match[1]).resolve()
        assert target.is_relative_to(folder.resolve()), f"{rel}: modeline points outside the register: {match[1]}"
        assert target.is_file(), f"{rel}: modeline points at {match[1]}, which does not exist"
        schema = json.loads(target.read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)
        found[rel] = schema
    return found


def _kind(rel: str) -> str:
    if rel == "organisation.yaml":
        return "organisation"
    return "activities" if rel.startswith("activities/") else "provider"


# --------------------------------------------------------------------------- the example


def test_bundled_example_has_an_organisation_and_providers() -> None:
    files = example_files()
    assert "organisation.yaml" in files
    assert any(name.startswith("providers/") and name.endswith(".yaml") for name in files)


def test_init_copies_the_bundled_example_and_its_schemas(tmp_path: Path) -> None:
    target = tmp_path / "new" / "register"
    result = CliRunner().invoke(main, ["init", str(target)])
    assert result.exit_code == 0, result.output
    written = _files(target)
    assert sorted(written) == sorted([*example_files(), *schema_files()])
    for rel, data in example_files().items():  # the same files, only the modeline's path changed
        assert written[rel].split(b"\n", 1)[1] == data.split(b"\n", 1)[1], rel
    for name, text in schemas().items():  # the schemas of the running models
        assert written[f"schemas/{name}"].decode("utf-8") == text
    assert f"ropa validate {target}" in result.stdout
    assert f"with {len(written)} files" in result.stdout


@pytest.mark.parametrize("options", [(), ("--blank",)], ids=["example", "blank"])
def test_every_modeline_names_a_schema_in_the_new_folder(tmp_path: Path, options: tuple[str, ...]) -> None:
    target = tmp_path / "register"
    _init(target, *options)
    found = schema_of_every_file(target)
    assert "organisation.yaml" in found and any(rel.startswith("providers/") for rel in found)
    for rel, schema in found.items():
        assert schema["title"] == _kind(rel).capitalize(), f"{rel} points at the {schema['title']} schema"
        data = json.loads(json.dumps(yaml.safe_load((target / rel).read_text(encoding="utf-8")), default=str))
        jsonschema.validate(data, schema)  # what the editor checks as you type


def test_the_bundled_modelines_resolve_in_the_source_tree() -> None:
    """In a clone the bundled files point at the committed schemas (the copy only moves the path)."""
    trees = ((ROOT / "examples" / "sms-providers", example_files()), (ROOT / "ropa" / "blank", blank_files()))
    for folder, files in trees:
        for rel, data in files.items():
            match = MODELINE.match(data.decode("utf-8"))
            assert match, rel
            assert ((folder / rel).parent / match[1]).resolve().is_file(), f"{folder / rel}: {match[1]}"


@pytest.mark.parametrize(
    ("rel", "expected"),
    [
        ("organisation.yaml", "schemas/organisation.schema.json"),
        ("providers/acme.yaml", "../schemas/provider.schema.json"),
    ],
)
def test_local_modeline_keeps_the_rest_of_the_file(rel: str, expected: str) -> None:
    name = expected.rsplit("/", 1)[1]
    data = f"# yaml-language-server: $schema=../../../schemas/{name}\n#\nid: acme\n".encode()
    assert local_modeline(rel, data) == f"# yaml-language-server: $schema={expected}\n#\nid: acme\n".encode()
    assert local_modeline(rel, b"id: acme\n") == b"id: acme\n", "a file without a modeline stays as it is"


def test_the_copy_validates(tmp_path: Path) -> None:
    target = tmp_path / "register"
    runner = CliRunner()
    assert runner.invoke(main, ["init", str(target)]).exit_code == 0
    result = runner.invoke(main, ["validate", str(target)])
    assert result.exit_code in (0, 1), result.output
    assert "INPUT-" not in result.output


# --------------------------------------------------------------------------- --blank


def test_blank_register_has_the_required_keys_and_todays_date(tmp_path: Path) -> None:
    target = tmp_path / "register"
    result = CliRunner().invoke(main, ["init", "--blank", str(target)])
    assert result.exit_code == 0, result.output
    assert sorted(_files(target)) == [
        "activities/example.yaml",
        "organisation.yaml",
        "providers/example-processor.yaml",
        "schemas/activities.schema.json",
        "schemas/organisation.schema.json",
        "schemas/provider.schema.json",
    ]
    organisation = yaml.safe_load((target / "organisation.yaml").read_text(encoding="utf-8"))
    assert {"legal_name", "country", "record"} <= organisation.keys()
    assert organisation["record"]["date"] == dt.date.today()
    provider = yaml.safe_load((target / "providers" / "example-processor.yaml").read_text(encoding="utf-8"))
    assert provider["id"] == "example-processor" and "activities" not in provider
    activities = yaml.safe_load((target / "activities" / "example.yaml").read_text(encoding="utf-8"))
    assert [a["id"] for a in activities["activities"]] == ["example-activity"]
    assert activities["activities"][0]["providers"] == [
        {"provider": "example-processor", "role": "processor", "processing": "TODO"}
    ]
    assert "Copy this file to" in (target / "providers" / "example-processor.yaml").read_text(encoding="utf-8")
    assert "__TODAY__" not in (target / "organisation.yaml").read_text(encoding="utf-8")


def test_blank_register_validates_to_findings_that_say_what_to_fill_in(tmp_path: Path) -> None:
    target = tmp_path / "register"
    _init(target, "--blank")
    result = CliRunner().invoke(main, ["validate", str(target), "--format", "json"])
    assert result.exit_code == 1, result.output  # loads (not 2), and has error findings to act on
    findings = json.loads(result.stdout)["findings"]
    assert not [f for f in findings if f["rule"].startswith("INPUT-")]
    by_rule = {f["rule"]: f for f in findings}
    assert {"A30-1-a-controller", "A28-3-contract", "A6-1-basis", "A30-1-d-recipients"} <= by_rule.keys()
    assert "add 'contract'" in by_rule["A28-3-contract"]["message"]
    assert "set lawful_basis" in by_rule["A6-1-basis"]["message"]
    placeholders = [f for f in findings if f["rule"] == "VAL-placeholder"]
    assert all("'TODO'; write the real value" in f["message"] for f in placeholders)
    names = ("organisation.yaml", "providers/example-processor.yaml", "activities/example.yaml")
    files = {str(target / n) for n in names}
    assert {f["file"] for f in findings} == files
    assert {f["file"] for f in placeholders} >= {str(target / "activities/example.yaml")}
    for finding in placeholders:  # each points at the line holding the TODO
        lines = Path(finding["file"]).read_text(encoding="utf-8").splitlines()
        assert "TODO" in lines[finding["line"] - 1], finding


def test_blank_register_commented_keys_are_valid_once_uncommented(tmp_path: Path) -> None:
    """Removing the '#' of every commented key gives a register that loads: the hints match the format."""
    target = tmp_path / "register"
    _init(target, "--blank")
    uncommented = 0
    for path in target.rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        uncommented += len(COMMENTED_KEY.findall(text))
        path.write_text(COMMENTED_KEY.sub("", text), encoding="utf-8")
    assert uncommented >= 20
    result = CliRunner().invoke(main, ["validate", str(target), "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    rules = {f["rule"] for f in json.loads(result.stdout)["findings"]}
    assert not {r for r in rules if r.startswith("INPUT-")}
    assert not {"A28-3-contract", "A6-1-basis", "A30-1-d-recipients", "A30-1-a-controller"} & rules
    assert "VAL-placeholder" in rules, "the TODO values stay to be filled in"


def test_register_files_fill_in_the_date_given() -> None:
    files = register_files(blank=True, today=dt.date(2027, 3, 4))
    assert b"  date: 2027-03-04 " in files["organisation.yaml"]


# --------------------------------------------------------------------------- never overwrites


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "register"
    (target / "providers").mkdir(parents=True)
    (target / "organisation.yaml").write_text("legal_name: Mine\n")
    result = CliRunner().invoke(main, ["init", str(target)])
    assert result.exit_code == 2
    assert "organisation.yaml already exists; refusing to overwrite" in result.stderr
    assert "Traceback" not in result.output
    assert (target / "organisation.yaml").read_text() == "legal_name: Mine\n"
    assert list((target / "providers").iterdir()) == [], "nothing may be written when one file clashes"
    assert not (target / "schemas").exists()


def test_init_refuses_when_only_a_provider_file_clashes(tmp_path: Path) -> None:
    target = tmp_path / "register"
    provider = next(name for name in example_files() if name.startswith("providers/"))
    (target / provider).parent.mkdir(parents=True)
    (target / provider).write_text("mine\n")
    result = CliRunner().invoke(main, ["init", str(target)])
    assert result.exit_code == 2 and provider in result.stderr
    assert not (target / "organisation.yaml").exists()


def test_init_refuses_when_a_schema_file_clashes(tmp_path: Path) -> None:
    """A schema edited by hand is the user's too: refreshing it is 'ropa schema --out DIR/schemas'."""
    target = tmp_path / "register"
    (target / "schemas").mkdir(parents=True)
    (target / "schemas" / "provider.schema.json").write_text("{}\n")
    result = CliRunner().invoke(main, ["init", "--blank", str(target)])
    assert result.exit_code == 2 and "schemas/provider.schema.json already exists" in result.stderr
    assert (target / "schemas" / "provider.schema.json").read_text() == "{}\n"
    assert sorted(_files(target)) == ["schemas/provider.schema.json"]


def test_blank_init_refuses_to_overwrite_an_existing_register(tmp_path: Path) -> None:
    target = tmp_path / "register"
    _init(target)
    before = _files(target)
    result = CliRunner().invoke(main, ["init", "--blank", str(target)])
    assert result.exit_code == 2 and "already exists; refusing to overwrite" in result.stderr
    assert _files(target) == before


def test_init_keeps_unrelated_files(tmp_path: Path) -> None:
    target = tmp_path / "repo"
    target.mkdir()
    (target / "README.md.keep").write_text("keep me\n")
    assert CliRunner().invoke(main, ["init", str(target)]).exit_code == 0
    assert (target / "README.md.keep").read_text() == "keep me\n"


def test_init_into_a_file_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    result = CliRunner().invoke(main, ["init", str(tmp_path / "afile")])
    assert result.exit_code == 2
