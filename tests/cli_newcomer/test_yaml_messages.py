"""Syntax errors and misplaced keys say what to change, located, with the parser's words after."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ropa.cli import main

PROVIDER = "id: acme\nlegal_name: Acme Ltd\ncountry: DE\nrole: processor\nservice: SMS\n"
ACTIVITY = "activities:\n  - id: otp\n    name: One-time codes\n    recipients: []\n"
LOCATED = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<column>\d+): error (?P<rule>\S+) (?P<message>.*)$")


def errors(make_register: Callable[..., Path], text: str) -> list[dict[str, Any]]:
    """Validate a register whose one provider file is ``text``: exit 2, one located line per problem."""
    root = make_register()
    (root / "providers" / "acme.yaml").write_text(text, "utf-8")
    result = CliRunner().invoke(main, ["validate", str(root)])
    assert result.exit_code == 2, result.output
    found = []
    for line in result.stderr.splitlines():
        match = LOCATED.match(line)
        assert match, line
        found.append({**match.groupdict(), "line": int(match["line"]), "column": int(match["column"])})
    assert all(f["file"].endswith("providers/acme.yaml") for f in found)
    return found


@pytest.mark.parametrize(
    ("text", "line", "column", "words", "parser"),
    [
        (
            PROVIDER.replace("service: SMS", "service: SMS: fast"),
            5,
            13,
            "the value of 'service' holds ': ', which YAML reads as the start of another key; "
            'put the value in quotes: service: "SMS: fast"',
            "mapping values are not allowed in this context",
        ),
        (
            PROVIDER + "activities:\n  - id: otp\n  name: One-time codes\n",
            8,
            3,
            "the indentation of this line (column 3) does not match the lines above; indent 'name' to column 5 "
            "(like 'id' on line 7) or column 1 (like 'activities' on line 6), or start a new list item with '- '",
            "did not find expected '-' indicator",
        ),
        (
            PROVIDER + "activities:\n  - id: otp\n    name: One-time codes\n      retention: P1Y\n",
            9,
            7,
            "indent 'retention' to column 5 (like 'name' on line 8) or column 1 (like 'activities' on "
            "line 6); or, if it continues the value above, put that value in quotes",
            "mapping values are not allowed in this context",
        ),
        (
            "id: acme\naddress:\n    street: Main St 1\n  country: DE\n",
            4,
            3,
            "indent 'country' to column 5 (like 'street' on line 3) or column 1 (like 'address' on line 2)",
            "did not find expected key",
        ),
        (
            PROVIDER.replace("service: SMS", "service: 'Acme's SMS'"),
            5,
            16,
            "text follows the value of 'service' where the line should end; if the value holds quotes, "
            'brackets or braces, put it in quotes: service: "Acme\'s SMS"',
            "did not find expected key",
        ),
        (
            PROVIDER + "address:\n\tcountry: DE\n",
            7,
            1,
            "a tab character indents this line; YAML indents with spaces only: replace the tab with spaces",
            "cannot start any token",
        ),
        (
            PROVIDER.replace("service: SMS", "service: @sms"),
            5,
            10,
            "a value cannot start with '@' (YAML reserves it); put the value in quotes",
            "cannot start any token",
        ),
        (
            PROVIDER + "notes\n",
            6,
            1,
            "this line holds text but no 'key: value'; add the key and ': '",
            "could not find expected ':'",
        ),
        (
            PROVIDER.replace("service: SMS", 'service: "SMS'),
            6,
            1,
            'the quote " opened at line 5, column 10 is never closed',
            "found unexpected end of stream",
        ),
    ],
)
def test_syntax_errors_in_plain_words(
    make_register: Callable[..., Path], text: str, line: int, column: int, words: str, parser: str
) -> None:
    (found,) = errors(make_register, text)
    assert (found["line"], found["column"], found["rule"]) == (line, column, "INPUT-yaml")
    assert words in found["message"]
    assert found["message"].endswith(f"{parser})")
    assert "(YAML: " in found["message"]


def test_key_dedented_out_of_its_activity(make_register: Callable[..., Path]) -> None:
    (found,) = errors(make_register, PROVIDER + ACTIVITY + "last_reviewed: 2026-01-01\n")
    assert (found["line"], found["column"]) == (10, 1)
    assert found["message"] == (
        "unknown key 'last_reviewed'; it is a key of an activity, indented as a key of the provider: "
        "indent it under the activity, to column 5 like 'id' on line 7 (at last_reviewed)"
    )
    assert "remove it" not in found["message"]


def test_key_dedented_two_levels_and_out_of_a_mapping(make_register: Callable[..., Path]) -> None:
    text = (
        PROVIDER
        + ACTIVITY
        + "    purposes:\n      - description: Send login codes\nlawful_basis: 6.1.b\n"
        + "contract:\n  title: DPA\nsigned: 2026-01-01\n"
    )
    messages = {f["line"]: f["message"] for f in errors(make_register, text)}
    assert messages[12] == (
        "unknown key 'lawful_basis'; it is a key of a purpose, indented as a key of the provider: "
        "indent it under the purpose, to column 9 like 'description' on line 11 (at lawful_basis)"
    )
    assert messages[15].startswith(
        "unknown key 'signed'; it is a key of the contract, indented as a key of the provider"
    )


def test_an_unknown_key_of_nothing_nearby_is_still_to_remove(make_register: Callable[..., Path]) -> None:
    (found,) = errors(make_register, PROVIDER + ACTIVITY + "favourite_dish: soup\n")
    assert found["message"].startswith("unknown key 'favourite_dish'; remove it (allowed keys:")


def test_a_typo_still_gets_did_you_mean(make_register: Callable[..., Path]) -> None:
    (found,) = errors(make_register, PROVIDER + ACTIVITY + "sevice: x\n")
    assert found["message"] == "unknown key 'sevice'; did you mean 'service'? (at sevice)"


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        ("a:\n    b: 1\n  c: 2\n", (3, 3), "indent 'c' to column 5 (like 'b' on line 2) or column 1"),
        ("id: x\nlist:\n  - id: y\n  name: z\n", (4, 3), "indent 'name' to column 5 (like 'id' on line 3)"),
        ("a: 'it's'\n", (1, 8), 'put it in quotes: a: "it\'s"'),
    ],
)
def test_the_pure_python_parser_gets_the_same_advice(text: str, where: tuple[int, int], words: str) -> None:
    """Where libyaml is missing, PyYAML's parser says 'expected <block end>' for what libyaml words otherwise."""
    import yaml

    from ropa.read.syntax import Mark, explain

    with pytest.raises(yaml.MarkedYAMLError) as caught:
        yaml.load(text, Loader=yaml.SafeLoader)
    error = caught.value
    assert error.problem_mark is not None and error.context_mark is not None and error.problem is not None
    mark = Mark(error.problem_mark.line + 1, error.problem_mark.column + 1)
    start = Mark(error.context_mark.line + 1, error.context_mark.column + 1)
    at, message = explain(text, error.context, error.problem, mark, start)
    assert (at.line, at.column) == where
    assert words in message and "expected <block end>" in message
