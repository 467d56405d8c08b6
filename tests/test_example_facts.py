"""The example's modelled facts that matter: who does what in each activity, what the providers do for
their own purposes (kept apart from Nordlicht's), SendSMSGate's partly covered Art. 28(3) points, the
in-house activities with their German statutory periods, and a source for every fact.

The expected values are read from the seed policies (see the comments in each provider file); the
validator is run on the loaded example and its findings are matched to the facts they are about.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel

from ropa.check.engine import check
from ropa.check.findings import Report
from ropa.load.loader import load_register
from ropa.model.activity import Activity, InvolvementRole
from ropa.model.common import Severity, Sourced
from ropa.model.facts import parties
from ropa.model.provider import Provider
from ropa.model.register import Entry, Register

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "sms-providers"
SEEDS = ROOT.parent / "shared" / "seeds"
POLICY = {
    "tecparts": "TECPARTS privacy policy",
    "symphonyroute": "SymphonyRoute privacy policy",
    "amd-telecom": "AMD Telecom privacy policy",
    "backtrace": "BackTrace privacy policy",
    "sendsmsgate": "SendSMSGate privātuma politika",
}

P = InvolvementRole.PROCESSOR
SUB = InvolvementRole.SUB_PROCESSOR


@pytest.fixture(scope="module")
def register() -> Register:
    return load_register(EXAMPLE)


@pytest.fixture(scope="module")
def report(register: Register) -> Report:
    return check(register, register.organisation.record.date)


def _entry(register: Register, activity_id: str) -> Entry:
    found = [e for e in register.activities() if e.activity.id == activity_id]
    assert len(found) == 1, f"one activity {activity_id}"
    return found[0]


def _provider(register: Register, provider_id: str) -> Provider:
    provider = register.provider(provider_id)
    assert provider is not None
    return provider


# --------------------------------------------------------------------------- who does what


ROLES: dict[str, dict[str, InvolvementRole | None]] = {
    "tecparts-otp": {"tecparts": P, "tecparts/aws-frankfurt": SUB},
    "order-notifications": {
        "symphonyroute": P,
        "amd-telecom": P,
        "symphonyroute/aws": SUB,
        "symphonyroute/google-cloud": SUB,
    },
    "amd-telecom-delivery-notices": {"amd-telecom": P},
    "amd-telecom-delivery-reports": {"amd-telecom": P},
    "backtrace-fallback-sms": {
        "backtrace": P,
        "backtrace/carriers": SUB,
        "backtrace/sms-aggregators": SUB,
        "backtrace/ticketing-crm": SUB,
    },
    "sendsmsgate-marketing-sms": {
        "sendsmsgate": P,
        "sendsmsgate/sms-gateways": SUB,
        "sendsmsgate/server-providers": SUB,
    },
    "customer-service": {},
    "payroll": {},
    "accounting": {},
}


def test_every_activity_states_the_role_of_each_provider(register: Register) -> None:
    found = {e.activity.id: {p.ref: p.role for p in parties(register, e)} for e in register.activities()}
    assert found == ROLES
    for entry in register.activities():
        for party in parties(register, entry):
            if party.involvement is not None and party.role in (P, SUB):
                assert party.involvement.processing, f"{entry.activity.id}: {party.ref} says what it does"


def test_in_house_activities_have_no_provider(register: Register) -> None:
    in_house = [e for e in register.activities() if not parties(register, e)]
    assert [e.activity.id for e in in_house] == ["customer-service", "payroll", "accounting"]
    assert {e.file for e in in_house} == {"activities/in-house.yaml"}
    for entry in in_house:
        activity = entry.activity
        assert activity.purposes and all(p.lawful_basis for p in activity.purposes)
        assert all(c.retention and c.retention.duration for c in activity.data_categories), activity.id
        assert activity.retention_policy and activity.follows_retention_policy is True


def test_order_notifications_use_two_processors(register: Register) -> None:
    entry = _entry(register, "order-notifications")
    assert entry.host is None and entry.file == "activities/order-notifications.yaml"
    processors = [p.provider.id for p in parties(register, entry) if p.role is P and p.sub is None]
    assert processors == ["symphonyroute", "amd-telecom"]


def test_a_provider_can_serve_several_activities(register: Register) -> None:
    serving = [e.activity.id for e in register.activities() for p in parties(register, e) if p.ref == "amd-telecom"]
    assert serving == ["order-notifications", "amd-telecom-delivery-notices", "amd-telecom-delivery-reports"]


# --------------------------------------------------------------------------- providers' own processing

OWN_ERRORS = {
    "tecparts": {"api-request-logs", "government-requests"},
    "symphonyroute": {"service-improvement", "analytics-reporting"},
    "amd-telecom": {"support-records"},
    "backtrace": {"service-improvement"},
    "sendsmsgate": {"legal-disclosures"},
}
"""Own purposes the policies show touching Nordlicht's data (uses_organisation_data: true)."""

