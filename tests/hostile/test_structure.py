"""Hostile structure: wrong shapes, nulls, wrong types, colliding ids, dangling references, cycles.

The YAML is well-formed; the register is not. Each case must be refused by
``validate``, ``build`` and ``package`` with exit code 2 and messages naming
file:line, without a traceback or a change to the output folder.
"""

from __future__ import annotations

import pytest

from hostile.support import ORGANISATION, PROVIDER, Workspace, invoke

PROVIDER_FILE = "providers/acme.yaml"


def line_of(text: str, needle: str) -> int:
    """1-based number of the first line of ``text`` containing ``needle``."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_the_base_register_is_valid(ws: Workspace) -> None:
    """Every case below differs from this register in one thing only."""
    outcome = invoke(["validate", str(ws.register)])
    assert outcome.code == 0, outcome.stderr + outcome.stdout


# --- a list where a mapping is expected, and the reverse --------------------------------------

HEAD = PROVIDER.split("contract:")[0]
"""The provider's scalar fields only (id, legal_name, country, role, service)."""
ACTIVITIES = PROVIDER[PROVIDER.index("activities:") :]
RETENTION = "        retention:\n          kind: duration\n          duration: P30D\n"
PURPOSES = (
    "    purposes:\n      - description: Deliver one-time login passcodes to customers by SMS\n"
    "        lawful_basis: 6.1.b\n"
)

SHAPES = {
    "provider-is-a-list": ("- id: acme\n- legal_name: Acme\n", 1, "must hold a mapping"),
    "provider-is-text": ("acme\n", 1, "must hold a mapping"),
    "activities-is-a-mapping": (HEAD + "activities:\n  otp: {id: otp, name: OTP}\n", 6, "expected a list"),
    "activity-is-a-list": (HEAD + "activities:\n  - [otp, One-time passcodes]\n", 7, "expected a mapping"),
    "purposes-is-text": (PROVIDER.replace(PURPOSES, "    purposes: Deliver passcodes\n"), None, "expected a list"),
    "contract-is-a-list": (HEAD + "contract:\n  - title: DPA\n" + ACTIVITIES, 6, "expected a mapping"),
    "retention-is-a-list": (
        PROVIDER.replace(RETENTION, "        retention: [1]\n"),
        None,
        "expected a mapping",
    ),
}


@pytest.mark.parametrize(("text", "line", "fragment"), SHAPES.values(), ids=SHAPES.keys())
def test_wrong_shapes_are_refused(ws: Workspace, text: str, line: int | None, fragment: str) -> None:
    ws.write(PROVIDER_FILE, text)
    ws.refuse_everywhere(PROVIDER_FILE, line, fragment)


def test_organisation_as_a_list_is_refused(ws: Workspace) -> None:
    ws.write("organisation.yaml", "- legal_name: Example GmbH\n- country: DE\n")
    ws.refuse_everywhere("organisation.yaml", 1, "must hold a mapping")


# --- null everywhere a value is expected ----------------------------------------------------

NULLABLE_REQUIRED = [
    "id:",
    "legal_name:",
    "role:",
    "service:",
    "  title:",
    "  - kind:",
    "    measure:",
    "  - id:",
    "    name:",
    "      - description:",
]


@pytest.mark.parametrize("key", NULLABLE_REQUIRED)
def test_null_for_a_required_value_is_refused(ws: Workspace, key: str) -> None:
    lines = PROVIDER.splitlines()
    index = next(i for i, text in enumerate(lines) if text.startswith(key))
    lines[index] = lines[index].split(":")[0] + ": ~"
    ws.write(PROVIDER_FILE, "\n".join(lines) + "\n")
    ws.refuse_everywhere(PROVIDER_FILE, index + 1, "nothing (null)", single=key != "id:")


@pytest.mark.parametrize("key", ["activities", "toms", "contacts", "sub_processors", "data_locations"])
def test_null_for_a_list_is_refused(ws: Workspace, key: str) -> None:
    text = HEAD + f"{key}: null\n"
    ws.write(PROVIDER_FILE, text)
    ws.refuse_everywhere(PROVIDER_FILE, 6, "expected a list, got nothing (null)")


def test_null_list_items_are_each_refused(ws: Workspace) -> None:
    text = HEAD + "activities: [~, null, ~]\n"
    ws.write(PROVIDER_FILE, text)
    ws.refuse_everywhere(PROVIDER_FILE, line_of(text, "activities:"), "got nothing (null)", single=False)


def test_null_document_values_in_organisation_are_each_refused(ws: Workspace) -> None:
    ws.write("organisation.yaml", "legal_name:\ncountry:\nrecord:\n")
    ws.refuse_everywhere("organisation.yaml", 1, "got nothing (null)", single=False)


