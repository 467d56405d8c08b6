"""Hostile names: file names and ids with '..', '/', NUL, very long, or equal up to case or normalisation.

Ids become file names (``annexes/<id>.pdf``) and cross-references, so an id that
could climb out of the output folder or shadow another must never load.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest

from hostile.support import PROVIDER, Workspace, invoke, seed_output, snapshot

PROVIDER_FILE = "providers/acme.yaml"
ID_RULE = "ids use lower-case letters"


def with_id(pid: str) -> str:
    return PROVIDER.replace("id: acme", f"id: {pid!r}" if pid.strip() != pid or ":" in pid else f"id: {pid}", 1)


BAD_PROVIDER_IDS = {
    "dotdot": "..",
    "dot": ".",
    "climb": "../../etc/cron.d/x",
    "slash": "a/b",
    "absolute": "/etc/passwd",
    "backslash": "..\\..\\windows",
    "upper": "ACME",
    "space": "acme sms",
    "leading-dash": "-acme",
    "unicode": "café",
    "fullwidth": "ａｃｍｅ",
    "too-long": "a" * 64,
    "very-long": "a" * 5000,
    "empty": "''",
    "inner-newline": '"ac\\nme"',
}


@pytest.mark.parametrize("pid", BAD_PROVIDER_IDS.values(), ids=BAD_PROVIDER_IDS.keys())
def test_provider_ids_that_are_not_safe_file_names_are_refused(ws: Workspace, pid: str) -> None:
    text = PROVIDER.replace("id: acme", f"id: {pid}", 1) if pid.startswith(("'", '"')) else with_id(pid)
    ws.write(PROVIDER_FILE, text)
    ws.refuse_everywhere(PROVIDER_FILE, 1, ID_RULE)


def test_nul_in_an_id_is_refused(ws: Workspace) -> None:
    ws.write(PROVIDER_FILE, PROVIDER.replace("id: acme", 'id: "acme\\0.yaml"', 1))
    ws.refuse_everywhere(PROVIDER_FILE, 1, "U+0000")


@pytest.mark.parametrize("field", ["  - id: otp", "      - id: phone"])
@pytest.mark.parametrize("bad", ["../otp", "otp/x", "OTP", "a" * 300])
def test_activity_and_category_ids_are_checked_too(ws: Workspace, field: str, bad: str) -> None:
    prefix = field.split("id:")[0]
    text = PROVIDER.replace(field, f"{prefix}id: {bad}", 1)
    ws.write(PROVIDER_FILE, text)
    line = text.splitlines().index(f"{prefix}id: {bad}") + 1
    ws.refuse_everywhere(PROVIDER_FILE, line, ID_RULE)


def test_sub_processor_id_with_a_slash_is_refused(ws: Workspace) -> None:
    """'acme/x/y' as a reference would be ambiguous; '/' is not allowed in the id itself."""
    text = PROVIDER + "sub_processors:\n  - {id: x/y, name: Carrier}\n"
    ws.write(PROVIDER_FILE, text)
    ws.refuse_everywhere(PROVIDER_FILE, text.count("\n"), ID_RULE)


# --- file names -----------------------------------------------------------------------------


def test_file_name_must_equal_the_id(ws: Workspace) -> None:
    (ws.register / PROVIDER_FILE).rename(ws.register / "providers" / "a..b.yaml")
    ws.refuse_everywhere("providers/a..b.yaml", 1, "does not match the file name 'a..b.yaml'")


def test_file_name_differing_only_by_case_is_refused(ws: Workspace) -> None:
    (ws.register / PROVIDER_FILE).rename(ws.register / "providers" / "ACME.yaml")
    ws.refuse_everywhere("providers/ACME.yaml", 1, "does not match the file name 'ACME.yaml'")


def test_two_files_differing_only_by_case(ws: Workspace) -> None:
    """On a case-sensitive disk both load; the upper-case one can never match an id."""
    ws.write("providers/Acme.yaml", PROVIDER)
    ws.refuse_everywhere("providers/Acme.yaml", 1, "does not match the file name")


def test_names_equal_up_to_unicode_normalisation_are_both_refused(ws: Workspace) -> None:
    nfc = unicodedata.normalize("NFC", "café")
    nfd = unicodedata.normalize("NFD", "café")
    assert nfc != nfd
    ws.write(f"providers/{nfc}.yaml", with_id(nfc))
    ws.write(f"providers/{nfd}.yaml", with_id(nfd))
    outcome = invoke(["validate", str(ws.register)])
    assert outcome.code == 2 and "Traceback" not in outcome.stderr
    assert len(outcome.diagnostics()) == 2, outcome.stderr
    assert all(ID_RULE in m["message"] for m in outcome.diagnostics())


def test_very_long_file_name(ws: Workspace) -> None:
    long_id = "a" * 240
    ws.write(f"providers/{long_id}.yaml", with_id(long_id))
    ws.refuse_everywhere(f"providers/{long_id}.yaml", 1, ID_RULE)


def test_a_folder_named_like_a_provider_file(ws: Workspace) -> None:
    (ws.register / "providers" / "beta.yaml").mkdir()
    ws.refuse_everywhere("providers/beta.yaml", None, "not a regular file")


def test_a_fifo_named_like_a_provider_file_does_not_hang(ws: Workspace) -> None:
    import os

    os.mkfifo(ws.register / "providers" / "beta.yaml")
    ws.refuse_everywhere("providers/beta.yaml", None, "not a regular file")


def test_a_symlink_to_an_endless_device_does_not_hang(ws: Workspace) -> None:
    (ws.register / "providers" / "beta.yaml").symlink_to("/dev/zero")
    ws.refuse_everywhere("providers/beta.yaml", None, "not a regular file")


def test_unreadable_file_is_reported_not_raised(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    """Simulated (the suite may run as root, for whom chmod 000 changes nothing); register files are opened
    with ``os.open`` (ropa.read.safefiles)."""
    import os

    real_open = os.open

    def deny(path: Any, *args: Any, **kwargs: Any) -> Any:
        if os.fspath(path).endswith("acme.yaml"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", deny)
    ws.refuse_everywhere(PROVIDER_FILE, None, "cannot read file: Permission denied")


# --- names on the command line ----------------------------------------------------------------


@pytest.mark.parametrize("where", ["register", "out"])
def test_nul_in_a_path_argument_is_a_usage_error(ws: Workspace, where: str) -> None:
    register = str(ws.register) + ("\x00x" if where == "register" else "")
    out = str(ws.out) + ("\x00x" if where == "out" else "")
    result = invoke(["build", register, "--out", out])
    assert result.code == 2 and "NUL" in result.stderr


def test_output_path_that_cannot_exist_is_reported(ws: Workspace, tmp_path: object) -> None:
    """A name longer than the file system allows: a clean exit 2 naming the path, nothing created."""
    before = seed_output(ws.out)
    outcome = invoke(["validate", str(ws.register), "--output", str(ws.out / ("r" * 300) / "report.txt")])
    assert outcome.code == 2, outcome.stderr
    assert "Traceback" not in outcome.stderr and "cannot write" in outcome.stderr
    assert "File name too long" in outcome.stderr
    assert snapshot(ws.out) == before
