"""YAML syntax errors in plain words: what to change on which line, the parser's own words kept after it.

libyaml names the parser state ("mapping values are not allowed in this context", "did not find
expected '-' indicator"), which says nothing to someone who indented a key by one space too many or
wrote a value holding ": ". :func:`explain` looks at the line the parser stopped on and the lines
above it and says what to do: quote the value, indent the key to a column that lines above use,
replace a tab with spaces, close a quote or bracket.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SHOWN_CHARS = 40
"""Longest piece of a line quoted in a message (a value in a suggested fix)."""
_KEY = re.compile(r"^(?P<indent>[ ]*)(?P<dash>(?:-[ ]+)*)(?P<key>[^\s#:][^:#]*?):(?:[ ]|$)")
"""A block line's indentation, list dashes and key (``  - id: x`` -> 2, ``- ``, ``id``)."""


@dataclass(frozen=True)
class Mark:
    """A 1-based position the parser reported."""

    line: int
    column: int


@dataclass(frozen=True)
class Level:
    """A column that a line above starts a key or list item at."""

    column: int
    line: int
    what: str
    """``'id'`` for a key, ``'- '`` for a list item."""


def _shorten(text: str) -> str:
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 3] + "..."


def _quoted(value: str) -> str:
    """``value`` as a YAML quoted scalar: double quotes unless it holds one (then single, doubled inside)."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]  # 'it's here' -> it's here: the user's own quotes were the problem
    if '"' not in value and "\\" not in value:
        return f'"{value}"'
    return "'" + value.replace("'", "''") + "'"


def _levels(lines: list[str], above: int) -> list[Level]:
    """Columns of the keys and list items that enclose the line after ``above`` (1-based), nearest first.

    Walking up from the line before, each line indented less than every line after it opens a level
    (the first one too); a ``- key:`` line opens two, the item's keys and the dash.
    """
    levels: list[Level] = []
    floor: int | None = None
    for number in range(above, 0, -1):
        text = lines[number - 1]
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(text) - len(text.lstrip(" "))
        if floor is not None and indent >= floor:
            continue
        match = _KEY.match(text)
        if match is not None:
            levels.append(Level(indent + len(match.group("dash")) + 1, number, repr(match.group("key").strip())))
        if stripped.startswith("- "):
            levels.append(Level(indent + 1, number, "'- '"))
        floor = indent
        if indent == 0:
            break
    return levels


def _indentation(lines: list[str], at: Mark) -> str:
    """'the indentation of this line does not match the lines above: indent 'x' to column N (...)'."""
    text = lines[at.line - 1] if at.line <= len(lines) else ""
    indent = len(text) - len(text.lstrip(" "))
    match = _KEY.match(text)
    name = repr(match.group("key").strip()) if match else "it"
    levels = _levels(lines, at.line - 1)
    choices = [lv for lv in levels if lv.what != "'- '" and lv.column != indent + 1]
    seen: set[int] = set()
    options = []
    for level in choices:
        if level.column in seen:
            continue
        seen.add(level.column)
        options.append(f"column {level.column} (like {level.what} on line {level.line})")
    advice = f"indent {name} to " + " or ".join(options[:3]) if options else f"indent {name} like the lines above"
    dashes = [lv for lv in levels if lv.what == "'- '" and lv.column == indent + 1]
    if dashes and not text.lstrip().startswith("-"):
        advice += ", or start a new list item with '- '"
    return f"the indentation of this line (column {indent + 1}) does not match the lines above; {advice}"


def _value_with_colon(line: str) -> str | None:
    """The fix for ``key: text: more``: the key and its whole value quoted; None when the line is not one."""
    match = _KEY.match(line)
    if match is None:
        return None
    value = line[match.end() :].strip()
    key = match.group("key").strip()
    return (
        f"the value of {key!r} holds ': ', which YAML reads as the start of another key; "
        f"put the value in quotes: {key}: {_shorten(_quoted(value))}"
    )


def explain(text: str, context: str | None, problem: str, mark: Mark, context_mark: Mark | None) -> tuple[Mark, str]:
    """Where the error is and what to do about it, the parser's words in parentheses.

    Args:
        text: The whole document.
        context: The parser's context ("while parsing a block mapping"), if any.
        problem: The parser's problem ("did not find expected key").
        mark: Where the parser stopped.
        context_mark: Where the construct it was reading started, if known.
    """
    lines = text.splitlines()
    line = lines[mark.line - 1] if 0 < mark.line <= len(lines) else ""
    said = ", ".join(part for part in (context, problem) if part)
    plain = _plain(lines, line, context or "", problem, mark, context_mark)
    if plain is None:
        return mark, said
    where, words = plain
    return where, f"{words} (YAML: {said})"


def _plain(
    lines: list[str], line: str, context: str, problem: str, mark: Mark, context_mark: Mark | None
) -> tuple[Mark, str] | None:
    """The plain message for the problems people make, located; None for the others."""
    first = len(line) - len(line.lstrip(" ")) + 1
    at_start = mark.column <= first
    if "mapping values are not allowed" in problem:
        match = _KEY.match(line)
        if match is not None and mark.column > match.end() - 1:
            said = _value_with_colon(line)
            if said is not None:
                return mark, said
        words = _indentation(lines, Mark(mark.line, first))
        return Mark(mark.line, first), f"{words}; or, if it continues the value above, put that value in quotes"
    block_end = "expected <block end>" in problem  # the pure-Python parser's words for both below
    if "expected '-' indicator" in problem or (block_end and "block collection" in context):
        return Mark(mark.line, first), _indentation(lines, Mark(mark.line, first))
    if ("did not find expected key" in problem or block_end) and "block mapping" in context:
        if at_start and line.lstrip().startswith("- "):
            return mark, (
                "a list item ('- ') where a key is expected; put the list under its key, indented deeper than it"
            )
        if at_start:
            return mark, _indentation(lines, mark)
        match = _KEY.match(line)
        if match is not None:
            value = line[match.end() :].strip()
            key = match.group("key").strip()
            return mark, (
                f"text follows the value of {key!r} where the line should end; if the value holds quotes, "
                f"brackets or braces, put it in quotes: {key}: {_shorten(_quoted(value))}"
            )
        return mark, "text follows a value where the line should end; put the whole value in quotes"
    if "could not find expected ':'" in problem and context_mark is not None:
        return context_mark, (
            "this line holds text but no 'key: value'; add the key and ': ', or, if it continues the value "
            "above, indent it deeper than that value's key"
        )
    if "tab character" in problem or (
        "cannot start any token" in problem and line[mark.column - 1 : mark.column] == "\t"
    ):
        return mark, "a tab character indents this line; YAML indents with spaces only: replace the tab with spaces"
    if "cannot start any token" in problem:
        char = line[mark.column - 1 : mark.column]
        return mark, f"a value cannot start with {char!r} (YAML reserves it); put the value in quotes"
    if "alias" in problem or "alias" in context or "anchor" in context:
        char = "&" if "anchor" in context else "*"
        return mark, f"a value starting with {char!r} is read as an alias or anchor; put the value in quotes"
    if "quoted scalar" in context and "end of stream" in problem and context_mark is not None:
        quote = lines[context_mark.line - 1][context_mark.column - 1 : context_mark.column] or '"'
        return mark, (
            f"the quote {quote} opened at line {context_mark.line}, column {context_mark.column} is never "
            f"closed; close it with {quote} at the end of the value"
        )
    if "unknown escape" in problem:
        return mark, (
            "a backslash in double quotes starts an escape YAML does not know; use single quotes for text "
            "with backslashes, or write each backslash twice"
        )
    flow = re.search(r"expected ',' or '([\]}])'", problem)
    if flow is not None and context_mark is not None:
        closer = flow.group(1)
        opener = "[" if closer == "]" else "{"
        return mark, (
            f"the {opener!r} opened at line {context_mark.line}, column {context_mark.column} is not closed "
            f"with {closer!r} before this line; close it, or put the value in quotes if it is text"
        )
    return None
