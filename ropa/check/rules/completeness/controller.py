"""Art. 30(1)(a): the controller, its joint controllers, its DPO and its EU representative (or a
claimed Art. 27(2) exemption that the record does not contradict) with their contact details.
"""

from __future__ import annotations

from collections.abc import Iterator

from ropa import refdata
from ropa.check.rules import lexicons as lx
from ropa.check.rules.base import Context, Hit, Rule, registrar
from ropa.model.activity import InvolvementRole
from ropa.model.common import Severity
from ropa.model.facts import parties
from ropa.model.provider import ProviderRole

RULES: list[Rule] = []
define = registrar(RULES)


@define(
    id="A30-1-a-controller",
    name="completeness.controller",
    severity=Severity.ERROR,
    summary="The controller's name and at least one contact channel (address, e-mail, phone or web form) are given.",
    article="Art. 30(1)(a)",
    why="The record must name the controller and say how to reach it; a supervisory authority starts there.",
    fix="Add the organisation's postal 'address', or a 'contact' with an email, phone or url.",
    bad="""
# organisation.yaml
legal_name: Example GmbH
address: null
contact:
  name: Privacy team
""",
    good="""
# organisation.yaml
legal_name: Example GmbH
address: null
contact:
  name: Privacy team
  email: privacy@example.com
""",
)
def controller(ctx: Context) -> Iterator[Hit]:
    org = ctx.register.organisation
    if org.address is None and (org.contact is None or not org.contact.channels()):
        yield ctx.org(
            "contact",
            message=(
                f"{org.legal_name} has no postal address and no contact channel; add 'address' or a contact "
                "email, phone or url"
            ),
        )


@define(
    id="A30-1-a-joint-controller",
    name="completeness.joint-controller",
    severity=Severity.ERROR,
    summary="Every joint controller has contact details and a reference to the Art. 26 arrangement.",
    article="Art. 30(1)(a); Art. 26(1)-(2)",
    why=(
        "Joint controllers must set out their respective responsibilities in an arrangement, and the record "
        "must name them with their contact details."
    ),
    fix=(
        "In organisation.yaml give each joint_controllers entry a contact (email, phone or url) and an "
        "arrangement_ref; for a provider with role joint_controller, add contacts and the arrangement as 'contract'."
    ),
    bad="""
# organisation.yaml
joint_controllers:
  - name: Partner Retail SAS
""",
    good="""
# organisation.yaml
joint_controllers:
  - name: Partner Retail SAS
    contact:
      email: privacy@partner.example
    arrangement_ref: Joint controllership arrangement 2026-03
""",
)
def joint_controller(ctx: Context) -> Iterator[Hit]:
    for j_index, joint in enumerate(ctx.register.organisation.joint_controllers):
        missing = []
        if joint.contact is None or not joint.contact.channels():
            missing.append("contact details (email, phone or url)")
        if not joint.arrangement_ref:
            missing.append("the Art. 26 arrangement (arrangement_ref)")
        if missing:
            yield ctx.org(
                "joint_controllers",
                j_index,
                message=f"joint controller {joint.name!r} is missing " + " and ".join(missing) + "; add them",
            )
    for entry in ctx.activities():
        for party in parties(ctx.register, entry):
            if party.role is not InvolvementRole.JOINT_CONTROLLER or party.involvement is None:
                continue
            if not party.involvement.arrangement and party.provider.contract is None:
                yield ctx.act(
                    entry,
                    "providers",
                    party.index or 0,
                    message=(
                        f"{party.ref} is a joint controller of activity {entry.activity.id!r} but no Art. 26 "
                        "arrangement is recorded; add 'arrangement' to the involvement"
                    ),
                )
    for provider in ctx.register.providers:
        if provider.role != ProviderRole.JOINT_CONTROLLER:
            continue
        missing = []
        if provider.address is None and not any(c.channels() for c in provider.contacts):
            missing.append("contact details (address or contacts)")
        if provider.contract is None:
            missing.append("the Art. 26 arrangement (contract)")
        if missing:
            yield ctx.prov(
                provider,
                "role",
                message=f"joint controller {provider.id!r} is missing " + " and ".join(missing) + "; add them",
            )


