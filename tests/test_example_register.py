"""The shipped example register: it loads cleanly, every fact says where it came from, and the
validator finds the real gaps of the five SMS providers' policies, in the right file and line.

The gaps asserted here are the ones the policies really have (see the comments in each
provider file). A gap is looked up by rule id, provider and the key path of the fact it is
about, and the reported line is opened in the provider file to check it shows that fact.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import BaseModel

from ropa.check.engine import check
from ropa.check.findings import Finding, Report
from ropa.cli import main
from ropa.errors import KeyPath
from ropa.load.loader import load_register
from ropa.model.activity import Activity
from ropa.model.common import Sourced
from ropa.model.facts import involved_in
from ropa.model.provider import Provider
from ropa.model.register import Register

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "sms-providers"
SEEDS = ROOT.parent / "shared" / "seeds"
PROVIDERS = ("amd-telecom", "backtrace", "sendsmsgate", "symphonyroute", "tecparts")
SEED_OF = {
    "tecparts": "000_25b663630f48d780.txt",
    "symphonyroute": "001_87715fb099415931.txt",
    "amd-telecom": "002_e12cdd14f6ccb96a.txt",
    "backtrace": "003_0bd9b03baa81bdbf.txt",
    "sendsmsgate": "004_52766a185e9c5ffb.txt",
}
MODELINE = "# yaml-language-server: $schema=../../../schemas/provider.schema.json"


@pytest.fixture(scope="module")
def register() -> Register:
    return load_register(EXAMPLE)


@pytest.fixture(scope="module")
def report(register: Register) -> Report:
    return check(register, register.organisation.record.date)


# --------------------------------------------------------------------------- locating facts


def _provider(register: Register, provider_id: str) -> Provider:
    provider = register.provider(provider_id)
    assert provider is not None, f"no provider {provider_id}"
    return provider


def _activity(register: Register, provider_id: str, activity_id: str) -> tuple[int, Activity]:
    for index, activity in enumerate(_provider(register, provider_id).activities):
        if activity.id == activity_id:
            return index, activity
    raise AssertionError(f"{provider_id} has no activity {activity_id}")


def transfer_path(register: Register, provider_id: str, activity_id: str, recipient: str) -> KeyPath:
    index, activity = _activity(register, provider_id, activity_id)
    for t_index, transfer in enumerate(activity.transfers):
        if transfer.recipient == recipient:
            return ("activities", index, "transfers", t_index)
    raise AssertionError(f"{activity_id} has no transfer to {recipient}")


def category_path(register: Register, provider_id: str, activity_id: str, category_id: str) -> KeyPath:
    index, activity = _activity(register, provider_id, activity_id)
    for c_index, category in enumerate(activity.data_categories):
        if category.id == category_id:
            return ("activities", index, "data_categories", c_index)
    raise AssertionError(f"{activity_id} has no data category {category_id}")


def purpose_path(register: Register, provider_id: str, activity_id: str, starts: str) -> KeyPath:
    index, activity = _activity(register, provider_id, activity_id)
    for p_index, purpose in enumerate(activity.purposes):
        if purpose.description.startswith(starts):
            return ("activities", index, "purposes", p_index)
    raise AssertionError(f"{activity_id} has no purpose starting {starts!r}")


def recipient_path(register: Register, provider_id: str, activity_id: str, category: str) -> KeyPath:
    index, activity = _activity(register, provider_id, activity_id)
    for r_index, recipient in enumerate(activity.recipients or []):
        if recipient.category == category:
            return ("activities", index, "recipients", r_index)
    raise AssertionError(f"{activity_id} has no recipient {category!r}")


def sub_processor_path(register: Register, provider_id: str, sub_id: str) -> KeyPath:
    for index, sub in enumerate(_provider(register, provider_id).sub_processors):
        if sub.id == sub_id:
            return ("sub_processors", index)
    raise AssertionError(f"{provider_id} has no sub-processor {sub_id}")


def assert_found(report: Report, rule: str, provider: str, prefix: KeyPath, tokens: tuple[str, ...]) -> Finding:
    """One finding of ``rule`` for ``provider`` about the fact at ``prefix``, whose line shows it."""
    about = [
        f for f in report.findings if f.rule == rule and f.provider == provider and f.path[: len(prefix)] == prefix
    ]
    assert about, f"{rule} not reported for {provider} at {prefix}; findings of that rule: " + repr(
        [(f.provider, f.path) for f in report.findings if f.rule == rule]
    )
    expected_file = f"providers/{provider}.yaml"
    for finding in about:
        assert finding.file == expected_file
        lines = (EXAMPLE / finding.file).read_text(encoding="utf-8").splitlines()
        assert 1 <= finding.line <= len(lines), f"{rule}: line {finding.line} is outside {finding.file}"
        text = lines[finding.line - 1]
        assert any(token in text for token in tokens), (
            f"{rule}: {finding.file}:{finding.line} is {text.strip()!r}, expected one of {tokens}"
        )
    return about[0]


def provider_file(provider: str) -> str:
    return f"providers/{provider}.yaml"


def standalone_path(register: Register, activity_id: str) -> tuple[str, KeyPath]:
    """File and key path of an activity of activities/."""
    for file, activities in register.activity_sets:
        for index, activity in enumerate(activities):
            if activity.id == activity_id:
                return file, ("activities", index)
    raise AssertionError(f"activities/ has no activity {activity_id}")


def assert_found_at(
    report: Report, rule: str, places: list[tuple[str, KeyPath]], tokens: tuple[str, ...]
) -> list[Finding]:
    """Findings of ``rule`` about the fact at one of ``places`` (file, key path prefix), whose line shows it.

    A gap of a transfer may be reported at the transfer or once at its importer's own record (the
    provider's ``mechanisms`` or the sub-processor's ``mechanism``): both places show the same fact.
    """
    about = [
        f
        for f in report.findings
        if f.rule == rule and any(f.file == file and f.path[: len(prefix)] == prefix for file, prefix in places)
    ]
    assert about, f"{rule} not reported at {places}; findings of that rule: " + repr(
        [(f.file, f.path) for f in report.findings if f.rule == rule]
    )
    for finding in about:
        lines = (EXAMPLE / finding.file).read_text(encoding="utf-8").splitlines()
        assert 1 <= finding.line <= len(lines), f"{rule}: line {finding.line} is outside {finding.file}"
        text = lines[finding.line - 1]
        assert any(token in text for token in tokens), (
            f"{rule}: {finding.file}:{finding.line} is {text.strip()!r}, expected one of {tokens}"
        )
    return about


def importer_mechanism(register: Register, ref: str) -> tuple[str, KeyPath]:
    """Where the importer ``ref`` (``provider`` or ``provider/sub``) records its own mechanism."""
    provider_id, _, sub_id = ref.partition("/")
    if sub_id:
        return provider_file(provider_id), (*sub_processor_path(register, provider_id, sub_id), "mechanism")
    return provider_file(provider_id), ("mechanisms",)


# --------------------------------------------------------------------------- loading


def test_example_loads_without_input_errors(register: Register) -> None:
    assert [p.id for p in register.providers] == list(PROVIDERS)
    assert register.organisation.legal_name == "Nordlicht Commerce GmbH"
    assert {p.id: register.provider_files[p.id] for p in register.providers} == {
        p: f"providers/{p}.yaml" for p in PROVIDERS
    }
    assert [file for file, _ in register.activity_sets] == [
        "activities/in-house.yaml",
        "activities/order-notifications.yaml",
    ]
    assert all(involved_in(register, p) for p in register.providers), "every provider takes part in an activity"
    assert not _provider(register, "symphonyroute").activities, "its activity uses two providers: activities/"


def test_provider_files_keep_the_schema_modeline() -> None:
    for provider in PROVIDERS:
        first = (EXAMPLE / "providers" / f"{provider}.yaml").read_text(encoding="utf-8").splitlines()[0]
        assert first == MODELINE, provider
    assert (ROOT / "schemas" / "provider.schema.json").is_file()


# --------------------------------------------------------------------------- sources


def _sourced(model: BaseModel, path: str) -> Iterator[tuple[str, Sourced]]:
    if isinstance(model, Sourced):
        yield path, model
    for name in type(model).model_fields:
        value = getattr(model, name)
        items = value if isinstance(value, list) else [value]
        for i, item in enumerate(items):
            if isinstance(item, BaseModel):
                where = f"{path}.{name}[{i}]" if isinstance(value, list) else f"{path}.{name}"
                yield from _sourced(item, where)


def test_every_modelled_fact_has_a_source(register: Register) -> None:
    missing = [
        f"{provider.id}: {where}"
        for provider in register.providers
        for where, fact in _sourced(provider, provider.id)
        if not (fact.source and fact.source.strip())
    ]
    assert not missing, "facts without a source:\n" + "\n".join(missing)
    counted = sum(1 for provider in register.providers for _ in _sourced(provider, provider.id))
    assert counted > 200, "the walk reached the nested facts"


def test_provider_facts_cite_their_own_policy(register: Register) -> None:
    names = {
        "tecparts": "TECPARTS",
        "symphonyroute": "SymphonyRoute",
        "amd-telecom": "AMD Telecom",
        "backtrace": "BackTrace",
        "sendsmsgate": "SendSMSGate",
    }
    for provider in register.providers:
        assert provider.source and names[provider.id] in provider.source
        for document in provider.documents:
            assert document.title and document.language
        # Only TECPARTS prints where its policy is published (§8); the others' addresses were invented.
        urls = {p.id: [d.url for d in p.documents if d.url] for p in register.providers}
        assert urls[provider.id] == (["https://tecpartsus.com/privacy"] if provider.id == "tecparts" else [])
        for sub in provider.sub_processors:
            assert sub.name or sub.category, f"{provider.id}/{sub.id} has neither name nor category"
            assert sub.source and names[provider.id] in sub.source
        for tom in provider.toms:
            assert tom.source and names[provider.id] in tom.source


def test_organisation_decisions_are_marked_as_such(register: Register) -> None:
    for activity in (e.activity for e in register.activities()):
        assert activity.owner and activity.last_reviewed
        assert activity.source and "Nordlicht" in activity.source
        for purpose in activity.purposes:
            if purpose.lawful_basis is not None:
                assert purpose.source and "Nordlicht" in purpose.source, purpose.description


def test_quoted_facts_appear_in_the_seed_policies(register: Register) -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"the seed policies are not beside the project ({SEEDS})")
    for provider in register.providers:
        text = (SEEDS / SEED_OF[provider.id]).read_text(encoding="utf-8")
        emails = [c.email for c in provider.contacts if c.email] + ([provider.dpo.email] if provider.dpo else [])
        for email in emails:
            assert email and email in text, f"{provider.id}: {email} is not in its policy"
        if provider.registration_number:
            assert provider.registration_number in text
    backtrace = (SEEDS / SEED_OF["backtrace"]).read_text(encoding="utf-8")
    for window in ("6–24 months", "12–24 months", "7+ years"):
        assert window in backtrace
    sendsmsgate = (SEEDS / SEED_OF["sendsmsgate"]).read_text(encoding="utf-8")
    assert "privātuma vairoga" in sendsmsgate and "Irina Vasiļjeva" in sendsmsgate


# --------------------------------------------------------------------------- the known gaps


def test_sendsmsgate_privacy_shield_is_found(register: Register, report: Report) -> None:
    path = transfer_path(register, "sendsmsgate", "sendsmsgate-marketing-sms", "sendsmsgate/us-privacy-shield")
    places = [(provider_file("sendsmsgate"), path), importer_mechanism(register, "sendsmsgate/us-privacy-shield")]
    assert_found_at(report, "A44-invalid-mechanism", places, ("mechanism", "privacy_shield"))
    sub = sub_processor_path(register, "sendsmsgate", "us-privacy-shield")
    assert_found(report, "A44-invalid-mechanism", "sendsmsgate", sub, ("mechanism", "privacy_shield"))


@pytest.mark.parametrize(
    ("activity", "category"),
    [
        ("amd-telecom-delivery-notices", "mobile-number"),
        ("amd-telecom-delivery-notices", "first-name"),
        ("amd-telecom-delivery-notices", "message-text"),
        ("amd-telecom-delivery-reports", "mobile-number"),
        ("amd-telecom-delivery-reports", "delivery-report"),
    ],
)
def test_amd_telecom_end_user_retention_missing(
    register: Register, report: Report, activity: str, category: str
) -> None:
    path = category_path(register, "amd-telecom", activity, category)
    assert_found(report, "A30-1-f-retention", "amd-telecom", path, (f"id: {category}", "retention"))


@pytest.mark.parametrize("activity", ["amd-telecom-delivery-notices", "amd-telecom-delivery-reports"])
def test_amd_telecom_worldwide_transfer_without_mechanism(register: Register, report: Report, activity: str) -> None:
    path = transfer_path(register, "amd-telecom", activity, "amd-telecom/group-entities")
    assert_found(report, "A44-mechanism", "amd-telecom", path, ("recipient: amd-telecom/group-entities", "mechanism"))


@pytest.mark.parametrize(
    ("category", "window"),
    [
        ("mobile-number", "6–24 months"),
        ("delivery-metadata", "6–24 months"),
        ("support-tickets", "12–24 months"),
    ],
)
def test_backtrace_ranges_and_open_ended_retention(
    register: Register, report: Report, category: str, window: str
) -> None:
    path = category_path(register, "backtrace", "backtrace-fallback-sms", category)
    finding = assert_found(report, "A5-1-e-retention-vague", "backtrace", path, ("retention", "statement", window))
    _, activity = _activity(register, "backtrace", "backtrace-fallback-sms")
    retention = activity.data_categories[int(path[3])].retention
    assert retention is not None and retention.duration is None and window in (retention.statement or "")
    assert finding.severity.value in ("error", "warning")


def test_backtrace_invoices_are_its_own_billing_records(register: Register) -> None:
    """'invoices (7+ years)' is BackTrace's billing of its customers, not processing for Nordlicht."""
    _, activity = _activity(register, "backtrace", "backtrace-fallback-sms")
    assert "invoices" not in {c.id for c in activity.data_categories}
    billing = {o.id: o for o in _provider(register, "backtrace").own_processing}["billing"]
    assert billing.retention is not None and "7+ years" in (billing.retention.statement or "")
    assert billing.uses_organisation_data is False


