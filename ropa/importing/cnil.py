"""Import the CNIL register model ("modèle de registre de base"): one fiche per processing activity.

The model is a form, not a table (gdpr-reference.md §7.2, known only from secondary transcriptions):
each fiche sheet is read as rows of a label (the first filled cell) and its values (the cells after
it). Checkbox rows (the data families of item 4, the security measures of item 9) take "Oui"/"x"
in the first value cell, a description in the next and, for data, a retention period in the third.
A sheet with the organisation's details (the page-2 header) gives organisation.yaml; the "Listes"
sheet of the simplified .ods model and sheets that are neither are skipped, with a note.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from ropa.importing.grid import Book, Cell, Sheet
from ropa.importing.ico import measures as free_measures
from ropa.importing.problems import ImportFailed, Problem, cell_name
from ropa.importing.values import Ids, basis, countries, date, folded, retention, slug, split_list, text, yes_no
from ropa.importing.writer import Imported
from ropa.importing.yamlout import Node

FIELDS = {
    "name": ("nom de l'activite", "nom du traitement", "activite", "intitule"),
    "created": ("date de creation",),
    "updated": ("date de derniere mise a jour", "derniere mise a jour", "mise a jour"),
    "joint": ("nom du responsable conjoint", "responsable conjoint", "responsable de traitement conjoint"),
    "software": ("nom du logiciel", "logiciel"),
    "purposes": ("objectifs poursuivis", "finalites", "finalite"),
    "basis": ("base legale", "base juridique"),
    "subjects": ("categories de personnes concernees", "personnes concernees"),
    "sensitive": ("donnees sensibles", "des donnees sensibles"),
    "retention": ("duree de conservation", "durees de conservation"),
    "transfer": ("transferts hors ue", "transfert hors ue", "transferts de donnees hors ue", "transferts hors de l'ue"),
    "countries": ("pays destinataires", "pays de destination", "pays"),
    "guarantees": ("garanties",),
    "transfer_recipient": ("destinataire du transfert", "destinataires du transfert"),
}
"""Fiche items read as values, by the folded start of their label (fiche items 1-3, 5, 6, 8)."""
FAMILIES = {
    "etat civil": "identity", "vie personnelle": "personal_life", "vie professionnelle": "professional_life",
    "informations d'ordre economique": "economic_financial", "donnees de connexion": "connection",
    "donnees de localisation": "location", "donnees internet": "internet", "autres categories": "other",
}  # fmt: skip
"""Fiche item 4: the families of data, as checkbox rows."""
RECIPIENTS = {"destinataires internes": "internal", "organismes externes": None, "sous-traitants": "processor"}
"""Fiche item 7: internal recipients, external bodies (role not stated by the model), processors."""
MEASURES = {
    "controle d'acces": "identification_authorisation", "mesures de tracabilite": "logging",
    "tracabilite": "logging", "mesures de protection des logiciels": "configuration",
    "protection des logiciels": "configuration", "sauvegarde": "restore", "chiffrement": "encryption",
    "controle des sous-traitants": "governance",
}  # fmt: skip
"""Fiche item 9: security measures, as checkbox rows, with the SCC Annex II type each is imported as."""
ORGANISATION = {
    "legal_name": ("nom et coordonnees du responsable", "responsable du traitement", "organisme", "nom"),
    "address": ("adresse",),
    "representative": ("representant legal", "representant"),
    "dpo": ("delegue a la protection des donnees", "dpo"),
}


@dataclass
class _Line:
    number: int
    label: str
    values: list[Cell]

    def value(self, index: int = 0) -> str | None:
        return text(self.values[index].value) if index < len(self.values) else None


def _lines(shown: str, sheet: Sheet, problems: list[Problem]) -> list[_Line]:
    out = []
    for number, cells in enumerate(sheet.rows, 1):
        filled = [(i, c) for i, c in enumerate(cells) if text(c.value) is not None]
        for index, cell in filled:
            if cell.formula:
                message = f"a formula ({str(cell.value)[:40]}) where text is expected; paste the values"
                problems.append(Problem(shown, sheet.name, cell_name(number, index), message))
        for merge in sheet.merges:
            if (
                merge.first_row == number
                and merge.last_row > merge.first_row
                and any(i == merge.first_column for i, _ in filled)
            ):
                first, last = (
                    cell_name(merge.first_row, merge.first_column),
                    cell_name(merge.last_row, merge.last_column),
                )
                problems.append(Problem(shown, sheet.name, first,
                                        f"merged cells {first}:{last} across rows; unmerge them"))  # fmt: skip
        if filled and isinstance(filled[0][1].value, str):
            out.append(_Line(number, folded(filled[0][1].value).strip(" :?*"), [c for _, c in filled[1:]]))
    return out


def _match(label: str, table: dict[str, tuple[str, ...]]) -> str | None:
    for key, starts in table.items():
        if any(label.startswith(s) for s in starts):
            return key
    return None


def _prefixed(label: str, table: dict[str, str | None]) -> tuple[bool, str | None]:
    for start, value in table.items():
        if label.startswith(start):
            return True, value
    return False, None


def _is_fiche(lines: list[_Line]) -> bool:
    return any(_match(line.label, {"purposes": FIELDS["purposes"]}) for line in lines)


def _fiche(shown: str, sheet: Sheet, lines: list[_Line], ids: Ids, notes: list[str]) -> Node:
    where_of = {line.number: f"{shown}, {sheet.name}, row {line.number}" for line in lines}
    found: dict[str, _Line] = {}
    node = Node()
    categories, recipients, toms = [], [], []
    category_ids = Ids()
    unmapped: list[str] = []
    for line in lines:
        here = where_of[line.number]
        known, family = _prefixed(line.label, dict(FAMILIES))
        if known:
            checked = yes_no(line.values[0].value) if line.values else None
            detail = line.value(1) if checked is not None else line.value(0)
            if checked is False or (checked is None and detail is None):
                continue
            item = Node()
            name = detail or line.label.capitalize()
            item.set("id", category_ids.take(slug(name)))
            item.set("name", name)
            item.set("family", family)
            item.set("source", here)
            kept = retention(line.value(2) if checked is not None else line.value(1))
            if kept:
                period = Node()
                period.items.update(kept)
                period.set("source", here)
                item.set("retention", period)
            categories.append(item)
            continue
        known, role = _prefixed(line.label, dict(RECIPIENTS))
        if known:
            for name in split_list(line.value(0)):
                if yes_no(name) is False:
                    continue
                item = Node()
                item.set("category", name)
                item.set("role", role)
                item.set("source", here)
                recipients.append(item)
            continue
        known, kind = _prefixed(line.label, dict(MEASURES))
        if known:
            checked = yes_no(line.values[0].value) if line.values else None
            detail = line.value(1) if checked is not None else line.value(0)
            if checked is False or (checked is None and detail is None):
                continue
            item = Node()
            item.set("kind", kind)
            item.set("measure", detail or line.label.capitalize())
            item.set("source", here)
            toms.append(item)
            continue
        if line.label.startswith("autres mesures"):
            toms.extend(free_measures(line.value(1) or line.value(0), here, node))
            continue
        key = _match(line.label, FIELDS)
        if key is not None and key not in found:
            found[key] = line
        elif line.values:
            unmapped.append(f"Not mapped, row {line.number} '{line.label}': {line.value(0)}")

    def value(key: str) -> str | None:
        return found[key].value(0) if key in found else None

    def where(key: str) -> str:
        return where_of[found[key].number] if key in found else f"{shown}, {sheet.name}"

    purposes_text = split_list(value("purposes"))
    name = value("name") or sheet.name
    node.set("id", ids.take(slug(name)))
    node.set("name", name)
    node.set("source", f"{shown}, {sheet.name}")
    stated = value("basis")
    purposes = []
    for description in purposes_text:
        item = Node()
        item.set("description", description)
        item.set("lawful_basis", basis(stated))
        item.set("stated_basis", stated if basis(stated) is None else None)
        item.set("source", where("purposes"))
        purposes.append(item)
    node.set("purposes", purposes)
    subjects = []
    for subject in split_list(value("subjects")):
        item = Node()
        item.set("name", subject)
        item.set("source", where("subjects"))
        subjects.append(item)
    node.set("data_subjects", subjects)
    sensitive = (
        yes_no(found["sensitive"].values[0].value) if "sensitive" in found and found["sensitive"].values else None
    )
    if sensitive:
        which = found["sensitive"].value(1)
        node.note(f"Sensitive data stated (fiche item 5): {which or 'which not said'}; mark the category 'special' "
                  "with its Art. 9(2) condition")  # fmt: skip
    node.set("data_categories", categories)
    node.set("recipients", recipients)
    node.set("transfers", _transfers(found, where, node))
    kept = retention(value("retention"))
    if kept:
        period = Node()
        period.items.update(kept)
        period.set("source", where("retention"))
        node.set("retention", period)
    node.set("security_measures", toms)
    node.set("systems", split_list(value("software")))
    created = date(found["created"].values[0].value) if "created" in found and found["created"].values else None
    updated = date(found["updated"].values[0].value) if "updated" in found and found["updated"].values else None
    for key, day in (("created", created), ("updated", updated)):
        if key in found and found[key].values and day is None:
            node.note(f"Date not read (write it as 2026-03-01 or 01/03/2026): {value(key)}")
    node.set("created", created if isinstance(created, dt.date) else None)
    node.set("last_reviewed", updated if isinstance(updated, dt.date) else None)
    if value("joint"):
        node.note(f"Joint controller (fiche item 1): {value('joint')}")
    node.notes.extend(unmapped)
    return node


def _transfers(found: dict[str, _Line], where: Callable[[str], str], node: Node) -> list[Node]:
    line = found.get("transfer")
    stated = yes_no(line.values[0].value) if line is not None and line.values else None
    codes, unknown = countries(found["countries"].value(0) if "countries" in found else None)
    if stated is False or not (stated or codes):
        return []
    for name in unknown:
        node.note(f"Transfer destination not recognised as a country: {name}")
    recipient = found["transfer_recipient"].value(0) if "transfer_recipient" in found else None
    if not codes or not recipient:
        node.note("Transfer outside the EU stated, not imported: give the countries and the recipient")
        return []
    from ropa.importing.ico import transfers

    guarantees = found["guarantees"].value(0) if "guarantees" in found else None
    return transfers(", ".join(codes), guarantees, recipient, where("transfer"), node)


def _organisation(shown: str, sheet: Sheet, lines: list[_Line]) -> Node:
    org = Node()
    found = {key: line for line in lines if (key := _match(line.label, ORGANISATION)) is not None}
    org.set("legal_name", found["legal_name"].value(0) if "legal_name" in found else None)
    address = found["address"].value(0) if "address" in found else None
    codes = countries(address.replace("\n", ",").split(",")[-1] if address else None)[0]
    org.set("country", codes[0] if codes else None)
    org.set("source", f"{shown}, {sheet.name}")
    if address:
        org.note(f"Address in the model: {address}")
    if "representative" in found:
        org.note(f"Legal representative: {found['representative'].value(0)}")
    if "dpo" in found and (dpo := found["dpo"].value(0)):
        item = Node()
        item.set("designated", yes_no(dpo) if yes_no(dpo) is not None else True)
        item.set("name", dpo if yes_no(dpo) is None else None)
        item.set("source", f"{shown}, {sheet.name}, row {found['dpo'].number}")
        org.set("dpo", item)
    return org


def import_cnil(book: Book, shown: str) -> Imported:
    """The register a workbook of CNIL fiches records (XLSX or ODS)."""
    problems: list[Problem] = []
    notes: list[str] = []
    activities: list[Node] = []
    org: Node | None = None
    ids = Ids()
    for sheet in book.sheets:
        lines = _lines(shown, sheet, problems)
        if folded(sheet.name) == "listes":
            notes.append(f"sheet {sheet.name}: the model's drop-down lists, not read")
        elif _is_fiche(lines):
            activities.append(_fiche(shown, sheet, lines, ids, notes))
        elif org is None and any(_match(line.label, ORGANISATION) == "legal_name" for line in lines):
            org = _organisation(shown, sheet, lines)
        else:
            notes.append(
                f"sheet {sheet.name}: neither a fiche (no 'Objectifs poursuivis') nor the organisation; not read"
            )
    if not activities and not problems:
        problems.append(Problem(shown, book.sheets[0].name if book.sheets else "", "A1",
                                "no fiche found: no sheet has the row 'Objectifs poursuivis (finalités)'"))  # fmt: skip
    if org is None and not problems:
        problems.append(Problem(shown, "", "", "no sheet gives the organisation (a row 'Organisme' or "
                                "'Responsable du traitement' with its name)"))  # fmt: skip
    if org is not None and "legal_name" not in org.items and not problems:
        problems.append(Problem(shown, "", "", "the organisation's name is empty"))
    if problems:
        raise ImportFailed(problems)
    assert org is not None
    record = Node()
    record.set("version", "1")
    record.set("date", book.modified or dt.date.today())
    org.set("record", record)
    org.note("record.version is 1 and record.date the workbook's last-saved date (or the day of the import): "
             "the model states neither; set your own")  # fmt: skip
    return Imported(org, activities={"cnil-fiches": activities}, notes=notes)
