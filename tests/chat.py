"""A person talking to the engine, as a test script plays them (no transport in between)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from bot.dialogues.engine import Engine
from bot.dialogues.replies import Button, Event, EventKind, Media, MediaKind, Outcome, Reply
from bot.state.database import SessionFactory
from bot.state.invites import Role, issue_invite
from bot.state.organisations import create_organisation

_event_ids = itertools.count(1)


@dataclass
class Chat:
    engine: Engine
    address: str = "1001"
    transport: str = "test"
    first_name: str | None = "Sam"
    outcomes: list[Outcome] = field(default_factory=list)
    keyboard: tuple[tuple[Button, ...], ...] = ()  # the buttons of the newest message that had any
    events: list[Event] = field(default_factory=list)

    async def event(self, kind: EventKind, **fields: object) -> Outcome:
        event = Event(
            transport=self.transport,
            chat=self.address,
            kind=kind,
            event_id=str(next(_event_ids)),
            first_name=self.first_name,
            **fields,  # type: ignore[arg-type]
        )
        return await self.deliver(event)

    async def deliver(self, event: Event) -> Outcome:
        outcome = await self.engine.handle(event)
        self.events.append(event)
        self.outcomes.append(outcome)
        for reply in outcome.replies:
            if reply.buttons:
                self.keyboard = reply.buttons
        if outcome.update_source is not None:
            self.keyboard = outcome.update_source.buttons
        return outcome

    async def send(self, text: str) -> Outcome:
        """Type a message; a leading slash makes it a command, as Telegram does."""
        if text.startswith("/"):
            name, _, argument = text[1:].partition(" ")
            return await self.event(EventKind.COMMAND, command=name.lower(), text=argument or None)
        return await self.event(EventKind.TEXT, text=text)

    async def press(self, label: str) -> Outcome:
        """Tap the button whose label is, or contains, `label` on the newest keyboard."""
        button = self.button(label)
        return await self.event(EventKind.BUTTON, data=button.data)

    async def send_media(self, kind: MediaKind, caption: str | None = None) -> Outcome:
        media = Media(kind=kind, file_id=f"file-{next(_event_ids)}", file_unique_id="u")
        return await self.event(EventKind.MEDIA, media=media, text=caption)

    def button(self, label: str) -> Button:
        buttons = [b for row in self.keyboard for b in row]
        exact = [b for b in buttons if b.label == label]
        found = exact or [b for b in buttons if label in b.label]
        if not found:
            raise AssertionError(f"no button {label!r}; buttons are {[b.label for b in buttons]}")
        return found[0]

    @property
    def last(self) -> Outcome:
        return self.outcomes[-1]

    @property
    def said(self) -> str:
        """Everything the bot said in answer to the last event, as one text."""
        return "\n".join(reply.text for reply in self.last.replies)

    @property
    def question(self) -> Reply:
        return self.last.replies[-1]


@dataclass(frozen=True)
class Invites:
    parent_carer: str
    young_person: str
    practitioner: str
    coordinator: str


async def organisation_with_invites(
    sessions: SessionFactory, name: str = "Oak Tree School", calls_itself: str = "the school"
) -> Invites:
    async with sessions() as session, session.begin():
        organisation, _ = await create_organisation(session, name, calls_itself)
        tokens = {}
        for role in Role:
            issued = await issue_invite(session, organisation.id, role)
            tokens[role] = issued.token
    return Invites(
        parent_carer=tokens[Role.PARENT_CARER],
        young_person=tokens[Role.YOUNG_PERSON],
        practitioner=tokens[Role.PRACTITIONER],
        coordinator=tokens[Role.COORDINATOR],
    )


Turn = tuple[str, str]


async def play(chat: Chat, script: list[Turn]) -> None:
    """Run a conversation script: (what the partner does, words the bot's answer must contain).

    "[Mostly]" taps the button so labelled, "<voice>" (or photo, document, sticker) sends one,
    "/pause" is a command, anything else is typed. An empty expectation checks nothing.
    """
    for number, (action, expected) in enumerate(script, start=1):
        if action.startswith("[") and action.endswith("]"):
            await chat.press(action[1:-1])
        elif action.startswith("<") and action.endswith(">"):
            kind = action[1:-1]
            if kind == "sticker":
                await chat.event(EventKind.UNSUPPORTED)
            else:
                await chat.send_media(MediaKind(kind))
        else:
            await chat.send(action)
        heard = "\n".join(
            [chat.last.acknowledge or "", chat.last.chosen or "", chat.said]
            + ([chat.last.update_source.text] if chat.last.update_source else [])
        )
        assert expected.lower() in heard.lower(), (
            f"turn {number} ({action!r}): expected {expected!r} in:\n{heard}"
        )
