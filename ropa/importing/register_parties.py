"""ropa's own workbook: the organisation (About sheet), the providers with their sub-processors, and the
Art. 30(2) record, read back for :mod:`~ropa.importing.register_xlsx`."""

from __future__ import annotations

import datetime as dt
import re

from ropa.importing import register_cells as rc
from ropa.importing.grid import Book
from ropa.importing.problems import Problem
from ropa.importing.table import Row, read_table, source
from ropa.importing.values import Ids, slug
from ropa.importing.values import date as parse_date
from ropa.importing.yamlout import Node
from ropa.model.labels import ART28_SHORT

PROVIDERS = (
    "Provider id", "Legal name", "Trading name", "Registration number", "Address", "Country", "Role", "Service",
    "Contacts", "DPO", "EU representative (Art. 27)", "Data locations", "Transfer mechanisms", "DPF certification",
    "Contract / DPA (Art. 28(3))", "Signed", "Form (Art. 28(9))", "Based on", "Contract kept at", "Subject-matter",
    "Duration", "Nature", "Data kept by the processor at most", "Clause 1 option (2021/915)",
    "Assistance to the controller (2021/915 Clauses 8, 9)", "Art. 28(3)(a) instructions",
    "Art. 28(3)(b) confidentiality", "Art. 28(3)(c) security", "Art. 28(3)(d) sub-processors",
    "Art. 28(3)(e) data subject rights", "Art. 28(3)(f) Arts 32-36 assistance", "Art. 28(3)(g) deletion or return",
    "Art. 28(3)(h) audits", "Art. 28(3) notice of infringing instructions", "Sub-processor authorisation (Art. 28(2))",
    "Sub-processors", "Security measures (Art. 32)", "Documents", "Activities", "Source",
)  # fmt: skip
SUB_PROCESSORS = (
    "Provider id", "Provider", "Sub-processor id", "Sub-processor", "Country", "Address", "Contact person", "Service",
    "Authorisation", "Authorised on", "Flow-down contract (Art. 28(4))", "Transfer mechanism", "DPF certification",
    "Passes data on to", "Source",
)  # fmt: skip
PROCESSOR = (
    "Activity id", "Controller (Art. 30(2)(a))", "Controller contact", "Categories of processing (Art. 30(2)(b))",
    "Transfers (Art. 30(2)(c))", "Security measures (Art. 30(2)(d))", "Last reviewed", "Sources",
)  # fmt: skip
OWN = (
    "Provider id", "Provider", "Purpose of the provider's own processing", "The provider's basis", "Data it uses",
    "Uses data it processes for the organisation", "Shared with", "The provider's own retention", "Source",
)  # fmt: skip
OWN_SHEET = "Own processing"
PROCESSOR_SHEET = "Art. 30(2) processor"
_ART28 = ART28_SHORT


def _where(shown: str, row: Row, original: str | None) -> str:
    return rc.origin(shown, row, original)


def _about_rows(book: Book) -> dict[str, str]:
    sheet = book.sheet("About")
    out: dict[str, str] = {}
    for cells in sheet.rows[1:] if sheet else []:
        if len(cells) >= 2 and isinstance(cells[0].value, str):
            from ropa.importing.values import text

            value = text(cells[1].value)
            if value is not None:
                out[cells[0].value] = value
    return out


def contact(value: str | None, source_text: str | None = None) -> Node | None:
    """A contact cell (name and position on the first line, then e-mail, phone, web address)."""
    found = rc.lines(value)
    if not found:
        return None
    node = Node()
    for line in found:
        if re.fullmatch(r"[^@\s]+@[^@\s]+", line):
            node.set("email", line)
        elif line.startswith(("http://", "https://")):
            node.set("url", line)
        elif re.fullmatch(r"[+0-9 ()./-]{5,}", line):
            node.set("phone", line)
        elif "name" not in node.items:
            name, _, position = line.partition(", ")
            node.set("name", name)
            node.set("position", position or None)
    node.set("source", source_text)
    return node


def _address(value: str | None) -> Node | None:
    """'street, postcode city, region, CC' (the parts that are set): the country always comes last."""
    parts = (rc.given(value) or "").split(", ")
    if len(parts) < 2 or not re.fullmatch(r"[A-Z]{2}", parts[-1]):
        return None
    node = Node()
    *rest, code = parts
    if rest:
        node.set("street", rest.pop(0))
    if rest:
        postal, _, city = rest.pop(0).partition(" ")
        if any(c.isdigit() for c in postal) and city:
            node.set("postal_code", postal)
            node.set("city", city)
        else:
            node.set("city", f"{postal} {city}".strip())
    if rest:
        node.set("region", ", ".join(rest))
    node.set("country", code)
    return node