OWN_ASKED = {
    "tecparts": {"abuse-prevention"},
    "symphonyroute": {"business-partners", "legal-requests"},
    "amd-telecom": {"customer-insight"},
    "backtrace": {"legal-and-fraud"},
    "sendsmsgate": {"third-party-sources"},
}
"""Own purposes where the policy does not say whose data they use: the validator asks."""


def _own_findings(report: Report, provider: Provider, severity: Severity) -> set[str]:
    ids: set[str] = set()
    for finding in report.findings:
        if finding.rule == "A28-10-own-purposes" and finding.provider == provider.id:
            assert finding.file == f"providers/{provider.id}.yaml"
            assert finding.path[0] == "own_processing"
            if finding.severity is severity:
                ids.add(provider.own_processing[int(finding.path[1])].id)
    return ids


@pytest.mark.parametrize("provider_id", sorted(OWN_ERRORS))
def test_own_purposes_touching_our_data_are_found(register: Register, report: Report, provider_id: str) -> None:
    provider = _provider(register, provider_id)
    flagged = {o.id for o in provider.own_processing if o.uses_organisation_data}
    assert flagged == OWN_ERRORS[provider_id]
    assert _own_findings(report, provider, Severity.ERROR) == OWN_ERRORS[provider_id]
    assert _own_findings(report, provider, Severity.WARNING) == OWN_ASKED[provider_id]
    # own purposes not touching our data (its customer billing, its own marketing) raise nothing
    cleared = {o.id for o in provider.own_processing if o.uses_organisation_data is False}
    assert not cleared & (OWN_ERRORS[provider_id] | OWN_ASKED[provider_id])


def test_own_processing_cites_the_policy_section(register: Register) -> None:
    for provider in register.providers:
        assert provider.own_processing, f"{provider.id}: every seed policy shows own purposes"
        for own in provider.own_processing:
            assert own.source and POLICY[provider.id] in own.source, own.id
            assert any(mark in own.source for mark in ("§", "YOUR ")), f"{own.id} names no section"
            if own.retention is not None:
                assert own.retention.source and POLICY[provider.id] in own.retention.source


def _nordlicht_texts(activity: Activity) -> Iterator[str]:
    yield from (p.description for p in activity.purposes)
    for category in activity.data_categories:
        if category.retention is not None and category.retention.statement:
            yield category.retention.statement


def test_providers_purposes_and_periods_are_not_nordlichts(register: Register) -> None:
    own_purposes = {o.purpose for p in register.providers for o in p.own_processing}
    own_periods = {
        o.retention.statement
        for p in register.providers
        for o in p.own_processing
        if o.retention and o.retention.statement
    }
    for entry in register.activities():
        texts = set(_nordlicht_texts(entry.activity))
        assert not texts & own_purposes, entry.activity.id
        assert not texts & own_periods, entry.activity.id
        for purpose in entry.activity.purposes:
            assert purpose.source and "Nordlicht" in purpose.source
    # the 2-year analytics period of SymphonyRoute is no erasure limit of the order notifications
    notifications = _entry(register, "order-notifications").activity
    assert all(c.retention is None for c in notifications.data_categories)


def test_own_bases_are_the_stated_ones(register: Register) -> None:
    tecparts = {o.id: o for o in _provider(register, "tecparts").own_processing}
    assert tecparts["abuse-prevention"].lawful_basis is not None
    assert tecparts["abuse-prevention"].lawful_basis.value == "6.1.f"
    assert "Fraud prevention, network security" in (tecparts["abuse-prevention"].stated_basis or "")
    assert tecparts["government-requests"].lawful_basis is not None
    assert tecparts["government-requests"].lawful_basis.value == "6.1.c"
    # SymphonyRoute §4 and AMD Telecom state no basis for any purpose: none is recorded
    for provider_id in ("symphonyroute", "amd-telecom"):
        for own in _provider(register, provider_id).own_processing:
            assert own.lawful_basis is None and own.stated_basis is None, own.id


