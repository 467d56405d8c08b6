"""Hostile YAML: code execution, bombs, deep nesting, odd keys, huge values, bad encodings, binaries.

Each case is run through ``validate``, ``build`` and ``package``: exit code 2, one
message naming file:line, no traceback, the output folder untouched, and no
payload run (the working directory stays free of its marker file).
"""

from __future__ import annotations

import gzip
import random
from pathlib import Path

import pytest

from hostile.support import ORGANISATION, PROVIDER, Workspace, invoke, run_subprocess, seed_output, snapshot
from ropa.read.source import MAX_DEPTH, MAX_FILE_BYTES, MAX_SCALAR_CHARS

PROVIDER_FILE = "providers/acme.yaml"
MARKER = "PWNED"


def with_line2(replacement: str) -> str:
    """The provider with its second line (``legal_name``) replaced; the payload starts on line 2."""
    assert PROVIDER.splitlines()[1].startswith("legal_name:")
    return PROVIDER.replace("legal_name: Acme SMS Ltd", replacement, 1)


def refuse(ws: Workspace, file: str, content: str | bytes, line: int | None, fragment: str) -> None:
    ws.write(file, content)
    ws.refuse_everywhere(file, line, fragment)
    assert not (ws.root / MARKER).exists(), "a payload ran"


# --- YAML that tries to execute code or construct objects -----------------------------------------

EXEC = {
    "object-apply": f"legal_name: !!python/object/apply:os.system ['touch {MARKER}']",
    "object-new": f"legal_name: !!python/object/new:os.system ['touch {MARKER}']",
    "object": f"legal_name: !!python/object:subprocess.Popen {{args: [touch, {MARKER}]}}",
    "object-apply-seq": f"legal_name: !!python/object/apply:subprocess.call\n  - [touch, {MARKER}]",
    "name": "legal_name: !!python/name:os.system",
    "module": "legal_name: !!python/module:os",
    "tuple": "legal_name: !!python/tuple [Acme, SMS]",
    "python-str": "legal_name: !!python/str Acme",
    "python-bytes": "legal_name: !!python/bytes QWNtZQ==",
    "verbatim-tag": f"legal_name: !<tag:yaml.org,2002:python/object/apply:os.system> ['touch {MARKER}']",
    "tag-on-mapping": "legal_name: !!python/object:argparse.Namespace {a: 1}",
    "local-tag": "legal_name: !Ref acme",
    "binary": "legal_name: !!binary QWNtZQ==",
    "set": "legal_name: !!set {Acme, SMS}",
    "omap": "legal_name: !!omap [a: 1]",
}


@pytest.mark.parametrize("payload", EXEC.values(), ids=EXEC.keys())
def test_tags_that_construct_objects_are_refused(ws: Workspace, payload: str) -> None:
    refuse(ws, PROVIDER_FILE, with_line2(payload), 2, "is not allowed")


def test_python_tag_on_a_key_is_refused(ws: Workspace) -> None:
    text = with_line2(f"? !!python/object/apply:os.system ['touch {MARKER}']\n: Acme")
    refuse(ws, PROVIDER_FILE, text, 2, "plain text")


def test_tag_directive_cannot_smuggle_a_python_tag(ws: Workspace) -> None:
    text = "%TAG !py! tag:yaml.org,2002:python/\n---\n" + with_line2(
        f"legal_name: !py!object/apply:os.system ['touch {MARKER}']"
    )
    refuse(ws, PROVIDER_FILE, text, 4, "python/object/apply")


def test_python_tag_in_organisation_file(ws: Workspace) -> None:
    payload = f"legal_name: !!python/object/apply:os.system [touch {MARKER}]"
    text = ORGANISATION.replace("legal_name: Example GmbH", payload)
    refuse(ws, "organisation.yaml", text, 1, "is not allowed")


# --- alias and anchor bombs ---------------------------------------------------------------------


def _laughs(levels: int, width: int) -> str:
    lines = ["lol0: &l0 lol"]
    for n in range(1, levels):
        refs = ", ".join([f"*l{n - 1}"] * width)
        lines.append(f"lol{n}: &l{n} [{refs}]")
    return PROVIDER + "\n".join(lines) + "\n"


BOMBS = {
    "billion-laughs": _laughs(10, 10),
    "wide-laughs": _laughs(4, 400),
    "long-value-aliased": PROVIDER + 'x: &a "' + "A" * 90_000 + '"\ny: [' + ", ".join(["*a"] * 200) + "]\n",
    "mapping-aliased": PROVIDER
    + "base: &b {"
    + ", ".join(f"k{i}: v" for i in range(500))
    + "}\n"
    + "many: ["
    + ", ".join(["*b"] * 1_000)
    + "]\n",
}


