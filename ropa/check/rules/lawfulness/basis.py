"""Art. 6 lawful bases and Art. 7 consent: one Art. 6(1) point per purpose, and what each point needs on record.

The validator never infers a basis: a basis in free text (``stated_basis``) is reported, not mapped to an
Art. 6(1) point.
"""

from __future__ import annotations

from collections.abc import Iterator

from ropa.check.rules.base import Context, Hit, Rule, registrar
from ropa.model.activity import BASIS_LABELS, Art9Condition, LawfulBasis
from ropa.model.common import Severity

RULES: list[Rule] = []
define = registrar(RULES)


@define(
    id="A6-1-basis",
    name="lawfulness.basis",
    severity=Severity.ERROR,
    summary="Every purpose names one Art. 6(1) lawful basis (6.1.a ... 6.1.f), not free text.",
    article="Art. 6(1); Art. 5(1)(a); Art. 5(2)",
    why=(
        "Processing is lawful only if one of the six bases applies, and the controller must be able to show "
        "which; 'GDPR compliance' or a basis that covers several purposes at once shows nothing."
    ),
    fix=(
        "Set 'lawful_basis' to one of 6.1.a consent, 6.1.b contract, 6.1.c legal obligation, 6.1.d vital "
        "interests, 6.1.e public task, 6.1.f legitimate interests; keep the source's words in 'stated_basis'."
    ),
    bad="""
activities:
  - id: otp
    name: One-time passcodes
    purposes:
      - description: Deliver one-time login passcodes by SMS
        stated_basis: Contractual necessity and legitimate interests
""",
    good="""
activities:
  - id: otp
    name: One-time passcodes
    purposes:
      - description: Deliver one-time login passcodes by SMS
        stated_basis: Contractual necessity and legitimate interests
        lawful_basis: 6.1.b
""",
)
def basis(ctx: Context) -> Iterator[Hit]:
    for entry, p_index, purpose in ctx.purposes():
        if purpose.lawful_basis is not None:
            continue
        if purpose.stated_basis:
            yield ctx.act(
                entry,
                "purposes",
                p_index,
                "stated_basis",
                message=(
                    f"purpose {purpose.description!r} gives its basis only as {purpose.stated_basis!r}; set "
                    "lawful_basis to one Art. 6(1) point (6.1.a ... 6.1.f)"
                ),
            )
        else:
            yield ctx.act(
                entry,
                "purposes",
                p_index,
                "lawful_basis",
                message=(
                    f"purpose {purpose.description!r} has no lawful basis; set lawful_basis to one Art. 6(1) "
                    "point (6.1.a ... 6.1.f)"
                ),
            )


@define(
    id="A6-1-a-consent-proof",
    name="lawfulness.consent-proof",
    severity=Severity.WARNING,
    summary="A purpose based on consent says how consent is collected and recorded.",
    article="Art. 7(1); Art. 6(1)(a)",
    why=(
        "Where processing rests on consent, the controller must be able to demonstrate that consent was given."
        " The basis is stated; what is missing is the evidence Art. 7(1) asks the controller to be able to show:"
        " a warning."
    ),
    fix="Add consent_mechanism: where and how consent is asked, which notice version, and where it is stored.",
    bad="""
activities:
  - id: offers
    name: SMS offers
    purposes:
      - description: Send SMS offers to customers who opted in at checkout
        lawful_basis: 6.1.a
""",
    good="""
activities:
  - id: offers
    name: SMS offers
    purposes:
      - description: Send SMS offers to customers who opted in at checkout
        lawful_basis: 6.1.a
        consent_mechanism: Unticked checkbox at checkout; timestamp and notice version stored in the CRM
""",
)
def consent_proof(ctx: Context) -> Iterator[Hit]:
    for entry, p_index, purpose in ctx.purposes():
        if purpose.lawful_basis is LawfulBasis.CONSENT and not purpose.consent_mechanism:
            yield ctx.act(
                entry,
                "purposes",
                p_index,
                "lawful_basis",
                message=(
                    f"purpose {purpose.description!r} rests on consent but does not say how it is collected and "
                    "recorded; add consent_mechanism"
                ),
            )


@define(
    id="A6-1-a-consent-withdrawal",
    name="lawfulness.consent-withdrawal",
    severity=Severity.WARNING,
    summary="Consent (Art. 6(1)(a) or explicit consent under Art. 9(2)(a)) comes with a way to withdraw it.",
    article="Art. 7(3)",
    why="Withdrawing consent must be as easy as giving it; the record should show how.",
    fix="Add withdrawal_mechanism to the purpose (e.g. 'reply STOP; unsubscribe link in the account').",
    bad="""
activities:
  - id: offers
    name: SMS offers
    purposes:
      - description: Send SMS offers to customers who opted in at checkout
        lawful_basis: 6.1.a
        consent_mechanism: Checkbox at checkout, logged in the CRM
""",
    good="""
activities:
  - id: offers
    name: SMS offers
    purposes:
      - description: Send SMS offers to customers who opted in at checkout
        lawful_basis: 6.1.a
        consent_mechanism: Checkbox at checkout, logged in the CRM
        withdrawal_mechanism: Reply STOP to any message, or untick in the customer account
""",
)
def consent_withdrawal(ctx: Context) -> Iterator[Hit]:
    for entry, p_index, purpose in ctx.purposes():
        if purpose.lawful_basis is LawfulBasis.CONSENT and not purpose.withdrawal_mechanism:
            yield ctx.act(
                entry,
                "purposes",
                p_index,
                "lawful_basis",
                message=(
                    f"purpose {purpose.description!r} rests on consent but says no way to withdraw it; add "
                    "withdrawal_mechanism"
                ),
            )
    for entry, c_index, category in ctx.data_categories():
        activity = entry.activity
        if category.art9_condition is Art9Condition.A and not any(p.withdrawal_mechanism for p in activity.purposes):
            yield ctx.act(
                entry,
                "data_categories",
                c_index,
                "art9_condition",
                message=(
                    f"data category {category.id!r} rests on explicit consent (9.2.a) but no purpose of the "
                    "activity says how to withdraw it; add withdrawal_mechanism"
                ),
            )


