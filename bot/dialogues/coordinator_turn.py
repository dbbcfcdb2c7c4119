"""One event being handled for one co-ordinator: what the co-ordinator's handlers share."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.ext.asyncio import AsyncSession

from bot.content import Content, Framework
from bot.dialogues.coordinator import Stage, advance
from bot.dialogues.replies import Button, Event, Outcome, Reply
from bot.state.database import SessionFactory
from bot.state.models import AuditEntry, Coordinator, Organisation, Round, utcnow
from bot.state.organisations import open_round

Keyboard = tuple[tuple[Button, ...], ...]
InviteLink = Callable[[str], str]  # an invite's token → the link that opens the bot with it
# Work done once the event's transaction has committed (an export reads with its own sessions).
AfterCommit = Callable[[SessionFactory, Content], Awaitable[Reply]]


def placeholder_link(token: str) -> str:
    """Until the transport says the bot's real name (the Telegram app passes its own)."""
    return f"https://t.me/your_bot?start={token}"


@dataclass
class CoordinatorTurn:
    session: AsyncSession
    content: Content
    organisation: Organisation
    coordinator: Coordinator
    event: Event
    outcome: Outcome
    invite_link: InviteLink = placeholder_link
    after_commit: list[AfterCommit] = field(default_factory=list)
    # What time it is in the errand ("Monday" is the Monday after it; "in 2 hours"): the
    # engine's clock, which a test may fix.
    clock: Callable[[], datetime] = utcnow

    @property
    def stage(self) -> Stage:
        return Stage(self.coordinator.state)

    @property
    def position(self) -> dict[str, Any]:
        return dict(self.coordinator.position or {})

    @property
    def framework(self) -> Framework:
        return self.content.framework_for(self.organisation.slug)

    def text(self, key: str, /, **values: object) -> str:
        return self.content.messages.text(key, **values)

    def say(self, key: str, /, **values: object) -> None:
        self.outcome.say(self.text(key, **values))

    def reply(self, reply: Reply) -> None:
        self.outcome.replies.append(reply)

    def button(self, label: str, action: str, argument: str | int | None = None) -> Button:
        # The step number makes a button from an old question recognisably stale.
        data = f"{self.coordinator.step}:{action}"
        return Button(label, data if argument is None else f"{data}:{argument}")

    def cancel_row(self) -> Keyboard:
        return ((self.button(self.text("coordinator.buttons.cancel"), "x"),),)

    def start(self, trigger: str, **position: Any) -> None:
        """Begin an errand: whatever was in hand is put down."""
        self._go(trigger, position)

    def move(self, trigger: str, **changes: Any) -> None:
        """The next stage of the errand in hand, keeping what it has gathered so far."""
        self._go(trigger, {**self.position, **changes})

    def reposition(self, **changes: Any) -> None:
        """Change the position within a stage (a page, a choice) without a new question."""
        merged = {**self.position, **changes}
        self.coordinator.position = {k: v for k, v in merged.items() if v is not None}

    def _go(self, trigger: str, position: dict[str, Any]) -> None:
        self.coordinator.state = advance(self.stage, trigger).value
        self.coordinator.position = {k: v for k, v in position.items() if v is not None}
        self.coordinator.step += 1

    def audit(self, action: str, /, **detail: Any) -> None:
        """Who did what: ids and counts, never what a partner said."""
        self.session.add(
            AuditEntry(
                organisation_id=self.organisation.id,
                actor=f"coordinator:{self.coordinator.id}",
                action=action,
                detail=detail,
            )
        )

    async def open_round(self) -> Round | None:
        return await open_round(self.session, self.organisation.id)

    def now(self) -> datetime:
        return self.clock()

    def local(self, when: datetime) -> str:
        """A time as the organisation reads it: 'Tue 4 Mar, 08:00'."""
        moment = when.astimezone(self.zone())
        return f"{moment:%a} {moment.day} {moment:%b}, {moment:%H:%M}"

    def moment(self, when: datetime) -> str:
        """A time in words, for a confirmation: 'Monday 30 November at 09:00' (with the year
        when it is not this year's)."""
        zone = self.zone()
        moment = when.astimezone(zone)
        weekday, day, month, time = f"{moment:%A}", moment.day, f"{moment:%B}", f"{moment:%H:%M}"
        if moment.year != self.now().astimezone(zone).year:
            return self.text(
                "coordinator.schedule.moment_in_year",
                weekday=weekday,
                day=day,
                month=month,
                year=moment.year,
                time=time,
            )
        return self.text(
            "coordinator.schedule.moment", weekday=weekday, day=day, month=month, time=time
        )

    def day(self, when: datetime) -> str:
        """A date as the organisation reads it: '4 Mar 2026'."""
        moment = when.astimezone(self.zone())
        return f"{moment.day} {moment:%b %Y}"

    def zone(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.organisation.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo("UTC")