@pytest.mark.parametrize("text", BOMBS.values(), ids=BOMBS.keys())
def test_alias_bombs_are_refused_quickly(ws: Workspace, text: str) -> None:
    refuse(ws, PROVIDER_FILE, text, None, "alias")


@pytest.mark.parametrize(
    "text", [PROVIDER + "loop: &a [*a]\n", PROVIDER + "loop: &m {self: *m}\n"], ids=["list", "mapping"]
)
def test_self_referencing_alias_is_refused(ws: Workspace, text: str) -> None:
    refuse(ws, PROVIDER_FILE, text, None, f"deeper than {MAX_DEPTH}")


# --- very deep nesting ---------------------------------------------------------------------------

DEEP = {
    "flow-lists": PROVIDER + "deep: " + "[" * 100 + "]" * 100 + "\n",
    "flow-mappings": PROVIDER + "deep: " + "{a: " * 100 + "x" + "}" * 100 + "\n",
    "block-mappings": PROVIDER + "".join("  " * i + f"k{i}:\n" for i in range(60)) + "  " * 60 + "end\n",
    "block-sequences": PROVIDER + "deep:\n" + "- " * 80 + "x\n",
    "mixed": PROVIDER + "deep: " + "[{a: " * 50 + "x" + "}]" * 50 + "\n",
}


@pytest.mark.parametrize("text", DEEP.values(), ids=DEEP.keys())
def test_deep_nesting_is_refused(ws: Workspace, text: str) -> None:
    line = PROVIDER.count("\n") + 1
    refuse(ws, PROVIDER_FILE, text, None, f"deeper than {MAX_DEPTH} levels")
    assert line > 1


@pytest.mark.parametrize("levels", [60_000, 1_000_000])
def test_nesting_that_would_overflow_the_c_stack_is_refused(ws: Workspace, levels: int) -> None:
    """libyaml's composer recurses in C: this depth once killed the interpreter (SIGSEGV)."""
    ws.write(PROVIDER_FILE, PROVIDER + "deep: " + "[" * levels + "]" * levels + "\n")
    before = seed_output(ws.out)
    for args in (["validate", str(ws.register)], ["build", str(ws.register), "--out", str(ws.out)]):
        outcome = run_subprocess(args, ws.root)
        assert outcome.code == 2, (outcome.code, outcome.stderr[-2000:])
        assert "Traceback" not in outcome.stderr
        assert f"{PROVIDER_FILE}:{PROVIDER.count(chr(10)) + 1}:" in outcome.stderr
        assert f"deeper than {MAX_DEPTH} levels" in outcome.stderr
    assert snapshot(ws.out) == before


# --- duplicate keys at every level ---------------------------------------------------------------


def insert_after(anchor: str, extra: str) -> tuple[str, int]:
    """The provider with line ``extra`` inserted after the line ``anchor``; and the new line's number."""
    lines = PROVIDER.splitlines(keepends=True)
    index = next(i for i, text in enumerate(lines) if text.rstrip("\n") == anchor) + 1
    return "".join([*lines[:index], extra + "\n", *lines[index:]]), index + 1


DUPLICATES = {
    "top-level": (PROVIDER + "id: other\n", PROVIDER.count("\n") + 1),
    "nested-mapping": insert_after("  signed: 2026-01-15", "  title: Other"),
    "flow-mapping": (PROVIDER.replace('a: {section: "2"}', 'a: {section: "2", section: "3"}'), 11),
    "list-item": insert_after("    name: One-time passcodes", "    name: OTP"),
    "deep-in-list": insert_after("          duration: P30D", "          kind: criteria"),
    "quoted-and-plain": (PROVIDER + "'id': other\n", PROVIDER.count("\n") + 1),
    "escaped-spelling": (PROVIDER + '"\\x69d": other\n', PROVIDER.count("\n") + 1),
}


@pytest.mark.parametrize(("text", "line"), DUPLICATES.values(), ids=DUPLICATES.keys())
def test_duplicate_keys_are_refused_at_every_level(ws: Workspace, text: str, line: int) -> None:
    refuse(ws, PROVIDER_FILE, text, line, "duplicate key")


def test_duplicate_key_in_organisation(ws: Workspace) -> None:
    refuse(ws, "organisation.yaml", ORGANISATION + "country: FR\n", ORGANISATION.count("\n") + 1, "duplicate key")


