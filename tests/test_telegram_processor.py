"""The update processor: one chat's updates in order, chats side by side, bounded, tidy."""

from __future__ import annotations

import asyncio
import random

from telegram import Bot, Update

from bot.telegram.processor import ChatOrderedProcessor
from tests.fake_bot_api import TOKEN

BOT = Bot(TOKEN)  # only to decode JSON


def update(update_id: int, chat_id: int) -> Update:
    chat = {"id": chat_id, "type": "private", "first_name": "P"}
    message = {"message_id": update_id, "date": 0, "chat": chat, "text": str(update_id)}
    return Update.de_json({"update_id": update_id, "message": message}, BOT)


async def test_each_chat_in_order_all_chats_at_once_within_the_bound() -> None:
    processor = ChatOrderedProcessor(workers=4)
    done: dict[int, list[int]] = {}
    running = 0
    most = 0

    async def handle(u: Update) -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(random.uniform(0, 0.003))  # finish out of order if allowed to
        running -= 1
        assert u.effective_chat is not None
        done.setdefault(u.effective_chat.id, []).append(u.update_id)

    updates = [update(n, chat_id=n % 10) for n in range(300)]
    async with processor:
        # As PTB does: one task per update, started in the order Telegram sent them.
        tasks = [asyncio.create_task(processor.process_update(u, handle(u))) for u in updates]
        await asyncio.gather(*tasks)
    assert {chat: ids for chat, ids in done.items()} == {
        chat: [n for n in range(300) if n % 10 == chat] for chat in range(10)
    }
    assert most == 4  # chats side by side, never more than the workers
    assert processor.chats_in_hand == 0  # no lane outlives its chat's last update


async def test_a_busy_chat_holds_no_worker_while_it_waits() -> None:
    processor = ChatOrderedProcessor(workers=2)
    release = asyncio.Event()
    finished: list[int] = []

    async def slow(u: Update) -> None:
        await release.wait()
        finished.append(u.update_id)

    async def quick(u: Update) -> None:
        finished.append(u.update_id)

    async with processor:
        busy = [
            asyncio.create_task(processor.process_update(u, slow(u)))
            for u in (update(n, chat_id=1) for n in range(1, 20))
        ]
        other = update(100, chat_id=2)
        await asyncio.wait_for(processor.process_update(other, quick(other)), timeout=1)
        assert finished == [100]  # chat 2 was not stuck behind chat 1's queue
        release.set()
        await asyncio.gather(*busy)
    assert finished == [100, *range(1, 20)]
