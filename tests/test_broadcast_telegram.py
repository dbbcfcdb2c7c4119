"""End to end, as issue #7 asks: a co-ordinator's prompt to 2,000 partners, over HTTP to the
fake Bot API with Telegram's limits on; the worker is killed halfway and a new one finishes;
each partner has it once, nothing went over a limit, and partners' replies are kept.

The co-ordinator composes the prompt in their chat with the real bot (/prompt, audience,
statement, "Send it"), so it is queued exactly as in production. The worker sends it through
the real PTB `Bot` and the Telegram courier, on a clock shared with the fake's `ManualClock`:
Telegram's flood control judges the worker's pace in the seconds the worker keeps, so a minute
of Telegram's time takes seconds here. (The bot's own broadcast worker is off: it keeps real
time.) The partners join in bulk, as an invite link and the privacy note leave them; a sample
then replies through the real bot, and the co-ordinator reads the replies with /replies.

The kill is the worker's task cancelled while every one of its sends in flight is stuck, half
before the request left and half after it arrived, as a `kill -9` leaves them; a real SIGKILL
of a worker process is tests/test_broadcast_kill.py.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from sqlalchemy import select, update
from telegram import Bot

from bot.broadcast import BroadcastWorker, Courier, Delivery, MessageWords, WorkerSettings
from bot.content import Content, Messages
from bot.dialogues.engine import Engine
from bot.dialogues.replies import Reply
from bot.state.database import SessionFactory
from bot.state.models import Broadcast, Evidence, Organisation, OutboxMessage, Prompt, Round
from bot.state.outbox import BroadcastProgress, Status, broadcast_progress
from bot.telegram.courier import TelegramCourier
from bot.telegram.events import TRANSPORT
from bot.telegram.transport import AiohttpRequest
from tests.broadcast_fakes import SteppedClock, join_in_bulk
from tests.chat import organisation_with_invites
from tests.fake_bot_api import FakeBotApi, Limits, ManualClock
from tests.telegram_helpers import FAST, TelegramPartner, Watch, bot_running

PARTNERS = 2000
REPLY_EVERY = 40  # every 40th partner known to have the prompt answers it: 50 of them
SETTINGS = WorkerSettings()
HALFWAY_WITHIN = 120  # seconds of wall time: a worker that never gets there fails, not hangs
QUESTION = "What is one thing that helped you feel listened to this term?"
# The bot itself, but not its broadcast worker: that one runs here, on the shared clock.
NO_WORKER = replace(FAST, broadcasts=False)


@dataclass
class KilledMidSend:
    """The worker's courier while its process lives: once `after` partners have been sent the
    prompt, each send hangs as a killed process leaves it, alternately before its request left
    (it never arrives) and after it arrived (the answer never comes back), until every one of
    the worker's `slots` is stuck so. The co-ordinator's progress messages pass untouched."""

    courier: Courier
    partners: frozenset[str]  # addresses
    after: int
    slots: int
    started: int = 0
    never_left: list[str] = field(default_factory=list)
    arrived: list[str] = field(default_factory=list)
    all_stuck: asyncio.Event = field(default_factory=asyncio.Event)

    async def send(self, transport: str, address: str, reply: Reply) -> Delivery:
        if address not in self.partners:
            return await self.courier.send(transport, address, reply)
        self.started += 1
        if self.started <= self.after:
            return await self.courier.send(transport, address, reply)
        if (self.started - self.after) % 2:
            self.never_left.append(address)
        else:
            await self.courier.send(transport, address, reply)
            self.arrived.append(address)
        if len(self.never_left) + len(self.arrived) == self.slots:
            self.all_stuck.set()
        await asyncio.Event().wait()  # until the task is cancelled: the kill
        raise AssertionError("a killed worker's send came back")

    async def edit(self, transport: str, address: str, message_id: str, reply: Reply) -> Delivery:
        return await self.courier.edit(transport, address, message_id, reply)

    @property
    def in_doubt(self) -> set[str]:
        return {*self.never_left, *self.arrived}


def bot_for(api: FakeBotApi) -> Bot:
    """A worker's own Bot, as a worker process would have: room for every send in flight."""
    request = AiohttpRequest(connection_pool_size=SETTINGS.in_flight + 4)
    return Bot(api.token, base_url=api.base_url, request=request)


async def compose(lead: TelegramPartner, messages: Messages, manual: ManualClock) -> None:
    """/prompt in the co-ordinator's chat: the words, everyone, no statement, send it."""
    everyone = messages.text("coordinator.reach.everyone")
    await lead.send(f"/prompt {QUESTION}")
    for label in (
        messages.text("coordinator.buttons.reach", who=everyone, count=PARTNERS),
        messages.text("coordinator.buttons.no_statement"),
        messages.text("coordinator.buttons.send"),
    ):
        manual.advance(2)  # a person takes a moment to read and tap
        await lead.press(label)


