"""The TIA line reads 'Not recorded' only where an Art. 46 tool needs an assessment."""

from __future__ import annotations

from ropa.model.transfer import Mechanism, MechanismType, Tia
from ropa.render.views.wording import tia_text


def test_art46_tool_without_tia_is_a_gap() -> None:
    assert tia_text(Mechanism(type=MechanismType.SCC_2021_914, modules=[2])) is None


def test_adequacy_and_derogations_need_no_tia() -> None:
    assert tia_text(Mechanism(type=MechanismType.ADEQUACY)) == "Not required for this mechanism"
    assert tia_text(Mechanism(type=MechanismType.DEROGATION, derogation="49.1.b")) == "Not required for this mechanism"


def test_recorded_tia_is_shown_with_its_date() -> None:
    mechanism = Mechanism(type=MechanismType.BCR, tia=Tia(ref="TIA-7", date="2026-01-02"))
    assert tia_text(mechanism) == "TIA-7 (2026-01-02)"


def test_no_mechanism_is_a_gap() -> None:
    assert tia_text(None) is None