def test_symphonyroute_vague_recipients(register: Register, report: Report) -> None:
    file, prefix = standalone_path(register, "order-notifications")
    _, activities = next(entry for entry in register.activity_sets if entry[0] == file)
    recipients = activities[int(prefix[1])].recipients or []
    index = next(i for i, r in enumerate(recipients) if r.category == "Trusted business partners")
    places = [(file, (*prefix, "recipients", index))]
    assert_found_at(report, "A30-1-d-recipients-vague", places, ("category", "business partners"))


def test_tecparts_unspecified_sccs(register: Register, report: Report) -> None:
    path = transfer_path(register, "tecparts", "tecparts-otp", "tecparts")
    places = [(provider_file("tecparts"), path), importer_mechanism(register, "tecparts")]
    assert_found_at(report, "SCC914-version-module", places, ("mechanism", "scc_unspecified", "type:"))
    for region in ("aws-us-virginia", "aws-singapore"):
        sub = sub_processor_path(register, "tecparts", region)
        assert_found(report, "SCC914-version-module", "tecparts", sub, ("mechanism", "scc_unspecified"))


def test_tecparts_carriers_are_not_named(register: Register) -> None:
    """The policy names AT&T only as an example ("Telecom Carriers (e.g., AT&T)"): no carrier, no country."""
    tecparts = _provider(register, "tecparts")
    assert not [s for s in tecparts.sub_processors if s.name and "AT&T" in s.name]
    carriers = register.sub_processor("tecparts/carriers")
    assert carriers is not None and carriers[1].name is None and carriers[1].country is None
    assert carriers[1].category == "Telecom Carriers (e.g., AT&T)"
    _, activity = _activity(register, "tecparts", "tecparts-otp")
    assert all(t.recipient != "tecparts/carriers" for t in activity.transfers)