# --- merge keys --------------------------------------------------------------------------------

MERGES = {
    "alias": PROVIDER.replace("toms:\n", "base: &b {role: processor}\nextra:\n  <<: *b\ntoms:\n"),
    "list-of-aliases": PROVIDER.replace("toms:\n", "x: &x {a: 1}\ny: &y {b: 2}\nz:\n  <<: [*x, *y]\ntoms:\n"),
    "inline": PROVIDER.replace("toms:\n", "extra:\n  <<: {role: processor}\ntoms:\n"),
    "in-activity": PROVIDER.replace("    name: One-time passcodes\n", "    <<: {name: OTP}\n"),
}


@pytest.mark.parametrize("text", MERGES.values(), ids=MERGES.keys())
def test_merge_keys_are_refused(ws: Workspace, text: str) -> None:
    refuse(ws, PROVIDER_FILE, text, None, "merge keys")


# --- non-string keys ---------------------------------------------------------------------------

KEYS = {
    "integer": "1: Acme",
    "float": "1.5: Acme",
    "bool": "true: Acme",
    "yes": "yes: Acme",
    "null": "~: Acme",
    "date": "2026-01-01: Acme",
    "sequence": "? [a, b]\n: Acme",
    "mapping": "? {a: 1}\n: Acme",
}


@pytest.mark.parametrize("key", KEYS.values(), ids=KEYS.keys())
def test_non_string_keys_are_refused(ws: Workspace, key: str) -> None:
    refuse(ws, PROVIDER_FILE, with_line2(f"legal_name: Acme\n{key}"), 3, "keys must be plain text")


@pytest.mark.parametrize("key", ['"na\\nme"', '"na\\rme"', '"na\\u2028me"'])
def test_keys_with_line_breaks_are_refused(ws: Workspace, key: str) -> None:
    """A key is printed in every message's key path; a line break in it would split the message."""
    refuse(ws, PROVIDER_FILE, with_line2(f"legal_name: Acme\n{key}: x"), 3, "line break")


def test_non_string_key_nested(ws: Workspace) -> None:
    refuse(ws, PROVIDER_FILE, PROVIDER.replace("    a: {section", "    1: {section"), 11, "keys must be plain text")


# --- huge values and files ---------------------------------------------------------------------

HUGE = {
    "plain": with_line2("legal_name: " + "A" * 2_000_000),
    "double-quoted": with_line2('legal_name: "' + "Ā\\u0100" * 300_000 + '"'),
    "literal-block": with_line2("legal_name: |\n" + ("  " + "B" * 999 + "\n") * 1_200),
    "folded-block": with_line2("legal_name: >\n" + ("  " + "word " * 200 + "\n") * 1_500),
}


@pytest.mark.parametrize("text", HUGE.values(), ids=HUGE.keys())
def test_huge_values_are_refused(ws: Workspace, text: str) -> None:
    refuse(ws, PROVIDER_FILE, text, 2, f"over the limit of {MAX_SCALAR_CHARS:,}")


@pytest.mark.parametrize(
    ("key", "fragment"),
    [
        ("k" * 200_000 + ": x", "could not find expected ':'"),
        ("? " + "k" * 200_000 + "\n: x", "over the limit of 1,024"),
    ],
)
def test_huge_key_is_refused(ws: Workspace, key: str, fragment: str) -> None:
    refuse(ws, PROVIDER_FILE, with_line2("legal_name: Acme\n" + key), 3, fragment)


@pytest.mark.parametrize("padding", ["comment", "spaces"])
def test_file_over_the_size_limit_is_refused(ws: Workspace, padding: str) -> None:
    filler = "# " + "x" * (MAX_FILE_BYTES + 10) if padding == "comment" else " " * (MAX_FILE_BYTES + 10)
    refuse(ws, PROVIDER_FILE, PROVIDER + filler + "\n", 1, f"over the limit of {MAX_FILE_BYTES:,}")


# --- encodings, NUL bytes, empty and binary files ----------------------------------------------

