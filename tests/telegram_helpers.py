"""The real Cornerstones application, polling the fake Bot API, and partners who talk to it.

`BotUnderTest` runs `bot.app.build_application` inside the test's event loop; `Watch` sees each
update come out of the far end of the handler list (a handler of its own, in a group after the
bot's), so a test waits for "that update has been dealt with", never for a guessed time.
`TelegramPartner` is a person in the fake who acts and then waits for the bot to finish.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace

from sqlalchemy import select
from telegram import Update
from telegram.ext import ContextTypes, TypeHandler

from bot.app import ALLOWED_UPDATES, TelegramApp, Tuning, build_application, running
from bot.config import Settings
from bot.content import Audience, Content, Rating
from bot.dialogues.engine import Engine
from bot.state.database import SessionFactory
from bot.state.models import Evidence, EvidenceIndicator, Journey
from bot.state.models import Rating as StoredRating
from bot.state.partners import find_partner
from bot.telegram.events import TRANSPORT
from bot.telegram.sending import Patience
from tests.fake_bot_api import FakeBotApi, Incoming, Person, SentMessage

# Quick to retry, so injected faults cost tenths of a second. The read timeout is generous:
# a shared CI machine can leave the event loop busy for half a second, and a start-up call
# timing out then is a flake, not a finding. Tests of timeouts use TIGHT.
FAST = Tuning(
    workers=8,
    patience=Patience(attempts=6, first_wait=0.02, longest_wait=0.2),
    read_timeout=3.0,
    rate_limited=False,
)
TIGHT = replace(FAST, read_timeout=0.5)
WATCH_GROUP = 99  # after every group the bot uses
SETTLE_TIMEOUT = 10.0


def settings_for(api: FakeBotApi, database_url: str | None = None) -> Settings:
    values = {"TELEGRAM_BOT_TOKEN": api.token, "CORNERSTONES_TELEGRAM_API_URL": api.root}
    if database_url is not None:
        values["CORNERSTONES_DATABASE_URL"] = database_url
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@dataclass
class Watch:
    """Counts the updates the application has finished with, by update_id."""

    handled: Counter[int] = field(default_factory=Counter)
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    def attach(self, application: TelegramApp) -> None:
        application.add_handler(TypeHandler(Update, self._seen), group=WATCH_GROUP)

    async def _seen(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        async with self._changed:
            self.handled[update.update_id] += 1
            self._changed.notify_all()

    async def settle(self, update_id: int | None, times: int = 1) -> None:
        assert update_id is not None, "the fake did not give this to the bot"
        async with self._changed, asyncio.timeout(SETTLE_TIMEOUT):
            await self._changed.wait_for(lambda: self.handled[update_id] >= times)


@asynccontextmanager
async def bot_running(
    api: FakeBotApi,
    engine: Engine | None,
    watch: Watch,
    *,
    tuning: Tuning = FAST,
    settings: Settings | None = None,
) -> AsyncIterator[TelegramApp]:
    """The real application, polling `api` on the test's database, until the block ends."""
    application = build_application(settings or settings_for(api), engine=engine, tuning=tuning)
    watch.attach(application)
    async with running(application):
        yield application


@asynccontextmanager
async def bot_that_dies(api: FakeBotApi, engine: Engine, watch: Watch) -> AsyncIterator[None]:
    """Like `bot_running`, but the block ends as `kill -9` ends a process: nothing in hand is
    finished, no last getUpdates confirms what was fetched, no shutdown step runs.

    So it starts the application with `running`'s steps but never stops it: every task PTB runs
    is named after itself, and cancelling them leaves any update mid-way without its commit or
    its replies; then only the sockets are closed, as a dead process's would be."""
    application = build_application(settings_for(api), engine=engine, tuning=FAST)
    watch.attach(application)
    assert application.updater is not None and application.post_init is not None
    await application.initialize()
    await application.post_init(application)
    await application.updater.start_polling(allowed_updates=ALLOWED_UPDATES)
    await application.start()
    try:
        yield
    finally:
        prefixes = ("Updater:", f"Application:{application.bot.id}:")
        tasks = [t for t in asyncio.all_tasks() if _belongs(t, prefixes)]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if application.job_queue is not None:
            application.job_queue.scheduler.shutdown(wait=False)
        await application.bot.shutdown()


def _belongs(task: asyncio.Task[object], prefixes: tuple[str, ...]) -> bool:
    """A task PTB runs for this application: named after it, or (the getUpdates call in
    flight, which PTB leaves unnamed) running one of the Updater's own functions."""
    coroutine = task.get_coro()
    qualname = getattr(coroutine, "__qualname__", "")
    return task.get_name().startswith(prefixes) or qualname.startswith("Updater.")


