"""The journey's machine: its diagram is current, and it refuses moves the table does not allow."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.dialogues.machines import IllegalMove
from bot.dialogues.reflection import ASIDES, JOURNEY, Step, advance, mermaid

DIAGRAM = Path(__file__).resolve().parent.parent / "bot" / "dialogues" / "reflection.mmd"


def test_the_mermaid_diagram_beside_the_code_is_current() -> None:
    assert DIAGRAM.read_text() == mermaid(), (
        "bot/dialogues/reflection.mmd is out of date: run "
        "`python -m bot.dialogues.reflection > bot/dialogues/reflection.mmd`"
    )


def test_every_state_is_reachable_and_every_aside_can_return_everywhere() -> None:
    text = mermaid()
    for step in Step:
        assert f"--> {step.value}" in text
    for aside in ASIDES:
        for step in JOURNEY:
            assert advance(aside, f"return_to_{step.value}") is step


@pytest.mark.parametrize(
    ("step", "trigger"),
    [(Step.CONSENT, "rate"), (Step.RATING, "consent"), (Step.FINISHED, "tied"), (Step.PAUSED, "x")],
)
def test_an_illegal_move_is_refused(step: Step, trigger: str) -> None:
    with pytest.raises(IllegalMove):
        advance(step, trigger)
