"""Every sheet of the register workbook in order, About first: what the XLSX writer lays out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import TypeVar

from ropa.check.findings import Report
from ropa.i18n import gettext as _
from ropa.model.activity import ProcessorActivity
from ropa.model.register import Register
from ropa.render.tables.about import ABOUT, about_items
from ropa.render.tables.activities import activity_columns, activity_items, processor_columns
from ropa.render.tables.categories import category_columns, category_items, retention_columns
from ropa.render.tables.findings import finding_columns, finding_items
from ropa.render.tables.own import own_columns, own_items
from ropa.render.tables.present import about_value, present
from ropa.render.tables.providers import (
    provider_columns,
    recipient_columns,
    recipient_items,
    sub_processor_columns,
    sub_processor_items,
)
from ropa.render.tables.table import Column, Table, Value, make_table
from ropa.render.tables.transfers import transfer_columns, transfer_items

PROCESSOR_SHEET = "Art. 30(2) processor"

T = TypeVar("T")


def sheet(name: str, description: str, columns: Sequence[Column[T]], items: Callable[[], Iterable[T]]) -> Table:
    """A sheet of ``items`` under ``columns`` as the workbook presents them (:func:`present`)."""
    return make_table(name, description, present(name, columns), items)


def is_processor(register: Register) -> bool:
    """Whether the organisation keeps an Art. 30(2) record too."""
    org = register.organisation
    return "processor" in org.roles or bool(org.processor_activities)


def build_tables(register: Register, report: Report, generated_by: str, document_date: dt.date) -> list[Table]:
    """Every sheet of the register workbook, About first.

    Args:
        register: The loaded register.
        report: Findings to list (and to count per activity).
        generated_by: Tool and version, for the About sheet, e.g. ``ropa 0.1.0``.
        document_date: The date the documents carry (see :func:`ropa.util.dates.document_datetime`).
    """
    tables = [
        sheet(
            "Activities",
            "One row per processing activity: the Art. 30(1) record",
            activity_columns(register),
            partial(activity_items, register, report),
        ),
        sheet(
            "Data categories",
            "One row per activity and category of personal data, with its retention",
            category_columns(),
            partial(category_items, register),
        ),
        sheet(
            "Recipients",
            "One row per activity and recipient (Art. 30(1)(d))",
            recipient_columns(register),
            partial(recipient_items, register),
        ),
        sheet(
            "Providers",
            "One row per provider, with the contract and its Art. 28(3)(a)-(h) coverage",
            provider_columns(register),
            lambda: register.providers,
        ),
        *(
            [
                sheet(
                    "Own processing",
                    "One row per purpose a provider pursues on its own account: its processing, not the organisation's",
                    own_columns(register),
                    partial(own_items, register),
                )
            ]
            if any(p.own_processing for p in register.providers)
            else []
        ),
        sheet(
            "Sub-processors",
            "One row per sub-processor of a provider (Art. 28(2), (4))",
            sub_processor_columns(register),
            partial(sub_processor_items, register),
        ),
        sheet(
            "Transfers",
            "One row per transfer to a third country or international organisation (Art. 30(1)(e), 30(2)(c))",
            transfer_columns(register),
            partial(transfer_items, register),
        ),
        sheet(
            "Retention",
            "One row per activity and data category: the retention schedule (Art. 30(1)(f))",
            retention_columns(),
            partial(category_items, register),
        ),
    ]
    if is_processor(register):
        processing = register.organisation.processor_activities

        def processor_items() -> Iterable[ProcessorActivity | None]:
            return processing if processing else [None]

        tables.append(
            sheet(
                PROCESSOR_SHEET,
                "One row per category of processing done on behalf of a controller (Art. 30(2))",
                processor_columns(register),
                processor_items,
            )
        )
    tables.append(
        sheet(
            "Findings",
            "One row per validation finding, open or waived",
            finding_columns(),
            partial(finding_items, report),
        )
    )
    about = make_table(
        ABOUT,
        "The organisation, the record's version and the validation summary",
        [Column[tuple[str, Value]]("Item", 34, lambda i: _(i[0])), Column("Value", 80, about_value)],
        partial(about_items, register, report, generated_by, document_date, tables),
    )
    return [about, *tables]
