"""A prompt to 2,000 partners: how close the broadcast runs to Telegram's limit, and whether
anyone gets it twice or not at all.

The broadcast worker, with its production settings and the system clock, sends through the
Telegram courier (a real PTB Bot) to the fake Bot API in this process, which keeps Telegram's
flood limits (its default `Limits`) in real time. The figure that matters is the wall time from
the worker's start to the last partner's message, divided by N/30 s, the least Telegram's 30
messages a second allow (goal ≤ 1.05); with it, the 429s Telegram answered, and partners who got
the prompt twice or not at all (goal 0, 0, 0). It takes about N/30 s: 70 s for 2,000.

    python -m bench.broadcast [--partners 2000] [--postgres]

The database is SQLite in a temporary folder, or with --postgres a throwaway schema at
CORNERSTONES_TEST_DATABASE_URL.
"""

from __future__ import annotations

import argparse
import asyncio
import time

from telegram import Bot

from bench._databases import POSTGRES_VARIABLE, fresh_database
from bot.broadcast import BroadcastWorker, WorkerSettings
from bot.dialogues.replies import Button, Reply
from bot.state.database import session_factory
from bot.state.outbox import broadcast_progress
from bot.telegram.courier import TelegramCourier
from bot.telegram.transport import AiohttpRequest
from tests.broadcast_fakes import queue_prompt, seed
from tests.fake_bot_api import FakeBotApi

GOAL = 1.05
TELEGRAM_PER_SECOND = 30.0
PROMPT = "What is one thing that helped you feel listened to this term?"


async def broadcast(partners: int, postgres: bool) -> bool:
    settings = WorkerSettings()
    async with fresh_database(postgres) as engine, FakeBotApi() as api:
        sessions = session_factory(engine)
        people = [api.user(first_name=f"P{n}", has_started_bot=True) for n in range(partners)]
        lead = api.user(first_name="Robin", has_started_bot=True)
        seeded = await seed(
            sessions,
            [str(person.id) for person in people],
            transport="telegram",
            coordinator_address=str(lead.id),
        )
        # No quiet hours: the benchmark runs whenever it is run.
        reply = Reply(PROMPT, ((Button("Reply", f"g:reply:{seeded.prompt_id}"),),))
        sent = await queue_prompt(sessions, seeded, reply, quiet_hours=False)
        request = AiohttpRequest(connection_pool_size=settings.in_flight + 4)
        async with Bot(api.token, base_url=api.base_url, request=request) as bot:
            worker = BroadcastWorker(sessions, TelegramCourier(bot), settings=settings)
            stop = asyncio.Event()
            started = time.perf_counter()
            running = asyncio.create_task(worker.run(stop))
            for person in people:  # in the order they are sent; each wait ends at its arrival
                await person.next_message(timeout=partners / TELEGRAM_PER_SECOND + 60)
            elapsed = time.perf_counter() - started
            await lead.wait_for(lambda m: "has gone out" in (m.text or ""), timeout=30)
            stop.set()
            await running
        async with sessions() as session:
            progress = await broadcast_progress(session, sent.id)

    copies = [sum(m.text == PROMPT for m in person.messages) for person in people]
    twice = sum(1 for count in copies if count > 1)
    lost = sum(1 for count in copies if count == 0)
    least = partners / TELEGRAM_PER_SECOND
    ratio = elapsed / least
    kind = "PostgreSQL" if postgres else "SQLite"
    print(f"database: {kind}; the fake Bot API in this process, Telegram's limits, real time")
    print(f"  {partners} partners in {elapsed:.1f} s; Telegram's 30/s allows {least:.1f} s")
    print(f"  ratio {ratio:.3f} ({'within' if ratio <= GOAL else 'OVER'} the goal of {GOAL})")
    print(f"  429s answered: {api.stats.rate_limited}; worker saw {worker.stats.rate_limited}")
    print(f"  got it twice: {twice}; never got it: {lost}; recorded: {progress}")
    print(f"  progress message edits: {len(lead.messages[0].earlier_texts)}")
    return ratio <= GOAL and api.stats.rate_limited == 0 and twice == 0 and lost == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--partners", type=int, default=2000)
    parser.add_argument("--postgres", action="store_true", help=f"at {POSTGRES_VARIABLE}")
    arguments = parser.parse_args()
    if not asyncio.run(broadcast(arguments.partners, arguments.postgres)):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
