"""'ropa package --since' warns when the record version was not bumped since the earlier package."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from ropa.cli import main

REGISTER = {
    "organisation.yaml": "legal_name: Example GmbH\ncountry: DE\nrecord: {version: '1', date: 2026-11-01}\n",
    "providers/acme.yaml": "id: acme\nlegal_name: Acme Ltd\nrole: processor\nservice: SMS\n"
    "activities: [{id: otp, name: One-time passcodes}]\n",
}


def _package(root: Path, out: Path, *more: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["package", str(root), "--out", str(out), "--allow-findings", "--quiet", *more])
    return result.exit_code, result.stdout, result.stderr


def test_the_same_version_is_warned_about_and_a_bumped_one_is_not(tmp_path: Path) -> None:
    root = tmp_path / "reg"
    for rel, text in REGISTER.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, "utf-8")
    code, first, _ = _package(root, tmp_path / "v1")
    assert code == 0
    earlier = Path(first.strip())
    code, _out, err = _package(root, tmp_path / "again", "--since", str(earlier))
    assert code == 0
    assert "warning: the record version and date (1, 2026-11-01) are the same as in" in err
    assert earlier.name in err and "bump record.version" in err
    text = (root / "organisation.yaml").read_text("utf-8").replace("version: '1'", "version: '2'")
    (root / "organisation.yaml").write_text(text, "utf-8")
    code, _out, err = _package(root, tmp_path / "v2", "--since", str(earlier))
    assert code == 0
    assert "warning: the record date (2026-11-01) is the same as in" in err
    assert "record version and date" not in err
