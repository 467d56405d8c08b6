"""SCCs 2021/914, clause by clause: the decision and module are named and fit the recorded roles, the
importer is not itself under the GDPR by Art. 3(2), and Clauses 9 (sub-processors), 13 (competent
authority) and 17/18 (law and courts) are completed. The clause-level rules read the importer's record
once when the transfer's own SCCs defer to it (``Site.details_on_importer`` in ropa/model/facts.py).
"""

from __future__ import annotations

from collections.abc import Iterator

from ropa import refdata
from ropa.check.rules.base import Context, Hit, Rule, registrar
from ropa.check.rules.helpers import CLAUSE_SEVERITY_NOTE, at, clause_severity, covering, onward_subs, reliances
from ropa.model.common import Severity
from ropa.model.facts import scc_details, sites
from ropa.model.labels import MODULE_LABELS
from ropa.model.transfer import MechanismType

RULES: list[Rule] = []
define = registrar(RULES)


@define(
    id="SCC914-version-module",
    name="transfers.scc-version-module",
    severity=Severity.ERROR,
    summary="Standard contractual clauses name Decision 2021/914 and at least one module (1-4).",
    article="Decision (EU) 2021/914 Art. 1, Art. 4",
    why=(
        "'Standard contractual clauses' alone does not say which clauses were signed; only the 2021/914 "
        "clauses are valid, and their module decides which obligations apply to whom."
    ),
    fix=(
        "Record type scc_2021_914 and 'modules': 1 controller to controller, 2 controller to processor, "
        "3 processor to processor, 4 processor to controller."
    ),
    bad="""
country: US
mechanisms:
  - type: scc_unspecified
""",
    good="""
country: US
mechanisms:
  - type: scc_2021_914
    modules: [2]
""",
)
def scc_version_module(ctx: Context) -> Iterator[Hit]:
    for site, covered in reliances(ctx):
        if site.mtype is MechanismType.SCC_UNSPECIFIED and site.regime == "UK":
            yield at(
                site,
                "type",
                message=(
                    f"{site.label} is a UK exporter's transfer on standard contractual clauses that do not say "
                    f"which; under the UK GDPR they must be the ICO's IDTA or the UK Addendum to SCCs 2021/914 "
                    f"(record which in scope_note){covering(covered)}"
                ),
            )
        elif site.mtype is MechanismType.SCC_UNSPECIFIED:
            expected = site.expected_module()
            hint = f" ({MODULE_LABELS[expected]} for the roles recorded)" if expected else ""
            yield at(
                site,
                "type",
                message=(
                    f"{site.label} relies on standard contractual clauses without naming the decision or module; "
                    f"record type scc_2021_914 and its module(s){hint}{covering(covered)}"
                ),
            )
        elif site.mtype is MechanismType.SCC_2021_914 and not site.modules and not site.details_on_importer:
            expected = site.expected_module()
            hint = f"; the roles recorded call for {MODULE_LABELS[expected]}" if expected else ""
            yield at(
                site,
                "type",
                message=f"{site.label} relies on SCCs 2021/914 but declares no module; add 'modules'{hint}"
                + covering(covered),
            )


@define(
    id="SCC914-module-roles",
    name="transfers.scc-module-roles",
    severity=Severity.ERROR,
    summary="The SCC module matches the roles recorded: 1 C→C, 2 C→P, 3 P→P, 4 P→C.",
    article="2021/914 Annex (module headings); Annex I.A 'Role (controller/processor)'",
    why=(
        "Each module carries the obligations of one pair of roles; clauses signed under the wrong module do not "
        "fit the processing and may leave obligations uncovered."
    ),
    fix=(
        "Declare the module the roles call for (the message names it), or correct the provider's role. "
        "A controller using a processor outside the EEA needs Module 2."
    ),
    bad="""
country: US
role: processor
mechanisms:
  - type: scc_2021_914
    modules: [1]
""",
    good="""
country: US
role: processor
mechanisms:
  - type: scc_2021_914
    modules: [2]
""",
)
def scc_module_roles(ctx: Context) -> Iterator[Hit]:
    for site in sites(ctx.register):
        modules = site.modules
        if not modules or site.regime != "EU":
            continue
        expected = site.expected_module()
        declared = ", ".join(str(m) for m in sorted(modules))
        if expected is not None and expected not in modules:
            yield at(
                site,
                "modules",
                message=(
                    f"{site.label}: SCC module(s) {declared} do not fit the roles recorded ({site.exporter_role} "
                    f"exporting to {site.importer_role} {site.importer_name}); that is {MODULE_LABELS[expected]}"
                ),
            )
        elif expected is None and site.acceptable is not None and not modules & site.acceptable:
            fits = " or ".join(MODULE_LABELS[m] for m in sorted(site.acceptable))
            yield at(
                site,
                "modules",
                message=(
                    f"{site.label}: SCC module(s) {declared} do not fit a {site.exporter_role} exporting its data "
                    f"onwards; that is {fits}"
                ),
            )


