"""One event being handled for one partner: what the handlers share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.content import Audience, Content, Framework, Statement
from bot.dialogues.reflection import Step, advance
from bot.dialogues.replies import Button, Event, Outcome
from bot.state.models import Journey, Organisation, Partner, utcnow

Keyboard = tuple[tuple[Button, ...], ...]


@dataclass
class Turn:
    session: AsyncSession
    content: Content
    framework: Framework  # the tool plus this organisation's own indicators
    organisation: Organisation
    partner: Partner
    journey: Journey
    event: Event
    outcome: Outcome

    @property
    def audience(self) -> Audience:
        return Audience(self.partner.role)

    @property
    def step(self) -> Step:
        return Step(self.journey.state)

    @property
    def statement(self) -> Statement:
        return self.framework.statement(
            self.journey.statement_id or self.framework.statements[0].id
        )

    @property
    def position(self) -> dict[str, Any]:
        return dict(self.journey.position or {})

    @property
    def setting(self) -> str:
        return self.organisation.setting_name(self.audience.value)

    def text(self, key: str, /, **values: object) -> str:
        """The partner's audience's wording of a message in content/messages."""
        return self.content.messages.text(key, self.audience, **values)

    def say(self, key: str, /, **values: object) -> None:
        self.outcome.say(self.text(key, **values))

    def button(self, label: str, action: str, argument: str | int | None = None) -> Button:
        # The step number makes a button from an old question recognisably stale.
        data = f"{self.journey.step}:{action}"
        return Button(label, data if argument is None else f"{data}:{argument}")

    def move(self, trigger: str, statement_id: str | None = None, **position: Any) -> None:
        """Take a legal move, say where the partner now is, and make old buttons stale."""
        self.journey.state = advance(self.step, trigger).value
        if statement_id is not None:
            self.journey.statement_id = statement_id
        self.journey.position = self.settle(position)
        self.journey.step += 1
        self.journey.updated_at = utcnow()

    def settle(self, changes: dict[str, Any]) -> dict[str, Any]:
        """Position after a move: what the move names, plus what survives every move."""
        kept = {k: v for k, v in self.position.items() if k in ("resume", "reviewing")}
        merged = {**kept, **changes}
        return {k: v for k, v in merged.items() if v is not None}

    def reposition(self, **changes: Any) -> None:
        """Change the position within a step (a page, a tick) without a new question."""
        merged = {**self.position, **changes}
        self.journey.position = {k: v for k, v in merged.items() if v is not None}
        self.journey.updated_at = utcnow()
