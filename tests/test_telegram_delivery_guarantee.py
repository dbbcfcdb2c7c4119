"""Nothing a partner sends is lost when the bot stops, however it stops.

The bot confirms an update to Telegram (the getUpdates offset, or the webhook's 200) only once
it has dealt with it. So an update a killed bot had in hand comes again to the next start and
is applied once (the engine's journal skips what was applied already), and a graceful stop
finishes what it has, confirms it, and leaves the next start nothing old.

The engine here is the real one behind a door a test can shut for one chat (`HeldEngine`), so
an update can be caught mid-way; kills are in-process: every task the bot runs is cut off
where it is and its sockets closed, with no stop step (tests/test_telegram_process.py kills a
real process).
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace

import aiohttp
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import SecretStr
from sqlalchemy import func, select

from bot.app import ALLOWED_UPDATES, TelegramApp, build_application, started
from bot.content import Audience, Content
from bot.dialogues.engine import Engine
from bot.dialogues.replies import Event, Outcome
from bot.state.database import SessionFactory
from bot.state.models import Evidence, InboundEvent, Rating
from bot.telegram.polling import CannotReceive, Confirmations, Pace, Poller
from bot.telegram.webhook import SECRET_HEADER, WebhookReceiver
from tests.chat import organisation_with_invites
from tests.fake_bot_api import FakeBotApi, Limits
from tests.telegram_helpers import (
    FAST,
    SETTLE_TIMEOUT,
    TelegramPartner,
    Watch,
    bot_running,
    join,
    settings_for,
)

PARENT = Audience.PARENT_CARER
# A kill cuts off updates still queued in their chat's lane, before PTB awaited their handlers.
pytestmark = pytest.mark.filterwarnings(
    "ignore:coroutine 'Application.process_update' was never awaited:RuntimeWarning"
)
# A chat held at the engine's door must not hold every chat's turn (one at a time on SQLite).
TUNING = replace(FAST, engine_at_once=FAST.workers)
EXAMPLE = "Mrs Patel rang me back the same day."


class HeldEngine(Engine):
    """The real engine, but a held chat's events wait at the door (before any transaction)
    until released: an update caught in hand, as a kill would find it."""

    def __init__(self, sessions: SessionFactory, content: Content) -> None:
        super().__init__(sessions, content)
        self.held: str | None = None
        self.waiting = asyncio.Event()  # an event of the held chat is at the door
        self._released = asyncio.Event()

    def hold(self, chat: int) -> None:
        self.held = str(chat)

    def release(self) -> None:
        self._released.set()

    async def handle(self, event: Event) -> Outcome:
        if event.chat == self.held and not self._released.is_set():
            self.waiting.set()
            await self._released.wait()
        return await super().handle(event)


async def start_by_hand(application: TelegramApp) -> None:
    """`started`'s steps in, none of its steps out: for a bot that will be killed."""
    assert application.post_init is not None
    await application.initialize()
    await application.post_init(application)
    await application.start()


async def kill(application: TelegramApp) -> None:
    """What `kill -9` leaves: every task of the bot cut off where it is (no commit, no reply,
    no confirmation to Telegram), then its sockets closed. No stop step runs."""
    prefixes = ("Polling:", "Webhook:", f"Application:{application.bot.id}:", "broadcast-worker")
    tasks = [task for task in asyncio.all_tasks() if task.get_name().startswith(prefixes)]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    if application.job_queue is not None:
        application.job_queue.scheduler.shutdown(wait=False)
    await application.bot.shutdown()


@asynccontextmanager
async def polling_then_killed(
    api: FakeBotApi, engine: Engine, watch: Watch
) -> AsyncIterator[TelegramApp]:
    application = build_application(settings_for(api), engine=engine, tuning=TUNING)
    watch.attach(application)
    await start_by_hand(application)
    poller = Poller(application, ALLOWED_UPDATES)
    polling = asyncio.create_task(poller.run(asyncio.Event()), name="Polling:run")
    try:
        yield application
    finally:
        await kill(application)
        assert polling.cancelled()


def pending(api: FakeBotApi) -> list[int]:
    """The update_ids Telegram still holds: not confirmed by the bot."""
    return [int(update["update_id"]) for update in api.pending_updates]


async def settled(event: asyncio.Event) -> None:
    async with asyncio.timeout(SETTLE_TIMEOUT):
        await event.wait()