@define(
    id="SCC914-scope-art3-2",
    name="transfers.scc-scope-art3-2",
    severity=Severity.WARNING,
    summary="SCCs 2021/914 are not relied on for an importer that is itself subject to the GDPR (Art. 3(2)).",
    article="2021/914 Art. 1(1), Recital 7; EDPB Guidelines 05/2021",
    why=(
        "The 2021/914 clauses are meant for importers whose processing is not subject to the GDPR; an importer "
        "with an Art. 27 representative is caught by Art. 3(2), and the clauses do not fit it."
    ),
    fix=(
        "Check with counsel which instrument covers the transfer (the Commission announced SCCs for Art. 3(2) "
        "importers); record the outcome, and waive this finding with a reason if the SCCs are kept."
    ),
    bad="""
country: US
eu_representative: Rep Services Ireland Ltd
mechanisms:
  - type: scc_2021_914
    modules: [2]
""",
    good="""
country: US
mechanisms:
  - type: scc_2021_914
    modules: [2]
""",
)
def scc_scope_art3_2(ctx: Context) -> Iterator[Hit]:
    for site in sites(ctx.register):
        if site.mtype is MechanismType.SCC_2021_914 and site.art3_2 and site.regime == "EU":
            yield at(
                site,
                "type",
                message=(
                    f"{site.label}: {site.importer_name} has an EU representative, so the GDPR applies to it via "
                    "Art. 3(2), and SCCs 2021/914 are not meant for such importers; review the instrument"
                ),
            )


@define(
    id="SCC914-c9-subprocessors",
    name="transfers.scc-clause-9",
    severity=Severity.WARNING,
    summary=(
        "Module 2/3 SCCs select a Clause 9(a) option; the general option names its notice period; under the "
        "specific option every sub-processor the importer passes data to is on Annex III."
    ),
    article="2021/914 Clause 9(a); Annex III explanatory note",
    why=(
        "Clause 9 must be completed for Modules 2 and 3: either prior specific authorisation of each "
        "sub-processor, listed in Annex III, or general authorisation with a notice period in which the exporter "
        "can object. A sub-processor used without being on Annex III is not authorised." + CLAUSE_SEVERITY_NOTE
    ),
    fix=(
        "Set clause9_option (specific or general); for general, clause9_notice_period (e.g. P30D); for specific, "
        "record authorised_on for each of the importer's sub-processors (those are its Annex III), or stop "
        "using the ones not authorised."
    ),
    bad="""
country: US
mechanisms:
  - type: scc_2021_914
    modules: [2]
    clause9_option: general
""",
    good="""
country: US
mechanisms:
  - type: scc_2021_914
    modules: [2]
    clause9_option: general
    clause9_notice_period: P30D
""",
)
def scc_clause_9(ctx: Context) -> Iterator[Hit]:
    for site, mech in scc_details(ctx.register):
        if not site.modules & {2, 3}:
            continue
        if mech.clause9_option is None:
            yield at(
                site,
                "modules",
                message=f"{site.label}: Module 2/3 SCCs select no Clause 9(a) option; set clause9_option "
                "(specific or general)",
                severity=clause_severity(ctx, site),
            )
        elif mech.clause9_option == "general" and not mech.clause9_notice_period:
            yield at(
                site,
                "clause9_option",
                message=f"{site.label}: Clause 9(a) general authorisation names no notice period; set "
                "clause9_notice_period (e.g. P30D)",
                severity=clause_severity(ctx, site),
            )
        elif mech.clause9_option == "specific":
            unlisted = [sub.id for sub in onward_subs(ctx, site.importer) if sub.authorised_on is None]
            if unlisted:
                yield at(
                    site,
                    "clause9_option",
                    message=(
                        f"{site.label}: under Clause 9(a) Option 1 only the sub-processors on Annex III are "
                        f"authorised, but {site.importer_name} passes the data to "
                        + ", ".join(repr(u) for u in unlisted)
                        + " without an authorisation date; record authorised_on for each, or stop using them"
                    ),
                    severity=clause_severity(ctx, site, wrong=True),
                )