# --------------------------------------------------------------------------- further gaps of the policies


@pytest.mark.parametrize("provider", ["tecparts", "symphonyroute", "amd-telecom", "backtrace"])
def test_providers_without_a_dpa_are_reported(register: Register, report: Report, provider: str) -> None:
    assert _provider(register, provider).contract is None
    assert_found(report, "A28-3-contract", provider, (), ("id:", "role:", "contract", "legal_name:"))


@pytest.mark.parametrize("provider", ["tecparts", "symphonyroute", "backtrace"])
def test_sccs_without_transfer_impact_assessment(register: Register, report: Report, provider: str) -> None:
    places = [importer_mechanism(register, provider)]
    for entry in register.activities():
        for t_index, transfer in enumerate(entry.activity.transfers):
            if transfer.recipient == provider:
                places.append((entry.file, (*entry.path, "transfers", t_index)))
    assert len(places) == 2, f"one transfer to {provider} is recorded"
    assert_found_at(report, "A46-tia", places, ("mechanism", "scc_unspecified", "type:"))


def test_sendsmsgate_general_authorisation_without_notice_period(report: Report) -> None:
    assert_found(
        report,
        "A28-2-general-notice",
        "sendsmsgate",
        ("sub_processor_authorisation",),
        ("sub_processor_authorisation", "type: general"),
    )