@define(
    id="A30-1-a-dpo",
    name="completeness.dpo",
    severity=Severity.ERROR,
    summary="A designated DPO is named with contact details; whether one is designated is declared.",
    article="Art. 30(1)(a); Art. 37(1), 37(7)",
    why=(
        "The record must give the DPO's contact details where there is one; a public authority must have one. "
        "An undeclared DPO status leaves the reader guessing (reported as a warning)."
    ),
    fix="Set dpo.designated, and for a designated DPO its name or position and an email, phone or url.",
    bad="""
# organisation.yaml
dpo:
  designated: true
  name: Data Protection Officer
""",
    good="""
# organisation.yaml
dpo:
  designated: true
  name: Data Protection Officer
  email: dpo@example.com
""",
)
def dpo(ctx: Context) -> Iterator[Hit]:
    org = ctx.register.organisation
    if org.dpo is None or org.dpo.designated is None:
        yield ctx.org(
            "dpo",
            message="whether a DPO is designated is not declared; set dpo.designated (true or false)",
            severity=Severity.WARNING,
        )
        return
    if org.dpo.designated:
        missing = []
        if not (org.dpo.name or org.dpo.position):
            missing.append("a name or position")
        if not org.dpo.channels():
            missing.append("an email, phone or url")
        if missing:
            yield ctx.org("dpo", message="the designated DPO is missing " + " and ".join(missing) + "; add them")
    elif org.public_authority:
        yield ctx.org(
            "dpo",
            "designated",
            message="a public authority must designate a DPO (Art. 37(1)(a)); designate one and record it",
        )


@define(
    id="A30-1-a-representative",
    name="completeness.representative",
    severity=Severity.ERROR,
    summary=(
        "A controller without an EU establishment caught by Art. 3(2) names its EU representative, or the "
        "Art. 27(2) exemption with a reason that the record does not contradict."
    ),
    article="Art. 27(1)-(3); Art. 30(1)(a)",
    why=(
        "A controller outside the EU that targets or monitors people in the EU must designate a representative "
        "in a Member State, and the record must name it. Only occasional processing, unlikely to result in a "
        "risk and without large-scale Art. 9/10 data (or a public authority) is exempt (Art. 27(2))."
    ),
    fix=(
        "Add eu_representative with its name, member_state (an EU/EEA country) and a contact; or, where Art. "
        "27(2) applies, state why in art27_2_exemption. An exemption is reported when an activity is recorded "
        "as regular or continuous, or as likely to result in a risk."
    ),
    bad="""
# organisation.yaml
country: US
eu_establishment: false
art3_2_applies: true
""",
    good="""
# organisation.yaml
country: US
eu_establishment: false
art3_2_applies: true
eu_representative:
  name: Rep Services Ireland Ltd
  member_state: IE
  contact:
    email: rep@example.ie
""",
)
def representative(ctx: Context) -> Iterator[Hit]:
    org = ctx.register.organisation
    if org.eu_establishment or not org.art3_2_applies:
        return
    rep = org.eu_representative
    if rep is None and org.art27_2_exemption:
        yield from _art27_2_exemption(ctx, org.art27_2_exemption)
        return
    if rep is None:
        yield ctx.org(
            "art3_2_applies",
            message=(
                f"{org.legal_name} has no EU establishment and Art. 3(2) applies, but no eu_representative is "
                "recorded; add its name, member_state and contact (or the reason for the Art. 27(2) exemption "
                "in art27_2_exemption)"
            ),
        )
        return
    if rep.member_state not in refdata.eea():
        yield ctx.org(
            "eu_representative",
            "member_state",
            message=f"the representative's member_state {rep.member_state!r} is not in the EU/EEA; correct it",
        )
    if rep.contact is None or not rep.contact.channels():
        yield ctx.org(
            "eu_representative",
            message=f"representative {rep.name!r} has no contact (email, phone or url); add one",
        )


def _art27_2_exemption(ctx: Context, reason: str) -> Iterator[Hit]:
    """What in the record contradicts a claimed Art. 27(2) exemption from appointing a representative."""
    if lx.VAGUE_GENERIC.alone(reason):
        yield ctx.org(
            "art27_2_exemption",
            message=f"the Art. 27(2) exemption is claimed with the reason {reason!r}, which says nothing; say why",
        )
        return
    if ctx.register.organisation.public_authority:
        return  # Art. 27(2)(b): public authorities are exempt whatever they process
    for entry in ctx.activities():
        activity = entry.activity
        if activity.frequency in ("regular", "continuous"):
            yield ctx.act(
                entry,
                "frequency",
                message=(
                    f"the Art. 27(2)(a) exemption from appointing a representative covers only occasional "
                    f"processing, but activity {activity.id!r} is {activity.frequency}; designate a representative"
                ),
            )
            return
        if activity.risk in ("likely", "high"):
            yield ctx.act(
                entry,
                "risk",
                message=(
                    "the Art. 27(2)(a) exemption from appointing a representative covers only processing "
                    f"unlikely to result in a risk, but activity {activity.id!r} is recorded as risk "
                    f"{activity.risk!r}; designate a representative"
                ),
            )
            return
