"""Import the UK ICO documentation templates: the controller sheet (one activity a row) and the processor
sheet (one Art. 30(2) entry a row).

The controller columns are those of /work/shared/gdpr-reference.md §7.1 (read from the workbook by a
secondary source); the processor columns are **unverified** there (§7.1, §8 item 7), so an import that
reads a processor sheet says so in its notes. Every sheet with a recognisable header row is read.
"""

from __future__ import annotations

import datetime as dt

from ropa.importing.grid import Book, Sheet
from ropa.importing.problems import ImportFailed, Problem
from ropa.importing.table import Row, find_header, heading_key, read_table, source
from ropa.importing.values import Ids, basis, countries, retention, slug, split_list, yes_no
from ropa.importing.writer import Imported
from ropa.importing.yamlout import Node

CONTROLLER = (
    "Business function", "Purpose of processing", "Name and contact details of joint controller",
    "Categories of individuals", "Categories of personal data", "Categories of recipients",
    "Link to contract with processor",
    "Names of third countries or international organisations that personal data are transferred to",
    "Safeguards for exceptional transfers of personal data to third countries or international organisations",
    "Retention schedule", "General description of technical and organisational security measures",
    "Article 6 lawful basis for processing personal data", "Article 9 condition for processing special category data",
    "Legitimate interests for the processing", "Link to record of legitimate interests assessment",
    "Rights available to individuals", "Existence of automated decision-making, including profiling",
    "The source of the personal data", "Link to record of consent", "Location of personal data",
    "Data Protection Impact Assessment required", "Data Protection Impact Assessment progress",
    "Link to Data Protection Impact Assessment", "Has a personal data breach occurred",
    "Link to record of personal data breach", "Data Protection Act 2018 Schedule 1 Condition for processing",
    "GDPR Article 6 lawful basis for processing", "Link to retention and erasure policy document",
    "Is personal data retained and erased in accordance with the policy document",
    "Reasons for not adhering to policy document",
)  # fmt: skip
"""The 30 columns of the controller template, in order (gdpr-reference.md §7.1)."""
PROCESSOR = (
    "Name and contact details of controller", "Name and contact details of the controller's representative",
    "Name and contact details of the controller's DPO", "Categories of processing",
    "Names of third countries or international organisations", "Safeguards for exceptional transfers",
    "General description of TOMs",
)  # fmt: skip
"""The processor template's columns as gdpr-reference.md §7.1 lists them, marked unverified there."""
NOT_MAPPED = (
    "Link to contract with processor", "Article 9 condition for processing special category data",
    "Location of personal data", "Has a personal data breach occurred", "Link to record of personal data breach",
    "Data Protection Act 2018 Schedule 1 Condition for processing",
)  # fmt: skip
"""Controller columns kept as comments: no field of the register holds them for one activity."""
UNVERIFIED = (
    "the ICO processor template's columns are not verified against the ICO workbook (gdpr-reference.md §7.1, "
    "§8 item 7); check the imported Art. 30(2) entries against your sheet"
)
_MECHANISMS = (
    ("privacy shield", "privacy_shield"), ("safe harbo", "safe_harbor"), ("binding corporate", "bcr"),
    ("bcr", "bcr"), ("standard contractual", "scc_unspecified"), ("scc", "scc_unspecified"),
    ("idta", "ad_hoc_clauses"), ("adequacy", "adequacy"), ("derogation", "derogation"),
)  # fmt: skip
_DPIA = {"not required": "not_required", "planned": "planned", "in progress": "in_progress", "ongoing": "in_progress",
         "done": "done", "complete": "done", "completed": "done"}  # fmt: skip
_TOM_WORDS = (
    ("encrypt", "encryption"), ("pseudonym", "encryption"), ("backup", "restore"), ("back-up", "restore"),
    ("access control", "identification_authorisation"), ("password", "identification_authorisation"),
    ("authenticat", "identification_authorisation"), ("log", "logging"), ("training", "governance"),
    ("polic", "governance"), ("physical", "physical"), ("locked", "physical"), ("firewall", "configuration"),
    ("antivirus", "configuration"), ("patch", "configuration"), ("test", "testing"),
)  # fmt: skip


def _kind(measure: str) -> str | None:
    key = measure.casefold()
    return next((kind for word, kind in _TOM_WORDS if word in key), None)


def measures(value: str | None, where: str, node: Node) -> list[Node]:
    """Security measures from a free-text cell, one a line; a line naming no recognisable measure type stays a
    comment (the register needs a type for each measure)."""
    out = []
    for line in split_list(value):
        kind = _kind(line)
        if kind is None:
            node.note(f"Security measure not imported (no measure type recognised): {line}")
            continue
        item = Node()
        item.set("kind", kind)
        item.set("measure", line)
        item.set("source", where)
        out.append(item)
    return out