def about(book: Book, shown: str, problems: list[Problem]) -> Node:
    """organisation.yaml from the About sheet."""
    rows = _about_rows(book)
    where = f"{shown}, About"
    node = Node()
    node.set("legal_name", rows.get("Organisation (controller)"))
    node.set("trading_name", rc.given(rows.get("Trading name")))
    node.set("registration_number", rc.given(rows.get("Registration number")))
    node.set("address", _address(rows.get("Address")))
    node.set("country", rc.country(rows.get("Country of main establishment")))
    node.set("source", where)
    node.set("contact", contact(rows.get("Privacy contact")))
    dpo_text = rows.get("Data protection officer")
    if dpo_text == "Not designated":
        dpo = Node()
        dpo.set("designated", False)
        node.set("dpo", dpo)
    else:
        node.set("dpo", contact(dpo_text))
    node.set("lead_supervisory_authority", rc.given(rows.get("Lead supervisory authority")))
    acts = (rows.get("Acts as") or "").casefold()
    node.set("roles", [r for r in ("controller", "processor") if r in acts])
    node.set("public_authority", True if rows.get("Public authority or body") == "Yes" else None)
    employees = rows.get("Employees")
    node.set("employees", int(employees) if employees and employees.isdigit() else None)
    if (rows.get("Art. 30(5) derogation (under 250 employees)") or "").startswith("Claimed ("):
        node.set("art30_5_derogation", True)
    joint = []
    for line in rc.lines(rows.get("Joint controllers (Art. 26)")):
        name, _, arrangement = line.partition("; arrangement: ")
        item = Node()
        item.set("name", name)
        item.set("arrangement_ref", rc.given(arrangement))
        item.set("source", where)
        joint.append(item)
    node.set("joint_controllers", joint)
    record = Node()
    record.set("version", rows.get("Record version"))
    record.set("date", parse_date(rows.get("Record date")))
    title = rows.get("Title")
    record.set("title", title if title and title != "Record of processing activities" else None)
    node.set("record", record)
    for key, label in (("legal_name", "Organisation (controller)"), ("country", "Country of main establishment")):
        if key not in node.items:
            problems.append(Problem(shown, "About", "", f"row '{label}' is missing or empty"))
    if "version" not in record.items or "date" not in record.items:
        problems.append(Problem(shown, "About", "", "rows 'Record version' and 'Record date' are needed"))
    return node


def _contract(row: Row, where: str) -> Node | None:
    title = rc.given(row.get("Contract / DPA (Art. 28(3))"))
    if title is None:
        return None
    node = Node()
    match = re.fullmatch(r"(.*) \(version ([^)]*)\)", title)
    node.set("title", match[1] if match else title)
    node.set("version", match[2] if match else None)
    node.set("signed", parse_date(rc.given(row.get("Signed"))))
    node.set("form", rc.choice(row.get("Form (Art. 28(9))"), ("written", "electronic")))
    node.set("based_on", rc.choice(row.get("Based on"), ("custom", "scc_2021_915", "scc_2021_914")))
    node.set("location", rc.given(row.get("Contract kept at")))
    art28 = Node()
    items = {
        **{k: f"Art. 28(3)({k}) {v}" for k, v in _ART28.items()},
        "notice": "Art. 28(3) notice of infringing instructions",
    }
    for key, heading in items.items():
        value = rc.given(row.get(heading))
        match = re.fullmatch(r"(Covered|Not covered)(?: \(([^)]*)\))?(?:: (.*))?", value or "", re.S)
        if match:
            ref = Node()
            ref.set("covered", match[1] == "Covered")
            ref.set("section", match[2])
            ref.set("note", match[3])
            art28.set(key, ref)
    node.set("art28", art28)
    node.set("subject_matter", rc.given(row.get("Subject-matter")))
    node.set("duration", rc.given(row.get("Duration")))
    node.set("nature", rc.given(row.get("Nature")))
    node.set("data_retention", rc.duration(row.get("Data kept by the processor at most")))
    option = row.get("Clause 1 option (2021/915)") or ""
    node.set("clause1_option", "2016/679" if "2016/679" in option else "2018/1725" if "2018/1725" in option else None)
    node.set("assistance_measures", rc.given(row.get("Assistance to the controller (2021/915 Clauses 8, 9)")))
    node.set("source", where)
    return node


def _dpf(value: str | None) -> Node | None:
    found = rc.given(value)
    if not found:
        return None
    parts = found.split(", ")
    node = Node()
    node.set("certified", parts[0] == "Certified")
    for part in parts[1:]:
        if part in ("EU-US", "UK-extension", "Swiss-US"):
            node.set("part", part)
        elif match := re.fullmatch(r"covers (hr|non-hr|both) data", part):
            node.set("covers", match[1])
        elif match := re.fullmatch(r"checked (\d{4}-\d\d-\d\d)", part):
            node.set("checked_on", dt.date.fromisoformat(match[1]))
    return node


