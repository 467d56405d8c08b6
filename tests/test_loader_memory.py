"""What loading and checking keep in memory (ropa/load/loader.py, ropa/check/engine.py), and that it changes no result.

Memory measures must not change a value: the loaded models equal freshly
validated ones, every model still knows which fields its input set, findings
are still located at the right file:line:column, and a check leaves no cache
of the register's texts behind.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import BaseModel

from ropa.check.engine import check
from ropa.check.rules import lexicons
from ropa.load.loader import load_register
from ropa.model.organisation import Organisation
from ropa.model.provider import Provider
from ropa.read.source import read_file

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "sms-providers"


def _models(model: object) -> list[BaseModel]:
    """Every model inside ``model``, itself included."""
    found: list[BaseModel] = []
    stack = [model]
    while stack:
        item = stack.pop()
        if isinstance(item, BaseModel):
            found.append(item)
            stack.extend(item.__dict__.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
    return found


def test_loaded_models_equal_fresh_ones_and_keep_their_own_fields_set() -> None:
    register = load_register(EXAMPLE, "reg")
    for provider in register.providers:
        fresh = Provider.model_validate(read_file(EXAMPLE / "providers" / f"{provider.id}.yaml").data)
        assert provider == fresh
        loaded, expected = _models(provider), _models(fresh)
        assert [m.model_fields_set for m in loaded] == [m.model_fields_set for m in expected]
        assert provider.model_dump(exclude_unset=True) == fresh.model_dump(exclude_unset=True)
    organisation = Organisation.model_validate(read_file(EXAMPLE / "organisation.yaml").data)
    assert register.organisation == organisation


def test_findings_are_located_at_the_same_line_and_column_as_in_the_files() -> None:
    register = load_register(EXAMPLE, "reg")
    report = check(register, dt.date(2026, 11, 23))
    assert report.findings
    for finding in report.findings:
        doc = read_file(EXAMPLE / finding.file)
        # The reference: the dict of every key path the reader used to keep, rebuilt from the document.
        table = dict(doc.positions.items())
        expected = next(
            (table[finding.path[:end]] for end in range(len(finding.path), -1, -1) if finding.path[:end] in table),
            (1, 1),
        )
        assert (finding.line, finding.column) == expected, finding
        if finding.path and finding.path in table:
            line = (EXAMPLE / finding.file).read_text(encoding="utf-8").splitlines()[finding.line - 1]
            last = finding.path[-1]
            assert not isinstance(last, str) or line[finding.column - 1 :].startswith(last), (finding, line)


def test_a_check_leaves_no_words_cached_and_gives_the_same_findings_twice() -> None:
    register = load_register(EXAMPLE, "reg")
    first = check(register, dt.date(2026, 11, 23))
    assert not lexicons._WORDS
    lexicons.text_words("warm the cache with a text")
    second = check(register, dt.date(2026, 11, 23))
    assert not lexicons._WORDS
    assert first.findings == second.findings
