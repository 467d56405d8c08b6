"""What an annex asserts, read back from the PDFs: only what the record holds, and plainly when it does not."""

from __future__ import annotations

from ropa.model.provider import ART28_ITEMS
from ropa.render.annex_texts import ANNEX_IC_LABEL, ANNEX_IV_AUTHORISED, ANNEX_IV_NOTE
from tests.render.conftest import flat

UNKNOWN = "Location not recorded: a transfer cannot be excluded"


def _section(text: str, start: str, end: str) -> str:
    body = flat(text)
    return body[body.index(flat(start)) : body.index(flat(end))]


def test_annex_iv_authorised_only_under_specific_authorisation(annex_texts: dict[str, str]) -> None:
    specific = _section(annex_texts["usproc"], "ANNEX IV", "Transfers to third countries")
    assert flat(ANNEX_IV_NOTE) in specific
    assert flat("prior specific authorisation (Art. 28(2); Clause 7.7(a), Option 1)") in specific
    assert flat("at least 14 days (P14D) before engaging a sub-processor") in specific
    # Only the sub-processor with a recorded authorisation stands under the decision's sentence.
    authorised, rest = specific.split(flat("Named by the provider, with no specific authorisation recorded"))
    assert flat(ANNEX_IV_AUTHORISED) in authorised
    assert flat("Datacenter One SE") in authorised and flat("Later Ltd") not in authorised
    assert flat("Later Ltd") in rest

    general = _section(annex_texts["derog"], "ANNEX IV", "Transfers to third countries")
    assert flat(ANNEX_IV_NOTE) in general
    assert flat(ANNEX_IV_AUTHORISED) not in general
    assert flat("general written authorisation (Art. 28(2); Clause 7.7(a), Option 2)") in general
    assert flat("the list below is the agreed list") in general
    assert flat("at least 30 days (P30D) in advance; the controller can object by e-mail") in general

    none = _section(annex_texts["nowhere"], "ANNEX IV", "Transfers to third countries")
    assert flat(ANNEX_IV_AUTHORISED) not in none
    assert flat("Not recorded: the record holds no authorisation of sub-processors") in none
    assert flat("their authorisation is not recorded") in none


def test_a_category_is_not_a_name(annex_texts: dict[str, str]) -> None:
    annex_iv = _section(annex_texts["nowhere"], "ANNEX IV", "Transfers to third countries")
    assert flat("Category (in the provider's words; no name recorded)Datacenters") in annex_iv
    assert flat("NameDatacenters") not in annex_iv
    assert flat("Not recordedName;") in annex_iv


def test_unknown_locations_are_not_outside_the_eea(annex_texts: dict[str, str]) -> None:
    text = flat(annex_texts["nowhere"])
    transfers = text[text.index(flat("Transfers to third countries")) :]
    assert flat(UNKNOWN) in transfers
    assert flat("outside the EEA") not in transfers.replace(flat("a transfer outside the EEA cannot be excluded"), "")
    assert flat("leaves the EEA") not in text
    assert flat("Destination not stated") not in text
    # The two sub-processors without a location share one row of the one table.
    assert flat("processors no. 1, 2 in Annex IV") in transfers


def test_no_2021_914_items_without_those_clauses(annex_texts: dict[str, str]) -> None:
    for provider in ("ukbcr", "derog", "nowhere"):
        text = flat(annex_texts[provider])
        for label in ("ANNEX I.A", "ANNEX I.B", "ANNEX I.C", ANNEX_IC_LABEL, "Decision (EU) 2021/914):"):
            assert flat(label) not in text, (provider, label)
        assert flat("No transfer in this table relies on the standard contractual clauses") in text
    uk = flat(annex_texts["ukbcr"])
    assert flat("Export under UK law") in uk
    assert flat("Binding corporate rules (Art. 47)") in uk
    derog = flat(annex_texts["derog"])
    assert flat("Derogation (Art. 49(1)), point (a)") in derog


def test_2021_914_annex_i_for_a_processor_on_those_clauses(annex_texts: dict[str, str]) -> None:
    text = annex_texts["usproc"]
    scc = _section(text, "Standard contractual clauses (Decision (EU) 2021/914)", "Article 28(3) checklist")
    for label in (
        "ANNEX I.A – List of parties",
        "Data exporter(s):",
        "Testwerk GmbH",
        "Activities relevant to the data transferred under these Clauses",
        "Web shop hosting",
        "Role (controller/processor)controller",
        "Data importer(s):",
        "Usproc Inc.",
        "Role (controller/processor)processor",
        "ANNEX I.B – Description of transfer",
        "ANNEX I.C – Competent supervisory authority",
        ANNEX_IC_LABEL + "Berliner Beauftragte",
    ):
        assert flat(label) in scc, label
    # The authority is the one recorded for the clauses, alone: not the organisation's lead authority beside it.
    assert flat("Informationsfreiheit") not in scc
    assert flat("Not recorded") not in scc[scc.index(flat(ANNEX_IC_LABEL)) :][:80]


def test_checklist_four_states(annex_texts: dict[str, str]) -> None:
    text = flat(annex_texts["usproc"])
    checklist = text[text.index(flat("Article 28(3) checklist")) :]
    assert flat("Art. 28(3)(a)documented instructions, including for transfersCovered§2") in checklist
    assert flat("Partly covered§3Gap: Contractors are not bound") in checklist
    assert flat("MissingClause not recordedNo security clause") in checklist
    assert flat(f"Art. 28(3)(d){ART28_ITEMS['d']}Not recorded") in checklist
    states = checklist.split(flat("the record says nothing about the point."))[1]
    assert states.count(flat("Not recorded")) == len(ART28_ITEMS) - 3


def test_annex_iii_examples_and_assistance(annex_texts: dict[str, str]) -> None:
    text = flat(annex_texts["usproc"])
    annex_iii = text[text.index(flat("ANNEX III")) : text.index(flat("ANNEX IV"))]
    assert (
        flat("EXPLANATORY NOTE: The technical and organisational measures need to be described concretely") in annex_iii
    )
    assert (
        flat("Description of the technical and organisational security measures implemented by the processor(s)")
        in annex_iii
    )
    assert flat("Measures for ensuring events logging") in annex_iii
    assert flat("are examples, not a required list") in annex_iii
    assert flat("Ticket queue for data subject requests answered within 5 working days") in annex_iii


def test_no_findings_in_annexes(annex_texts: dict[str, str]) -> None:
    for provider, text in annex_texts.items():
        assert flat("Findings about this provider") not in flat(text), provider
        assert flat("A30-1-g-toms") not in flat(text), provider


def test_no_annex_ic_without_clause_13(annex_texts: dict[str, str]) -> None:
    text = flat(annex_texts["fourth"])
    assert flat("Module Four (processor to controller)") in text
    assert flat("ANNEX I.A – List of parties") in text and flat("ANNEX I.B – Description of transfer") in text
    assert flat("ANNEX I.C") not in text
    assert flat(ANNEX_IC_LABEL) not in text
