"""Import ropa's own ``register.xlsx`` (written by ``ropa build``) back into a register.

The workbook is a rendering, so each sheet is read back through the labels it was written with
(:mod:`~ropa.importing.register_cells`): Activities (names, purposes and bases, subjects, the
providers' roles), Data categories and Retention (row by row, the same rows), Recipients, Transfers,
Providers and Sub-processors, About (the organisation) and the Art. 30(2) sheet. Columns that only
summarise (counts, open findings, the contract line per activity) are not read: their facts come
from the sheet that holds them in full.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ropa.importing import register_cells as rc
from ropa.importing.grid import Book
from ropa.importing.problems import ImportFailed, Problem
from ropa.importing.register_parties import about, processor_activities, providers
from ropa.importing.table import Row, Table, read_table, source
from ropa.importing.values import date as parse_date
from ropa.importing.writer import Imported
from ropa.importing.yamlout import Node

ACTIVITIES = (
    "Provider id", "Provider", "Provider role", "Activity id", "Activity", "Description",
    "Purposes of processing (Art. 30(1)(b))", "Lawful basis per purpose (Art. 6)", "Legitimate interests and LIA",
    "Consent: how given and withdrawn", "Legal provision (Art. 6(3))", "Type of purpose",
    "Categories of data subjects (Art. 30(1)(c))", "Children: ages, consent, notice (Art. 8, 12(1))",
    "Categories of personal data (Art. 30(1)(c))", "Special categories and Art. 9 condition",
    "Criminal offence data (Art. 10)", "Source of the data", "Recipients (Art. 30(1)(d))",
    "Contract with processor (Art. 28(3))", "Transfers: country, mechanism, SCC module (Art. 30(1)(e))",
    "Location of personal data", "Retention per data category (Art. 30(1)(f))",
    "Security measures (Art. 30(1)(g), Art. 32)", "DPIA required (Art. 35)", "DPIA", "Frequency",
    "Risk to data subjects", "Art. 30(5) derogation", "Owner", "Last reviewed", "Sources", "Open findings",
)  # fmt: skip
CATEGORIES = (
    "Provider id", "Activity id", "Activity", "Category id", "Data category", "Special category (Art. 9(1))",
    "Art. 9(2) condition", "Art. 9 law or agreement", "Criminal offence data (Art. 10)", "Art. 10 authority",
    "Restrictions or safeguards (sensitive data)", "Retention duration", "Retention trigger", "Retention criteria",
    "Retention statement (source's words)", "Retention (summary)", "Retention set on", "Sources",
)  # fmt: skip
RETENTION = (
    "Provider id", "Activity id", "Activity", "Data category", "Kind", "Duration", "Runs from", "Criteria",
    "Statutory basis for the period", "Statutory period", "At the end", "Why no limit is possible",
    "Kept after consent is withdrawn", "Basis for keeping after withdrawal", "Statement (source's words)",
    "Retention (summary)", "Set on", "Source",
)  # fmt: skip
RECIPIENTS = (
    "Provider id", "Activity id", "Activity", "Recipient", "Register reference", "Role", "Country", "Data shared",
    "Source",
)  # fmt: skip
TRANSFERS = (
    "Record", "Provider id", "Activity id", "Activity or controller", "Recipient", "Destination", "Export regime",
    "Mechanism", "SCC module", "Clause 9(a) option", "Art. 49 derogation", "Justification or safeguards",
    "Evidence", "Transfer impact assessment", "Art. 49(1) 2nd subpara.: not repetitive",
    "Art. 49(1) 2nd subpara.: data subjects", "Art. 49(1) 2nd subpara.: SA informed",
    "Art. 49(1) 2nd subpara.: data subjects informed", "Frequency", "Data categories", "Source",
)  # fmt: skip
NOT_READ = (
    "Provider", "Categories of personal data (Art. 30(1)(c))", "Special categories and Art. 9 condition",
    "Criminal offence data (Art. 10)", "Recipients (Art. 30(1)(d))", "Contract with processor (Art. 28(3))",
    "Transfers: country, mechanism, SCC module (Art. 30(1)(e))", "Location of personal data",
    "Retention per data category (Art. 30(1)(f))", "Children: ages, consent, notice (Art. 8, 12(1))",
    "Open findings",
)  # fmt: skip
"""Activities columns that summarise another sheet (or the findings): read from that sheet instead."""


@dataclass
class _Activity:
    row: Row
    group: str
    head: Node
    purposes: list[Node]
    tail: Node
    categories: list[Node] = field(default_factory=list)
    recipients: list[Node] | None = None
    transfers: list[Node] = field(default_factory=list)
    retention: Node | None = None
    names: dict[str, str] = field(default_factory=dict)

    def node(self) -> Node:
        out = Node(notes=self.head.notes)
        out.items.update(self.head.items)
        out.set("purposes", self.purposes)
        for key in ("data_subjects",):
            if key in self.tail.items:
                out.items[key] = self.tail.items.pop(key)
        out.set("data_categories", self.categories)
        if "data_source" in self.tail.items:
            out.items["data_source"] = self.tail.items.pop("data_source")
        if self.recipients is not None:
            out.set("recipients", self.recipients, keep_empty=True)
        out.set("transfers", self.transfers)
        out.set("retention", self.retention)
        out.items.update(self.tail.items)
        return out


ACTIVITY_ALIASES = {
    "Purpose of processing": "Purposes of processing (Art. 30(1)(b))",
    "Article 6 lawful basis for processing personal data": "Lawful basis per purpose (Art. 6)",
    "Categories of individuals": "Categories of data subjects (Art. 30(1)(c))",
    "Categories of personal data": "Categories of personal data (Art. 30(1)(c))",
    "Article 9 condition for processing special category data": "Special categories and Art. 9 condition",
    "The source of the personal data (if applicable)": "Source of the data",
    "Categories of recipients": "Recipients (Art. 30(1)(d))",
    "Link to contract with processor": "Contract with processor (Art. 28(3))",
    "Retention schedule (if possible)": "Retention per data category (Art. 30(1)(f))",
    "General description of technical and organisational security measures (if possible)": (
        "Security measures (Art. 30(1)(g), Art. 32)"
    ),
    "Data Protection Impact Assessment required?": "DPIA required (Art. 35)",
    "Link to Data Protection Impact Assessment": "DPIA",
}
"""The ICO template's headings, which later workbooks of ropa build use for the same Activities columns."""


