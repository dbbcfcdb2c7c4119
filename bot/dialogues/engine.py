"""The dialogue engine: an event in, an outcome out, the state in the database.

Each event is one transaction: the journal records it (so a redelivery is applied once), the
partner's journey row is locked (so one partner's events apply in order, even across workers),
the state changes, and it commits before the caller sends a single reply. Whatever the bot has
told a partner has therefore already survived a crash.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.content import Content
from bot.dialogues import (
    buttons,
    commands,
    coordinator_commands,
    joining,
    keeping,
    prompts,
    steps,
    words,
)
from bot.dialogues.coordinator_turn import AfterCommit, InviteLink, placeholder_link
from bot.dialogues.reflection import INTERRUPTIBLE, Step
from bot.dialogues.replies import Event, EventKind, Outcome
from bot.dialogues.turn import Turn
from bot.state import partners
from bot.state.database import SessionFactory
from bot.state.models import Journey, Organisation, Partner, utcnow
from bot.state.organisations import open_round

log = logging.getLogger(__name__)
RACE_ATTEMPTS = 3


class Engine:
    def __init__(
        self,
        sessions: SessionFactory,
        content: Content,
        invite_link: InviteLink = placeholder_link,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.sessions = sessions
        self.content = content
        self.invite_link = invite_link  # a co-ordinator's new invite token → its deep link
        self.clock = clock  # what time it is in co-ordinators' errands ("Monday 09:00")

    async def handle(self, event: Event) -> Outcome:
        for attempt in range(1, RACE_ATTEMPTS + 1):
            after_commit: list[AfterCommit] = []
            try:
                async with self.sessions() as session, session.begin():
                    outcome = await self._handle(session, event, after_commit)
            except IntegrityError:
                # Two events raced for one unique row (two people taking the next pseudonym
                # number, one update delivered to two workers at once): run it again; the
                # second time it sees what the first committed.
                if attempt == RACE_ATTEMPTS:
                    raise
                log.info("event raced another; retrying", extra={"attempt": attempt})
                continue
            # A co-ordinator's export reads with sessions of its own: only once committed.
            for work in after_commit:
                outcome.replies.append(await work(self.sessions, self.content))
            return outcome
        raise AssertionError("unreachable")

    async def mark_unreachable(self, transport: str, address: str) -> bool:
        """The person blocked the bot: keep everything, stop trying to reach them."""
        async with self.sessions() as session, session.begin():
            return await partners.mark_unreachable(session, transport, address)

    async def mark_reachable(self, transport: str, address: str) -> bool:
        """The person unblocked the bot: prompts and reminders may reach them again."""
        async with self.sessions() as session, session.begin():
            return await partners.mark_reachable(session, transport, address)

    async def _handle(
        self, session: AsyncSession, event: Event, after_commit: list[AfterCommit]
    ) -> Outcome:
        found = await partners.partner_in_round(session, event.transport, event.chat)
        if found is None:
            return await self._without_journey(session, event, after_commit)
        partner, organisation, journey = found
        return await self._apply(session, event, partner, organisation, journey)

    async def _without_journey(
        self, session: AsyncSession, event: Event, after_commit: list[AfterCommit]
    ) -> Outcome:
        """A co-ordinator, a stranger, or a partner whose round has closed or just opened."""
        partner = await partners.find_partner(session, event.transport, event.chat)
        if partner is None:
            coordinator = await partners.find_coordinator(session, event.transport, event.chat)
            if coordinator is not None:
                return await coordinator_commands.serve(
                    session,
                    self.content,
                    coordinator,
                    event,
                    self.invite_link,
                    after_commit,
                    self.clock,
                )
            return await joining.stranger(session, self.content, event)
        organisation = await session.get(Organisation, partner.organisation_id)
        assert organisation is not None
        journey = await self._new_journey(session, partner)
        if journey is None:
            outcome = Outcome()
            outcome.say(self.content.messages.text("round.closed", organisation=organisation.name))
            return outcome
        return await self._apply(session, event, partner, organisation, journey)

    async def _apply(
        self,
        session: AsyncSession,
        event: Event,
        partner: Partner,
        organisation: Organisation,
        journey: Journey,
    ) -> Outcome:
        if await partners.already_applied(
            session, partner.id, event.transport, event.event_id, event.kind.value
        ):
            log.info("duplicate event", extra={"event_kind": event.kind.value})
            return Outcome(duplicate=True)
        if partner.unreachable_at is not None:
            partner.unreachable_at = None  # they wrote to us, so prompts may reach them again
        turn = Turn(
            session=session,
            content=self.content,
            framework=self.content.framework_for(organisation.slug),
            organisation=organisation,
            partner=partner,
            journey=journey,
            event=event,
            outcome=Outcome(),
        )
        await dispatch(turn)
        return turn.outcome

    async def _new_journey(self, session: AsyncSession, partner: Partner) -> Journey | None:
        # A new round has opened since this partner last spoke: they start it afresh. (Two of
        # their events doing so at once collide on the journey's unique key; handle retries.)
        round_ = await open_round(session, partner.organisation_id)
        if round_ is None:
            return None
        consented = partner.consented_at is not None
        journey = Journey(
            partner_id=partner.id,
            round_id=round_.id,
            state=(Step.RATING if consented else Step.CONSENT).value,
            statement_id=self.content.framework.statements[0].id if consented else None,
        )
        session.add(journey)
        await session.flush()
        return journey


async def dispatch(turn: Turn) -> None:
    event = turn.event
    if await _privacy_note_changed(turn):
        return
    if event.kind is EventKind.COMMAND:
        await commands.command(turn, event.command or "", event.text)
    elif event.kind is EventKind.BUTTON:
        await _button(turn, event.data or "")
    elif event.kind is EventKind.TEXT:
        await words.typed(turn, event.text or "")
    elif event.kind is EventKind.MEDIA and event.media is not None:
        await words.sent(turn, event.media, event.text)
    else:
        turn.say("input.unsupported")
        await steps.ask_again(turn)


async def _privacy_note_changed(turn: Turn) -> bool:
    """A partner who agreed to an older privacy note is asked again before anything else."""
    partner = turn.partner
    if partner.consented_at is None or turn.step not in INTERRUPTIBLE:
        return False
    if partner.privacy_version == turn.text("consent.version"):
        return False
    said = words.said_in(turn.event)
    if said is not None:  # what they sent is theirs whatever we ask next: keep it
        await keeping.keep(turn, turn.journey.statement_id, "note", said)
    await steps.step_aside(turn, "ask_consent_again")
    return True


async def _button(turn: Turn, data: str) -> None:
    if data.startswith(f"{prompts.GLOBAL}:") and await prompts.press_global(turn, data):
        return
    step_text, _, rest = data.partition(":")
    action, _, argument = rest.partition(":")
    current = step_text.isdigit() and int(step_text) == turn.journey.step
    if current and await buttons.press(turn, action, argument or None):
        return
    # An old button, or one that was never ours: change nothing, say where we are.
    turn.outcome.acknowledge = turn.text("button.moved_on")
    turn.outcome.replies.clear()
    turn.say("button.moved_on_here")
    await steps.ask_again(turn)
