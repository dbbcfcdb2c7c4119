"""kill -9, for real: the worker runs in a process of its own, sending to the fake Bot API in
this one, and is killed with SIGKILL halfway; a new worker finishes from the database alone.

Where the kill lands is up to the operating system, so the test holds the guarantee rather
than one outcome: nobody gets the prompt twice; everyone whose row was not left in doubt gets
it exactly once; those in doubt (at most the worker's sends in flight) are counted as such.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Bot

from bot.broadcast import BroadcastWorker, MessageWords, WorkerSettings
from bot.content import Content
from bot.dialogues.replies import Reply
from bot.state.database import SessionFactory, open_engine, session_factory
from bot.state.models import OutboxMessage
from bot.state.outbox import broadcast_progress
from bot.telegram.courier import TelegramCourier
from bot.telegram.transport import AiohttpRequest
from tests.broadcast_fakes import SteppedClock, queue_prompt, seed
from tests.fake_bot_api import FakeBotApi, Limits

PARTNERS = 2000  # the figure: a prompt to 2,000, killed halfway with SIGKILL
FAST = WorkerSettings(overall_per_second=300)  # the fake's limits are off: this is about kills
PROMPT = Reply("Is there anything we should have asked and did not?")
ROOT = Path(__file__).resolve().parents[1]


def child() -> None:
    """The worker in a process of its own: argv is the database URL, its schema (PostgreSQL),
    the Bot API's base URL and the token. It sends until it is killed."""
    url, schema, base_url, token = sys.argv[1:5]
    asyncio.run(_child(url, schema, base_url, token))


async def _child(url: str, schema: str, base_url: str, token: str) -> None:
    options = {"connect_args": {"server_settings": {"search_path": schema}}} if schema else {}
    engine = open_engine(url, **options)
    request = AiohttpRequest(connection_pool_size=FAST.in_flight + 4)
    async with Bot(token, base_url=base_url, request=request) as bot:
        worker = BroadcastWorker(session_factory(engine), TelegramCourier(bot), settings=FAST)
        await worker.run(asyncio.Event())


async def test_a_worker_killed_with_sigkill_sends_nobody_two_copies(
    db: AsyncEngine, sessions: SessionFactory, content: Content, tmp_path: Path
) -> None:
    async with FakeBotApi(limits=Limits.off()) as api:
        people = [api.user(first_name=f"P{n}", has_started_bot=True) for n in range(PARTNERS)]
        lead = api.user(first_name="Robin", has_started_bot=True)
        seeded = await seed(
            sessions,
            [str(person.id) for person in people],
            transport="telegram",
            coordinator_address=str(lead.id),
        )
        # No quiet hours: the system clock decides here, and the test runs at any hour.
        broadcast = await queue_prompt(
            sessions, seeded, PROMPT, quiet_hours=False, tied_to_prompt=False
        )
        schema = ""
        if db.dialect.name == "postgresql":
            async with db.connect() as connection:
                schema = str(await connection.scalar(text("SELECT current_schema()")))
        url = db.url.render_as_string(hide_password=False)
        log = tmp_path / "worker.log"
        with log.open("wb") as output:
            worker = await asyncio.create_subprocess_exec(
                sys.executable,
                "-c",
                "from tests.test_broadcast_kill import child; child()",
                *(url, schema, api.base_url, api.token),
                cwd=ROOT,
                stdout=output,
                stderr=output,
            )
            try:
                await people[PARTNERS // 2].next_message(timeout=30)
            finally:
                worker.send_signal(signal.SIGKILL)
                await worker.wait()
        assert worker.returncode == -signal.SIGKILL, log.read_text()

        # A new worker, once the dead one's lease has run out.
        later = SteppedClock(datetime.now(UTC) + FAST.lease)
        later.advance(1)
        async with Bot(api.token, base_url=api.base_url) as bot:
            await BroadcastWorker(sessions, TelegramCourier(bot), later, settings=FAST).drain()

    copies = Counter(person.id for person in people for m in person.messages)
    async with sessions() as session:
        progress = await broadcast_progress(session, broadcast.id)
        in_doubt = set(
            await session.scalars(
                select(OutboxMessage.partner_id).where(OutboxMessage.status == "uncertain")
            )
        )
    address_of = dict(zip(seeded.partner_ids, seeded.addresses, strict=True))
    doubtful = {int(address_of[p]) for p in in_doubt if p is not None}
    assert all(copies[person.id] <= 1 for person in people), "someone got it twice"
    assert all(copies[person.id] == 1 for person in people if person.id not in doubtful)
    assert progress.waiting == 0 and progress.sent + progress.uncertain == PARTNERS
    assert progress.uncertain <= FAST.in_flight
    # The co-ordinator is told, in the summary, of any left in doubt.
    assert lead.messages[-1].text == MessageWords(content.messages).summary("prompt", progress)