# --- wrong scalar types ------------------------------------------------------------------------

TYPES = {
    "id-number": ("id: acme", "id: 12", "expected text"),
    "name-list": ("legal_name: Acme SMS Ltd", "legal_name: [Acme, SMS]", "expected text"),
    "name-mapping": ("legal_name: Acme SMS Ltd", "legal_name: {a: 1}", "expected text"),
    "country-number": ("country: DE", "country: 49", "expected text"),
    "country-unknown": ("country: DE", "country: XX", "not an ISO 3166-1"),
    "role-bool": ("role: processor", "role: true", "not allowed"),
    "role-unknown": ("role: processor", "role: overlord", "not allowed"),
    "date-text": ("  signed: 2026-01-15", "  signed: last tuesday", "expected a date"),
    "date-impossible": ("  signed: 2026-01-15", "  signed: 2026-02-30", "not a real date"),
    "basis-float": ("        lawful_basis: 6.1.b", "        lawful_basis: 6.1", "not allowed"),
    "duration-text": ("          duration: P30D", "          duration: thirty days", "ISO 8601 duration"),
    "kind-number": ("          kind: duration", "          kind: 3", "not allowed"),
    "tom-kind-null-string": ("  - kind: transmission", "  - kind: 'null'", "not allowed"),
    "huge-integer": ("          duration: P30D", "          duration: " + "9" * 5000, "number too large"),
    "infinity": ("country: DE", "country: .inf", "expected text"),
}


@pytest.mark.parametrize(("old", "new", "fragment"), TYPES.values(), ids=TYPES.keys())
def test_wrong_scalar_types_are_refused(ws: Workspace, old: str, new: str, fragment: str) -> None:
    assert old in PROVIDER
    text = PROVIDER.replace(old, new, 1)
    ws.write(PROVIDER_FILE, text)
    ws.refuse_everywhere(PROVIDER_FILE, line_of(text, new.strip()[:20]), fragment, single=not old.startswith("id:"))


ORG_TYPES = {
    "employees-text": ("record:", "employees: many\nrecord:", "expected a whole number"),
    "employees-negative": ("record:", "employees: -3\nrecord:", "at least 0"),
    "employees-nan": ("record:", "employees: .nan\nrecord:", "whole number"),
    "roles-text": ("record:", "roles: controller\nrecord:", "expected a list"),
    "record-date-text": ("date: 2026-11-01", "date: soon", "expected a date"),
    "review-interval": ("record:", "settings: {review_interval: yearly}\nrecord:", "ISO 8601 duration"),
}


@pytest.mark.parametrize(("old", "new", "fragment"), ORG_TYPES.values(), ids=ORG_TYPES.keys())
def test_wrong_types_in_organisation_are_refused(ws: Workspace, old: str, new: str, fragment: str) -> None:
    text = ORGANISATION.replace(old, new, 1)
    ws.write("organisation.yaml", text)
    ws.refuse_everywhere("organisation.yaml", line_of(text, new.split("\n")[0][:12]), fragment)


# --- ids that collide across files -----------------------------------------------------------


def second_provider(pid: str, activity: str = "otp2") -> str:
    return PROVIDER.replace("id: acme", f"id: {pid}", 1).replace("  - id: otp", f"  - id: {activity}")


def test_activity_id_used_in_two_provider_files(ws: Workspace) -> None:
    ws.write("providers/beta.yaml", second_provider("beta", "otp"))
    ws.refuse_everywhere("providers/beta.yaml", line_of(PROVIDER, "  - id: otp"), "already used in providers/acme.yaml")


def test_activity_id_also_used_by_a_processor_activity(ws: Workspace) -> None:
    ws.write(
        "organisation.yaml",
        ORGANISATION + "roles: [controller, processor]\nprocessor_activities:\n"
        "  - {id: otp, controller: Client AG, categories_of_processing: [SMS delivery]}\n",
    )
    ws.refuse_everywhere(PROVIDER_FILE, line_of(PROVIDER, "  - id: otp"), "already used in organisation.yaml")


def test_same_provider_in_yaml_and_yml_files(ws: Workspace) -> None:
    ws.write("providers/acme.yml", second_provider("acme"))
    ws.refuse_everywhere("providers/acme.yml", 1, "already defined in providers/acme.yaml")


def test_sub_processor_id_twice(ws: Workspace) -> None:
    text = PROVIDER + "sub_processors:\n  - {id: carrier, name: Carrier A}\n  - {id: carrier, name: Carrier B}\n"
    ws.write(PROVIDER_FILE, text)
    ws.refuse_everywhere(PROVIDER_FILE, line_of(text, "Carrier B"), "used twice")