def _table(book: Book, shown: str, name: str, headings: tuple[str, ...], problems: list[Problem]) -> Table | None:
    sheet = book.sheet(name)
    if sheet is None:
        problems.append(Problem(shown, name, "", f"sheet '{name}' is missing; is this a register.xlsx of ropa build?"))
        return None
    aliases = ACTIVITY_ALIASES if name == "Activities" else None
    return read_table(shown, sheet, headings, problems, minimum=min(len(headings), 6), aliases=aliases)


def import_register(book: Book, shown: str) -> Imported:
    """The register a ``register.xlsx`` of ``ropa build`` records."""
    problems: list[Problem] = []
    if book.sheet("About") is None or book.sheet("Activities") is None:
        names = ", ".join(s.name for s in book.sheets[:6])
        raise ImportFailed(
            [Problem(shown, book.sheets[0].name if book.sheets else "", "", f"not a register.xlsx of ropa build "
                     f"(no 'About' and 'Activities' sheets; the sheets are: {names})")]
        )  # fmt: skip
    tables = {
        name: _table(book, shown, name, headings, problems)
        for name, headings in (
            ("Activities", ACTIVITIES),
            ("Data categories", CATEGORIES),
            ("Retention", RETENTION),
            ("Recipients", RECIPIENTS),
            ("Transfers", TRANSFERS),
        )
    }
    organisation = about(book, shown, problems)
    found_providers = providers(book, shown, problems)
    if problems:
        raise ImportFailed(problems)
    activities = _activities(tables["Activities"], shown)
    _categories(tables["Data categories"], tables["Retention"], activities, shown)
    _recipients(tables["Recipients"], activities, shown)
    known = {str(p.items["id"]) for p in found_providers} | {
        f"{p.items['id']}/{s.items['id']}" for p in found_providers for s in p.items.get("sub_processors", [])
    }
    transfers = _transfers(tables["Transfers"], activities, shown, known)
    processing = processor_activities(book, shown, transfers, problems)
    if problems:
        raise ImportFailed(problems)
    organisation.set("processor_activities", processing)
    imported = Imported(organisation, providers=found_providers)
    for item in activities.values():
        imported.activities.setdefault(item.group, []).append(item.node())
    return imported


