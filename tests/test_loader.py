"""Loader: model errors and broken references become located, plain-worded diagnostics, all at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from ropa.errors import Diagnostic, InputError
from ropa.load.loader import load_register

ORGANISATION = """\
legal_name: Test GmbH
country: DE
record:
  version: "1"
  date: 2026-11-01
"""

ACME = """\
id: acme
legal_name: Acme Ltd
country: DE
role: processor
service: SMS delivery
"""


def _register(tmp_path: Path, providers: dict[str, str], organisation: str = ORGANISATION) -> Path:
    root = tmp_path / "reg"
    (root / "providers").mkdir(parents=True)
    (root / "organisation.yaml").write_text(organisation, encoding="utf-8")
    for name, text in providers.items():
        (root / "providers" / name).write_text(text, encoding="utf-8")
    return root


def _errors(root: Path) -> list[Diagnostic]:
    with pytest.raises(InputError) as info:
        load_register(root, "reg")
    return info.value.diagnostics


def _one(root: Path) -> Diagnostic:
    errors = _errors(root)
    assert len(errors) == 1, [e.render() for e in errors]
    return errors[0]


def test_a_valid_register_loads(tmp_path: Path) -> None:
    root = _register(tmp_path, {"acme.yaml": ACME + "activities:\n  - id: otp\n    name: OTP\n"})
    register = load_register(root, "reg")
    assert [p.id for p in register.providers] == ["acme"]
    assert register.provider_files == {"acme": "providers/acme.yaml"}
    assert register.locate("providers/acme.yaml", ("activities", 0, "name")) == (8, 5)


def test_unknown_key_suggests_the_close_one(tmp_path: Path) -> None:
    d = _one(_register(tmp_path, {"acme.yaml": ACME + "activities:\n  - id: otp\n    name: OTP\n    purpses: []\n"}))
    assert (d.file, d.line, d.column) == ("reg/providers/acme.yaml", 9, 5)
    assert d.message == "unknown key 'purpses'; did you mean 'purposes'?"
    d = _one(_register(tmp_path / "b", {"acme.yaml": ACME + "activities:\n  - id: otp\n    name: OTP\n    nme: x\n"}))
    assert (d.file, d.line, d.column) == ("reg/providers/acme.yaml", 9, 5)
    assert d.message == "unknown key 'nme'; did you mean 'name'?"
    assert d.code == "INPUT-schema"


def test_unknown_key_without_a_close_match_lists_the_allowed_keys(tmp_path: Path) -> None:
    errors = _errors(_register(tmp_path, {"acme.yaml": ACME + "zebra: blue\n"}))
    (d,) = errors
    assert (d.line, d.column) == (6, 1)
    assert "unknown key 'zebra'; remove it (allowed keys: " in d.message
    assert "legal_name" in d.message


def test_unknown_key_in_a_nested_model(tmp_path: Path) -> None:
    d = _one(_register(tmp_path, {"acme.yaml": ACME + "address:\n  country: DE\n  citty: Berlin\n"}))
    assert (d.line, d.column) == (8, 3)
    assert d.message == "unknown key 'citty'; did you mean 'city'?"


@pytest.mark.parametrize(
    ("extra", "line", "words"),
    [
        ("activities:\n  - id: otp\n    name: [a, b]\n", 8, "expected text, got a list"),
        (
            "activities:\n  - id: otp\n    name: OTP\n    dpia_required: maybe\n",
            9,
            "expected true or false, got 'maybe'",
        ),
        (
            "activities:\n  - id: otp\n    name: OTP\n    last_reviewed: last week\n",
            9,
            "expected a date as YYYY-MM-DD, got 'last week'",
        ),
        ("activities:\n  - id: Not An Id\n    name: OTP\n", 7, "ids use lower-case letters"),
        (
            "activities:\n  - id: otp\n    name: OTP\n    purposes:\n      - description: x\n"
            "        lawful_basis: 6.1.z\n",
            11,
            "'6.1.z' is not allowed; use one of",
        ),
    ],
)
def test_wrong_types_are_explained(tmp_path: Path, extra: str, line: int, words: str) -> None:
    d = _one(_register(tmp_path, {"acme.yaml": ACME + extra}))
    assert d.file == "reg/providers/acme.yaml"
    assert d.line == line
    assert words in d.message


def test_missing_required_fields_are_located_at_their_parent(tmp_path: Path) -> None:
    errors = _errors(_register(tmp_path, {"acme.yaml": "id: acme\ncountry: DE\nactivities:\n  - id: otp\n"}))
    rendered = sorted(e.render() for e in errors)
    assert [(e.line, e.column, e.message) for e in errors] == [
        (1, 1, "required field 'legal_name' is missing; add it"),
        (1, 1, "required field 'service' is missing; add it"),
        (4, 5, "required field 'name' is missing; add it"),
    ], rendered


def test_missing_required_field_in_organisation(tmp_path: Path) -> None:
    d = _one(_register(tmp_path, {"acme.yaml": ACME}, ORGANISATION.replace("country: DE\n", "")))
    assert (d.file, d.line) == ("reg/organisation.yaml", 1)
    assert d.message == "required field 'country' is missing; add it"


def test_list_where_a_mapping_is_expected(tmp_path: Path) -> None:
    d = _one(_register(tmp_path, {"acme.yaml": ACME + "address:\n  - Main street 1\n  - Berlin\n"}))
    assert (d.line, d.column) == (6, 1)
    assert d.message == "expected a mapping of keys to values, got a list"


def test_mapping_where_a_list_is_expected(tmp_path: Path) -> None:
    d = _one(_register(tmp_path, {"acme.yaml": ACME + "activities:\n  id: otp\n  name: OTP\n"}))
    assert (d.line, d.column) == (6, 1)
    assert d.message == "expected a list, got a mapping"


def test_file_that_is_a_list(tmp_path: Path) -> None:
    d = _one(_register(tmp_path, {"acme.yaml": "- id: acme\n- legal_name: Acme\n"}))
    assert (d.file, d.line) == ("reg/providers/acme.yaml", 1)
    assert d.message == "the file must hold a mapping of keys to values, got a list"


@pytest.mark.parametrize(
    ("country", "words"),
    [
        ("XX", "'XX' is not an ISO 3166-1 alpha-2 country code"),
        ("UK", "the United Kingdom is 'GB'"),
        ("EL", "ISO 3166 uses 'GR'"),
        ("Germany", "use a two-letter ISO 3166-1 country code"),
    ],
)
def test_bad_country_codes(tmp_path: Path, country: str, words: str) -> None:
    d = _one(_register(tmp_path, {"acme.yaml": ACME.replace("country: DE", f"country: {country}")}))
    assert (d.line, d.column) == (3, 1)
    assert d.path == ("country",)
    assert words in d.message


def test_lower_case_country_code_is_normalised(tmp_path: Path) -> None:
    register = load_register(_register(tmp_path, {"acme.yaml": ACME.replace("country: DE", "country: de")}))
    assert register.providers[0].country == "DE"


@pytest.mark.parametrize("value", ["1 year", "30 days", "P", "PT", "P1.5Y", "12M"])
def test_bad_iso_duration(tmp_path: Path, value: str) -> None:
    organisation = ORGANISATION + f"settings:\n  review_interval: {value}\n"
    d = _one(_register(tmp_path, {"acme.yaml": ACME}, organisation))
    assert (d.file, d.line, d.column) == ("reg/organisation.yaml", 7, 3)
    assert "is not an ISO 8601 duration" in d.message
    assert "P30D" in d.message


def test_good_iso_durations(tmp_path: Path) -> None:
    organisation = ORGANISATION + "settings:\n  review_interval: p18m\n"
    register = load_register(_register(tmp_path, {"acme.yaml": ACME}, organisation))
    assert register.organisation.settings.review_interval == "P18M"


def test_provider_id_must_match_the_file_name(tmp_path: Path) -> None:
    d = _one(_register(tmp_path, {"acme.yaml": ACME.replace("id: acme", "id: acme-corp")}))
    assert (d.file, d.line, d.column) == ("reg/providers/acme.yaml", 1, 1)
    assert "provider id 'acme-corp' does not match the file name 'acme.yaml'" in d.message
    assert d.code == "INPUT-reference"


def test_unknown_provider_reference_names_the_id(tmp_path: Path) -> None:
    text = ACME + "activities:\n  - id: otp\n    name: OTP\n    recipients:\n      - provider: acmee\n"
    d = _one(_register(tmp_path, {"acme.yaml": text}))
    assert (d.file, d.line, d.column) == ("reg/providers/acme.yaml", 10, 9)
    assert d.message == "recipient 'acmee' is not a provider of the register (did you mean 'acme'?)"
    assert d.path == ("activities", 0, "recipients", 0, "provider")


def test_unknown_sub_processor_reference(tmp_path: Path) -> None:
    text = ACME + (
        "sub_processors:\n  - id: aws\nactivities:\n  - id: otp\n    name: OTP\n    recipients:\n"
        "      - provider: acme/gcp\n      - provider: zeta/aws\n      - provider: acme/aws\n"
    )
    errors = _errors(_register(tmp_path, {"acme.yaml": text}))
    assert [(e.line, e.message) for e in errors] == [
        (12, "recipient 'acme/gcp' is not defined (provider 'acme' has no sub-processor 'gcp')"),
        (13, "recipient 'zeta/aws' is not defined (no provider 'zeta')"),
    ]


def test_transfer_recipient_may_be_a_name_but_an_id_must_resolve(tmp_path: Path) -> None:
    base = ACME + "activities:\n  - id: otp\n    name: OTP\n    transfers:\n"
    named = base + "      - recipient: Cloud Hosting Inc.\n        country: US\n"
    assert load_register(_register(tmp_path, {"acme.yaml": named})).providers
    typo = base + "      - recipient: acmme\n        country: US\n"
    d = _one(_register(tmp_path / "typo", {"acme.yaml": typo}))
    assert d.message == "transfer recipient 'acmme' is not a provider of the register (did you mean 'acme'?)"


def test_sub_processor_cycles_are_reported_with_the_chain(tmp_path: Path) -> None:
    text = ACME + (
        "sub_processors:\n"
        "  - id: s1\n    sub_processors: [s2]\n"
        "  - id: s2\n    sub_processors: [s3]\n"
        "  - id: s3\n    sub_processors: [s1]\n"
    )
    d = _one(_register(tmp_path, {"acme.yaml": text}))
    assert "sub-processor chain loops back: s1 -> s2 -> s3 -> s1" in d.message
    assert (d.line, d.column) == (12, 5)


def test_sub_processor_pointing_at_itself(tmp_path: Path) -> None:
    d = _one(_register(tmp_path, {"acme.yaml": ACME + "sub_processors:\n  - id: s1\n    sub_processors: [s1]\n"}))
    assert "loops back" in d.message and "s1" in d.message


def test_undefined_sub_processor_in_a_chain(tmp_path: Path) -> None:
    d = _one(_register(tmp_path, {"acme.yaml": ACME + "sub_processors:\n  - id: s1\n    sub_processors: [s9]\n"}))
    assert d.message == "sub-processor 's9' is not defined under this provider's sub_processors"


def test_duplicate_activity_ids_across_files(tmp_path: Path) -> None:
    activity = "activities:\n  - id: otp\n    name: OTP\n"
    beta = ACME.replace("acme", "beta")
    errors = _errors(_register(tmp_path, {"acme.yaml": ACME + activity, "beta.yaml": beta + activity}))
    (d,) = errors
    assert (d.file, d.line, d.column) == ("reg/providers/beta.yaml", 7, 5)
    assert d.message == "activity id 'otp' is already used in providers/acme.yaml"


def test_all_errors_of_all_files_are_reported_together(tmp_path: Path) -> None:
    root = _register(
        tmp_path,
        {
            "acme.yaml": ACME.replace("country: DE", "country: XX") + "servce: x\n",
            "beta.yaml": ACME.replace("acme", "beta").replace("role: processor", "role: procesor"),
            "gamma.yaml": "id: gamma\nid: gamma\n",
        },
        ORGANISATION.replace("country: DE", "country: UK"),
    )
    errors = _errors(root)
    files = {e.file for e in errors}
    assert files == {
        "reg/organisation.yaml",
        "reg/providers/acme.yaml",
        "reg/providers/beta.yaml",
        "reg/providers/gamma.yaml",
    }
    messages = " | ".join(e.render() for e in errors)
    assert "reg/organisation.yaml:2:1: error INPUT-schema 'UK' is not an ISO 3166 code" in messages
    assert "reg/providers/acme.yaml:3:1:" in messages and "did you mean 'service'?" in messages
    assert "reg/providers/beta.yaml:4:1:" in messages and "'procesor' is not allowed" in messages
    assert "reg/providers/gamma.yaml:2:1: error INPUT-yaml duplicate key 'id'" in messages
    assert errors == sorted(errors), "diagnostics come sorted by file, line and column"


def test_missing_organisation_file(tmp_path: Path) -> None:
    root = _register(tmp_path, {"acme.yaml": ACME})
    (root / "organisation.yaml").unlink()
    d = _one(root)
    assert d.file == "reg/organisation.yaml"
    assert "organisation.yaml is missing" in d.message and "ropa init" in d.message


def test_missing_register_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_register(tmp_path / "nowhere")
    assert "register folder not found" in str(info.value)


def test_display_root_prefixes_file_names(tmp_path: Path) -> None:
    root = _register(tmp_path, {"acme.yaml": ACME + "colour: x\n"})
    with pytest.raises(InputError) as info:
        load_register(root, ".")
    assert info.value.diagnostics[0].file == "providers/acme.yaml"
    with pytest.raises(InputError) as info:
        load_register(root)
    assert info.value.diagnostics[0].file == f"{root}/providers/acme.yaml"


def test_check_references_reports_register_relative_places(tmp_path: Path) -> None:
    """The cross-reference pass on its own: problems carry the file relative to the register and a key path."""
    from ropa.load.references import check_references
    from ropa.model import Recipient

    register = load_register(_register(tmp_path, {"acme.yaml": ACME + "activities:\n  - id: otp\n    name: OTP\n"}))
    assert check_references(register) == []
    provider = register.providers[0]
    activity = provider.activities[0].model_copy(update={"recipients": [Recipient(provider="ghost")]})
    register.providers[0] = provider.model_copy(update={"activities": [activity]})
    (problem,) = check_references(register)
    assert problem.file == "providers/acme.yaml"
    assert problem.path == ("activities", 0, "recipients", 0, "provider")
    assert "recipient 'ghost' is not a provider of the register" in problem.message


def test_unquoted_no_as_a_country_says_to_quote_it(make_register) -> None:  # type: ignore[no-untyped-def]
    from ropa.errors import InputError
    from ropa.load.loader import load_register

    root = make_register({"nor": {"id": "nor", "legal_name": "Nordic AS", "role": "processor", "service": "SMS"}})
    text = (root / "providers" / "nor.yaml").read_text() + "country: NO\n"
    (root / "providers" / "nor.yaml").write_text(text)
    with pytest.raises(InputError) as caught:
        load_register(root)
    message = caught.value.diagnostics[0].render()
    assert "nor.yaml:5:" in message and 'quotes, e.g. "NO"' in message


def test_reference_errors_come_in_the_same_run_as_schema_errors(tmp_path: Path) -> None:
    """A mistyped provider reference is reported beside a schema error of another file, not after it is fixed;
    a reference to a provider whose own file was refused is not judged (that file's problem is reported)."""
    providers = {
        "acme.yaml": (
            "id: acme\nlegal_name: Acme\nrole: processor\nservice: SMS\nactivities:\n"
            "  - id: otp\n    name: OTP\n    recipients: [{provider: acmee, role: processor}]\n"
            "    transfers: [{recipient: broken, country: US}]\n"
        ),
        "broken.yaml": "id: broken\nlegal_name: Broken\nrole: processor\nservice: SMS\nunknown_key: 1\n",
    }
    errors = _errors(_register(tmp_path, providers))
    found = sorted((e.file, e.code, e.message) for e in errors)
    assert [code for _file, code, _m in found] == ["INPUT-reference", "INPUT-schema"], found
    reference = found[0]
    assert (
        reference[0] == "reg/providers/acme.yaml"
        and "'acmee'" in reference[2]
        and "did you mean 'acme'" in reference[2]
    )
    assert found[1][0] == "reg/providers/broken.yaml" and "unknown_key" in found[1][2]
