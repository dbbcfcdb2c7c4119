"""One shared `transitions` machine per conversation, read once into a table of legal moves.

The machine is built once from the transition table, which checks it (unknown states, bad
triggers fail at import). Its moves are then read into a dictionary, so moving one event is a
lookup: no model is added to the machine and removed again per event, and no machine is made
per person. Only the state's name is ever stored. Conditions and callbacks would need a model
to run on, so a table that has them is refused rather than half obeyed.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any, Generic, TypeVar

from transitions import Machine

S = TypeVar("S", bound=StrEnum)


class IllegalMove(Exception):
    """A trigger the current state does not allow (a stale or forged action)."""


class SharedMachine(Generic[S]):
    def __init__(self, states: type[S], transitions: Sequence[dict[str, Any]], initial: S) -> None:
        self.machine = Machine(
            model=None,
            states=states,
            transitions=list(transitions),
            initial=initial,
            auto_transitions=False,
            send_event=False,
        )
        self.moves: dict[tuple[S, str], S] = {}
        for trigger, event in self.machine.events.items():
            for source, choices in event.transitions.items():
                for choice in choices:
                    if choice.conditions or choice.prepare or choice.before or choice.after:
                        raise ValueError(f"{trigger}: a shared machine moves without callbacks")
                # As `transitions` does, the first transition listed from a state wins; one
                # without a destination stays where it is.
                destination = choices[0].dest
                here = states[source]
                self.moves[(here, trigger)] = here if destination is None else states[destination]

    def advance(self, current: S, trigger: str) -> S:
        following = self.moves.get((current, trigger))
        if following is not None:
            return following
        if trigger not in self.machine.events:
            raise IllegalMove(f"no such move: {trigger}")
        raise IllegalMove(f"{trigger} is not allowed from {current.value}")

    def allowed(self, current: S, trigger: str) -> bool:
        return (current, trigger) in self.moves
