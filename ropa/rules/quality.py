"""Value quality and storage limitation: fields that are filled in but say nothing checkable.

Vagueness is decided only by the word lists of :mod:`ropa.rules.lexicons`
(whole words, case-insensitive, after Unicode NFKC normalisation), so every
finding names the wording that triggered it.
"""

from __future__ import annotations

from collections.abc import Iterator

from ropa.errors import KeyPath
from ropa.model.activity import Activity, Retention
from ropa.model.common import Severity
from ropa.rules import lexicons as lx
from ropa.rules.base import Context, Hit, Rule, registrar

RULES: list[Rule] = []
define = registrar(RULES)


def retentions(activity: Activity) -> Iterator[tuple[KeyPath, Retention, str]]:
    """Every retention stated in an activity: its key path, the object, and what it is the retention of."""
    if activity.retention is not None:
        yield ("retention",), activity.retention, f"activity {activity.id!r}"
    for c_index, category in enumerate(activity.data_categories):
        if category.retention is not None:
            yield (
                ("data_categories", c_index, "retention"),
                category.retention,
                f"data category {category.id!r} ({category.name})",
            )


@define(
    id="A5-1-e-retention-vague",
    name="quality.retention-vague",
    severity=Severity.ERROR,
    summary="A retention given only in words states an actual limit, not a vague phrase, a range or a minimum.",
    article="Art. 5(1)(e); Art. 30(1)(f); Art. 13(2)(a)",
    why=(
        "'As long as necessary', '6–24 months' or '7+ years' cannot be applied or checked: nobody can say "
        "when the data must be erased, which is what storage limitation asks."
    ),
    fix=(
        "Add a structured 'duration' (ISO 8601, e.g. P24M) with its 'trigger_event', or objective 'criteria'; "
        "keep the source's words in 'statement'. For a range, record the upper bound and what decides it."
    ),
    bad="""
activities:
  - id: logs
    name: API request logs
    data_categories:
      - id: logs
        name: API request logs
        retention:
          statement: 6–24 months
""",
    good="""
activities:
  - id: logs
    name: API request logs
    data_categories:
      - id: logs
        name: API request logs
        retention:
          statement: 6–24 months
          duration: P24M
          trigger_event: request logged
""",
)
def retention_vague(ctx: Context) -> Iterator[Hit]:
    for provider, index, activity in ctx.activities():
        for path, retention, label in retentions(activity):
            if retention.statement is None or retention.duration or retention.criteria:
                continue
            if retention.kind == "unlimited":
                continue
            reason = lx.retention_vagueness(retention.statement)
            if reason is None:
                continue
            yield ctx.act(
                provider,
                index,
                activity,
                *path,
                "statement",
                message=(
                    f"retention of {label} is only stated as {retention.statement!r}: {reason}; add a duration "
                    "(ISO 8601, e.g. P24M) with trigger_event, or objective criteria"
                ),
            )


@define(
    id="A30-1-d-recipients-vague",
    name="quality.recipients-vague",
    severity=Severity.WARNING,
    summary="A recipient given only as a category says who receives the data, not just 'service providers'.",
    article="Art. 30(1)(d); Art. 13(1)(e)",
    why=(
        "'Third parties', 'partners' or 'affiliates' could be anyone: the record cannot show who receives the "
        "data, whether they are processors, or whether a transfer follows."
    ),
    fix=(
        "Name the provider ('provider: <id>', with its file in providers/), or describe the category concretely "
        "(e.g. 'mobile network operators terminating the SMS'), with its role."
    ),
    bad="""
activities:
  - id: otp
    name: One-time passcodes
    recipients:
      - category: Trusted third-party service providers
        role: processor
""",
    good="""
activities:
  - id: otp
    name: One-time passcodes
    recipients:
      - category: Mobile network operators terminating the SMS
        role: controller
""",
)
def recipients_vague(ctx: Context) -> Iterator[Hit]:
    for provider, index, activity in ctx.activities():
        for r_index, recipient in enumerate(activity.recipients or ()):
            if recipient.provider or not recipient.category:
                continue
            if lx.alone(lx.VAGUE_GENERIC, recipient.category):
                continue  # a bare placeholder: VAL-placeholder reports it
            if lx.only(lx.VAGUE_RECIPIENT, recipient.category):
                yield ctx.act(
                    provider,
                    index,
                    activity,
                    "recipients",
                    r_index,
                    "category",
                    message=(
                        f"recipient category {recipient.category!r} does not say who receives the data; name the "
                        "provider (provider: <id>) or describe the category concretely"
                    ),
                )