async def test_what_a_killed_bot_had_in_hand_comes_again_and_is_applied_once(
    sessions: SessionFactory, content: Content
) -> None:
    invites = await organisation_with_invites(sessions)
    watch = Watch()
    held = HeldEngine(sessions, content)
    async with FakeBotApi(limits=Limits.off()) as api:
        ann = TelegramPartner(api.user(first_name="Ann"), watch)
        bea = TelegramPartner(api.user(first_name="Bea"), watch)
        async with polling_then_killed(api, held, watch):
            await join(ann, invites.parent_carer, PARENT, content)
            held.hold(ann.person.id)
            rating = await ann.person.send("ya")
            await settled(held.waiting)
            # While Ann's rating is stuck in the engine, other chats carry on…
            await join(bea, invites.parent_carer, PARENT, content)
            # …and Ann's next message waits behind her first, in order.
            example = await ann.person.send(EXAMPLE)
            bea_rating = await bea.send("ya")  # fetched after Ann's example, so that is in hand
            said_to_ann, said_to_bea = len(ann.person.messages), len(bea.person.messages)
        assert watch.handled[rating.update_id or 0] == watch.handled[example.update_id or 0] == 0
        # Nothing from Ann's rating on was confirmed: Bea's finished updates are held too.
        assert rating.update_id == pending(api)[0]
        assert {example.update_id, bea_rating.update_id} <= set(pending(api))

        async with bot_running(api, Engine(sessions, content), watch, tuning=TUNING):
            await watch.settle(example.update_id)
            await watch.settle(bea_rating.update_id, times=2)
        assert pending(api) == []
    assert len(bea.person.messages) == said_to_bea  # Bea's came again: nothing said twice
    replies = [m.text or "" for m in ann.person.messages[said_to_ann:]]
    assert "You can type it" in replies[0] and "Which of these" in replies[-1]
    async with sessions() as session:
        ratings = await session.scalar(select(func.count(Rating.partner_id)))
        examples = (await session.scalars(select(Evidence.text))).all()
        applied = (await session.scalars(select(InboundEvent.event_id))).all()
    assert ratings == 2  # Ann's and Bea's, once each
    assert examples == [EXAMPLE]
    assert {str(rating.update_id), str(example.update_id)} <= set(applied)


async def test_a_graceful_stop_finishes_what_is_in_hand_and_leaves_nothing_old(
    sessions: SessionFactory, content: Content
) -> None:
    invites = await organisation_with_invites(sessions)
    watch = Watch()
    held = HeldEngine(sessions, content)
    async with FakeBotApi(limits=Limits.off()) as api:
        ann = TelegramPartner(api.user(first_name="Ann"), watch)
        application = build_application(settings_for(api), engine=held, tuning=TUNING)
        watch.attach(application)
        stop = asyncio.Event()
        async with started(application):
            polling = asyncio.create_task(Poller(application, ALLOWED_UPDATES).run(stop))
            await join(ann, invites.parent_carer, PARENT, content)
            held.hold(ann.person.id)
            rating = await ann.person.send("ya")
            await settled(held.waiting)
            stop.set()  # SIGTERM, as run_bot hears it, with the rating in hand
            later = await ann.person.send(EXAMPLE)  # after the stop began: not fetched
            held.release()
            async with asyncio.timeout(SETTLE_TIMEOUT):
                await polling
        assert "You can type it" in ann.last_text  # the rating was finished before stopping…
        assert pending(api) == [later.update_id]  # …and confirmed; the later one left for next
        async with bot_running(api, Engine(sessions, content), watch, tuning=TUNING):
            await watch.settle(later.update_id)
        assert watch.handled[rating.update_id or 0] == 1  # the next start was not handed it
        assert "Which of these" in ann.last_text
        assert pending(api) == []


async def test_a_refused_token_stops_the_bot_with_what_to_do_and_not_the_token() -> None:
    async with FakeBotApi(limits=Limits.off()) as api:
        wrong = settings_for(api).model_copy(
            update={"telegram_bot_token": SecretStr("123456789:NotTheTokenBotFatherGave0000")}
        )
        application = build_application(wrong, tuning=TUNING)  # never gets to the database
        with pytest.raises(CannotReceive) as refused:
            async with started(application, attempts=3):
                pass
    said = str(refused.value)
    assert "TELEGRAM_BOT_TOKEN" in said and "@BotFather" in said
    assert "NotTheToken" not in said


async def test_another_receiver_of_the_updates_stops_polling_after_finishing_what_is_in_hand(
    sessions: SessionFactory, content: Content
) -> None:
    invites = await organisation_with_invites(sessions)
    watch = Watch()
    held = HeldEngine(sessions, content)
    pace = Pace(first_backoff=0.05, conflict_patience=0.3)
    async with FakeBotApi(limits=Limits.off()) as api:
        ann = TelegramPartner(api.user(first_name="Ann"), watch)
        application = build_application(settings_for(api), engine=held, tuning=TUNING)
        watch.attach(application)
        async with started(application):
            poller = Poller(application, ALLOWED_UPDATES, pace=pace)
            polling = asyncio.create_task(poller.run(asyncio.Event()))
            await join(ann, invites.parent_carer, PARENT, content)
            held.hold(ann.person.id)
            rating = await ann.person.send("ya")
            await settled(held.waiting)
            # Another deployment of the same bot sets a webhook: getUpdates now fails (409).
            await application.bot.set_webhook("https://elsewhere.example/hook")
            held.release()
            with pytest.raises(CannotReceive, match="Only one copy of Cornerstones"):
                async with asyncio.timeout(SETTLE_TIMEOUT):
                    await polling
        assert watch.handled[rating.update_id or 0] == 1
        assert "You can type it" in ann.last_text


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def receiver(application: TelegramApp, port: int, secret: str) -> WebhookReceiver:
    return WebhookReceiver(
        application,
        url=f"http://127.0.0.1:{port}/telegram/hook",
        host="127.0.0.1",
        port=port,
        secret=secret,
        allowed_updates=ALLOWED_UPDATES,
    )


