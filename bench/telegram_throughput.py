"""Cornerstones over Telegram, end to end, against a bare PTB echo bot on the same fake server.

Both bots poll the in-process fake Bot API (flood limits off: this measures the bot, not
Telegram's rules) in the same run. Partners act in a closed loop: each sends an update, waits
until the bot has finished with it, then sends the next. For Cornerstones the loop is a journey
(type a rating, then /skip the example: one reply each); the echo bot echoes the same words.

Latency runs from the moment the update is handed to the fake to the moment the bot's last
handler for it finishes (its reply has been accepted by the server). Throughput is updates
finished per second with every partner active; the ratio Cornerstones/echo is the figure that
matters (goal ≥ 0.70). The echo bot is PTB as it comes, on its default httpx backend;
Cornerstones calls the Bot API through aiohttp (bot/telegram/transport.py). So that the share of
the figure owed to that choice is plain, the echo bot also runs on Cornerstones' aiohttp backend,
and the ratio against it is printed too: what the engine and the adapter cost on equal terms.
With one partner the same journey is also timed straight into the engine, no Telegram at all:
the bot's ceiling, so the gap to it is what the Telegram side costs.

    python -m bench.telegram_throughput [--partners 1,100,1000] [--updates 300,6,2] [--rounds 3]
                                        [--postgres]

The database is SQLite in a temporary folder, or with --postgres a throwaway schema at
CORNERSTONES_TEST_DATABASE_URL.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, TypeHandler
from telegram.ext import filters as ptb_filters

from bench._databases import POSTGRES_VARIABLE, fresh_database
from bench.engine_events import populate
from bot.app import Tuning, build_application, running
from bot.config import Settings
from bot.content import default_content
from bot.dialogues.engine import Engine
from bot.dialogues.replies import Event, EventKind
from bot.state.database import session_factory
from bot.telegram.events import TRANSPORT
from bot.telegram.transport import AiohttpRequest
from tests.fake_bot_api import FakeBotApi, Limits, Person

GOAL = 0.70
SEEDED_ADDRESS = 5_000_000_000  # bench.engine_events gives partner n the address this + n
DONE_GROUP = 99  # after every handler group either bot uses
# A seeded partner has rated at most 10 of the 25 statements: 15 left, two updates each.
PER_PERSON = 30
WARM_UP = 10  # untimed updates before the clock starts


@dataclass
class Finishes:
    """When each update came out of the far end of the bot's handlers, by update_id."""

    at: dict[int, float] = field(default_factory=dict)
    waiting: dict[int, asyncio.Future[float]] = field(default_factory=dict)

    def attach(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        application.add_handler(TypeHandler(Update, self._finished), group=DONE_GROUP)

    async def _finished(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        now = time.perf_counter()
        self.at[update.update_id] = now
        future = self.waiting.pop(update.update_id, None)
        if future is not None and not future.done():
            future.set_result(now)

    async def of(self, update_id: int | None) -> float:
        assert update_id is not None
        if update_id in self.at:  # finished before anyone asked
            return self.at[update_id]
        future = asyncio.get_running_loop().create_future()
        self.waiting[update_id] = future
        return await asyncio.wait_for(future, timeout=600)


@dataclass
class Figures:
    updates: int
    seconds: float
    latencies: list[float]

    @property
    def per_second(self) -> float:
        return self.updates / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


Script = Callable[[Person, int], str]  # what a partner sends as their n-th timed update


async def act(person: Person, text: str, finishes: Finishes) -> float:
    started = time.perf_counter()
    if text.startswith("/"):
        incoming = await person.command(text)
    else:
        incoming = await person.send(text)
    return await finishes.of(incoming.update_id) - started


async def measure(
    slots: list[list[Person]], spare: Person, updates: int, script: Script, finishes: Finishes
) -> Figures:
    """Each slot is one partner active at a time, `updates` timed updates in all: its people
    take turns, PER_PERSON updates each, so nobody runs past the end of their journey. First,
    untimed, the spare warms the bot up (caches, first calls): the figure is the steady state
    of a bot that runs for days."""
    latencies: list[float] = []
    for n in range(WARM_UP):
        await act(spare, script(spare, n), finishes)

    async def partner(people: list[Person]) -> None:
        for n in range(updates):
            person = people[n // PER_PERSON]
            latencies.append(await act(person, script(person, n), finishes))

    started = time.perf_counter()
    await asyncio.gather(*(partner(people) for people in slots))
    return Figures(len(slots) * updates, time.perf_counter() - started, latencies)


def in_slots(
    people: list[Person], partners: int, updates: int
) -> tuple[list[list[Person]], Person]:
    """`partners` slots of people enough for `updates` each, and the spare for the warm-up."""
    each = people_per_slot(updates)
    return [people[k * each : (k + 1) * each] for k in range(partners)], people[partners * each]


def people_per_slot(updates: int) -> int:
    return -(-updates // PER_PERSON)


def journey(_: Person | None, n: int) -> str:
    return "ya" if n % 2 == 0 else "/skip"  # rate a statement, skip its example: one reply each


async def echo(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text)


def echo_bot(api: FakeBotApi, on_aiohttp: bool) -> Application[Any, Any, Any, Any, Any, Any]:
    """The baseline: PTB's own defaults, with its built-in concurrency so it is not slowed by
    handling one update at a time; `on_aiohttp`, Cornerstones' backend instead of httpx."""
    builder = (
        ApplicationBuilder()
        .token(api.token)
        .base_url(api.base_url)
        .base_file_url(api.base_file_url)
        .concurrent_updates(True)
    )
    if on_aiohttp:
        builder.request(AiohttpRequest()).get_updates_request(
            AiohttpRequest(connection_pool_size=1)
        )
    application = builder.build()
    application.add_handler(MessageHandler(ptb_filters.TEXT, echo))
    return application


async def run_cornerstones(db: AsyncEngine, partners: int, updates: int) -> Figures:
    content = default_content()
    # Partners already part-way through, as bench.engine_events seeds them: the join is not
    # what is measured, and 1,000 joins would double the run.
    seeded = partners * people_per_slot(updates) + 1
    await populate(db, content, seeded)
    finishes = Finishes()
    async with FakeBotApi(limits=Limits.off()) as api:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            TELEGRAM_BOT_TOKEN=api.token,
            CORNERSTONES_TELEGRAM_API_URL=api.root,
        )
        engine = Engine(session_factory(db), content)
        application = build_application(settings, engine=engine, tuning=Tuning(rate_limited=False))
        finishes.attach(application)
        async with running(application):
            people = [
                api.user(chat_id=SEEDED_ADDRESS + n, first_name="Sam", has_started_bot=True)
                for n in range(1, seeded + 1)
            ]
            slots, spare = in_slots(people, partners, updates)
            return await measure(slots, spare, updates, journey, finishes)


async def run_engine_alone(db: AsyncEngine, updates: int) -> Figures:
    """The same journey straight into the engine, no Telegram: the ceiling for the bot."""
    content = default_content()
    each = people_per_slot(updates)
    await populate(db, content, each + 1)
    engine = Engine(session_factory(db), content)

    async def handle(person: int, n: int) -> None:
        said = journey(None, n)
        kind = EventKind.COMMAND if said.startswith("/") else EventKind.TEXT
        event = Event(
            transport=TRANSPORT,
            chat=str(SEEDED_ADDRESS + person),
            kind=kind,
            event_id=f"alone-{person}-{n}",
            text=None if kind is EventKind.COMMAND else said,
            command=said[1:] if kind is EventKind.COMMAND else None,
        )
        await engine.handle(event)

    for n in range(WARM_UP):
        await handle(each + 1, n)
    latencies = []
    started = time.perf_counter()
    for n in range(updates):
        begun = time.perf_counter()
        await handle(1 + n // PER_PERSON, n)
        latencies.append(time.perf_counter() - begun)
    return Figures(updates, time.perf_counter() - started, latencies)


async def run_echo(partners: int, updates: int, on_aiohttp: bool = False) -> Figures:
    finishes = Finishes()
    async with FakeBotApi(limits=Limits.off()) as api:
        application = echo_bot(api, on_aiohttp)
        finishes.attach(application)
        async with running(application):
            seeded = partners * people_per_slot(updates) + 1
            people = [api.user(first_name=f"P{n}", has_started_bot=True) for n in range(seeded)]
            slots, spare = in_slots(people, partners, updates)
            return await measure(slots, spare, updates, journey, finishes)


def row(name: str, figures: Figures) -> str:
    return (
        f"  {name:<13}{figures.updates:>6} updates  {figures.per_second:>8.1f}/s"
        f"  p50 {figures.percentile(50):>7.1f} ms  p99 {figures.percentile(99):>7.1f} ms"
    )


async def bench(
    partner_counts: list[int], update_counts: list[int], postgres: bool, rounds: int = 3
) -> bool:
    """Each partner count `rounds` times, the bots taking turns, so a noisy neighbour on a
    shared machine lands on both alike; the figures are the median round's."""
    logging.basicConfig(level=logging.WARNING)
    kind = "PostgreSQL" if postgres else "SQLite"
    print(f"database: {kind}; the fake Bot API in this process, without flood limits")
    print(f"each figure is the median of {rounds} rounds, the bots taking turns")
    met = True
    for partners, updates in zip(partner_counts, update_counts, strict=True):
        trios: list[tuple[Figures, Figures, Figures]] = []
        for _ in range(rounds):
            async with fresh_database(postgres) as db:
                cornerstones = await run_cornerstones(db, partners, updates)
            baseline = await run_echo(partners, updates)
            trios.append((cornerstones, baseline, await run_echo(partners, updates, True)))
        trios.sort(key=lambda trio: trio[0].per_second / trio[1].per_second)
        cornerstones, baseline, same_backend = trios[len(trios) // 2]
        ratios = [c.per_second / e.per_second for c, e, _ in trios]
        ratio = ratios[len(ratios) // 2]
        even = sorted(c.per_second / a.per_second for c, _, a in trios)[len(trios) // 2]
        print(f"{partners} partner(s) active, {updates} timed updates each:")
        print(row("cornerstones", cornerstones))
        print(row("echo bot", baseline))
        print(row("echo, aiohttp", same_backend))
        if partners == 1:
            async with fresh_database(postgres) as db:
                print(row("engine alone", await run_engine_alone(db, updates)))
        verdict = "meets" if ratio >= GOAL else "BELOW"
        spread = ", ".join(f"{r:.2f}" for r in ratios)
        print(
            f"  throughput ratio cornerstones/echo: {ratio:.2f} ({verdict} the goal of {GOAL});"
            f" rounds: {spread}"
        )
        print(f"  against the echo bot on the same aiohttp backend: {even:.2f}")
        met = met and ratio >= GOAL
    return met


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--partners", default="1,100,1000", help="partners active at once")
    parser.add_argument("--updates", default="300,6,2", help="timed updates per partner")
    parser.add_argument(
        "--postgres", action="store_true", help=f"use {POSTGRES_VARIABLE} (a throwaway schema)"
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds per partner count")
    arguments = parser.parse_args()
    partner_counts = [int(n) for n in arguments.partners.split(",")]
    update_counts = [int(n) for n in arguments.updates.split(",")]
    asyncio.run(bench(partner_counts, update_counts, arguments.postgres, arguments.rounds))


if __name__ == "__main__":
    main()
