"""The aiohttp backend every Bot API call goes through: PTB's meanings of answers, timeouts and
failures kept, and a request that never left told apart from one that may have arrived."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import certifi
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.broadcast import Outcome
from bot.dialogues.replies import Reply
from bot.telegram.courier import TelegramCourier, delivery_for
from bot.telegram.transport import (
    NEVER_SENT,
    AiohttpRequest,
    ConnectFailed,
    ConnectionLost,
    ConnectTimedOut,
    certificates,
)
from tests.fake_bot_api import TINY_PNG, FakeBotApi

TOKEN = "123456:SECRET-token-that-must-not-leak"


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as fake:
        yield fake


def bot_for(api: FakeBotApi, request: AiohttpRequest | None = None) -> Bot:
    return Bot(
        api.token,
        base_url=api.base_url,
        base_file_url=api.base_file_url,
        request=request or AiohttpRequest(),
        get_updates_request=AiohttpRequest(connection_pool_size=1),
    )


@asynccontextmanager
async def server_that_hangs_up() -> AsyncIterator[str]:
    """Reads a whole request, then closes the connection without a word: it did arrive."""
    arrived = asyncio.Event()

    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        arrived.set()
        writer.close()

    server = await asyncio.start_server(hang_up, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        yield f"http://127.0.0.1:{port}/bot"
    assert arrived.is_set()


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_messages_buttons_and_answers_round_trip(api: FakeBotApi) -> None:
    sam = api.user(first_name="Sam", has_started_bot=True)
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Yes ✓", callback_data="4:rate:yes")]])
    async with bot_for(api) as bot:
        assert bot.username == api.bot_user["username"]
        sent = await bot.send_message(sam.id, "Ça va? 👋 & more", reply_markup=markup)
        await bot.edit_message_text("Edited", chat_id=sam.id, message_id=sent.message_id)
        with pytest.raises(BadRequest, match="Message is not modified"):
            await bot.edit_message_text("Edited", chat_id=sam.id, message_id=sent.message_id)
        api.block(sam.id)
        with pytest.raises(Forbidden):
            await bot.send_message(sam.id, "still there?")
    (message,) = sam.messages
    assert message.text == "Edited"


async def test_files_go_up_as_multipart_and_come_back_down(api: FakeBotApi) -> None:
    sam = api.user(first_name="Sam", has_started_bot=True)
    pdf = b"%PDF-1.7 " + bytes(range(256)) * 200  # binary, and bigger than one read
    async with bot_for(api) as bot:
        sent = await bot.send_document(sam.id, pdf, filename="self-evaluation.pdf", caption="Done")
        await bot.send_photo(sam.id, TINY_PNG)
        assert sent.document is not None
        file = await bot.get_file(sent.document.file_id)
        assert bytes(await file.download_as_bytearray()) == pdf
    document, photo = sam.messages
    assert document.caption == "Done" and document.document is not None
    assert document.document["file_name"] == "self-evaluation.pdf"
    assert photo.photo is not None


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_telegram_refusals_keep_their_meaning(api: FakeBotApi) -> None:
    sam = api.user(first_name="Sam", has_started_bot=True)
    async with bot_for(api) as bot:
        api.fail_next("sendMessage", 429, retry_after=3)
        with pytest.raises(RetryAfter):
            await bot.send_message(sam.id, "hi")
        api.fail_next("sendMessage", 502)  # nginx's HTML page
        with pytest.raises(NetworkError, match="Bad Gateway") as unwell:
            await bot.send_message(sam.id, "hi")
        assert not isinstance(unwell.value, (*NEVER_SENT, ConnectionLost))
        assert delivery_for(unwell.value).transient  # Telegram did not take it: try again
    assert sam.messages == []


async def test_a_slow_answer_times_out_and_may_have_arrived(api: FakeBotApi) -> None:
    sam = api.user(first_name="Sam", has_started_bot=True)
    api.slow_next("sendMessage", 1.0)
    async with bot_for(api, AiohttpRequest(read_timeout=0.2)) as bot:
        with pytest.raises(TimedOut) as timed_out:
            await bot.send_message(sam.id, "did it arrive?")
    assert not isinstance(timed_out.value, NEVER_SENT)
    assert delivery_for(timed_out.value).outcome is Outcome.UNCERTAIN
    assert [m.text for m in sam.messages] == ["did it arrive?"]


async def test_no_free_connection_means_it_never_left(api: FakeBotApi) -> None:
    sam = api.user(first_name="Sam", has_started_bot=True)
    # aiohttp waits for a free connection and makes a new one under one timeout: the two summed
    request = AiohttpRequest(
        connection_pool_size=1, pool_timeout=0.1, connect_timeout=0.1, read_timeout=5
    )
    async with bot_for(api, request) as bot:
        api.slow_next("sendMessage", 1.0)
        first = asyncio.create_task(bot.send_message(sam.id, "first"))
        await sam.next_message()  # arrived; its answer, and the only connection, held back
        with pytest.raises(ConnectTimedOut) as waited:
            await bot.send_message(sam.id, "second")
        await first
    delivery = delivery_for(waited.value)
    assert delivery.outcome is Outcome.FAILED and delivery.transient
    assert [m.text for m in sam.messages] == ["first"]


async def test_a_connection_never_made_never_left() -> None:
    request = AiohttpRequest(connect_timeout=1)
    await request.initialize()
    try:
        bot = Bot(TOKEN, base_url=f"http://127.0.0.1:{unused_port()}/bot", request=request)
        with pytest.raises(ConnectFailed) as refused:
            await bot.send_message(1, "hello")
        delivery = await TelegramCourier(bot).send("telegram", "1", Reply("hello"))
    finally:
        await request.shutdown()
    assert delivery.outcome is Outcome.FAILED and delivery.transient
    assert "SECRET" not in str(refused.value) and refused.value.__cause__ is None


async def test_a_connection_lost_after_sending_may_have_arrived() -> None:
    request = AiohttpRequest()
    await request.initialize()
    try:
        async with server_that_hangs_up() as base_url:
            bot = Bot(TOKEN, base_url=base_url, request=request)
            with pytest.raises(ConnectionLost) as lost:
                await bot.send_message(1, "hello")
            # No token, no URL: PTB logs this error, traceback and all, when polling fails.
            assert "SECRET" not in str(lost.value) and lost.value.__cause__ is None
            assert delivery_for(lost.value).outcome is Outcome.UNCERTAIN
    finally:
        await request.shutdown()


async def test_it_must_be_opened_first_and_can_be_opened_again(api: FakeBotApi) -> None:
    request = AiohttpRequest()
    with pytest.raises(NetworkError, match="not initialized"):  # PTB wraps the RuntimeError
        await request.post(f"{api.base_url}{api.token}/getMe")
    for _ in range(2):  # PTB may initialize a bot again after shutting it down
        await request.initialize()
        assert (await request.post(f"{api.base_url}{api.token}/getMe"))["is_bot"] is True
        await request.shutdown()


def test_timeouts_are_ptbs_four_in_aiohttps_terms() -> None:
    request = AiohttpRequest(
        read_timeout=5, write_timeout=3, connect_timeout=2, pool_timeout=1, media_write_timeout=20
    )
    default = request.DEFAULT_NONE
    plain = request._timeout(
        read=default, write=default, connect=default, pool=default, media=False
    )
    assert (plain.sock_read, plain.sock_connect, plain.connect, plain.total) == (5, 2, 3, 11)
    upload = request._timeout(
        read=default, write=default, connect=default, pool=default, media=True
    )
    assert upload.total == 28  # a file gets the media write timeout
    polling = request._timeout(read=35, write=None, connect=default, pool=default, media=False)
    assert (polling.sock_read, polling.total) == (35, None)  # no write limit: no overall limit


def test_a_proxy_in_the_environment_is_used_where_it_applies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("https_proxy", "http_proxy", "no_proxy", "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.school.example:3128")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,bot-api.internal")
    request = AiohttpRequest()
    assert request._proxy(f"https://api.telegram.org/bot{TOKEN}/getMe") == (
        "http://proxy.school.example:3128"
    )
    assert request._proxy("http://127.0.0.1:8081/bot1:x/getMe") is None
    assert request._proxy("https://bot-api.internal/bot1:x/getMe") is None
    assert request._proxy("http://plain.example/bot1:x/getMe") is None  # no HTTP_PROXY set


def test_certificates_are_certifis_unless_the_environment_names_others(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    assert certificates() == certifi.where()
    own = tmp_path / "school-ca.pem"
    monkeypatch.setenv("SSL_CERT_FILE", str(own))
    assert certificates() == str(own)