async def test_a_webhook_answers_only_once_done_so_a_killed_bots_update_comes_again(
    sessions: SessionFactory, content: Content
) -> None:
    invites = await organisation_with_invites(sessions)
    watch = Watch()
    held = HeldEngine(sessions, content)
    port = _free_port()
    hook = f"http://127.0.0.1:{port}/telegram/hook"
    async with FakeBotApi(limits=Limits.off()) as api:
        ann = TelegramPartner(api.user(first_name="Ann"), watch)
        first = build_application(settings_for(api), engine=held, tuning=TUNING)
        watch.attach(first)
        await start_by_hand(first)
        serving = asyncio.create_task(
            receiver(first, port, "first-secret").run(asyncio.Event()), name="Webhook:run"
        )
        await join(ann, invites.parent_carer, PARENT, content)
        # Only Telegram knows the secret: a post without it, or with another, is refused
        # and nothing is done with it.
        forged = {"update_id": 999, "message": {"message_id": 1, "date": 0, "chat": {"id": 1}}}
        async with aiohttp.ClientSession() as client:
            for headers in ({}, {SECRET_HEADER: "guessed"}):
                async with client.post(hook, json=forged, headers=headers) as answer:
                    assert answer.status == 403
        assert watch.handled[999] == 0

        held.hold(ann.person.id)
        rating = await ann.person.send("ya")
        await settled(held.waiting)
        assert pending(api) == [rating.update_id]  # not answered yet, so Telegram keeps it
        said = len(ann.person.messages)
        await kill(first)
        assert serving.cancelled()

        second = build_application(settings_for(api), engine=Engine(sessions, content))
        watch.attach(second)
        stop = asyncio.Event()
        async with started(second):
            serving = asyncio.create_task(receiver(second, port, "second-secret").run(stop))
            await watch.settle(rating.update_id)
            await ann.send(EXAMPLE)
            stop.set()
            await serving
        assert pending(api) == []
    replies = [m.text or "" for m in ann.person.messages[said:]]
    assert "You can type it" in replies[0] and "Which of these" in replies[-1]
    async with sessions() as session:
        assert await session.scalar(select(func.count(Rating.partner_id))) == 1
        assert (await session.scalars(select(Evidence.text))).all() == [EXAMPLE]


async def test_a_webhook_stopping_answers_the_update_in_hand_first(
    sessions: SessionFactory, content: Content
) -> None:
    invites = await organisation_with_invites(sessions)
    watch = Watch()
    held = HeldEngine(sessions, content)
    async with FakeBotApi(limits=Limits.off()) as api:
        ann = TelegramPartner(api.user(first_name="Ann"), watch)
        application = build_application(settings_for(api), engine=held, tuning=TUNING)
        watch.attach(application)
        stop = asyncio.Event()
        async with started(application):
            serving = asyncio.create_task(receiver(application, _free_port(), "s").run(stop))
            await join(ann, invites.parent_carer, PARENT, content)
            held.hold(ann.person.id)
            await ann.person.send("ya")
            await settled(held.waiting)
            stop.set()  # SIGTERM with the rating in hand
            held.release()
            async with asyncio.timeout(SETTLE_TIMEOUT):
                await serving
        assert "You can type it" in ann.last_text
        assert pending(api) == []  # answered 200 before the server closed


# The bookkeeping alone, against a model of Telegram's rule: getUpdates forgets every update
# below the offset it is given and returns the earliest of the rest.


class TelegramQueue:
    def __init__(self, count: int) -> None:
        self.pending = list(range(1, count + 1))

    def get_updates(self, offset: int, limit: int) -> list[int]:
        self.pending = [update_id for update_id in self.pending if update_id >= offset]
        return self.pending[:limit]


calls = st.lists(st.tuples(st.integers(1, 5), st.lists(st.integers(0, 9), max_size=4)), max_size=30)


@given(calls)
def test_the_offset_passes_only_finished_updates_and_none_is_started_twice(
    script: list[tuple[int, list[int]]],
) -> None:
    telegram, confirmations = TelegramQueue(20), Confirmations()
    started: list[int] = []
    unfinished: list[int] = []

    def call(limit: int, finishing: list[int]) -> None:
        brought = telegram.get_updates(confirmations.ask(), limit)
        for pick in finishing:  # handlers finish while the call is out
            if unfinished:
                confirmations.finish(unfinished.pop(pick % len(unfinished)))
        for update_id in brought:
            if confirmations.take(update_id):
                assert update_id not in started
                started.append(update_id)
                unfinished.append(update_id)
        assert all(update_id >= confirmations.offset for update_id in unfinished)

    for limit, finishing in script:
        call(limit, finishing)
    while telegram.pending or unfinished:  # then everything is finished, and confirmed
        call(5, list(range(len(unfinished))))
    assert started == list(range(1, 21))
    assert confirmations.offset == 21 and confirmations.unconfirmed == 0