def _documents(value: str | None, where: str) -> list[Node]:
    out = []
    for line in rc.lines(value):
        parts = line.split(", ")
        node = Node()
        url = parts.pop() if len(parts) > 1 and parts[-1].startswith(("http://", "https://")) else None
        day = parts.pop() if len(parts) > 1 and re.fullmatch(r"\d{4}-\d\d-\d\d", parts[-1]) else None
        node.set("title", ", ".join(parts))
        node.set("url", url)
        node.set("date", dt.date.fromisoformat(day) if day else None)
        node.set("source", where)
        out.append(node)
    return out


def _authorisation(value: str | None) -> Node | None:
    found = rc.given(value)
    if not found:
        return None
    parts = found.split("; ")
    match = re.fullmatch(r"(Specific|General) authorisation", parts[0])
    if not match:
        return None
    node = Node()
    node.set("type", match[1].lower())
    for part in parts[1:]:
        if part.startswith("notice "):
            node.set("notice_period", rc.duration(part))
        elif part.startswith("objections: "):
            node.set("objection_channel", part.removeprefix("objections: "))
    return node


def _measures(value: str | None, where: str, node: Node) -> list[Node]:
    out = []
    for line in rc.lines(value):
        measure = rc.tom(line, where)
        if measure is None:
            node.note(f"Security measure not read (no measure type): {line}")
        else:
            out.append(measure)
    return out


def providers(book: Book, shown: str, problems: list[Problem]) -> list[Node]:
    """One provider per row of the Providers sheet, with its rows of the Sub-processors sheet."""
    sheet = book.sheet("Providers")
    if sheet is None:
        problems.append(Problem(shown, "Providers", "", "sheet 'Providers' is missing"))
        return []
    table = read_table(shown, sheet, PROVIDERS, problems, minimum=6)
    subs = book.sheet("Sub-processors")
    sub_table = read_table(shown, subs, SUB_PROCESSORS, problems, minimum=6) if subs is not None else None
    by_provider: dict[str, list[Node]] = {}
    for row in sub_table.rows if sub_table else []:
        pid, node = row.get("Provider id"), _sub_processor(row, shown)
        if pid and node is not None:
            by_provider.setdefault(pid, []).append(node)
    own = own_processing(book, shown, problems)
    out = []
    for row in table.rows if table else []:
        pid = row.get("Provider id")
        if not pid:
            continue
        where = _where(shown, row, row.get("Source"))
        node = Node()
        node.set("id", pid)
        node.set("legal_name", row.get("Legal name"))
        node.set("trading_name", rc.given(row.get("Trading name")))
        node.set("registration_number", rc.given(row.get("Registration number")))
        node.set("address", _address(row.get("Address")))
        node.set("country", rc.country(row.get("Country")))
        node.set("source", where)
        contacts = [c for c in (contact(block) for block in _blocks(row.get("Contacts"))) if c is not None]
        node.set("contacts", contacts)
        dpo = row.get("DPO")
        if dpo == "Not designated":
            found = Node()
            found.set("designated", False)
            node.set("dpo", found)
        else:
            node.set("dpo", contact(dpo))
        node.set("eu_representative", rc.given(row.get("EU representative (Art. 27)")))
        node.set("service", row.get("Service"))
        node.set("documents", _documents(row.get("Documents"), where))
        node.set("contract", _contract(row, where))
        locations = [rc.country(line) for line in rc.lines(row.get("Data locations"))]
        node.set("data_locations", [c for c in locations if c])
        mechanisms = [rc.mechanism(line, where) for line in rc.lines(row.get("Transfer mechanisms"))]
        node.set("mechanisms", [m for m in mechanisms if m is not None])
        node.set("dpf", _dpf(row.get("DPF certification")))
        node.set("toms", _measures(row.get("Security measures (Art. 32)"), where, node))
        node.set("sub_processor_authorisation", _authorisation(row.get("Sub-processor authorisation (Art. 28(2))")))
        node.set("sub_processors", by_provider.get(pid or "", []))
        node.set("own_processing", own.get(pid or "", []))
        out.append(node)
    return out


def own_processing(book: Book, shown: str, problems: list[Problem]) -> dict[str, list[Node]]:
    """The Own processing sheet (absent when no provider has any): provider id -> its own purposes.

    The workbook shows the provider's retention as one sentence; a single period ("7 years (P7Y) from ...")
    comes back as duration and trigger event, anything else as the retention's statement. The retention's own
    statement and source are not in the workbook and do not come back.
    """
    sheet = book.sheet(OWN_SHEET)
    table = read_table(shown, sheet, OWN, problems, minimum=6) if sheet is not None else None
    found: dict[str, list[Node]] = {}
    ids: dict[str, Ids] = {}
    for row in table.rows if table else []:
        pid, purpose = row.get("Provider id"), rc.given(row.get("Purpose of the provider's own processing"))
        if not pid or not purpose:
            continue
        node = Node()
        node.set("id", ids.setdefault(pid, Ids()).take(slug(purpose)))
        node.set("purpose", purpose)
        rc.basis(row.get("The provider's basis"), node)
        node.set("data", rc.lines(row.get("Data it uses")))
        node.set("uses_organisation_data", _uses(row.get("Uses data it processes for the organisation")))
        node.set("shared_with", rc.lines(row.get("Shared with")))
        node.set("retention", _own_retention(row.get("The provider's own retention")))
        node.set("source", _where(shown, row, row.get("Source")))
        found.setdefault(pid, []).append(node)
    return found


