"""Safe YAML reading: every refusal names the problem and its file:line:column."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from ropa.errors import Diagnostic, InputError
from ropa.read.source import MAX_DEPTH, MAX_SCALAR_CHARS, read_file, read_text


def _errors(text: str, file: str = "providers/acme.yaml") -> list[Diagnostic]:
    with pytest.raises(InputError) as info:
        read_text(text, file)
    return info.value.diagnostics


def _one(text: str) -> Diagnostic:
    errors = _errors(text)
    assert len(errors) == 1, errors
    return errors[0]


def _file_errors(tmp_path: Path, raw: bytes) -> list[Diagnostic]:
    path = tmp_path / "acme.yaml"
    path.write_bytes(raw)
    with pytest.raises(InputError) as info:
        read_file(path, "providers/acme.yaml")
    return info.value.diagnostics


def _where(d: Diagnostic) -> tuple[str, int, int]:
    return (d.file, d.line, d.column)


def test_reads_data_and_positions() -> None:
    doc = read_text("id: acme\nactivities:\n  - id: otp\n    name: OTP\n", "providers/acme.yaml")
    assert doc.data == {"id": "acme", "activities": [{"id": "otp", "name": "OTP"}]}
    assert doc.positions[("id",)] == (1, 1)
    assert doc.positions[("activities", 0)] == (3, 5)
    assert doc.positions[("activities", 0, "name")] == (4, 5)
    assert doc.locate(("activities", 0, "name", "missing")) == (4, 5)


def test_duplicate_key_names_both_lines() -> None:
    d = _one("id: acme\nname: A\nid: other\n")
    assert _where(d) == ("providers/acme.yaml", 3, 1)
    assert "duplicate key 'id'" in d.message and "line 1" in d.message
    assert d.render().startswith("providers/acme.yaml:3:1: error INPUT-yaml duplicate key 'id'")


def test_nested_duplicate_key_names_both_lines_and_path() -> None:
    d = _one("top:\n  x: 1\n  y:\n    z: 1\n    z: 2\n")
    assert _where(d) == ("providers/acme.yaml", 5, 5)
    assert "duplicate key 'z'" in d.message and "line 4" in d.message
    assert d.path == ("top", "y", "z")


def test_duplicate_keys_in_list_items_are_all_reported() -> None:
    errors = _errors("items:\n  - a: 1\n    a: 2\n  - b: 1\n    b: 2\n")
    assert [(e.line, e.column) for e in errors] == [(3, 5), (5, 5)]
    assert "line 2" in errors[0].message and "line 4" in errors[1].message


@pytest.mark.parametrize(
    ("text", "tag", "column"),
    [
        ("a: !!python/object/apply:os.system ['echo pwned']\n", "!!python/object/apply:os.system", 4),
        ("a: !!python/name:os.system\n", "!!python/name:os.system", 4),
        ("a: !!python/object:collections.OrderedDict {}\n", "!!python/object:collections.OrderedDict", 4),
        ("a: !!python/object/new:subprocess.Popen [[ls]]\n", "!!python/object/new:subprocess.Popen", 4),
        ("!!python/tuple [1, 2]\n", "!!python/tuple", 1),
        ("a: !<tag:yaml.org,2002:python/module:os> ''\n", "!!python/module:os", 4),
        ("a: !custom 3\n", "!custom", 4),
    ],
)
def test_python_and_unknown_tags_are_refused(text: str, tag: str, column: int) -> None:
    d = _one(text)
    assert (d.line, d.column) == (1, column)
    assert f"tag {tag!r} is not allowed" in d.message


def test_alias_bomb_is_stopped_quickly_with_a_clear_message() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 10) + "]")
    start = time.perf_counter()
    errors = _errors("\n".join(lines) + "\n")
    elapsed = time.perf_counter() - start
    assert elapsed < 2.0, f"alias bomb took {elapsed:.1f} s"
    assert len(errors) == 1
    assert "alias" in errors[0].message and "anchors and aliases" in errors[0].message
    assert errors[0].line >= 1 and errors[0].column >= 1


def test_modest_alias_reuse_is_allowed() -> None:
    doc = read_text("base: &m [encryption, access control]\nother: *m\n", "f.yaml")
    assert doc.data == {"base": ["encryption", "access control"], "other": ["encryption", "access control"]}


def test_merge_keys_are_refused() -> None:
    d = _one("base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n")
    assert (d.line, d.column) == (3, 3)
    assert "merge keys ('<<') are not supported" in d.message


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("1: a\n", 1, 1),
        ("~: a\n", 1, 1),
        ("x: 1\nyes: a\n", 2, 1),
        ("? [a, b]\n: c\n", 1, 3),
        ("2026-01-01: a\n", 1, 1),
    ],
)
def test_non_string_keys_are_refused(text: str, line: int, column: int) -> None:
    d = _one(text)
    assert (d.line, d.column) == (line, column)
    assert "keys must be plain text" in d.message


def test_quoted_number_key_is_fine() -> None:
    assert read_text('"1": a\n', "f.yaml").data == {"1": "a"}


def test_invalid_utf8_is_located(tmp_path: Path) -> None:
    (d,) = _file_errors(tmp_path, b"id: acme\nname: Caf\xe9 Ltd\n")  # Latin-1, not UTF-8
    assert _where(d) == ("providers/acme.yaml", 2, 10)
    assert "invalid UTF-8 byte 0xe9" in d.message and "save the file as UTF-8" in d.message


def test_invalid_utf8_column_counts_characters_not_bytes(tmp_path: Path) -> None:
    (d,) = _file_errors(tmp_path, "id: acme\nname: Café – ".encode() + b"\xff\n")
    assert _where(d) == ("providers/acme.yaml", 2, 14)


@pytest.mark.parametrize("bom", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom_is_refused(tmp_path: Path, bom: str) -> None:
    raw = ("\ufeff" + "id: acme\n").encode(bom)
    (d,) = _file_errors(tmp_path, raw)
    assert _where(d) == ("providers/acme.yaml", 1, 1)
    assert "UTF-16" in d.message and "UTF-8" in d.message


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes(b"\xef\xbb\xbfid: acme\n")
    assert read_file(path).data == {"id": "acme"}


def test_nul_byte_is_located(tmp_path: Path) -> None:
    (d,) = _file_errors(tmp_path, b"id: acme\nname: a\x00b\n")
    assert _where(d) == ("providers/acme.yaml", 2, 8)
    assert "NUL byte" in d.message


@pytest.mark.parametrize("text", ["", "   \n\n", "# only a comment\n\n  # and another\n"])
def test_empty_and_comment_only_files(text: str) -> None:
    d = _one(text)
    assert _where(d) == ("providers/acme.yaml", 1, 1)
    assert "file is empty" in d.message


def test_oversized_scalar_is_refused() -> None:
    d = _one("id: acme\nname: " + "x" * (MAX_SCALAR_CHARS + 1) + "\n")
    assert _where(d) == ("providers/acme.yaml", 2, 7)
    assert f"{MAX_SCALAR_CHARS + 1:,} characters long" in d.message
    assert d.path == ("name",)


def test_scalar_at_the_limit_is_accepted() -> None:
    assert len(read_text("name: " + "x" * MAX_SCALAR_CHARS + "\n", "f.yaml").data["name"]) == MAX_SCALAR_CHARS


def test_oversized_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ropa.read.source

    monkeypatch.setattr(ropa.read.source, "MAX_FILE_BYTES", 100)
    (d,) = _file_errors(tmp_path, b"name: " + b"x" * 200 + b"\n")
    assert d.file == "providers/acme.yaml"
    assert "over the limit of 100" in d.message


def test_deep_nesting_is_refused_with_a_location() -> None:
    deep = "a: " + "[" * (MAX_DEPTH + 20) + "]" * (MAX_DEPTH + 20) + "\n"
    (d,) = _errors(deep)
    assert d.line == 1 and d.column > 1
    assert f"nesting deeper than {MAX_DEPTH} levels" in d.message


def test_very_deep_nesting_does_not_crash_the_interpreter() -> None:
    """libyaml's composer recurses in C: 100,000 levels must be refused before composing."""
    (d,) = _errors("[" * 100_000)
    assert "nesting" in d.message


