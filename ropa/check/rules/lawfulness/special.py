"""Special categories (Art. 9) and criminal-offence data (Art. 10): the condition or authority, and its law.

The validator never infers a condition: a category is special or criminal only where the register says so;
:func:`special_category_undeclared` only points at names that suggest it.
"""

from __future__ import annotations

from collections.abc import Iterator

from ropa.check.rules import lexicons as lx
from ropa.check.rules.base import Context, Hit, Rule, registrar
from ropa.model.activity import Art9Condition
from ropa.model.common import Severity

RULES: list[Rule] = []
define = registrar(RULES)


@define(
    id="A9-2-condition",
    name="lawfulness.special-category-condition",
    severity=Severity.ERROR,
    summary="Special-category data has an Art. 9(2) condition, in addition to the Art. 6 basis.",
    article="Art. 9(1)-(2); Recital 51",
    why="Processing special-category data is prohibited unless one of the Art. 9(2) conditions applies.",
    fix="Set art9_condition (9.2.a ... 9.2.j) on the data category; keep the purpose's Art. 6 basis too.",
    bad="""
activities:
  - id: pharmacy
    name: Prescription-ready SMS
    data_categories:
      - id: rx
        name: Prescription ready for collection
        special: health
""",
    good="""
activities:
  - id: pharmacy
    name: Prescription-ready SMS
    data_categories:
      - id: rx
        name: Prescription ready for collection
        special: health
        art9_condition: 9.2.a
""",
)
def special_category_condition(ctx: Context) -> Iterator[Hit]:
    for entry, c_index, category in ctx.data_categories():
        if category.special is not None and category.art9_condition is None:
            yield ctx.act(
                entry,
                "data_categories",
                c_index,
                "special",
                message=(
                    f"data category {category.id!r} is special-category data ({category.special.value}) with no "
                    "Art. 9(2) condition; add art9_condition"
                ),
            )


LAW_CONDITIONS = frozenset({Art9Condition.B, Art9Condition.G, Art9Condition.H, Art9Condition.I, Art9Condition.J})


@define(
    id="A9-2-law-ref",
    name="lawfulness.special-category-law",
    severity=Severity.WARNING,
    summary=(
        "Art. 9(2)(b), (g)-(j) cite their law; 9(2)(h) names who is bound by professional secrecy; 9(2)(a) says "
        "how explicit consent is collected."
    ),
    article="Art. 9(2)(a), (b), (g)-(j); Art. 9(3)",
    why=(
        "These conditions exist only on the basis of Union or Member State law (or a collective agreement); "
        "health and care data under (h) may be processed only by or under people bound by professional secrecy "
        "(Art. 9(3)); explicit consent under (a) must be shown like any consent."
    ),
    fix=(
        "Add art9_law_ref to the data category; for 9.2.h also professional_secrecy; for 9.2.a a consent_mechanism "
        "on a purpose of the activity."
    ),
    bad="""
activities:
  - id: sick-notes
    name: Sick-leave notifications
    data_categories:
      - id: sick
        name: Sick-leave notice
        special: health
        art9_condition: 9.2.b
""",
    good="""
activities:
  - id: sick-notes
    name: Sick-leave notifications
    data_categories:
      - id: sick
        name: Sick-leave notice
        special: health
        art9_condition: 9.2.b
        art9_law_ref: BDSG § 26(3); EntgFG § 5
""",
)
def special_category_law(ctx: Context) -> Iterator[Hit]:
    for entry, c_index, category in ctx.data_categories():
        activity = entry.activity
        condition = category.art9_condition
        if condition is None:
            continue
        problems = []
        if condition is Art9Condition.H and not category.art9_law_ref:
            # Art. 9(2)(h) rests on Union or Member State law "or pursuant to contract with a health professional".
            problems.append(
                "cites neither the law nor the contract with a health professional it rests on (add art9_law_ref)"
            )
        elif condition in LAW_CONDITIONS and not category.art9_law_ref:
            problems.append("cites no law (add art9_law_ref)")
        if condition is Art9Condition.H and not category.professional_secrecy:
            problems.append("names no one bound by professional secrecy, Art. 9(3) (add professional_secrecy)")
        if condition is Art9Condition.A and not any(p.consent_mechanism for p in activity.purposes):
            problems.append(
                "no purpose of the activity says how the explicit consent is collected (add consent_mechanism)"
            )
        if problems:
            yield ctx.act(
                entry,
                "data_categories",
                c_index,
                "art9_condition",
                message=(
                    f"data category {category.id!r} relies on Art. 9(2) condition {condition.value} but "
                    + " and ".join(problems)
                ),
            )