async def test_a_prompt_to_2000_partners_arrives_once_each_despite_a_kill_and_replies_are_kept(
    engine: Engine, sessions: SessionFactory, content: Content
) -> None:
    messages = content.messages
    invites = await organisation_with_invites(sessions)
    async with sessions() as session, session.begin():
        # No quiet hours: the prompt is queued at the wall clock's time, whatever the hour.
        await session.execute(update(Organisation).values(quiet_from="00:00", quiet_until="00:00"))
        organisation = await session.scalar(select(Organisation))
        round_id = await session.scalar(select(Round.id))
    assert organisation is not None and round_id is not None
    # Telegram's limits as the fake keeps them: 30 messages a second overall, 1 a second in a
    # chat. Not `Limits.strict()`: a conversation needs the short bursts in a chat Telegram
    # allows ("thanks", then the next question); the broadcast sends one message a chat.
    manual = ManualClock(time.time())
    watch = Watch()
    async with FakeBotApi(limits=Limits(), clock=manual) as api:
        people = [api.user(first_name=f"P{n}", has_started_bot=True) for n in range(PARTNERS)]
        addresses = [str(person.id) for person in people]
        partner_ids = await join_in_bulk(
            sessions, organisation.id, round_id, addresses, content, transport=TRANSPORT
        )
        id_of = dict(zip(addresses, partner_ids, strict=True))
        async with bot_running(api, engine, watch, tuning=NO_WORKER):
            lead = TelegramPartner(api.user(first_name="Ms Patel"), watch)
            await lead.send(f"/start {invites.coordinator}")
            await compose(lead, messages, manual)
            async with sessions() as session:
                prompt = await session.scalar(select(Prompt))
                broadcast = await session.scalar(select(Broadcast))
            assert prompt is not None and broadcast is not None
            assert (prompt.text, prompt.statement_id, broadcast.total) == (QUESTION, None, PARTNERS)
            told = len(lead.person.messages)

            # A worker, killed halfway; a new one, once the dead one's lease has run out.
            clock = SteppedClock(datetime.now(UTC), manual)  # the prompt was queued "now"
            async with bot_for(api) as bot:
                dying = KilledMidSend(
                    TelegramCourier(bot), frozenset(addresses), PARTNERS // 2, SETTINGS.in_flight
                )
                first = BroadcastWorker(sessions, dying, clock)
                began = clock.monotonic()
                running = asyncio.create_task(first.run(asyncio.Event()))
                async with asyncio.timeout(HALFWAY_WITHIN):
                    await dying.all_stuck.wait()
                running.cancel()  # as a kill -9: nothing is recorded after this
                await asyncio.gather(running, return_exceptions=True)
                first_took = clock.monotonic() - began
            clock.advance(SETTINGS.lease.total_seconds() + 1)
            async with bot_for(api) as bot:
                second = BroadcastWorker(sessions, TelegramCourier(bot), clock)
                began = clock.monotonic()
                await second.drain()
                second_took = clock.monotonic() - began

            # Once each. In doubt are exactly the sends the kill caught; none went again.
            asked = messages.text(
                "coordinator.to_partners.prompt", organisation=organisation.name, question=QUESTION
            )
            copies = Counter(p.id for p in people for m in p.messages if m.text == asked)
            assert {p.id: copies[p.id] for p in people} == {
                p.id: 0 if str(p.id) in dying.never_left else 1 for p in people
            }
            async with sessions() as session:
                progress = await broadcast_progress(session, broadcast.id)
                in_doubt = set(
                    await session.scalars(
                        select(OutboxMessage.partner_id).where(
                            OutboxMessage.status == Status.UNCERTAIN
                        )
                    )
                )
            assert len(dying.in_doubt) == SETTINGS.in_flight
            assert in_doubt == {id_of[address] for address in dying.in_doubt}
            assert progress == BroadcastProgress(
                sent=PARTNERS - SETTINGS.in_flight, uncertain=SETTINGS.in_flight
            )
            # Nothing over Telegram's limits; and at its pace, 30 a second, not much slower.
            assert api.stats.rate_limited == 0 and api.stats.unexpected_errors == []
            assert first.stats.rate_limited == second.stats.rate_limited == 0
            sent_first = PARTNERS // 2 + len(dying.arrived)
            assert first_took <= sent_first / SETTINGS.overall_per_second * 1.1 + 1
            sent_second = PARTNERS - PARTNERS // 2 - SETTINGS.in_flight
            assert second_took <= sent_second / SETTINGS.overall_per_second * 1.1 + 1
            # The co-ordinator watched one progress message, kept by both workers, and is told
            # how many are in doubt.
            words = MessageWords(messages)
            shown, summary = lead.person.messages[told:]
            assert len(shown.earlier_texts) >= 3  # edited as it went
            assert shown.text == words.progress("prompt", progress)
            assert summary.text == words.summary("prompt", progress)
            cut_off = messages.text("broadcast.summary.uncertain", count=SETTINGS.in_flight)
            assert cut_off in summary.text

            # Replies: typed straight after the prompt; or, by those whose copy arrived but is
            # in doubt (so the bot is not waiting for their answer), after its Reply button.
            by_address = {str(p.id): p for p in people}
            typing = [p for p in people if str(p.id) not in dying.in_doubt][::REPLY_EVERY]
            pressing = [by_address[address] for address in dying.arrived]
            expected: dict[int, str] = {}
            for person in [*typing, *pressing]:
                partner = TelegramPartner(person, watch)
                manual.advance(1)  # partners reply over a minute or so, not in one instant
                if person in pressing:
                    await partner.press(messages.text("coordinator.to_partners.reply"))
                    assert QUESTION in partner.last_text
                before = len(person.messages)
                said = f"Being rung back the same day ({person.first_name})"
                await partner.send(said)
                assert messages.text("prompt.thanks") in partner.said_since(before)
                expected[id_of[str(person.id)]] = said
            manual.advance(2)
            await lead.send(f"/replies {prompt.id}")
            heading = messages.text(
                "coordinator.replies.heading",
                number=prompt.id,
                question=QUESTION,
                count=len(expected),
            )
            assert heading in lead.last_text
            assert api.stats.rate_limited == 0 and api.stats.unexpected_errors == []

    async with sessions() as session:
        kept = await session.execute(
            select(Evidence.partner_id, Evidence.text).where(
                Evidence.prompt_id == prompt.id, Evidence.purpose == "prompt"
            )
        )
        assert sorted((p, t) for p, t in kept) == sorted(expected.items())  # one each, as said
    assert len(expected) == len(typing) + len(dying.arrived) == 58
