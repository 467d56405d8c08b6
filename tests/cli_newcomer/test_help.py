"""'ropa --help' shows each command's whole first sentence, never cut with '...'."""

from __future__ import annotations

from click.testing import CliRunner

from ropa.cli import main


def test_help_lists_whole_descriptions() -> None:
    result = CliRunner().invoke(main, ["--help"], terminal_width=80)
    assert result.exit_code == 0
    commands = result.output.split("Commands:", 1)[1]
    assert "..." not in commands
    flat = " ".join(commands.split())
    assert "build Validate REGISTER, then write the PDF/XLSX register and Art. 28 annexes into OUT." in flat
    assert "diff Change log from OLD to NEW, each a register folder or a package zip." in flat
    assert "verify Recompute every hash in PACKAGE.zip against its manifest, without extracting it." in flat
    for line in commands.splitlines():
        assert len(line) <= 80