def _activities(table: Table | None, shown: str) -> dict[str, _Activity]:
    out: dict[str, _Activity] = {}
    for row in table.rows if table else []:
        activity_id = row.get("Activity id")
        if not activity_id:
            continue
        where = source(shown, row)
        head = Node()
        head.set("id", activity_id)
        head.set("name", row.get("Activity"))
        head.set("description", rc.given(row.get("Description")))
        head.set("source", rc.origin(shown, row, "\n".join(dict.fromkeys(rc.lines(row.get("Sources"))))))
        purposes = _purposes(row, where)
        tail = Node()
        subjects = []
        for name in rc.lines(row.get("Categories of data subjects (Art. 30(1)(c))")):
            subject = Node()
            children = name.endswith(" (includes children)")
            subject.set("name", name.removesuffix(" (includes children)"))
            subject.set("children", True if children else None)
            subject.set("source", where)
            subjects.append(subject)
        tail.set("data_subjects", subjects)
        tail.set("data_source", rc.given(row.get("Source of the data")))
        ids = rc.lines(row.get("Provider id"))
        measures = []
        for line in rc.lines(row.get("Security measures (Art. 30(1)(g), Art. 32)")):
            if any(line.startswith(f"{pid}: ") for pid in ids):
                continue  # a processor's own measure, imported with the provider
            measure = rc.tom(line, where)
            if measure is None:
                head.note(f"Security measure not read (no measure type): {line}")
            else:
                measures.append(measure)
        tail.set("security_measures", measures)
        tail.set("dpia", rc.document(row.get("DPIA"), where))
        required = row.get("DPIA required (Art. 35)")
        tail.set("dpia_required", {"Required": True, "Not required": False}.get(required or ""))
        tail.set("frequency", rc.frequency(row.get("Frequency")))
        tail.set("risk", rc.risk(row.get("Risk to data subjects")))
        claim = row.get("Art. 30(5) derogation")
        tail.set("art30_5_derogation", {"Claimed (this activity)": True, "Not claimed (recorded in full)": False}.get(
            claim or ""))  # fmt: skip
        tail.set("owner", rc.given(row.get("Owner")))
        tail.set("providers", _involvements(row, ids, where))
        reviewed = parse_date(rc.given(row.get("Last reviewed")))
        tail.set("last_reviewed", reviewed if isinstance(reviewed, dt.date) else None)
        group = ids[0].split("/")[0] if ids else "in-house"
        out[activity_id] = _Activity(row, group, head, purposes, tail)
    return out


def _purposes(row: Row, where: str) -> list[Node]:
    texts = rc.purposes(row.get("Purposes of processing (Art. 30(1)(b))"))
    count = len(texts)
    bases = rc.numbered(row.get("Lawful basis per purpose (Art. 6)"), count)
    interests = rc.numbered(row.get("Legitimate interests and LIA"), count)
    consent = rc.numbered(row.get("Consent: how given and withdrawn"), count)
    provision = rc.numbered(row.get("Legal provision (Art. 6(3))"), count)
    kinds = rc.numbered(row.get("Type of purpose"), count)
    out = []
    for n, description in enumerate(texts, 1):
        node = Node()
        node.set("description", description)
        rc.basis(bases.get(n), node)
        if n in interests:
            interest, _, lia = interests[n].partition("; LIA: ")
            node.set("legitimate_interest", rc.given(interest))
            node.set("lia", rc.document(lia, where))
        if n in consent:
            given_text, _, withdrawn = consent[n].removeprefix("Collected: ").partition("; withdrawn: ")
            node.set("consent_mechanism", rc.given(given_text))
            node.set("withdrawal_mechanism", rc.given(withdrawn))
        node.set("legal_provision", rc.given(provision.get(n)))
        node.set("purpose_type", rc.given(kinds.get(n)))
        node.set("source", where)
        out.append(node)
    return out