def test_sendsmsgate_consent_derogation_for_uncertified_us_providers(register: Register, report: Report) -> None:
    path = transfer_path(register, "sendsmsgate", "sendsmsgate-marketing-sms", "sendsmsgate/us-not-certified")
    places = [(provider_file("sendsmsgate"), path), importer_mechanism(register, "sendsmsgate/us-not-certified")]
    assert_found_at(report, "A49-1-derogation-use", places, ("mechanism", "derogation", "type:"))


@pytest.mark.parametrize(
    ("provider", "activity", "recipient"),
    [
        ("amd-telecom", "amd-telecom-delivery-notices", "amd-telecom/group-entities"),
        ("sendsmsgate", "sendsmsgate-marketing-sms", "sendsmsgate/non-eea-contractors"),
    ],
)
def test_transfers_without_destination(
    register: Register, report: Report, provider: str, activity: str, recipient: str
) -> None:
    path = transfer_path(register, provider, activity, recipient)
    assert_found(report, "A30-1-e-destination", provider, path, ("recipient:", "mechanism"))


# --------------------------------------------------------------------------- nothing else fires there


@pytest.mark.parametrize(
    ("rule", "only"),
    [
        ("A44-invalid-mechanism", {"providers/sendsmsgate.yaml"}),
        ("A5-1-e-retention-vague", {"providers/backtrace.yaml"}),
        ("A30-1-d-recipients-vague", {"activities/order-notifications.yaml"}),
    ],
)
def test_gaps_are_where_the_policies_have_them(report: Report, rule: str, only: set[str]) -> None:
    """Nordlicht's own decisions are complete, so these rules fire only where the policy with the gap is modelled."""
    files = {f.file for f in report.findings if f.rule == rule}
    assert files == only


