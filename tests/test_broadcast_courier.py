"""The Telegram courier, through a real PTB Bot against the fake Bot API: each of Telegram's
answers becomes the Delivery the worker acts on."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import pytest
from telegram import Bot

from bot.broadcast import Delivery, Outcome
from bot.dialogues.replies import Button, Reply
from bot.telegram.courier import TelegramCourier
from bot.telegram.transport import AiohttpRequest
from tests.fake_bot_api import FakeBotApi, Person

HELLO = Reply("What helped this week?", ((Button("Reply", "g:reply:7"),),))


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as fake:
        yield fake


@pytest.fixture
async def courier(api: FakeBotApi) -> AsyncIterator[TelegramCourier]:
    request = AiohttpRequest(read_timeout=0.3, connection_pool_size=4)
    async with Bot(api.token, base_url=api.base_url, request=request) as bot:
        yield TelegramCourier(bot)


@pytest.fixture
def sam(api: FakeBotApi) -> Person:
    return api.user(first_name="Sam", has_started_bot=True)


async def test_a_message_goes_with_its_buttons(courier: TelegramCourier, sam: Person) -> None:
    delivery = await courier.send("telegram", str(sam.id), HELLO)
    message = await sam.next_message()
    assert delivery == Delivery.sent(str(message.message_id))
    assert message.text == HELLO.text
    assert [(b.text, b.callback_data) for row in message.buttons for b in row] == [
        ("Reply", "g:reply:7")
    ]


async def test_a_long_message_goes_in_parts_with_the_buttons_on_the_last(
    courier: TelegramCourier, sam: Person
) -> None:
    long = Reply(("A sentence about what helped. " * 200).strip(), HELLO.buttons)
    delivery = await courier.send("telegram", str(sam.id), long)
    first, last = sam.messages
    assert not first.buttons and last.buttons
    assert delivery == Delivery.sent(str(last.message_id))


async def test_a_progress_message_is_edited_in_place(courier: TelegramCourier, sam: Person) -> None:
    sent = await courier.send("telegram", str(sam.id), Reply("Sent: 0"))
    assert sent.message_id is not None
    edited = await courier.edit("telegram", str(sam.id), sent.message_id, Reply("Sent: 10"))
    again = await courier.edit("telegram", str(sam.id), sent.message_id, Reply("Sent: 10"))
    assert edited == again == Delivery.sent(sent.message_id)  # "not modified" is fine
    assert [m.text for m in sam.messages] == ["Sent: 10"]
    gone = await courier.edit("telegram", str(sam.id), "999", Reply("Sent: 20"))
    assert gone.outcome is Outcome.FAILED and not gone.transient


async def test_a_person_who_blocked_the_bot_or_never_started_it_is_unreachable(
    api: FakeBotApi, courier: TelegramCourier, sam: Person
) -> None:
    api.block(sam.id)
    stranger = api.user(first_name="Alex")  # never wrote to the bot
    for person in (sam, stranger):
        delivery = await courier.send("telegram", str(person.id), HELLO)
        assert delivery.outcome is Outcome.UNREACHABLE, delivery
    gone = await courier.send("telegram", "424242", HELLO)  # chat not found
    assert gone.outcome is Outcome.UNREACHABLE


# PTB itself warns, building RetryAfter, that retry_after will become a timedelta.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_flood_control_says_how_long_to_wait(
    api: FakeBotApi, courier: TelegramCourier, sam: Person
) -> None:
    api.fail_next("sendMessage", 429, retry_after=3)
    assert await courier.send("telegram", str(sam.id), HELLO) == Delivery.retry_after(3)
    assert sam.messages == []


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_telegram_unwell_is_worth_another_try(
    api: FakeBotApi, courier: TelegramCourier, sam: Person, status: int
) -> None:
    api.fail_next("sendMessage", status)
    delivery = await courier.send("telegram", str(sam.id), HELLO)
    assert delivery.outcome is Outcome.FAILED and delivery.transient
    assert sam.messages == []


async def test_a_refusal_is_not_worth_another_try(
    api: FakeBotApi, courier: TelegramCourier, sam: Person
) -> None:
    api.fail_next("sendMessage", 400, description="Bad Request: can't parse entities")
    delivery = await courier.send("telegram", str(sam.id), HELLO)
    assert delivery.outcome is Outcome.FAILED and not delivery.transient
    too_long = Reply("Hi", ((Button("Go", "g:" + "x" * 70),),))
    refused = await courier.send("telegram", str(sam.id), too_long)
    assert refused.outcome is Outcome.FAILED and "64 bytes" in refused.reason


async def test_an_answer_that_never_came_leaves_it_uncertain(
    api: FakeBotApi, courier: TelegramCourier, sam: Person
) -> None:
    api.slow_next("sendMessage", 1.0)  # it arrives, but the answer outlasts the read timeout
    delivery = await courier.send("telegram", str(sam.id), HELLO)
    assert delivery.outcome is Outcome.UNCERTAIN
    assert len(sam.messages) == 1  # which is why it must not be sent again blindly


async def test_a_connection_never_made_is_worth_another_try() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    request = AiohttpRequest(connect_timeout=1)
    await request.initialize()  # the Bot itself would fail to start: getMe cannot connect
    try:
        bot = Bot("1:x", base_url=f"http://127.0.0.1:{port}/bot", request=request)
        delivery = await TelegramCourier(bot).send("telegram", "1", HELLO)
    finally:
        await request.shutdown()
    assert delivery.outcome is Outcome.FAILED and delivery.transient


async def test_another_transport_is_not_the_couriers(courier: TelegramCourier) -> None:
    delivery = await courier.send("terminal", "1", HELLO)
    assert delivery.outcome is Outcome.FAILED and "not a Telegram address" in delivery.reason
