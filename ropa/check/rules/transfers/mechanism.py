"""Art. 44: a transfer outside the EEA names a mechanism, and not one that has been invalidated
(Privacy Shield, Safe Harbor, the repealed SCCs of 2001, 2004 and 2010; the list is ropa/refdata), and not an
instrument of another law than the leg's exporter's (the UK's IDTA or Addendum on an EU export).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ropa import refdata
from ropa.check.rules.base import Context, Hit, Rule, registrar
from ropa.check.rules.helpers import UK_INSTRUMENTS, at, covering, reliances
from ropa.model.common import Severity
from ropa.model.facts import sites
from ropa.model.labels import MECHANISM_LABELS
from ropa.model.transfer import MechanismType

RULES: list[Rule] = []
define = registrar(RULES)


@define(
    id="A44-mechanism",
    name="transfers.mechanism",
    severity=Severity.ERROR,
    summary="Every transfer to a destination outside the EEA names the Chapter V mechanism it relies on.",
    article="Art. 44; Art. 45(1); Art. 46(1); Art. 49(1)",
    why=(
        "A transfer outside the EEA is lawful only under an adequacy decision, an Art. 46 safeguard or an "
        "Art. 49 derogation; a transfer with none recorded is presumed to have none."
    ),
    fix=(
        "Add 'mechanism' to the transfer: type adequacy (destination on the adequacy list), scc_2021_914 with "
        "its module(s), bcr, code_of_conduct, certification, ad_hoc_clauses, or derogation with the Art. 49 point."
    ),
    bad="""
country: US
activities:
  - id: otp
    name: One-time passcodes
    transfers:
      - country: US
        recipient: acme
""",
    good="""
country: US
activities:
  - id: otp
    name: One-time passcodes
    transfers:
      - country: US
        recipient: acme
        mechanism:
          type: scc_2021_914
          modules: [2]
""",
)
def mechanism(ctx: Context) -> Iterator[Hit]:
    for site in sites(ctx.register):
        # A recorded transfer with no destination is still a transfer: only a known destination inside the
        # area the export is free within needs no mechanism.
        unknown = not (site.country or site.organisation_dest)
        if site.kind == "transfer" and site.mechanism is None and (site.outside or unknown):
            yield at(
                site,
                message=(
                    f"{site.label} names no transfer mechanism; add 'mechanism' (adequacy, scc_2021_914 with "
                    "modules, bcr, ... or an Art. 49 derogation) or stop the transfer"
                ),
            )


@define(
    id="A44-invalid-mechanism",
    name="transfers.invalid-mechanism",
    severity=Severity.ERROR,
    summary="No transfer relies on Privacy Shield, Safe Harbor or the repealed SCCs of 2001 and 2010.",
    article="Art. 44; CJEU C-311/18 (Schrems II); CJEU C-362/14 (Schrems I); Decision (EU) 2021/914 Art. 4",
    why=(
        "Privacy Shield was invalidated on 16 July 2020 and Safe Harbor on 6 October 2015; the 2001/497/EC and "
        "2010/87/EU clauses were repealed and stopped covering old contracts on 27 December 2022. A transfer on "
        "them has no mechanism at all."
    ),
    fix=(
        "Replace the mechanism: SCCs 2021/914 with the right module, or for a US recipient the EU-US Data "
        "Privacy Framework if it is certified (type adequacy plus its 'dpf' record). For a UK exporter's onward "
        "transfer (a UK processor's sub-processor) the UK instruments apply: the UK Extension to the DPF, the "
        "ICO's IDTA or the UK Addendum to SCCs 2021/914."
    ),
    bad="""
country: US
mechanisms:
  - type: privacy_shield
""",
    good="""
country: US
mechanisms:
  - type: scc_2021_914
    modules: [2]
""",
)
def invalid_mechanism(ctx: Context) -> Iterator[Hit]:
    invalid = refdata.invalid_mechanisms()
    for site, covered in reliances(ctx):
        mech = site.mechanism
        entry = invalid.get(site.mtype.value) if site.mtype else None
        if entry is None or mech is None:
            continue
        # A UK exporter's leg is governed by the UK GDPR, whose instruments differ from the EU's.
        replacement = UK_INSTRUMENTS if site.regime == "UK" else entry["replace_with"]
        since = entry["invalid_since"]
        since_text = since.isoformat() if isinstance(since, dt.date) else str(since)
        yield at(
            site,
            "type",
            message=(
                f"{site.label} relies on {mech.type.value!r} ({entry['name']}), invalid since {since_text}: "
                f"{entry['reason']} Use {replacement} instead{covering(covered)}"
            ),
        )


UK_ONLY = frozenset({MechanismType.UK_IDTA, MechanismType.UK_ADDENDUM})
"""Instruments of the UK GDPR: they cover exports from the UK, never an export under the EU GDPR."""


@define(
    id="A44-mechanism-regime",
    name="transfers.mechanism-regime",
    severity=Severity.ERROR,
    summary="A UK instrument (IDTA, UK Addendum) is relied on only for a leg exported under UK law.",
    article="Art. 44, 46; UK GDPR Art. 46",
    why=(
        "Each leg of a transfer is governed by the law of its exporter. The ICO's International Data Transfer "
        "Agreement and the UK Addendum to SCCs 2021/914 are instruments of the UK GDPR: they make a UK export "
        "lawful, but an export under the EU GDPR (by the organisation, or by a processor in the EEA) needs a "
        "Chapter V mechanism of EU law, so such a leg has none."
    ),
    fix=(
        "For an EU export, rely on an EU mechanism (SCCs 2021/914 with the module the roles call for, the EU-US "
        "DPF for a certified US recipient, BCR ...). If the leg is in fact exported from the UK, record "
        "origin_regime: UK on the transfer (or the UK as the exporting provider's country)."
    ),
    bad="""
country: US
mechanisms:
  - type: uk_idta
""",
    good="""
country: US
mechanisms:
  - type: scc_2021_914
    modules: [2]
""",
)
def mechanism_regime(ctx: Context) -> Iterator[Hit]:
    for site, covered in reliances(ctx):
        if site.mtype in UK_ONLY and site.regime != "UK" and site.mechanism is not None:
            name = MECHANISM_LABELS[site.mtype]
            yield at(
                site,
                "type",
                message=(
                    f"{site.label} relies on {name}, an instrument of UK law, but the leg is exported under "
                    f"{site.regime} law; rely on an EU mechanism (SCCs 2021/914, the DPF, BCR ...){covering(covered)}"
                ),
            )