@define(
    id="SCC914-c13-annex-ic",
    name="transfers.scc-competent-authority",
    severity=Severity.WARNING,
    summary="Module 1-3 SCCs name the competent supervisory authority (Clause 13, Annex I.C).",
    article="2021/914 Clause 13(a); Annex I.C",
    why=(
        "Annex I.C must identify the supervisory authority the importer submits to; it is blank otherwise."
        + CLAUSE_SEVERITY_NOTE
    ),
    fix="Set competent_authority: the exporter's authority (or, without an EU establishment, per Clause 13).",
    bad="""
country: US
mechanisms:
  - type: scc_2021_914
    modules: [2]
""",
    good="""
country: US
mechanisms:
  - type: scc_2021_914
    modules: [2]
    competent_authority: Berliner Beauftragte für Datenschutz und Informationsfreiheit
""",
)
def scc_competent_authority(ctx: Context) -> Iterator[Hit]:
    for site, mech in scc_details(ctx.register):
        if site.modules & {1, 2, 3} and not mech.competent_authority:
            yield at(
                site,
                "modules",
                message=f"{site.label}: Module 1-3 SCCs name no competent supervisory authority (Annex I.C); "
                "set competent_authority",
                severity=clause_severity(ctx, site),
            )


@define(
    id="SCC914-c17-c18-law-forum",
    name="transfers.scc-law-forum",
    severity=Severity.WARNING,
    summary="Module 1-3 SCCs choose the law and courts of an EU Member State; Module 4 names a country for both.",
    article="2021/914 Clauses 17, 18",
    why=(
        "Clauses 17 and 18 must be completed: for Modules 1-3 with an EU Member State whose law allows "
        "third-party beneficiary rights, so data subjects can enforce the clauses." + CLAUSE_SEVERITY_NOTE
    ),
    fix="Set governing_law and forum (ISO codes of EU Member States for Modules 1-3, e.g. IE).",
    bad="""
country: US
mechanisms:
  - type: scc_2021_914
    modules: [2]
    governing_law: US
""",
    good="""
country: US
mechanisms:
  - type: scc_2021_914
    modules: [2]
    governing_law: IE
    forum: IE
""",
)
def scc_law_forum(ctx: Context) -> Iterator[Hit]:
    eu = frozenset(refdata.load("eea")["eu"])
    clauses = (("governing_law", "Clause 17 governing law"), ("forum", "Clause 18 courts"))
    for site, mech in scc_details(ctx.register):
        modules = site.modules
        if not modules:
            continue
        eu_needed = bool(modules & {1, 2, 3})
        missing = [f"{clause} ({key})" for key, clause in clauses if getattr(mech, key) is None]
        if missing:
            yield at(
                site,
                "modules",
                message=f"{site.label}: the SCCs name no "
                + " and no ".join(missing)
                + ("; set them to an EU Member State" if eu_needed else "; set them"),
                severity=clause_severity(ctx, site),
            )
        if not eu_needed:
            continue
        for key, clause in clauses:
            value = getattr(mech, key)
            if value is not None and value not in eu:
                yield at(
                    site,
                    key,
                    message=f"{site.label}: {clause} is {value}, which is not an EU Member State, as Modules 1-3 "
                    "require; choose one (e.g. the exporter's)",
                    severity=clause_severity(ctx, site, wrong=True),
                )