_INVOLVEMENT_ROLES = {"processor", "sub_processor", "independent_controller", "joint_controller"}


def _involvements(row: Row, ids: list[str], where: str) -> list[Node]:
    roles = rc.lines(row.get("Provider role"))
    out = []
    for index, ref in enumerate(ids):
        role = rc.role(roles[index]) if index < len(roles) else None
        role = "independent_controller" if role == "controller" else role
        node = Node()
        node.set("provider", ref)
        if role in _INVOLVEMENT_ROLES:
            node.set("role", role)
        else:
            node.note(f"role of {ref} not stated in the workbook: give one of processor, sub_processor, "
                      "independent_controller, joint_controller")  # fmt: skip
            node.set("role", "processor")
            node.note("imported as 'processor' so that the register loads: check it")
        node.set("source", where)
        out.append(node)
    return out


def _categories(table: Table | None, kept: Table | None, activities: dict[str, _Activity], shown: str) -> None:
    retention_rows = kept.rows if kept else []
    for index, row in enumerate(table.rows if table else []):
        item = activities.get(row.get("Activity id") or "")
        if item is None:
            continue
        where = rc.origin(shown, row, None)
        other = retention_rows[index] if index < len(retention_rows) else None
        retention = _retention(row, other, shown)
        set_on = row.get("Retention set on") or ""
        category_id = rc.given(row.get("Category id"))
        if set_on.startswith("Activity") and item.retention is None:
            item.retention = retention
        if category_id is None:
            continue
        node = Node()
        node.set("id", category_id)
        node.set("name", row.get("Data category"))
        node.set("source", rc.origin(shown, row, row.get("Sources")))
        special = rc.special(row.get("Special category (Art. 9(1))"))
        node.set("special", special)
        node.set("art9_condition", rc.article_point(row.get("Art. 9(2) condition"), "9"))
        node.set("art9_law_ref", rc.given(row.get("Art. 9 law or agreement")))
        safeguards = rc.given(row.get("Restrictions or safeguards (sensitive data)"))
        if safeguards:
            head, _, secrecy = safeguards.partition("Professional secrecy (Art. 9(3)): ")
            node.set("professional_secrecy", secrecy or None)
            node.set("safeguards", head.removesuffix("; ") or None)
        criminal = row.get("Criminal offence data (Art. 10)") == "Yes"
        node.set("criminal", True if criminal else None)
        node.set("art10_authority", rc.given(row.get("Art. 10 authority")))
        if set_on == "Data category":
            node.set("retention", retention)
        item.categories.append(node)
        item.names[str(node.items.get("name"))] = category_id
        _ = where


def _retention(row: Row, other: Row | None, shown: str) -> Node | None:
    """The retention of one category row, from the Retention sheet's row of the same category."""
    if rc.given(row.get("Retention set on")) is None:
        return None
    node = Node()
    if other is None or other.get("Activity id") != row.get("Activity id"):
        node.set("duration", rc.duration(row.get("Retention duration")))
        node.set("trigger_event", rc.given(row.get("Retention trigger")))
        node.set("criteria", rc.given(row.get("Retention criteria")))
        node.set("statement", rc.given(row.get("Retention statement (source's words)")))
        node.set("source", source(shown, row))
        return node
    kind = rc.given(other.get("Kind"))
    node.set("kind", kind.replace(" ", "_") if kind else None)
    node.set("duration", rc.duration(other.get("Duration")))
    node.set("trigger_event", rc.given(other.get("Runs from")))
    node.set("criteria", rc.given(other.get("Criteria")))
    node.set("statement", rc.given(other.get("Statement (source's words)")))
    node.set("legal_basis_for_period", rc.given(other.get("Statutory basis for the period")))
    node.set("end_action", rc.end_action(other.get("At the end")))
    node.set("not_possible_reason", rc.given(other.get("Why no limit is possible")))
    node.set("statutory_period", rc.duration(other.get("Statutory period")))
    node.set("after_withdrawal", rc.duration(other.get("Kept after consent is withdrawn")))
    node.set("residual_basis", rc.given(other.get("Basis for keeping after withdrawal")))
    node.set("source", rc.origin(shown, other, other.get("Source")))
    return node


