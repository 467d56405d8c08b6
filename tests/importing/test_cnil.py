"""CNIL register model: fiches as XLSX and as ODS give the same activities, loaded and validated."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
import yaml

from tests.importing.conftest import run
from tests.importing.fixtures import workbook

HEADER = [
    ["Registre des activités de traitement"],
    ["Organisme", "Boulangerie Dupont SARL"],
    ["Adresse", "12 rue de la Paix, 75002 Paris, France"],
    ["Délégué à la protection des données", "Non"],
]
FICHE: list[list[Any]] = [
    ["Fiche de registre"],
    ["Nom de l'activité", "Gestion de la paie"],
    ["Date de création de la fiche", "01/03/2026"],
    ["Date de dernière mise à jour", "1er mars 2026"],
    ["Nom du logiciel ou de l'application", "PayFit"],
    ["Objectifs poursuivis (finalités)", "Calculer et verser les salaires\nDéclarer les cotisations sociales"],
    ["Base légale", "Obligation légale"],
    ["Catégories de personnes concernées", "Salariés"],
    [],
    ["État civil, identité, données d'identification, images", "Oui", "Nom, prénom", "5 ans"],
    ["Vie personnelle", "Non"],
    ["Informations d'ordre économique et financier", "x", "Salaire, RIB", "5 ans à compter du départ du salarié"],
    ["Données de localisation", "NON"],
    ["Des données sensibles sont-elles traitées ?", "Non"],
    ["Destinataires internes", "Service RH"],
    ["Sous-traitants", "Cabinet comptable"],
    ["Transferts hors UE", "Non"],
    ["Contrôle d'accès des utilisateurs", "Oui", "Comptes nominatifs"],
    ["Chiffrement des données", "Oui"],
    ["Sauvegarde des données", "Non"],
    ["Colonne maison", "à revoir"],
]


def _ods(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """A minimal ODS (content.xml only, as LibreOffice reads it), with repeated empty rows as it writes them."""
    tables = []
    for name, rows in sheets.items():
        body = []
        for row in rows:
            cells = "".join(
                '<table:table-cell office:value-type="string"><text:p>'
                + "</text:p><text:p>".join(escape(str(v)).split("\n"))
                + "</text:p></table:table-cell>"
                for v in row
            )
            body.append(f"<table:table-row>{cells or '<table:table-cell/>'}</table:table-row>")
        body.append('<table:table-row table:number-rows-repeated="1048000"><table:table-cell/></table:table-row>')
        tables.append(f'<table:table table:name="{escape(name)}">{"".join(body)}</table:table>')
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
        + "".join(tables)
        + "</office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
    return path


@pytest.mark.parametrize("kind", ["xlsx", "ods"])
def test_fiche_imports(tmp_path: Path, kind: str) -> None:
    sheets = {"Organisme": HEADER, "Paie": FICHE, "Listes": [["Sous-traitants"]]}
    book = _ods(tmp_path / "registre.ods", sheets) if kind == "ods" else workbook(tmp_path / "registre.xlsx", sheets)
    out = tmp_path / "reg"
    result = run("import", str(book), "--from", "cnil", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "sheet Listes: the model's drop-down lists, not read" in result.stderr
    text = (out / "activities" / "cnil-fiches.yaml").read_text(encoding="utf-8")
    assert "# Not mapped, row 21 'colonne maison': à revoir" in text
    [activity] = yaml.safe_load(text)["activities"]
    assert activity["name"] == "Gestion de la paie"
    assert activity["source"] == f"{book}, Paie"
    assert [p["lawful_basis"] for p in activity["purposes"]] == ["6.1.c", "6.1.c"]
    assert str(activity["created"]) == "2026-03-01" and str(activity["last_reviewed"]) == "2026-03-01"
    assert activity["systems"] == ["PayFit"]
    assert [(c["family"], c["name"]) for c in activity["data_categories"]] == [
        ("identity", "Nom, prénom"),
        ("economic_financial", "Salaire, RIB"),
    ]
    assert activity["data_categories"][1]["retention"]["duration"] == "P5Y"
    assert activity["data_categories"][1]["source"] == f"{book}, Paie, row 12"
    assert [(r["category"], r.get("role")) for r in activity["recipients"]] == [
        ("Service RH", "internal"),
        ("Cabinet comptable", "processor"),
    ]
    assert [m["kind"] for m in activity["security_measures"]] == ["identification_authorisation", "encryption"]
    assert "transfers" not in activity
    org = yaml.safe_load((out / "organisation.yaml").read_text(encoding="utf-8"))
    assert org["legal_name"] == "Boulangerie Dupont SARL" and org["country"] == "FR"
    assert org["dpo"]["designated"] is False
    checked = run("validate", str(out), "--fail-on", "never")
    assert checked.exit_code == 0, checked.output


def test_no_fiche_is_a_located_problem(tmp_path: Path) -> None:
    book = workbook(tmp_path / "registre.xlsx", {"Feuil1": [["Bonjour"]]})
    result = run("import", str(book), "--from", "cnil", "--out", str(tmp_path / "reg"))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{book}:Feuil1!A1: no fiche found")
    assert not (tmp_path / "reg").exists()


def test_ods_merged_cells_across_rows_are_located(tmp_path: Path) -> None:
    book = _ods(tmp_path / "registre.ods", {"Organisme": HEADER, "Paie": FICHE})
    with zipfile.ZipFile(book) as archive:
        content = archive.read("content.xml").decode("utf-8")
    merged = '<table:table-cell table:number-rows-spanned="2" office:value-type="string"><text:p>Salariés'
    content = content.replace('<table:table-cell office:value-type="string"><text:p>Salariés', merged, 1)
    with zipfile.ZipFile(book, "w") as archive:
        archive.writestr("content.xml", content)
    result = run("import", str(book), "--from", "cnil", "--out", str(tmp_path / "reg"))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"{book}:Paie!B8: merged cells B8:B9 across rows; unmerge them"
    assert not (tmp_path / "reg").exists()
