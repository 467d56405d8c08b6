"""Technical and organisational measures, in the order of the 17 kinds of 2021/915 Annex II."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ropa.i18n import gettext as _
from ropa.model.common import TOM_LABELS, Tom, TomKind
from ropa.model.register import Register


@dataclass(frozen=True)
class MeasureView:
    """One technical or organisational measure and who applies it."""

    kind: str
    measure: str
    applies_to: str


@dataclass(frozen=True)
class MeasureGroup:
    """The measures of one of the 17 Annex II kinds, in the Annex's order."""

    number: int
    label: str
    measures: list[MeasureView]


def measures(toms: Iterable[Tom], applies_to: str) -> list[MeasureView]:
    """View of ``toms`` in the Annex II kind order (stable within a kind)."""
    order = {kind: i for i, kind in enumerate(TomKind)}
    ordered = sorted(toms, key=lambda t: order[t.kind])
    return [MeasureView(_(TOM_LABELS[t.kind]), t.measure, applies_to) for t in ordered]


def measure_groups(items: Iterable[tuple[Tom, str]]) -> list[MeasureGroup]:
    """All 17 kinds in order, each with its measures (possibly none)."""
    by_kind: dict[TomKind, list[MeasureView]] = {kind: [] for kind in TomKind}
    for tom, applies_to in items:
        by_kind[tom.kind].append(MeasureView(_(TOM_LABELS[tom.kind]), tom.measure, applies_to))
    return [MeasureGroup(i, _(TOM_LABELS[kind]), by_kind[kind]) for i, kind in enumerate(TomKind, start=1)]


def activity_label(name: str) -> str:
    """``Activity: <name>``: who applies a measure or declares a transfer, when it is one activity."""
    return _("Activity: {name}").format(name=name)


def all_measures(register: Register) -> Iterator[tuple[Tom, str]]:
    """Every measure in the register with who applies it, in register order."""
    for provider in register.providers:
        for tom in provider.toms:
            yield tom, provider.legal_name
    for entry in register.activities():
        for tom in entry.activity.security_measures:
            yield tom, activity_label(entry.activity.name)
    for item in register.organisation.processor_activities:
        for tom in item.security_measures:
            yield tom, _("Processing for {controller}").format(controller=item.controller)