@define(
    id="A6-1-f-lia",
    name="lawfulness.legitimate-interests-assessment",
    severity=Severity.WARNING,
    summary="A purpose based on legitimate interests states the interest and references a dated LIA.",
    article="Art. 6(1)(f); Art. 5(2); Art. 13(1)(d); EDPB Guidelines 1/2024",
    why=(
        "Legitimate interests is a balancing test; without the interest and the assessment on record the "
        "controller cannot show that the balance was struck before processing."
    ),
    fix="Add legitimate_interest (the interest pursued) and lia: {ref: ..., date: YYYY-MM-DD}.",
    bad="""
activities:
  - id: fraud
    name: Fraud prevention
    purposes:
      - description: Block SMS pumping fraud on the login endpoint
        lawful_basis: 6.1.f
""",
    good="""
activities:
  - id: fraud
    name: Fraud prevention
    purposes:
      - description: Block SMS pumping fraud on the login endpoint
        lawful_basis: 6.1.f
        legitimate_interest: Preventing fraudulent SMS charges and account takeover
        lia:
          ref: LIA-2026-04 SMS fraud controls
          date: 2026-04-12
""",
)
def legitimate_interests_assessment(ctx: Context) -> Iterator[Hit]:
    for entry, p_index, purpose in ctx.purposes():
        if purpose.lawful_basis is not LawfulBasis.LEGITIMATE_INTERESTS:
            continue
        missing = []
        if not purpose.legitimate_interest:
            missing.append("the interest pursued (legitimate_interest)")
        if purpose.lia is None:
            missing.append("the assessment (lia with ref and date)")
        elif purpose.lia.date is None:
            missing.append("the date of the assessment (lia.date)")
        if missing:
            yield ctx.act(
                entry,
                "purposes",
                p_index,
                "lawful_basis",
                message=(
                    f"purpose {purpose.description!r} rests on legitimate interests but is missing "
                    + " and ".join(missing)
                ),
            )


@define(
    id="A6-1-f-public-authority",
    name="lawfulness.public-authority-interests",
    severity=Severity.ERROR,
    summary="A public authority does not rely on legitimate interests.",
    article="Art. 6(1), second subparagraph",
    why="Legitimate interests is not available to public authorities for processing in the performance of their tasks.",
    fix="Use the basis the law gives the task (6.1.e public task or 6.1.c legal obligation), with the law cited.",
    bad="""
# organisation.yaml
public_authority: true
---
# providers/acme.yaml
activities:
  - id: reminders
    name: Appointment reminders
    purposes:
      - description: Remind citizens of their appointments by SMS
        lawful_basis: 6.1.f
""",
    good="""
# organisation.yaml
public_authority: true
---
# providers/acme.yaml
activities:
  - id: reminders
    name: Appointment reminders
    purposes:
      - description: Remind citizens of their appointments by SMS
        lawful_basis: 6.1.e
        legal_provision: Municipal Services Act § 12
""",
)
def public_authority_interests(ctx: Context) -> Iterator[Hit]:
    if not ctx.register.organisation.public_authority:
        return
    for entry, p_index, purpose in ctx.purposes():
        if purpose.lawful_basis is LawfulBasis.LEGITIMATE_INTERESTS:
            yield ctx.act(
                entry,
                "purposes",
                p_index,
                "lawful_basis",
                message=(
                    f"purpose {purpose.description!r} relies on legitimate interests, which a public authority "
                    "cannot use for its tasks; use the basis its law gives (6.1.e or 6.1.c)"
                ),
            )


@define(
    id="A6-3-legal-ref",
    name="lawfulness.legal-reference",
    severity=Severity.WARNING,
    summary="A purpose based on a legal obligation or a public task cites the law.",
    article="Art. 6(3)",
    why="For 6.1.c and 6.1.e the basis must be laid down by Union or Member State law, which the record should name.",
    fix="Add legal_provision with the statute and section (e.g. 'HGB § 257; AO § 147').",
    bad="""
activities:
  - id: invoices
    name: Invoicing
    purposes:
      - description: Keep invoices for statutory bookkeeping
        lawful_basis: 6.1.c
""",
    good="""
activities:
  - id: invoices
    name: Invoicing
    purposes:
      - description: Keep invoices for statutory bookkeeping
        lawful_basis: 6.1.c
        legal_provision: HGB § 257; AO § 147
""",
)
def legal_reference(ctx: Context) -> Iterator[Hit]:
    needs_law = frozenset({LawfulBasis.LEGAL_OBLIGATION, LawfulBasis.PUBLIC_TASK})
    for entry, p_index, purpose in ctx.purposes():
        if purpose.lawful_basis in needs_law and not purpose.legal_provision:
            assert purpose.lawful_basis is not None
            yield ctx.act(
                entry,
                "purposes",
                p_index,
                "lawful_basis",
                message=(
                    f"purpose {purpose.description!r} rests on {BASIS_LABELS[purpose.lawful_basis]} but cites "
                    "no law; add legal_provision"
                ),
            )