# --------------------------------------------------------------------------- SendSMSGate's Art. 28 agreement


def test_sendsmsgate_partly_covered_points(register: Register, report: Report) -> None:
    contract = _provider(register, "sendsmsgate").contract
    assert contract is not None
    art28 = contract.art28
    statuses = {key: art28.status(key) for key in ("a", "b", "c", "d", "e", "f", "g", "h", "notice")}
    assert statuses == {
        "a": "partly",
        "b": "covered",
        "c": "covered",
        "d": "partly",
        "e": "covered",
        "f": "partly",
        "g": "partly",
        "h": "covered",
        "notice": "missing",
    }
    for key, gap in (("a", "unilaterally"), ("d", "standard terms"), ("f", "Art. 36"), ("g", "Return")):
        ref = art28.item(key)
        assert ref is not None and gap in (ref.note or ""), key
    assert contract.duration and "§7.1" in contract.duration
    messages = [
        f.message for f in report.findings if f.rule == "A28-3-contract-content" and f.provider == "sendsmsgate"
    ]
    assert len(messages) == 1
    for item in ("(a) only partly", "(d) only partly", "(f) only partly", "(g) only partly"):
        assert item in messages[0]


# --------------------------------------------------------------------------- facts read right from the seeds


def test_misread_facts_are_fixed(register: Register) -> None:
    backtrace = _provider(register, "backtrace")
    assert backtrace.address is not None
    assert (backtrace.address.city, backtrace.address.region, backtrace.address.postal_code) == ("Opp", "AL", "36467")
    symphonyroute = _provider(register, "symphonyroute")
    assert symphonyroute.trading_name == "SymphonyRoute" and "no legal entity" in symphonyroute.legal_name
    if SEEDS.is_dir():
        assert "Address: Opp Al 36467" in (SEEDS / "003_0bd9b03baa81bdbf.txt").read_text(encoding="utf-8")


def test_sendsmsgate_contact_retention_tells_the_triggers_apart(register: Register) -> None:
    entry = _entry(register, "sendsmsgate-marketing-sms")
    contact = next(c for c in entry.activity.data_categories if c.id == "contact")
    assert contact.retention is not None and contact.retention.duration == "P120D"
    assert contact.retention.trigger_event == "Nordlicht's request to delete the data"
    assert "60 days (§7.2.6)" in (contact.retention.statement or "")


def test_invoices_kept_eight_years(register: Register) -> None:
    """Since 1 January 2025 accounting vouchers, invoices included, are kept 8 years (HGB § 257, AO § 147)."""
    categories = {c.id: c for c in _entry(register, "accounting").activity.data_categories}
    invoices = categories["invoices"].retention
    assert invoices is not None and invoices.duration == "P8Y" and invoices.kind == "statutory"
    assert "§ 257" in (invoices.legal_basis_for_period or "") and "§ 147" in (invoices.legal_basis_for_period or "")
    ledgers = categories["ledgers"].retention
    assert ledgers is not None and ledgers.duration == "P10Y"
    assert not [
        e.activity.id
        for e in register.activities()
        for p in e.activity.purposes
        if e.host is not None and "invoice" in p.description.lower()
    ], "no provider-file activity holds Nordlicht's own invoice archiving"


# --------------------------------------------------------------------------- sources


def _sourced(model: BaseModel, path: str) -> Iterator[tuple[str, Sourced]]:
    if isinstance(model, Sourced):
        yield path, model
    for name in type(model).model_fields:
        value = getattr(model, name)
        items = value if isinstance(value, list) else [value]
        for i, item in enumerate(items):
            if isinstance(item, BaseModel):
                yield from _sourced(item, f"{path}.{name}[{i}]")


def test_no_fact_lacks_a_source(register: Register) -> None:
    models: list[tuple[str, BaseModel]] = [("organisation", register.organisation)]
    models += [(p.id, p) for p in register.providers]
    models += [(f"{file}#{a.id}", a) for file, activities in register.activity_sets for a in activities]
    walked = [(where, fact) for name, model in models for where, fact in _sourced(model, name)]
    missing = [where for where, fact in walked if not (fact.source and fact.source.strip())]
    assert not missing, "facts without a source:\n" + "\n".join(missing)
    assert len(walked) > 300, "the walk reached the nested facts"
    in_house = [fact for where, fact in walked if where.startswith("activities/in-house.yaml")]
    assert in_house and all("Nordlicht" in (fact.source or "") for fact in in_house)