def transfers(
    countries_text: str | None, safeguards: str | None, recipient: str | None, where: str, node: Node
) -> list[Node]:
    """One transfer per named country, with the mechanism the safeguards name (SCC, BCR, adequacy...)."""
    codes, unknown = countries(countries_text)
    for name in unknown:
        node.note(f"Transfer destination not recognised as a country: {name}")
    if codes and not recipient:
        node.note(f"Transfers to {', '.join(codes)} not imported: the row names no recipient")
        return []
    kind = next((k for word, k in _MECHANISMS if word in (safeguards or "").casefold()), None)
    if safeguards and kind is None:
        node.note(f"Safeguards not matched to a Chapter V mechanism: {safeguards}")
    out = []
    for code in codes:
        item = Node()
        item.set("country", code)
        item.set("recipient", recipient)
        if kind is not None:
            mechanism = Node()
            mechanism.set("type", kind)
            mechanism.set("justification", safeguards)
            mechanism.set("source", where)
            item.set("mechanism", mechanism)
        item.set("source", where)
        out.append(item)
    return out


def _keep(row: Row, node: Node) -> None:
    for heading in NOT_MAPPED:
        if (value := row.get(heading)) is not None:
            node.note(f"Not mapped, column '{heading}': {value}")
    for heading, value in row.extra:
        node.note(f"Not mapped, column '{heading}': {value}")


def _activity(row: Row, shown: str, ids: Ids, categories: Ids) -> Node | None:
    where = source(shown, row)
    texts = split_list(row.get("Purpose of processing"))
    function = row.get("Business function")
    if not texts and not function:
        return None
    node = Node()
    name = (texts[0] if texts else function or "")[:120]
    node.set("id", ids.take(slug(name)))
    node.set("name", name)
    node.set("source", where)
    stated = row.get("Article 6 lawful basis for processing personal data") or row.get(
        "GDPR Article 6 lawful basis for processing"
    )
    bases = split_list(stated)
    purposes = []
    for n, description in enumerate(texts):
        purpose = Node()
        purpose.set("description", description)
        words = bases[n] if len(bases) == len(texts) else stated
        point = basis(words)
        purpose.set("lawful_basis", point)
        purpose.set("stated_basis", words if point is None else None)
        if point == "6.1.f":
            purpose.set("legitimate_interest", row.get("Legitimate interests for the processing"))
            lia = row.get("Link to record of legitimate interests assessment")
            if lia:
                ref = Node()
                ref.set("ref", lia)
                purpose.set("lia", ref)
        purpose.set("source", where)
        purposes.append(purpose)
    node.set("purposes", purposes)
    node.set("data_subjects", [_named(n, where) for n in split_list(row.get("Categories of individuals"))])
    data = []
    for name_text in split_list(row.get("Categories of personal data")):
        item = Node()
        item.set("id", categories.take(slug(name_text)))
        item.set("name", name_text)
        item.set("source", where)
        data.append(item)
    node.set("data_categories", data)
    node.set("data_source", row.get("The source of the personal data"))
    recipients = [_named(n, where, "category") for n in split_list(row.get("Categories of recipients"))]
    node.set("recipients", recipients)
    recipient = "; ".join(split_list(row.get("Categories of recipients"))) or None
    node.set("transfers", transfers(row.get(CONTROLLER[7]), row.get(CONTROLLER[8]), recipient, where, node))
    kept = retention(row.get("Retention schedule"))
    if kept:
        item = Node()
        item.items.update(kept)
        item.set("source", where)
        node.set("retention", item)
    node.set(
        "security_measures",
        measures(row.get("General description of technical and organisational security measures"), where, node),
    )
    dpia_link = row.get("Link to Data Protection Impact Assessment")
    if dpia_link:
        ref = Node()
        ref.set("ref", dpia_link)
        node.set("dpia", ref)
    node.set("dpia_required", yes_no(row.raw("Data Protection Impact Assessment required")))
    progress = (row.get("Data Protection Impact Assessment progress") or "").casefold().strip(" .")
    node.set("dpia_status", _DPIA.get(progress))
    if progress and progress not in _DPIA:
        node.note(f"DPIA progress not matched (not_required, planned, in_progress, done): {progress}")
    node.set("business_function", function)
    node.set("rights", row.get("Rights available to individuals"))
    adm = row.get("Existence of automated decision-making, including profiling")
    used = yes_no(row.raw("Existence of automated decision-making, including profiling"))
    if adm:
        item = Node()
        item.set("used", used if used is not None else True)
        item.set("description", adm if used is None else None)
        item.set("source", where)
        node.set("automated_decisions", item)
    node.set("consent_record", row.get("Link to record of consent"))
    node.set("retention_policy", row.get("Link to retention and erasure policy document"))
    node.set(
        "follows_retention_policy",
        yes_no(row.raw("Is personal data retained and erased in accordance with the policy document")),
    )
    node.set("policy_deviation", row.get("Reasons for not adhering to policy document"))
    joint = row.get("Name and contact details of joint controller")
    if joint and yes_no(joint) is not False:
        node.note(f"Joint controller (imported into organisation.yaml joint_controllers): {joint}")
    _keep(row, node)
    return node


