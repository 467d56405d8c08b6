"""Chapter V transfers: every transfer outside the EEA rests on a valid, well-documented mechanism.

A mechanism can be recorded in three places (an activity's transfer, a provider's own ``mechanisms``, a
sub-processor's ``mechanism``); every rule here looks at all three through the transfer sites of
:mod:`ropa.model.facts`, which also explains why the clause-level SCC rules check the importer's record
once (``Site.details_on_importer``). Only facts written in the register are used: nothing is inferred,
a role or a module is never filled in. Rules that apply EU law only look at sites whose regime is
``EU``, so UK or Swiss exports are not judged by EU rules.

One module per topic; :data:`RULES` lists them in catalogue order (the order of ``ropa rules``,
docs/rules.md and the SARIF rule index).
"""

from __future__ import annotations

from ropa.check.rules.base import Rule
from ropa.check.rules.transfers import adequacy, authorities, derogations, mechanism, safeguards, scc, scc_annexes

RULES: list[Rule] = [
    *mechanism.RULES,
    *adequacy.RULES,
    *safeguards.RULES,
    *derogations.RULES,
    *scc.RULES,
    *scc_annexes.RULES,
    *authorities.RULES,
]