def _recipients(table: Table | None, activities: dict[str, _Activity], shown: str) -> None:
    for row in table.rows if table else []:
        item = activities.get(row.get("Activity id") or "")
        if item is None:
            continue
        who = row.get("Recipient")
        if rc.given(who) is None:
            continue
        if item.recipients is None:
            item.recipients = []
        if who == "No recipients (stated)":
            continue
        node = Node()
        ref = row.get("Register reference")
        if ref and ref != "None (named category)":
            node.set("provider", ref)
        else:
            node.set("category", rc.given(who))
        node.set("role", rc.role(row.get("Role")))
        node.set("country", rc.country(row.get("Country")))
        node.set("data_shared", rc.lines(row.get("Data shared")))
        node.set("source", rc.origin(shown, row, row.get("Source")))
        item.recipients.append(node)


def _transfers(
    table: Table | None, activities: dict[str, _Activity], shown: str, known: set[str]
) -> dict[str, list[Node]]:
    """Transfers of Art. 30(1) activities are set on them; those of the Art. 30(2) record are returned by id."""
    processor: dict[str, list[Node]] = {}
    for row in table.rows if table else []:
        activity_id = row.get("Activity id") or ""
        item = activities.get(activity_id)
        node = Node()
        node.set("country", rc.country(row.get("Destination")))
        if "country" not in node.items:
            node.set("international_organisation", rc.given(row.get("Destination")))
        recipient = row.get("Recipient") or ""
        ref = rc.reference(recipient)
        node.set("recipient", ref if ref in known else recipient)
        mechanism = rc.mechanism(row.get("Mechanism"), None)
        if mechanism is not None:
            _mechanism_details(row, mechanism, shown)
            node.set("mechanism", mechanism)
        node.set("frequency", rc.frequency(row.get("Frequency")))
        names = rc.lines(row.get("Data categories"))
        if item is not None:
            node.set("data_categories", [item.names.get(n, n) for n in names])
        else:
            node.set("data_categories", names)
        regime = row.get("Export regime")
        if regime in ("UK", "CH"):
            node.set("origin_regime", regime)
        node.set("source", rc.origin(shown, row, row.get("Source")))
        if row.get("Record") == "Art. 30(2)":
            processor.setdefault(activity_id, []).append(node)
        elif item is not None:
            item.transfers.append(node)
    return processor


def _mechanism_details(row: Row, node: Node, shown: str) -> None:
    node.set("justification", rc.given(row.get("Justification or safeguards")))
    node.set("evidence", rc.document(row.get("Evidence")))
    tia = rc.lines(row.get("Transfer impact assessment"))
    if tia:
        found = rc.document(tia[0])
        if found is not None:
            for line in tia[1:]:
                if line.startswith("outcome: "):
                    found.set("outcome", line.removeprefix("outcome: "))
                elif line.startswith("measures: "):
                    found.set("supplementary_measures", line.removeprefix("measures: ").split("; "))
            node.set("tia", found)
    if node.items.get("derogation") == "49.1.second":
        interests = Node()
        repetitive = row.get("Art. 49(1) 2nd subpara.: not repetitive")
        interests.set("non_repetitive", {"Yes": True, "No": False}.get(repetitive or ""))
        interests.set("limited_data_subjects", rc.given(row.get("Art. 49(1) 2nd subpara.: data subjects")))
        informed = parse_date(rc.given(row.get("Art. 49(1) 2nd subpara.: SA informed")))
        interests.set("sa_informed_on", informed)
        interests.set("data_subjects_informed", rc.given(row.get("Art. 49(1) 2nd subpara.: data subjects informed")))
        node.set("compelling_interests", interests)
    node.set("source", rc.origin(shown, row, row.get("Source")))