def test_nesting_within_the_limit_is_accepted() -> None:
    depth = MAX_DEPTH - 2
    assert read_text("a: " + "[" * depth + "1" + "]" * depth + "\n", "f.yaml").data["a"]


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ("id: acme\nlist: [1, 2\nname: x\n", 3, 5, "expected ',' or ']'"),
        ("id: acme\nactivities:\n  - a\n b: 2\n", 4, 2, "expected key"),
        ("id: acme\nname:\n\tx: 1\n", 3, 1, "cannot start any token"),
        ('id: "unterminated\n', 2, 1, "end of stream"),
    ],
)
def test_syntax_errors_are_located(text: str, line: int, column: int, words: str) -> None:
    d = _one(text)
    assert _where(d) == ("providers/acme.yaml", line, column)
    assert d.message.startswith("YAML syntax error")
    assert words in d.message


def test_two_documents_in_one_file_are_refused() -> None:
    d = _one("id: acme\n---\nid: other\n")
    assert (d.line, d.column) == (2, 1)
    assert "single document" in d.message


def test_impossible_date_is_located() -> None:
    d = _one("id: acme\nsigned: 2026-02-30\n")
    assert (d.line, d.column) == (2, 9)
    assert "cannot read this value" in d.message


def test_control_characters_in_values_are_refused() -> None:
    d = _one('name: "bell\\x07"\n')
    assert (d.line, d.column) == (1, 7)
    assert "control character U+0007" in d.message


def test_all_problems_of_a_file_are_reported_together() -> None:
    errors = _errors("a: 1\na: 2\nb: !!python/name:os.system\n3: x\n")
    assert [e.line for e in errors] == [2, 3, 4]


def test_unreadable_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read_file(tmp_path / "missing.yaml", "providers/missing.yaml")
    (d,) = info.value.diagnostics
    assert d.file == "providers/missing.yaml" and "cannot read file" in d.message