def test_no_purpose_lacks_a_lawful_basis(report: Report) -> None:
    """The purposes without a basis were SymphonyRoute's own; they are its own_processing now, not Nordlicht's."""
    assert not [f for f in report.findings if f.rule == "A6-1-basis"]


def test_no_input_pseudo_rules_and_no_stale_reviews(report: Report) -> None:
    assert not [f for f in report.findings if f.rule.startswith(("INPUT-", "WAIVER-", "REVIEW-"))]
    assert not report.waived


# --------------------------------------------------------------------------- the command line

LINE = re.compile(
    r"^(?P<file>\S+\.yaml):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning|info) (?P<rule>[A-Z][\w-]+) "
)


def test_cli_validate_exits_1_with_located_findings(register: Register) -> None:
    as_of = register.organisation.record.date.isoformat()
    result = CliRunner().invoke(main, ["validate", str(EXAMPLE), "--as-of", as_of, "--no-color"])
    assert result.exit_code == 1, result.output
    located = [m for m in (LINE.match(line) for line in result.output.splitlines()) if m]
    assert len(located) >= 20
    for match in located:
        path = Path(match["file"])
        assert path.is_file(), match["file"]
        assert 1 <= int(match["line"]) <= len(path.read_text(encoding="utf-8").splitlines())
    shield = [m for m in located if m["rule"] == "A44-invalid-mechanism"]
    assert shield and all(m["file"].endswith("providers/sendsmsgate.yaml") for m in shield)
    lines = (EXAMPLE / "providers" / "sendsmsgate.yaml").read_text(encoding="utf-8").splitlines()
    shown = [lines[int(m["line"]) - 1] for m in shield]
    assert all("privacy_shield" in text or "mechanism" in text for text in shown), shown
    assert re.search(r"\d+ error\(s\)", result.output)


def test_record_date_is_the_review_reference() -> None:
    """The tests judge the register as of its own record date, which the reviews are within a year of."""
    register = load_register(EXAMPLE)
    date = register.organisation.record.date
    assert date == dt.date(2026, 11, 1)
    for activity in (e.activity for e in register.activities()):
        assert activity.last_reviewed is not None and (date - activity.last_reviewed).days < 365
