"""Children as data subjects: age range, a notice they understand, a DPIA, and child-specific balancing."""

from __future__ import annotations

from collections.abc import Iterator

from ropa.check.rules.base import Context, Hit, Rule, registrar
from ropa.check.rules.lawfulness.helpers import child_activities
from ropa.model.activity import LawfulBasis
from ropa.model.common import Severity

RULES: list[Rule] = []
define = registrar(RULES)


@define(
    id="CHILD-safeguards",
    name="lawfulness.children",
    severity=Severity.WARNING,
    summary=(
        "An activity whose data subjects include children records their age range, an age-appropriate notice, a "
        "DPIA or screening, and (for legitimate interests) child-specific balancing."
    ),
    article="Art. 6(1)(f); Art. 8; Art. 12(1); Recital 38; Art. 35 (WP248 criteria)",
    why=(
        "Children merit specific protection: information for them must be in clear and plain language they "
        "understand, legitimate interests weigh a child's interests in particular, and vulnerable data subjects "
        "are a DPIA criterion. Children are detected from the 'children' flag or the category's words."
    ),
    fix=(
        "Add dpia: {ref: ..., date: ...} (the DPIA or its screening) and child_safeguards with age_range, notice "
        "and, where a purpose rests on 6.1.f, lia_reasoning; if the category holds no children, set "
        "children: false."
    ),
    bad="""
activities:
  - id: school
    name: School closure alerts
    data_subjects:
      - name: Pupils and their parents
    dpia:
      ref: DPIA screening 2026-07 school alerts
      date: 2026-07-01
""",
    good="""
activities:
  - id: school
    name: School closure alerts
    data_subjects:
      - name: Pupils and their parents
    dpia:
      ref: DPIA screening 2026-07 school alerts
      date: 2026-07-01
    child_safeguards:
      age_range: 6-18
      notice: School alerts notice for pupils, plain-language version 2026-07
""",
)
def children(ctx: Context) -> Iterator[Hit]:
    for entry, s_index, subject, why in child_activities(ctx):
        activity = entry.activity
        safeguards = activity.child_safeguards
        missing = []
        if activity.dpia is None:
            missing.append("no DPIA or screening (dpia)")
        if safeguards is None or not safeguards.age_range:
            missing.append("no age range (child_safeguards.age_range)")
        if safeguards is None or not safeguards.notice:
            missing.append("no notice written for their age (child_safeguards.notice)")
        if (safeguards is None or not safeguards.lia_reasoning) and any(
            p.lawful_basis is LawfulBasis.LEGITIMATE_INTERESTS for p in activity.purposes
        ):
            missing.append(
                "no child-specific reasoning in the legitimate interests balance (child_safeguards.lia_reasoning)"
            )
        if missing:
            yield ctx.act(
                entry,
                "data_subjects",
                s_index,
                message=(
                    f"data subjects {subject.name!r} {why}, but activity {activity.id!r} records "
                    + ", ".join(missing)
                    + "; add them (or set children: false if there are none)"
                ),
            )
