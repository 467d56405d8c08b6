"""Art. 30(2)(a) and (b): the record a processor keeps names each controller it acts for, with contact
details, and the specific categories of processing it carries out for each.
"""

from __future__ import annotations

from collections.abc import Iterator

from ropa.check.rules import lexicons as lx
from ropa.check.rules.base import Context, Hit, Rule, registrar
from ropa.model.common import Severity

RULES: list[Rule] = []
define = registrar(RULES)


@define(
    id="A30-2-a-identities",
    name="completeness.processor-identities",
    severity=Severity.ERROR,
    summary="Each controller the organisation processes for (Art. 30(2) entries) has contact details.",
    article="Art. 30(2)(a)",
    why="A processor's record must give the name and contact details of each controller it acts for.",
    fix="Add controller_contact (address, email or phone) to the processor activity.",
    bad="""
# organisation.yaml
roles: [controller, processor]
processor_activities:
  - id: white-label-sms
    controller: Shop AG
    categories_of_processing: [SMS delivery for the controller's customers]
""",
    good="""
# organisation.yaml
roles: [controller, processor]
processor_activities:
  - id: white-label-sms
    controller: Shop AG
    controller_contact: privacy@shop.example
    categories_of_processing: [SMS delivery for the controller's customers]
""",
)
def processor_identities(ctx: Context) -> Iterator[Hit]:
    for p_index, pa in enumerate(ctx.register.organisation.processor_activities):
        if not pa.controller_contact:
            yield ctx.org(
                "processor_activities",
                p_index,
                "controller",
                message=f"controller {pa.controller!r} of processor activity {pa.id!r} has no contact; add "
                "controller_contact",
            )


@define(
    id="A30-2-b-categories",
    name="completeness.processing-categories",
    severity=Severity.ERROR,
    summary="Each Art. 30(2) entry lists specific categories of processing carried out for its controller.",
    article="Art. 30(2)(b)",
    why="A processor's record must say which processing it carries out for each controller.",
    fix="List categories_of_processing concretely (e.g. 'SMS delivery', 'hosting of message logs').",
    bad="""
# organisation.yaml
roles: [controller, processor]
processor_activities:
  - id: white-label-sms
    controller: Shop AG
    controller_contact: privacy@shop.example
    categories_of_processing: [various]
""",
    good="""
# organisation.yaml
roles: [controller, processor]
processor_activities:
  - id: white-label-sms
    controller: Shop AG
    controller_contact: privacy@shop.example
    categories_of_processing: [SMS delivery for the controller's customers]
""",
)
def processing_categories(ctx: Context) -> Iterator[Hit]:
    for p_index, pa in enumerate(ctx.register.organisation.processor_activities):
        if not pa.categories_of_processing:
            yield ctx.org(
                "processor_activities",
                p_index,
                message=f"processor activity {pa.id!r} lists no categories_of_processing; add them",
            )
        for c_index, category in enumerate(pa.categories_of_processing):
            if lx.VAGUE_GENERIC.alone(category):
                yield ctx.org(
                    "processor_activities",
                    p_index,
                    "categories_of_processing",
                    c_index,
                    message=f"category of processing {category!r} says nothing; describe the processing",
                )
