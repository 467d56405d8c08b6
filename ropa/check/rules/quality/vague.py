"""Placeholders and vague wording in purposes, data categories, data subjects and recipients."""

from __future__ import annotations

from collections.abc import Iterator

from ropa.check.rules import lexicons as lx
from ropa.check.rules.base import Context, Hit, Rule, registrar
from ropa.errors import KeyPath
from ropa.model.common import Severity
from ropa.model.register import Entry

RULES: list[Rule] = []
define = registrar(RULES)


_DATA_PLACEHOLDERS = lx.VAGUE_GENERIC + lx.VAGUE_DATA


def _placeholder(text: str, data: bool = False) -> bool:
    return (_DATA_PLACEHOLDERS if data else lx.VAGUE_GENERIC).alone(text)


@define(
    id="VAL-placeholder",
    name="quality.placeholder",
    severity=Severity.WARNING,
    summary="No mandatory field holds only a placeholder such as 'TBD', 'N/A', 'various', '-' or 'personal data'.",
    article="Art. 30(1)-(2); Art. 5(2)",
    known_problems=(
        "It compares a whole value with a list of placeholders ('TBD', 'N/A', 'various' ...); a placeholder "
        "phrased otherwise passes (a false negative), and a real value that is exactly a listed word is reported "
        "(a false positive)."
    ),
    why="A placeholder fills the cell but records nothing; the record looks complete and is not.",
    fix="Replace the placeholder with the real value, or remove the entry until it is known (the gap is reported).",
    bad="""
activities:
  - id: otp
    name: One-time passcodes
    data_categories:
      - id: data
        name: Personal data
""",
    good="""
activities:
  - id: otp
    name: One-time passcodes
    data_categories:
      - id: phone
        name: Mobile phone number
""",
)
def placeholder(ctx: Context) -> Iterator[Hit]:
    def hit(entry: Entry, path: KeyPath, value: str) -> Hit:
        return ctx.act(
            entry,
            *path,
            message=f"{path[0]} holds only the placeholder {value!r}; write the real value",
        )

    generic = lx.VAGUE_GENERIC.alone
    for entry, p_index, purpose in ctx.purposes():
        if generic(purpose.description):
            yield hit(entry, ("purposes", p_index, "description"), purpose.description)
    for entry, s_index, subject in ctx.data_subjects():
        if generic(subject.name):
            yield hit(entry, ("data_subjects", s_index, "name"), subject.name)
    for entry, c_index, category in ctx.data_categories():
        if _DATA_PLACEHOLDERS.alone(category.name):
            yield hit(entry, ("data_categories", c_index, "name"), category.name)
    for entry, r_index, recipient in ctx.recipients():
        if recipient.category and not recipient.provider and generic(recipient.category):
            yield hit(entry, ("recipients", r_index, "category"), recipient.category)


@define(
    id="A30-1-b-purpose-vague",
    name="quality.purpose-vague",
    severity=Severity.WARNING,
    summary="A purpose is specific: not 'marketing' or 'improve our services', and not shorter than N words.",
    article="Art. 5(1)(b); Art. 30(1)(b); WP29 Opinion 03/2013",
    known_problems=(
        "It matches the phrases of a word list (ropa/check/rules/lexicons.py, whole words, case-folded), so it is"
        " a heuristic: a specific text that uses a listed phrase is reported (a false positive; waive it with a "
        "reason), and a vague text in words the list lacks, or in a language it does not cover, passes (a false "
        "negative). A short purpose is judged by its word count alone."
    ),
    options="settings.min_purpose_words (default 4): the shortest purpose not reported as vague.",
    why=(
        "Purposes must be specified and explicit; 'marketing' or 'improving the user experience' on their own "
        "allow almost any use and cannot be checked against the data kept."
    ),
    fix=(
        "Say what is done, with which data, for whom: e.g. 'Send SMS offers to customers who opted in'. The "
        "minimum number of words is settings.min_purpose_words (default 4)."
    ),
    bad="""
activities:
  - id: offers
    name: SMS offers
    purposes:
      - description: Marketing
        lawful_basis: 6.1.a
""",
    good="""
activities:
  - id: offers
    name: SMS offers
    purposes:
      - description: Send SMS offers to customers who opted in at checkout
        lawful_basis: 6.1.a
""",
)
def purpose_vague(ctx: Context) -> Iterator[Hit]:
    minimum = ctx.register.organisation.settings.min_purpose_words
    for entry, p_index, purpose in ctx.purposes():
        text = purpose.description
        if _placeholder(text):
            continue  # VAL-placeholder reports it
        phrase = lx.VAGUE_PURPOSE_ANYWHERE.find(text)
        if phrase is not None:
            why = f"{phrase!r} is not a specific purpose"
        elif lx.VAGUE_PURPOSE_ALONE.only(text):
            why = "it names a broad field, not a purpose"
        elif lx.word_count(text) < minimum:
            why = f"it has fewer than {minimum} words"
        else:
            continue
        yield ctx.act(
            entry,
            "purposes",
            p_index,
            "description",
            message=f"purpose {text!r} is vague: {why}; say what is done with which data and why",
        )


@define(
    id="A30-1-d-recipients-vague",
    name="quality.recipients-vague",
    severity=Severity.WARNING,
    summary="A recipient given only as a category says who receives the data, not just 'service providers'.",
    article="Art. 30(1)(d); Art. 13(1)(e)",
    known_problems=(
        "It matches the phrases of a word list (ropa/check/rules/lexicons.py, whole words, case-folded), so it is"
        " a heuristic: a specific text that uses a listed phrase is reported (a false positive; waive it with a "
        "reason), and a vague text in words the list lacks, or in a language it does not cover, passes (a false "
        "negative)."
    ),
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
    for entry, r_index, recipient in ctx.recipients():
        if recipient.provider or not recipient.category:
            continue
        if lx.VAGUE_GENERIC.alone(recipient.category):
            continue  # a bare placeholder: VAL-placeholder reports it
        if lx.VAGUE_RECIPIENT.only(recipient.category):
            yield ctx.act(
                entry,
                "recipients",
                r_index,
                "category",
                message=(
                    f"recipient category {recipient.category!r} does not say who receives the data; name the "
                    "provider (provider: <id>) or describe the category concretely"
                ),
            )
