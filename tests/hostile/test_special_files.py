"""Register files that are not plain files of the register: FIFOs, devices, huge files, links leaving the folder.

A register is a folder a pull request can change, so each case here is one a
contributor could commit: a FIFO (git cannot, a CI cache or a mounted folder can),
a symbolic link to a device or to a credentials file, a sparse 100 MB file, a loop
of links, a providers folder that is a link elsewhere. Each must be refused at once
(exit 2, one located line, nothing written) and the content of a refused file must
never reach any output: every case plants a unique marker in the file outside and
looks for it in stdout, stderr and everything written, for every report format.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from hostile.support import (
    COMMANDS,
    Outcome,
    Workspace,
    assert_clean_refusal,
    command_args,
    invoke,
    run_subprocess,
    seed_output,
    snapshot,
)
from ropa.load import loader
from ropa.read.safefiles import real_folder

PROVIDER_FILE = "providers/beta.yaml"
MARKER = "ropa-outside-marker-5f2d81c4"
FORMATS = ("text", "json", "sarif", "junit", "github")
OUTSIDE = "not a regular file of the register folder"

SECRETS = {
    "scalar": f"{MARKER} aws_secret_access_key=AKIA{MARKER}\n",  # once quoted as "must hold a mapping, got '...'"
    "syntax": f"token: [{MARKER}\n",  # a syntax error, whose snippet would quote the line
    "tab": f"\t{MARKER}: 1\n",  # "found character '\\t' that cannot start any token"
    "key": f"{MARKER}: 1\nid: beta\n",  # an unknown key, quoted in "unknown key ... did you mean"
    "document": f"id: beta\nlegal_name: {MARKER}\n",  # a valid-looking provider: its text would reach the PDF
}


def _secret(root: Path, kind: str) -> Path:
    """A file outside the register holding the marker, written to trip one kind of message if it were read."""
    path = root / "outside" / f"credentials-{kind}"
    path.parent.mkdir(exist_ok=True)
    path.write_text(SECRETS[kind], encoding="utf-8")
    return path


def _assert_marker_nowhere(outcome: Outcome, *folders: Path) -> None:
    assert MARKER not in outcome.stdout and MARKER not in outcome.stderr, outcome.stderr
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file() and not path.is_symlink():
                assert MARKER.encode() not in path.read_bytes(), f"{path} holds the marker"


def _refused_everywhere_without_marker(ws: Workspace, file: str, fragment: str) -> None:
    """Every command and every report format refuses; the marker is in no stream and no written file."""
    before = seed_output(ws.out)
    for fmt in FORMATS:
        report = ws.out / f"report.{fmt}"
        outcome = invoke(["validate", str(ws.register), "--format", fmt, "--output", str(report)])
        assert_clean_refusal(outcome, file, None, fragment)
        _assert_marker_nowhere(outcome, ws.out)
        assert not report.exists()
    for command in COMMANDS:
        outcome = invoke(command_args(command, ws.register, ws.out))
        assert_clean_refusal(outcome, file, None, fragment)
        _assert_marker_nowhere(outcome, ws.out)
        assert snapshot(ws.out) == before, f"'ropa {command}' changed the output folder"


# --- files that never end or never open --------------------------------------------------------


@pytest.mark.parametrize("rel", [PROVIDER_FILE, "organisation.yaml"])
def test_a_fifo_is_refused_at_once(ws: Workspace, rel: str) -> None:
    """In a fresh interpreter with a time-out: a reader that opened the FIFO would block for ever."""
    path = ws.register / rel
    path.unlink(missing_ok=True)
    os.mkfifo(path)
    for fmt in FORMATS:
        started = time.monotonic()
        outcome = run_subprocess(["validate", str(ws.register), "--format", fmt], cwd=ws.root, timeout=60)
        assert time.monotonic() - started < 30
        if fmt == "text":
            hit = assert_clean_refusal(outcome, rel, 0, "not a regular file (FIFO)")
            assert hit["code"] == "INPUT-file"
        else:
            assert outcome.code == 2 and "Traceback" not in outcome.stderr


def test_a_fifo_is_refused_by_build_and_package_without_writing(ws: Workspace) -> None:
    os.mkfifo(ws.register / PROVIDER_FILE)
    before = seed_output(ws.out)
    for command in ("build", "package"):
        outcome = run_subprocess(command_args(command, ws.register, ws.out), cwd=ws.root, timeout=60)
        assert_clean_refusal(outcome, PROVIDER_FILE, 0, "not a regular file (FIFO)")
        assert snapshot(ws.out) == before


def test_a_symlink_to_dev_zero_is_refused_unread(ws: Workspace) -> None:
    (ws.register / PROVIDER_FILE).symlink_to("/dev/zero")
    started = time.monotonic()
    ws.refuse_everywhere(PROVIDER_FILE, 0, OUTSIDE)
    assert time.monotonic() - started < 60


def test_a_link_inside_the_register_to_a_fifo_is_refused_as_a_fifo(ws: Workspace) -> None:
    os.mkfifo(ws.register / "pipe")
    (ws.register / PROVIDER_FILE).symlink_to("../pipe")
    ws.refuse_everywhere(PROVIDER_FILE, 0, "not a regular file (FIFO)")


def test_a_sparse_100_mb_file_is_refused_from_its_size(ws: Workspace) -> None:
    path = ws.register / PROVIDER_FILE
    with path.open("wb") as handle:
        handle.truncate(100 * 1024 * 1024)
    started = time.monotonic()
    outcome = invoke(["validate", str(ws.register)])
    assert time.monotonic() - started < 5, "the file was read instead of refused from its size"
    assert_clean_refusal(outcome, PROVIDER_FILE, 1, "104,857,600 bytes, over the limit of 8,388,608")


def test_a_folder_in_place_of_organisation_yaml_says_so(ws: Workspace) -> None:
    (ws.register / "organisation.yaml").unlink()
    (ws.register / "organisation.yaml").mkdir()
    ws.refuse_everywhere("organisation.yaml", 0, "not a regular file (folder)")


# --- links leaving the register ------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(SECRETS))
@pytest.mark.parametrize("how", ["relative", "absolute", "chain"])
def test_a_provider_file_linked_outside_is_refused_and_never_quoted(ws: Workspace, kind: str, how: str) -> None:
    secret = _secret(ws.root, kind)
    link = ws.register / PROVIDER_FILE
    if how == "relative":
        link.symlink_to(os.path.relpath(secret, link.parent))
    elif how == "absolute":
        link.symlink_to(secret)
    else:  # a link inside the register that leads to a link leaving it
        (ws.register / "shared.yaml").symlink_to(secret)
        link.symlink_to("../shared.yaml")
    _refused_everywhere_without_marker(ws, PROVIDER_FILE, OUTSIDE)


@pytest.mark.parametrize("kind", ["scalar", "key"])
def test_organisation_yaml_linked_outside_is_refused_and_never_quoted(ws: Workspace, kind: str) -> None:
    (ws.register / "organisation.yaml").unlink()
    (ws.register / "organisation.yaml").symlink_to(_secret(ws.root, kind))
    _refused_everywhere_without_marker(ws, "organisation.yaml", OUTSIDE)


def test_a_providers_folder_linked_outside_is_refused_unread(ws: Workspace) -> None:
    outside = ws.root / "outside-providers"
    outside.mkdir()
    (outside / "beta.yaml").write_text(SECRETS["scalar"], encoding="utf-8")
    (ws.register / "providers" / "acme.yaml").rename(outside / "acme.yaml")
    (ws.register / "providers").rmdir()
    (ws.register / "providers").symlink_to(outside)
    _refused_everywhere_without_marker(ws, "providers", "not a folder of the register")


def test_a_subfolder_link_on_the_way_out_is_refused_unread(tmp_path: Path) -> None:
    """read_file with its folder: a folder on the path that is a link leaving it is caught on the descriptor."""
    from ropa.errors import InputError
    from ropa.read.source import read_file

    register = tmp_path / "register"
    register.mkdir()
    secret = _secret(tmp_path, "scalar")
    (register / "sub").symlink_to(secret.parent)
    with pytest.raises(InputError) as refused:
        read_file(register / "sub" / secret.name, "sub/x.yaml", folder=real_folder(register))
    (diagnostic,) = refused.value.diagnostics
    assert "a folder on its path is a symbolic link leading outside it" in diagnostic.message
    assert MARKER not in str(refused.value)


def test_a_loop_of_links_is_refused(ws: Workspace) -> None:
    (ws.register / "providers" / "gamma.yaml").symlink_to("beta.yaml")
    (ws.register / PROVIDER_FILE).symlink_to("gamma.yaml")
    ws.refuse_everywhere(PROVIDER_FILE, 0, "a loop of symbolic links", single=False)


def test_a_link_that_stays_inside_the_register_is_followed(ws: Workspace) -> None:
    """The decision: links inside the register folder are read (a shared file, an alias); the file must still
    carry the id of the name it is read under."""
    shared = ws.register / "shared"
    shared.mkdir()
    (ws.register / "providers" / "acme.yaml").rename(shared / "acme.yaml")
    (ws.register / "providers" / "acme.yaml").symlink_to("../shared/acme.yaml")
    outcome = invoke(["validate", str(ws.register), "--format", "json", "--fail-on", "never"])
    assert outcome.code == 0, outcome.stderr


def test_a_register_named_through_a_link_is_read(ws: Workspace) -> None:
    """The folder's own path may pass through links: the containment check compares resolved paths."""
    alias = ws.root / "alias"
    alias.symlink_to(ws.register)
    outcome = invoke(["validate", str(alias), "--fail-on", "never"])
    assert outcome.code == 0, outcome.stderr


# --- the walk of the providers folder -----------------------------------------------------------


def test_a_providers_folder_with_too_many_entries_is_refused_without_listing_them_all(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loader, "MAX_FOLDER_ENTRIES", 10)
    for n in range(12):
        (ws.register / "providers" / f"note-{n}.txt").write_text("x", encoding="utf-8")
    ws.refuse_everywhere("providers", 0, "more than 10 entries")
