"""Art. 30(1)(b) and (c): every activity states its purposes, its categories of data subjects and its
categories of personal data.
"""

from __future__ import annotations

from collections.abc import Iterator

from ropa.check.rules.base import Context, Hit, Rule, registrar
from ropa.model.common import Severity

RULES: list[Rule] = []
define = registrar(RULES)


@define(
    id="A30-1-b-purpose",
    name="completeness.purpose",
    severity=Severity.ERROR,
    summary="Every activity states at least one purpose.",
    article="Art. 30(1)(b)",
    why="The purposes are a mandatory item of the controller record; without them nothing else can be judged.",
    fix="Add a 'purposes' list with at least one specific purpose.",
    bad="""
activities:
  - id: sms-delivery
    name: SMS delivery
    purposes: []
""",
    good="""
activities:
  - id: sms-delivery
    name: SMS delivery
    purposes:
      - description: Deliver transactional SMS (order and delivery notices) to customers
        lawful_basis: 6.1.b
""",
)
def purpose(ctx: Context) -> Iterator[Hit]:
    for entry in ctx.activities():
        activity = entry.activity
        if not activity.purposes:
            yield ctx.act(entry, "purposes", message="no purpose is stated; add one")


@define(
    id="A30-1-c-categories",
    name="completeness.categories",
    severity=Severity.ERROR,
    summary="Every activity lists both its categories of data subjects and its categories of personal data.",
    article="Art. 30(1)(c)",
    why="The record must describe whose data is processed and which data; these are two separate lists.",
    fix="Add 'data_subjects' (e.g. customers receiving SMS) and 'data_categories' (e.g. mobile phone number).",
    bad="""
activities:
  - id: otp
    name: One-time passcodes
    data_subjects:
      - name: Customers logging in
""",
    good="""
activities:
  - id: otp
    name: One-time passcodes
    data_subjects:
      - name: Customers logging in
    data_categories:
      - id: phone
        name: Mobile phone number
""",
)
def categories(ctx: Context) -> Iterator[Hit]:
    for entry in ctx.activities():
        activity = entry.activity
        if not activity.data_subjects:
            yield ctx.act(
                entry,
                "data_subjects",
                message=f"activity {activity.id!r} lists no categories of data subjects; add data_subjects",
            )
        if not activity.data_categories:
            yield ctx.act(
                entry,
                "data_categories",
                message=f"activity {activity.id!r} lists no categories of personal data; add data_categories",
            )
