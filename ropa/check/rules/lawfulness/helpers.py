"""What several lawfulness rules share: the activities whose data subjects include children.

Both the Art. 8 consent rule (:mod:`.child_consent`) and the child-safeguards rule (:mod:`.children`) start
from the same list, built once per check.
"""

from __future__ import annotations

from ropa.check.rules import lexicons as lx
from ropa.check.rules.base import Context
from ropa.model.activity import Activity, DataSubjectCategory
from ropa.model.register import Entry

ChildSite = tuple[Entry, int, DataSubjectCategory, str]
"""An activity whose data subjects include children: its entry, the index of the first such data-subject
category, the category, and why it counts (flag or word)."""


def child_activities(ctx: Context) -> list[ChildSite]:
    """Every activity whose data subjects include children (the flag, or a word of ``CHILD_HINTS`` unless the
    category says ``children: false``), once per activity; listed once per check."""
    return ctx.once("lawfulness.children", _list_children)


def _list_children(ctx: Context) -> list[ChildSite]:
    out: list[ChildSite] = []
    reported: Activity | None = None
    for entry, s_index, subject in ctx.data_subjects():
        activity = entry.activity
        if subject.children is False or activity is reported:
            continue
        hint = None if subject.children else lx.CHILD_HINTS.find(subject.name)
        if subject.children or hint:
            reported = activity
            why = "is flagged as including children" if subject.children else f"mentions {hint!r}"
            out.append((entry, s_index, subject, why))
    return out