_P = PROVIDER.encode("utf-8")
ENCODINGS = {
    "invalid-byte": (_P.replace(b"Acme SMS Ltd", b"Acme \xff SMS"), 2, "invalid UTF-8"),
    "overlong": (_P.replace(b"Acme SMS Ltd", b"Acme \xc0\xaf"), 2, "invalid UTF-8"),
    "latin-1": (_P.replace(b"Acme SMS Ltd", "Straße GmbH".encode("latin-1")), 2, "invalid UTF-8"),
    "encoded-surrogate": (_P.replace(b"Acme SMS Ltd", b"Acme \xed\xa0\x80"), 2, "invalid UTF-8"),
    "truncated-at-end": (_P + b"note: \xe2\x82", PROVIDER.count("\n") + 1, "invalid UTF-8"),
    "utf-16-le-bom": (b"\xff\xfe" + PROVIDER.encode("utf-16-le"), 1, "UTF-16"),
    "utf-16-be-bom": (b"\xfe\xff" + PROVIDER.encode("utf-16-be"), 1, "UTF-16"),
    "utf-16-no-bom": (PROVIDER.encode("utf-16-le"), 1, "NUL byte"),
    "utf-32-bom": (PROVIDER.encode("utf-32"), 1, "UTF-32"),
    "nul-in-middle": (_P.replace(b"Acme SMS Ltd", b"Acme\x00SMS"), 2, "NUL"),
    "nul-first": (b"\x00" + _P, 1, "NUL"),
    "nul-escape-in-value": (_P.replace(b"Acme SMS Ltd", b'"Acme\\0SMS"'), 2, "U+0000"),
    "nul-escape-in-key": (_P.replace(b"legal_name: Acme SMS Ltd", b'legal_name: Acme\n"x\\x00": y'), 3, "U+0000"),
    "bell-escape": (_P.replace(b"Acme SMS Ltd", b'"Acme\\a"'), 2, "U+0007"),
    "escape-escape": (_P.replace(b"Acme SMS Ltd", b'"\\e[31mAcme"'), 2, "U+001B"),
    "c1-control": (_P.replace(b"Acme SMS Ltd", b'"Acme\\x85"'), 2, "U+0085"),
    "raw-escape-sequence": (_P.replace(b"Acme SMS Ltd", b"\x1b[31mAcme\x1b[0m"), 2, "U+001B"),
    "raw-delete": (_P.replace(b"Acme SMS Ltd", b"Acme\x7f"), 2, "U+007F"),
    "raw-backspace-in-comment": (_P + b"# note\x08\x08\n", PROVIDER.count("\n") + 1, "U+0008"),
}


@pytest.mark.parametrize(("raw", "line", "fragment"), ENCODINGS.values(), ids=ENCODINGS.keys())
def test_bad_encodings_and_nul_bytes_are_refused(ws: Workspace, raw: bytes, line: int, fragment: str) -> None:
    refuse(ws, PROVIDER_FILE, raw, line, fragment)


def test_utf8_bom_is_accepted(ws: Workspace, tmp_path: Path) -> None:
    """A UTF-8 byte order mark (Windows editors) is harmless and must not be an error."""
    ws.write(PROVIDER_FILE, b"\xef\xbb\xbf" + _P)
    outcome = invoke(["validate", str(ws.register)])
    assert outcome.code == 0, outcome.stderr


EMPTY = {
    "zero-bytes": (b"", "empty"),
    "whitespace": (b"  \n\t\n   \r\n", "empty"),
    "comments-only": (b"# nothing here\n  # nor here\n", "empty"),
    "bom-only": (b"\xef\xbb\xbf", "empty"),
    "document-marker": (b"---\n", "mapping"),
    "document-end": (b"---\n...\n", "mapping"),
    "null-document": (b"~\n", "mapping"),
    "scalar-document": (b"acme\n", "mapping"),
}


@pytest.mark.parametrize(("raw", "fragment"), EMPTY.values(), ids=EMPTY.keys())
@pytest.mark.parametrize("file", [PROVIDER_FILE, "organisation.yaml"])
def test_empty_and_whitespace_files_are_refused(ws: Workspace, raw: bytes, fragment: str, file: str) -> None:
    refuse(ws, file, raw, None, fragment)


def _binaries() -> dict[str, bytes]:
    rng = random.Random(30)
    noise = bytes(rng.randrange(256) for _ in range(4096))
    return {
        "random": noise,
        "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + noise[:512],
        "gzip": gzip.compress(_P, mtime=0),
        "elf": b"\x7fELF\x02\x01\x01\x00" + bytes(8) + noise[:256],
        "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + noise[:64],
        "zip": b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + noise[:200],
    }


@pytest.mark.parametrize("name", list(_binaries()))
@pytest.mark.parametrize("file", [PROVIDER_FILE, "organisation.yaml"])
def test_binary_files_are_refused(ws: Workspace, name: str, file: str) -> None:
    raw = _binaries()[name]
    ws.write(file, raw)
    ws.refuse_everywhere(file, None, None)
