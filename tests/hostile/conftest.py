"""Fixtures of the hostile-input suite (helpers live in :mod:`hostile.support`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hostile.support import ORGANISATION, PROVIDER, Workspace


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """A valid one-provider register (organisation.yaml, providers/acme.yaml) and an output folder.

    The working directory is ``tmp_path`` too, so a payload that ran would leave its marker there.
    """
    monkeypatch.chdir(tmp_path)
    space = Workspace(tmp_path, tmp_path / "register", tmp_path / "out")
    space.write("organisation.yaml", ORGANISATION)
    space.write("providers/acme.yaml", PROVIDER)
    return space