@define(
    id="A9-1-undeclared",
    name="lawfulness.special-category-undeclared",
    severity=Severity.WARNING,
    summary="A data category whose name suggests health, biometric, criminal ... data is flagged as such.",
    article="Art. 9(1); Art. 10",
    known_problems=(
        "It reads the category's name and description for tell-tale words (health, biometric, criminal ...): a "
        "category named without them passes, and one that mentions a word in another sense ('health of the "
        "service') is reported; waive it with a reason."
    ),
    why=(
        "Special-category and criminal data carry extra conditions; a name like 'health status' or 'background "
        "check' not flagged as such hides them. This is a heuristic: it never flags anything by itself."
    ),
    fix=(
        "Set 'special' (and art9_condition) or 'criminal: true' on the category; if it is not such data, say why "
        "in not_special_reason."
    ),
    bad="""
activities:
  - id: pharmacy
    name: Pharmacy notices
    data_categories:
      - id: rx
        name: Medical prescription status
""",
    good="""
activities:
  - id: pharmacy
    name: Pharmacy notices
    data_categories:
      - id: rx
        name: Medical prescription status
        not_special_reason: Only 'your order is ready' is sent; no medicine or condition is named
""",
)
def special_category_undeclared(ctx: Context) -> Iterator[Hit]:
    for entry, c_index, category in ctx.data_categories():
        if category.not_special_reason:
            continue
        word = None
        kind = ""
        if category.special is None:
            word = lx.SPECIAL_CAT_HINTS.find(category.name)
            kind = "special-category (set 'special' and art9_condition)"
        if word is None and not category.criminal:
            word = lx.CRIMINAL_HINTS.find(category.name)
            kind = "criminal-offence data (set 'criminal: true')"
        if word is not None:
            yield ctx.act(
                entry,
                "data_categories",
                c_index,
                "name",
                message=(
                    f"data category {category.name!r} mentions {word!r}: if it is {kind}; otherwise say why in "
                    "not_special_reason"
                ),
            )


@define(
    id="A10-authorisation",
    name="lawfulness.criminal-data-authorisation",
    severity=Severity.ERROR,
    summary="Criminal-conviction and offence data names the official authority or the law authorising it.",
    article="Art. 10",
    why="Such data may be processed only under official authority or where Union or Member State law authorises it.",
    fix="Add art10_authority: the authority in control, or the statute authorising the processing.",
    bad="""
activities:
  - id: vetting
    name: Driver vetting
    data_categories:
      - id: record
        name: Criminal record certificate
        criminal: true
""",
    good="""
activities:
  - id: vetting
    name: Driver vetting
    data_categories:
      - id: record
        name: Criminal record certificate
        criminal: true
        art10_authority: PBefG § 13 (passenger transport licensing)
""",
)
def criminal_data_authorisation(ctx: Context) -> Iterator[Hit]:
    for entry, c_index, category in ctx.data_categories():
        if category.criminal and not category.art10_authority:
            yield ctx.act(
                entry,
                "data_categories",
                c_index,
                "criminal",
                message=(
                    f"data category {category.id!r} holds criminal-offence data with no authorising law or "
                    "official authority; add art10_authority"
                ),
            )