def _named(name: str, where: str, key: str = "name") -> Node:
    node = Node()
    node.set(key, name)
    node.set("source", where)
    return node


def _processor(row: Row, shown: str, ids: Ids) -> Node | None:
    where = source(shown, row)
    controller = row.get("Name and contact details of controller")
    if not controller:
        return None
    node = Node()
    first = split_list(controller)[0]
    node.set("id", ids.take(slug(first)))
    node.set("controller", first)
    contact = [row.get("Name and contact details of controller")] + [
        f"{label}: {v}" for label, h in (("Representative", PROCESSOR[1]), ("DPO", PROCESSOR[2])) if (v := row.get(h))
    ]
    node.set("controller_contact", "; ".join(c for c in contact if c))
    node.set("categories_of_processing", split_list(row.get("Categories of processing")))
    node.set("transfers", transfers(row.get(PROCESSOR[4]), row.get(PROCESSOR[5]), first, where, node))
    node.set("security_measures", measures(row.get("General description of TOMs"), where, node))
    node.set("source", where)
    for heading, value in row.extra:
        node.note(f"Not mapped, column '{heading}': {value}")
    return node


def _header_block(sheet: Sheet, header: int, shown: str) -> Node:
    """The controller's name, address, e-mail and telephone from the rows above the header (rows 1-6)."""
    found: dict[str, str] = {}
    for cells in sheet.rows[: header - 1]:
        values = [str(c.value).strip() for c in cells if c.value not in (None, "")]
        if len(values) >= 2:
            found.setdefault(heading_key(values[0]), values[1])
    org = Node()
    org.set("legal_name", found.get("name") or found.get("controller") or found.get("name of controller"))
    address = found.get("address")
    codes = countries(address.split(",")[-1] if address else None)[0]
    org.set("country", codes[0] if codes else None)
    org.set("source", f"{shown}, {sheet.name}, rows 1-{header - 1}")
    contact = Node()
    contact.set("email", found.get("email") if found.get("email") and "@" in found["email"] else None)
    contact.set("phone", found.get("telephone"))
    org.set("contact", contact)
    if address:
        org.note(f"Address in the template: {address}")
    return org


def import_ico(book: Book, shown: str) -> Imported:
    """The register an ICO template workbook records."""
    problems: list[Problem] = []
    controller_keys = {heading_key(h): h for h in CONTROLLER}
    processor_keys = {heading_key(h): h for h in PROCESSOR}
    activities: list[Node] = []
    processing: list[Node] = []
    notes: list[str] = []
    org: Node | None = None
    ids, processor_ids = Ids(), Ids()
    joint: list[str] = []
    for sheet in book.sheets:
        if (header := find_header(sheet, controller_keys, 4)) is not None:
            table = read_table(shown, sheet, CONTROLLER, problems, minimum=4)
            org = org or _header_block(sheet, header, shown)
            for row in table.rows if table else []:
                node = _activity(row, shown, ids, Ids())
                if node is not None:
                    activities.append(node)
                    found = row.get("Name and contact details of joint controller")
                    if found and yes_no(found) is not False and found not in joint:
                        joint.append(found)
        elif find_header(sheet, processor_keys, 3) is not None:
            table = read_table(shown, sheet, PROCESSOR, problems, minimum=3)
            notes.append(f"sheet {sheet.name}: {UNVERIFIED}")
            processing.extend(
                n for row in (table.rows if table else []) if (n := _processor(row, shown, processor_ids))
            )
            if org is None:
                header = find_header(sheet, processor_keys, 3) or 1
                org = _header_block(sheet, header, shown)
    if not activities and not processing and not problems:
        names = ", ".join(s.name for s in book.sheets[:6])
        problems.append(Problem(shown, book.sheets[0].name if book.sheets else "", "A1",
                                f"no sheet has the ICO template's header row (e.g. 'Purpose of processing', "
                                f"'Categories of individuals'); the sheets are: {names}"))  # fmt: skip
    if org is not None and "legal_name" not in org.items and not problems:
        problems.append(Problem(shown, book.sheets[0].name, "A1", "the header block (rows 1-6) gives no controller "
                                "name; fill in 'Name' for the controller"))  # fmt: skip
    if problems:
        raise ImportFailed(problems)
    assert org is not None
    if joint:
        org.set("joint_controllers", [_named(j, f"{shown}, joint controller column") for j in joint])
    if processing:
        org.set("roles", ["controller", "processor"] if activities else ["processor"])
        org.set("processor_activities", processing)
    record = Node()
    record.set("version", "1")
    record.set("date", book.modified or dt.date.today())
    org.set("record", record)
    org.note(
        "record.version is 1 and record.date the workbook's last-saved date (or the day of the import): "
        "the template states neither; set your own"
    )
    imported = Imported(org, notes=notes)
    if activities:
        imported.activities["ico-template"] = activities
    return imported