def _uses(value: str | None) -> bool | None:
    """'Yes', 'Yes: for this purpose the provider is a controller ...' -> True; 'No' -> False; a gap -> None."""
    found = rc.given(value)
    if found is None:
        return None
    return True if found.startswith("Yes") else False if found == "No" else None


_PERIOD_FROM = re.compile(r".+? \((P[0-9YMWD]+)\)(?: from (.+))?")


def _own_retention(value: str | None) -> Node | None:
    """The inverse of the workbook's retention sentence for the parts it can be sure of; else the text as said."""
    found = rc.given(value)
    if found is None:
        return None
    node = Node()
    unread = []
    for part in found.split("; "):
        period = _PERIOD_FROM.fullmatch(part)
        if period:
            node.set("kind", "duration")
            node.set("duration", period[1])
            node.set("trigger_event", period[2])
        elif part.startswith("Then ") and rc.end_action(part.removeprefix("Then ")):
            node.set("end_action", rc.end_action(part.removeprefix("Then ")))
        elif part.startswith("As stated: "):
            node.set("statement", part.removeprefix("As stated: "))
        else:
            unread.append(part)
    if unread:
        node.set("statement", found)
    return node


def _blocks(value: str | None) -> list[str]:
    """The contacts of a Contacts cell: a new contact starts at each line that is not a channel."""
    blocks: list[list[str]] = []
    for line in rc.lines(value):
        channel = "@" in line or line.startswith(("http://", "https://")) or re.fullmatch(r"[+0-9 ()./-]{5,}", line)
        if channel and blocks:
            blocks[-1].append(line)
        else:
            blocks.append([line])
    return ["\n".join(b) for b in blocks]


def _sub_processor(row: Row, shown: str) -> Node | None:
    sid = row.get("Sub-processor id")
    if not sid:
        return None
    where = _where(shown, row, row.get("Source"))
    node = Node()
    node.set("id", sid)
    name = row.get("Sub-processor") or ""
    if name.startswith("As described: "):
        node.set("category", name.removeprefix("As described: "))
    else:
        node.set("name", rc.given(name))
    node.set("country", rc.country(row.get("Country")))
    node.set("address", rc.given(row.get("Address")))
    node.set("contact", contact(row.get("Contact person")))
    node.set("service", rc.given(row.get("Service")))
    node.set("authorisation", rc.choice(row.get("Authorisation"), ("specific", "general")))
    node.set("authorised_on", parse_date(rc.given(row.get("Authorised on"))))
    node.set("flow_down", rc.given(row.get("Flow-down contract (Art. 28(4))")))
    node.set("mechanism", rc.mechanism(row.get("Transfer mechanism"), where))
    node.set("dpf", _dpf(row.get("DPF certification")))
    chain = [rc.reference(line) for line in rc.lines(row.get("Passes data on to"))]
    node.set("sub_processors", [ref.split("/", 1)[1] for ref in chain if ref and "/" in ref])
    node.set("source", where)
    return node


def processor_activities(
    book: Book, shown: str, transfers: dict[str, list[Node]], problems: list[Problem]
) -> list[Node]:
    """The Art. 30(2) record, with its transfers from the Transfers sheet."""
    sheet = book.sheet(PROCESSOR_SHEET)
    if sheet is None:
        return []
    table = read_table(shown, sheet, PROCESSOR, problems, minimum=4)
    out = []
    for row in table.rows if table else []:
        pid = row.get("Activity id")
        if rc.given(pid) is None:
            continue
        where = source(shown, row)
        node = Node()
        node.set("id", pid)
        node.set("controller", row.get("Controller (Art. 30(2)(a))"))
        node.set("controller_contact", rc.given(row.get("Controller contact")))
        node.set("categories_of_processing", rc.lines(row.get("Categories of processing (Art. 30(2)(b))")))
        node.set("transfers", transfers.get(pid or "", []))
        node.set("security_measures", _measures(row.get("Security measures (Art. 30(2)(d))"), where, node))
        node.set("last_reviewed", parse_date(rc.given(row.get("Last reviewed"))))
        node.set("source", where)
        out.append(node)
    return out