@dataclass
class TelegramPartner:
    """A person on the fake Telegram who waits, after each act, for the bot to deal with it."""

    person: Person
    watch: Watch

    async def settle(self, incoming: Incoming) -> Incoming:
        await self.watch.settle(incoming.update_id)
        return incoming

    async def send(self, text: str) -> Incoming:
        if text.startswith("/"):
            command, _, argument = text.partition(" ")
            return await self.settle(await self.person.command(command, argument or None))
        return await self.settle(await self.person.send(text))

    async def press(self, label: str) -> Incoming:
        """Press the button labelled `label` (or containing it) on the newest keyboard."""
        message = self.keyboard_message
        texts = [b.text for row in message.buttons for b in row]
        exact = [t for t in texts if t == label] or [t for t in texts if label in t]
        assert exact, f"no button {label!r} on {message.describe()}"
        return await self.settle(await self.person.press(message, exact[0]))

    async def send_voice(self) -> Incoming:
        return await self.settle(await self.person.send_voice(b"OggS voice", duration=7))

    @property
    def keyboard_message(self) -> SentMessage:
        with_buttons = [m for m in self.person.messages if m.buttons]
        assert with_buttons, "the bot has shown no buttons"
        return with_buttons[-1]

    @property
    def last_text(self) -> str:
        return self.person.messages[-1].text or ""

    def said_since(self, count: int) -> str:
        """Everything the bot sent after the first `count` messages, as one text."""
        return "\n".join(m.text or "" for m in self.person.messages[count:])


# A partner's journey, as a script: buttons and typing mixed, examples of every kind.

# Typed ratings, as partners type them: words, slang and numbers (1 is "always").
TYPED = {
    Rating.ALWAYS: "ya",
    Rating.MOSTLY: "mostly",
    Rating.SOMETIMES: "3",
    Rating.NOT_YET: "nah",
    Rating.NOT_SURE: "5",
}


@dataclass
class Expected:
    ratings: dict[str, str] = field(default_factory=dict)
    links: dict[str, set[str]] = field(default_factory=dict)  # statement → indicators tied
    kinds: dict[str, str] = field(default_factory=dict)  # statement → kind of its example


async def join(partner: TelegramPartner, token: str, audience: Audience, content: Content) -> None:
    """Follow the invite link and agree to the privacy note: question 1 is on screen."""
    await partner.send(f"/start {token}")
    await partner.press(content.messages.text("buttons.consent_yes", audience))


async def answer(
    partner: TelegramPartner,
    n: int,
    audience: Audience,
    content: Content,
    expected: Expected,
) -> None:
    """Answer statement `n` (0-based), which is on screen; varied by `n`: rate by button or by
    typing; an example typed, spoken or photographed, or skipped; indicators ticked, or none."""
    statement = content.framework.statements[n]
    assert f"uestion {n + 1} of 25" in (partner.keyboard_message.text or "")
    rating = list(Rating)[n % 5]
    if n % 2:
        await partner.press(content.lexicon.rating_labels(audience)[rating])
    else:
        await partner.send(TYPED[rating])
    expected.ratings[statement.id] = rating.value
    if n % 6 == 5:
        await partner.press(content.messages.text("buttons.skip", audience))
        return
    if n == 3:
        await partner.send_voice()
        expected.kinds[statement.id] = "voice"
    elif n == 8:
        await partner.settle(await partner.person.send_photo(caption="the home-school book"))
        expected.kinds[statement.id] = "photo"
    else:
        await partner.send(f"At {statement.id} my teacher rang me back the same day.")
        expected.kinds[statement.id] = "text"
    if n % 4 == 2:
        await partner.press(content.messages.text("buttons.none_of_these", audience))
    else:
        ticks = statement.indicators[:2] if n % 3 else statement.indicators[:1]
        for indicator in ticks:
            await partner.press(indicator.label)
            assert f"✓ {indicator.label}" in partner.keyboard_message.button_texts
        await partner.press(content.messages.text("buttons.done", audience))
        expected.links[statement.id] = {i.id for i in ticks}
    await partner.press(content.messages.text("buttons.move_on", audience))


async def take_the_journey(
    partner: TelegramPartner, token: str, audience: Audience, content: Content
) -> Expected:
    expected = Expected()
    await join(partner, token, audience, content)
    for n in range(len(content.framework.statements)):
        await answer(partner, n, audience, content, expected)
    return expected


async def assert_stored(
    sessions: SessionFactory, chat: int, expected: Expected, *, state: str = "finished"
) -> None:
    """The database holds what the script said: ratings, examples by kind, indicator links."""
    async with sessions() as session:
        partner = await find_partner(session, TRANSPORT, str(chat))
        assert partner is not None and partner.unreachable_at is None
        rows = await session.execute(
            select(StoredRating.statement_id, StoredRating.value).where(
                StoredRating.partner_id == partner.id
            )
        )
        assert {statement_id: value for statement_id, value in rows} == expected.ratings
        examples = await session.execute(
            select(Evidence.statement_id, Evidence.kind).where(
                Evidence.partner_id == partner.id, Evidence.purpose == "example"
            )
        )
        assert {statement_id: kind for statement_id, kind in examples} == expected.kinds
        rows = await session.execute(
            select(Evidence.statement_id, EvidenceIndicator.indicator_id)
            .join(EvidenceIndicator, EvidenceIndicator.evidence_id == Evidence.id)
            .where(Evidence.partner_id == partner.id)
        )
        links: dict[str, set[str]] = {}
        for statement_id, indicator_id in rows:
            links.setdefault(statement_id or "", set()).add(indicator_id)
        assert links == expected.links
        journey = await session.scalar(select(Journey).where(Journey.partner_id == partner.id))
        assert journey is not None and journey.state == state


async def wait_until(api: FakeBotApi, check: Callable[[], bool], what: str) -> None:
    """Wait, without polling, for something the fake's screens do not show (a group left).

    The fake wakes its waiters on every change but offers the wait only per screen, so this
    reaches its `World` directly: the one place these tests use a private part of the fake."""
    await api._world.wait_until(
        lambda: True if check() else None, SETTLE_TIMEOUT, lambda: f"waited in vain for {what}"
    )