def test_data_category_id_twice(ws: Workspace) -> None:
    text = PROVIDER + "    # second category\n"
    text = text.replace("    recipients: []\n", "      - {id: phone, name: Landline number}\n    recipients: []\n")
    ws.write(PROVIDER_FILE, text)
    ws.refuse_everywhere(PROVIDER_FILE, line_of(text, "Landline"), "used twice")


# --- references to missing ids ----------------------------------------------------------------

TRANSFER = "    transfers: [{recipient: %s, country: US%s}]"
MISSING = {
    "recipient-provider": ("    recipients: [{provider: ghost}]", "not a provider"),
    "recipient-sub-processor": ("    recipients: [{provider: acme/ghost}]", "no sub-processor"),
    "recipient-dotdot": ("    recipients: [{provider: ../../etc/passwd}]", "not defined"),
    "transfer-recipient": ("    recipients: []\n" + TRANSFER % ("ghost/x", ""), "no provider 'ghost'"),
    "transfer-category": (
        "    recipients: []\n" + TRANSFER % ("acme", ", data_categories: [email]"),
        "data category 'email' is not defined",
    ),
}


@pytest.mark.parametrize(("new", "fragment"), MISSING.values(), ids=MISSING.keys())
def test_references_to_missing_ids_are_refused(ws: Workspace, new: str, fragment: str) -> None:
    text = PROVIDER.replace("    recipients: []", new)
    ws.write(PROVIDER_FILE, text)
    ws.refuse_everywhere(PROVIDER_FILE, line_of(text, new.strip().split("\n")[-1].strip()[:18]), fragment)


def test_sub_processor_chain_to_undefined_id(ws: Workspace) -> None:
    text = PROVIDER + "sub_processors:\n  - {id: carrier, sub_processors: [ghost]}\n"
    ws.write(PROVIDER_FILE, text)
    ws.refuse_everywhere(PROVIDER_FILE, line_of(text, "ghost"), "'ghost' is not defined")


# --- cycles -------------------------------------------------------------------------------------

CYCLES = {
    "self": ("  - {id: a, sub_processors: [a]}\n", "a -> a"),
    "two": ("  - {id: a, sub_processors: [b]}\n  - {id: b, sub_processors: [a]}\n", "a -> b -> a"),
    "three": (
        "  - {id: a, sub_processors: [b]}\n  - {id: b, sub_processors: [c]}\n  - {id: c, sub_processors: [a]}\n",
        "a -> b -> c -> a",
    ),
    "with-tail": (
        "  - {id: t, sub_processors: [a]}\n  - {id: a, sub_processors: [b]}\n  - {id: b, sub_processors: [a]}\n",
        "a -> b -> a",
    ),
}


@pytest.mark.parametrize(("subs", "chain"), CYCLES.values(), ids=CYCLES.keys())
def test_sub_processor_cycles_are_refused(ws: Workspace, subs: str, chain: str) -> None:
    text = PROVIDER + "sub_processors:\n" + subs
    ws.write(PROVIDER_FILE, text)
    ws.refuse_everywhere(PROVIDER_FILE, None, f"loops back: {chain}")
    # the message points into the sub-processor list, not at line 1
    outcome = invoke(["validate", str(ws.register)])
    line = int(outcome.diagnostics()[0]["line"])
    assert line > line_of(text, "sub_processors:")


def test_long_acyclic_chain_is_accepted(ws: Workspace) -> None:
    subs = "".join(f"  - {{id: s{i}, sub_processors: [s{i + 1}]}}\n" for i in range(200)) + "  - {id: s200}\n"
    ws.write(PROVIDER_FILE, PROVIDER + "sub_processors:\n" + subs)
    outcome = invoke(["validate", str(ws.register), "--fail-on", "never"])
    assert outcome.code == 0, outcome.stderr


# --- rule findings: exit code 1, still located ------------------------------------------------


def test_rule_findings_give_exit_code_1_with_located_message(ws: Workspace) -> None:
    text = PROVIDER.replace(PURPOSES, "    purposes: []\n")
    ws.write(PROVIDER_FILE, text)
    outcome = invoke(["validate", str(ws.register)])
    assert outcome.code == 1, outcome.stdout + outcome.stderr
    assert "Traceback" not in outcome.stderr
    assert f"{PROVIDER_FILE}:{line_of(text, 'purposes: []')}:" in outcome.stdout
    assert "A30-1-b-purpose" in outcome.stdout
