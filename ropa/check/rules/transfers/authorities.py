"""Art. 48: a disclosure to a public authority of a third country, under that country's law, is recognised
only on an international agreement; the record says which ground the disclosure rests on.

The model has no field yet for a processor's commitment to notify and challenge such requests (2021/914
Clause 15, Art. 28(3)(a) "unless required to do so by Union or Member State law"); the rule reads the
recipients the record states.
"""

from __future__ import annotations

from collections.abc import Iterator

from ropa.check.rules.base import Context, Hit, Rule, registrar
from ropa.model.activity import RecipientRole
from ropa.model.common import Severity
from ropa.model.facts import outside_eea

RULES: list[Rule] = []
define = registrar(RULES)


@define(
    id="A48-foreign-authority",
    name="transfers.foreign-authority",
    severity=Severity.WARNING,
    summary=(
        "A public authority recipient outside the EEA is covered by a recorded transfer that names the ground "
        "(an international agreement under Art. 48, or a Chapter V mechanism)."
    ),
    article="Art. 48; Art. 28(3)(a); 2021/914 Clause 15",
    known_problems=(
        "Only recipients stated with role public_authority and a country outside the EEA are seen; a provider's "
        "statement that it discloses to authorities 'where required by law' is free text the rule cannot read, "
        "and the processor's commitments under 2021/914 Clause 15 have no field yet."
    ),
    why=(
        "A court judgment or an authority's decision of a third country requiring a disclosure is recognised "
        "only on an international agreement such as a mutual legal assistance treaty (Art. 48); a processor may "
        "act without instructions only where Union or Member State law requires it (Art. 28(3)(a)). A "
        "third-country authority named as a recipient without a recorded ground is a disclosure the record "
        "cannot justify. Weak evidence, not proof of an unlawful disclosure: a warning."
    ),
    fix=(
        "Record the disclosure as a transfer to the authority's country with its mechanism (e.g. a derogation "
        "under Art. 49(1)(e) for a specific legal claim) and name the agreement in its justification, or remove "
        "the recipient if no such disclosure happens."
    ),
    bad="""
activities:
  - id: otp
    name: One-time passcodes
    recipients:
      - {category: US law enforcement on request, role: public_authority, country: US}
""",
    good="""
activities:
  - id: otp
    name: One-time passcodes
    recipients:
      - {category: US law enforcement on request, role: public_authority, country: US}
    transfers:
      - country: US
        recipient: US law enforcement on request
        frequency: occasional
        mechanism:
          type: derogation
          derogation: 49.1.e
          justification: Only under the EU-US MLA Agreement, request by request
""",
)
def foreign_authority(ctx: Context) -> Iterator[Hit]:
    for entry, r_index, recipient in ctx.recipients():
        if recipient.role is not RecipientRole.PUBLIC_AUTHORITY or not outside_eea(recipient.country):
            continue
        covered = any(t.country == recipient.country and t.mechanism is not None for t in entry.activity.transfers)
        if not covered:
            yield ctx.act(
                entry,
                "recipients",
                r_index,
                message=(
                    f"recipient {recipient.category or recipient.provider!r} is a public authority in "
                    f"{recipient.country}, but no transfer there names its ground; a third-country authority's "
                    "request is recognised only on an international agreement (Art. 48): record the transfer "
                    "and the agreement"
                ),
            )
