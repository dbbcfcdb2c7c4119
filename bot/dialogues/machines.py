"""One shared `transitions` machine per conversation, moved one event at a time.

Each event gets a throwaway model placed at the stored state; the machine says whether the
move is legal and where it leads; the model is removed again. No machine per person, and
only the state's name is ever stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any, Generic, TypeVar

from transitions import Machine, MachineError

S = TypeVar("S", bound=StrEnum)


class IllegalMove(Exception):
    """A trigger the current state does not allow (a stale or forged action)."""


class _Position:
    state: Any


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

    def advance(self, current: S, trigger: str) -> S:
        position = _Position()
        self.machine.add_model(position, initial=current)
        try:
            if trigger not in self.machine.events:
                raise IllegalMove(f"no such move: {trigger}")
            position.trigger(trigger)  # type: ignore[attr-defined]
        except MachineError as error:
            raise IllegalMove(f"{trigger} is not allowed from {current.value}") from error
        finally:
            self.machine.remove_model(position)
        state: S = position.state
        return state

    def allowed(self, current: S, trigger: str) -> bool:
        event = self.machine.events.get(trigger)
        return event is not None and current.name in event.transitions
