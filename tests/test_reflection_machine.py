"""The journey's machine: its diagram is current, and it refuses moves the table does not allow."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from transitions import Machine, MachineError

from bot.dialogues import coordinator, reflection
from bot.dialogues.coordinator import Stage
from bot.dialogues.machines import IllegalMove, SharedMachine
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


@pytest.mark.parametrize(
    ("conversation", "states"), [(reflection, Step), (coordinator, Stage)], ids=["journey", "co"]
)
def test_the_table_of_moves_is_what_transitions_itself_would_do(
    conversation: ModuleType, states: type[StrEnum]
) -> None:
    shared: SharedMachine[Any] = conversation.MACHINE
    itself = Machine(
        states=states,
        transitions=conversation.TRANSITIONS,
        initial=next(iter(states)),
        auto_transitions=False,
    )
    for state in states:
        for trigger in itself.events:
            itself.set_state(state)
            try:
                itself.trigger(trigger)
            except MachineError:
                assert not shared.allowed(state, trigger)
                with pytest.raises(IllegalMove):
                    shared.advance(state, trigger)
            else:
                assert shared.allowed(state, trigger)
                assert shared.advance(state, trigger) is itself.state


def test_a_shared_machine_refuses_moves_it_could_not_obey() -> None:
    guarded = [{"trigger": "rate", "source": Step.RATING, "dest": Step.EXAMPLE, "conditions": "ok"}]
    with pytest.raises(ValueError, match="rate"):
        SharedMachine(Step, guarded, Step.RATING)
