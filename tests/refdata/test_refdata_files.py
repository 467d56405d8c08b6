"""The reference data files: each validates, names its source and verification, and holds no placeholder.

Whatever these files say can end up in a register, a report or an annex (a finding quotes an
adequacy decision), so a placeholder here is a placeholder in a document.
"""

from __future__ import annotations

import re
from importlib import resources
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from ropa import refdata
from ropa.model.transfer import MechanismType
from ropa.refdata.schema import SCHEMAS, AdequacyEntry, AdequacyFile, EeaFile, InvalidMechanismsFile

PLACEHOLDER = re.compile(r"\b(?:TBD|TBC|TODO|FIXME|XXX+)\b|\bverify\b|\?\?", re.IGNORECASE)
"""Words that stand in for a fact nobody checked ("TBD-verify", "TODO", "XXX", "??")."""


def raw(name: str) -> dict[str, Any]:
    """``refdata/<name>.yaml`` as written, before validation fills in defaults."""
    text = resources.files("ropa.refdata").joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def strings(value: object) -> list[str]:
    """Every string key and value inside ``value``, at any depth."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*strings(k), *strings(v))]
    if isinstance(value, list):
        return [s for item in value for s in strings(item)]
    return []


def test_every_shipped_file_has_a_schema() -> None:
    shipped = {
        p.name.removesuffix(".yaml") for p in resources.files("ropa.refdata").iterdir() if p.name.endswith(".yaml")
    }
    assert shipped == set(SCHEMAS) == set(refdata.versions())


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_file_validates_with_title_source_and_verification(name: str) -> None:
    parsed = refdata.parsed(name)
    assert parsed.title and parsed.title != name and "_" not in parsed.title
    assert parsed.source and parsed.verified in {"primary", "secondary", "unverified"}
    assert raw(name)["title"] == parsed.title


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_no_placeholder_in_any_value_or_comment(name: str) -> None:
    text = resources.files("ropa.refdata").joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    assert not PLACEHOLDER.findall(text), f"{name}.yaml: {PLACEHOLDER.findall(text)}"
    loaded = [s for s in strings(refdata.load(name)) if PLACEHOLDER.search(s)]
    assert not loaded, f"{name}.yaml: {loaded}"


@pytest.mark.parametrize(
    "text", ["renewal numbers TBD-verify", "TODO", "decision XXXX/123", "number ??", "tbc", "to verify"]
)
def test_the_placeholder_check_catches(text: str) -> None:
    assert PLACEHOLDER.search(text)


@pytest.mark.parametrize("text", ["not verified", "last_verified", "verified: secondary", "Text", "2021/1772"])
def test_the_placeholder_check_lets_facts_pass(text: str) -> None:
    assert not PLACEHOLDER.search(text)


def test_every_adequacy_entry_and_mechanism_states_verification_and_source() -> None:
    entries = [*raw("adequacy")["entries"], *raw("invalid_mechanisms")["mechanisms"].values()]
    entries += raw("eea")["groups"].values()
    assert len(entries) == 17 + 5 + 3
    for entry in entries:
        assert entry["verified"] in {"primary", "secondary", "unverified"}, entry
        assert isinstance(entry["source"], str) and entry["source"].strip(), entry


def test_documents_list_human_titles_not_file_names() -> None:
    listed = refdata.dated_titles()
    assert [title for title, _date in listed] == [
        "EU adequacy decisions (GDPR Art. 45)",
        "ISO 3166-1 country codes",
        "EEA countries and EU territories",
        "Transfer mechanisms no longer valid",
    ]
    assert [date for _t, date in listed] == [refdata.versions()[name] for name in sorted(SCHEMAS)]
    assert refdata.titles()["eea"] == "EEA countries and EU territories"


def test_uk_is_full_scope_under_the_gdpr_decision_only() -> None:
    uk = refdata.adequacy()["GB"]
    assert uk["scope"] == "full" and uk["scope_note"] is None and uk["status"] == "in_force"
    assert "2021/1772" in uk["decision"] and "19 December 2025" in uk["decision"]
    assert "2021/1773" not in " ".join(strings(raw("adequacy")))
    assert str(uk["valid_until"]) == "2031-12-27"
    assert "not verified" in uk["note"] and "Gibraltar (GI) is not part of the United Kingdom" in uk["note"]
    assert "GI" not in refdata.adequacy()


def test_us_dpf_in_force_with_the_pending_appeal_noted() -> None:
    us = refdata.adequacy()["US"]
    assert us["status"] == "in_force" and us["requires_dpf"] is True and us["scope"] == "partial"
    assert "T-553/23" in us["note"] and "3 September 2025" in us["note"]
    assert "C-703/25 P" in us["note"] and "31 October 2025" in us["note"] and "pending" in us["note"]
    assert "does not change the decision's validity" in us["note"]


def test_israel_is_partial_because_framed_around_automated_processing() -> None:
    israel = refdata.adequacy()["IL"]
    assert israel["scope"] == "partial" and "automated processing" in israel["scope_note"]


@pytest.mark.parametrize("code", ["GF", "GP", "MQ", "RE", "YT", "MF", "AX"])
def test_outermost_regions_and_aland_are_inside_the_eea(code: str) -> None:
    assert code in refdata.eea()
    assert refdata.country_name(code)
    assert code not in refdata.load("eea")["eu"]  # not Member States: no SCC governing law or forum of their own


@pytest.mark.parametrize("code", ["GI", "FO", "GL", "NC", "PF", "AW", "CW", "GB", "CH", "JE"])
def test_territories_outside_the_eu_stay_outside(code: str) -> None:
    assert code not in refdata.eea() and refdata.country_name(code)


def test_eea_is_27_member_states_3_efta_states_and_7_territories() -> None:
    data = refdata.load("eea")
    assert (len(data["eu"]), len(data["efta_eea"]), len(data["eu_territories"])) == (27, 3, 7)
    assert len(refdata.eea()) == 37
    assert all(refdata.country_name(code) for code in refdata.eea())


def test_adequacy_ids_are_valid_country_codes() -> None:
    countries = [entry for entry in refdata.adequacy().values() if entry["kind"] != "international_org"]
    assert len(countries) == 16
    assert all(refdata.country_name(entry["id"]) for entry in countries)
    assert not {entry["id"] for entry in countries} & refdata.eea()


def test_safe_harbor_is_an_invalid_mechanism() -> None:
    entry = refdata.invalid_mechanisms()["safe_harbor"]
    assert "2000/520/EC" in entry["name"] and "C-362/14" in entry["reason"]
    assert entry["invalid_since"].isoformat() == "2015-10-06"


def test_invalid_mechanisms_are_the_model_types_documented_as_invalid() -> None:
    assert set(refdata.invalid_mechanisms()) == {
        MechanismType.PRIVACY_SHIELD.value,
        MechanismType.SAFE_HARBOR.value,
        MechanismType.SCC_2001_497.value,
        MechanismType.SCC_2004_915.value,
        MechanismType.SCC_2010_87.value,
    }


def test_a_partial_decision_without_its_scope_note_is_rejected() -> None:
    entry = {
        **raw("adequacy")["entries"][0],
        "scope": "partial",
    }
    with pytest.raises(ValidationError, match="needs a scope_note"):
        AdequacyEntry.model_validate(entry)


@pytest.mark.parametrize(
    ("schema", "name", "change"),
    [
        (AdequacyFile, "adequacy", lambda d: d["entries"][0].pop("source")),
        (AdequacyFile, "adequacy", lambda d: d["entries"][0].update(verified=False)),
        (AdequacyFile, "adequacy", lambda d: d["entries"].append(d["entries"][0])),
        (EeaFile, "eea", lambda d: d["eu_territories"].append("FR")),
        (EeaFile, "eea", lambda d: d.pop("title")),
        (InvalidMechanismsFile, "invalid_mechanisms", lambda d: d["mechanisms"]["safe_harbor"].update(extra=1)),
    ],
    ids=["no-source", "verified-false", "duplicate-id", "code-twice", "no-title", "unknown-key"],
)
def test_a_drifted_file_is_rejected(schema: type[Any], name: str, change: Any) -> None:
    data = raw(name)
    schema.model_validate(data)
    change(data)
    with pytest.raises(ValidationError):
        schema.model_validate(data)
