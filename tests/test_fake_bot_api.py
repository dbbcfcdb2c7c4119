"""The fake Bot API behaves like Telegram, as python-telegram-bot's real Bot sees it."""

from __future__ import annotations

import asyncio
import datetime as dtm
import time
import warnings
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from tests.fake_bot_api import TINY_PNG, FakeBotApi, Limits, ManualClock


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as fake:
        yield fake


def bot_for(api: FakeBotApi, token: str | None = None, **request: Any) -> Bot:
    return Bot(
        token or api.token,
        base_url=api.base_url,
        base_file_url=api.base_file_url,
        request=HTTPXRequest(**request) if request else None,
    )


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    async with bot_for(api) as real_bot:
        yield real_bot


def keyboard(*buttons: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(t, callback_data=d)] for t, d in buttons])


def seconds(owner: object, attribute: str) -> float:
    with warnings.catch_warnings():  # PTB 22 is moving time periods from int to timedelta
        warnings.simplefilter("ignore")
        value = getattr(owner, attribute)
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


# The real Application, polling


async def test_a_polling_application_hears_the_person_and_answers(api: FakeBotApi) -> None:
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(
            f"You said: {update.effective_message.text}", reply_markup=keyboard(("Again", "again"))
        )

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"Welcome, invite {context.args}")

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.callback_query is not None
        await update.callback_query.answer("Noted")
        await update.callback_query.edit_message_text("Pressed")

    app = (
        ApplicationBuilder()
        .token(api.token)
        .base_url(api.base_url)
        .base_file_url(api.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_handler(CallbackQueryHandler(pressed))
    sam = api.user(first_name="Sam")
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(timeout=dtm.timedelta(seconds=5))
    try:
        await sam.command("/start", "INVITE42")
        assert (await sam.next_message()).text == "Welcome, invite ['INVITE42']"
        await sam.send("hello")
        echoed = await sam.next_message()
        assert echoed.text == "You said: hello"
        await sam.press(echoed, "Again")
        assert (await sam.next_callback_answer()).text == "Noted"
        await sam.wait_for(lambda m: m.text == "Pressed" and not m.buttons)
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
    assert api.pending_updates == []  # the updater confirmed everything on its way out
    assert api.stats.rate_limited == 0
    assert api.stats.unexpected_errors == []
    assert api.stats.requests["getMe"] == 1


# getUpdates


async def test_a_long_poll_returns_as_soon_as_an_update_arrives(api: FakeBotApi, bot: Bot) -> None:
    sam = api.user(first_name="Sam")
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.1)  # let the poll reach the fake and wait there
    assert not poll.done()
    sent_at = time.monotonic()
    await sam.send("hi")
    updates = await poll
    assert time.monotonic() - sent_at < 0.5
    assert [u.message.text for u in updates if u.message] == ["hi"]


async def test_an_empty_long_poll_waits_out_its_timeout(api: FakeBotApi, bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert 0.9 < time.monotonic() - started < 2


async def test_an_offset_confirms_updates_for_good(api: FakeBotApi, bot: Bot) -> None:
    sam = api.user(first_name="Sam")
    for text in ("one", "two", "three"):
        await sam.send(text)
    first, second, third = await bot.get_updates()
    assert first.update_id < second.update_id < third.update_id
    assert [u.update_id for u in await bot.get_updates(limit=1)] == [first.update_id]
    assert [u.update_id for u in await bot.get_updates(offset=second.update_id)] == [
        second.update_id,
        third.update_id,
    ]
    assert [u["update_id"] for u in api.pending_updates] == [second.update_id, third.update_id]
    assert await bot.get_updates(offset=third.update_id + 1) == ()
    assert await bot.get_updates() == ()  # forgotten, even without an offset
    assert api.pending_updates == []


async def test_allowed_updates_keeps_unwanted_updates_from_being_made(
    api: FakeBotApi, bot: Bot
) -> None:
    sam = api.user(first_name="Sam", has_started_bot=True)
    question = await bot.send_message(sam.id, "Ready?", reply_markup=keyboard(("Yes", "yes")))
    await bot.get_updates(allowed_updates=["callback_query"])
    assert not (await sam.send("ignored")).delivered
    pressed = await sam.press(sam.messages[0], data="yes")
    (update,) = await bot.get_updates()
    assert update.update_id == pressed.update_id
    assert update.callback_query is not None
    assert update.callback_query.message is not None
    assert update.callback_query.message.message_id == question.message_id


async def test_a_second_poll_ends_the_first_with_conflict(api: FakeBotApi) -> None:
    async with bot_for(api) as first, bot_for(api) as second:
        waiting = asyncio.create_task(first.get_updates(timeout=5))
        await asyncio.sleep(0.2)  # let the first poll reach the fake and wait there
        assert await second.get_updates() == ()
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await waiting


async def test_a_redelivered_update_reaches_the_bot_twice(api: FakeBotApi, bot: Bot) -> None:
    sam = api.user(first_name="Sam")
    sent = await sam.send("once")
    (update,) = await bot.get_updates()
    assert await bot.get_updates(offset=update.update_id + 1) == ()
    assert sent.update_id is not None
    await api.redeliver(sent.update_id)
    (again,) = await bot.get_updates(offset=update.update_id + 1)
    assert again.update_id == update.update_id
    assert again.message is not None
    assert again.message.text == "once"


# Messages and their limits


async def test_texts_over_4096_utf16_units_are_too_long(api: FakeBotApi, bot: Bot) -> None:
    sam = api.user(first_name="Sam", has_started_bot=True)
    await bot.send_message(sam.id, "x" * 4096)
    await bot.send_message(sam.id, "😀" * 2048)  # two UTF-16 units each: exactly 4096
    await bot.send_message(sam.id, f"<b>{'x' * 4096}</b>", parse_mode="HTML")  # after parsing
    for too_long in ("x" * 4097, "😀" * 2049):
        with pytest.raises(BadRequest, match="Message is too long"):
            await bot.send_message(sam.id, too_long)
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(sam.id, "  \n ")
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_photo(sam.id, TINY_PNG, caption="c" * 1025)
    assert len(sam.messages) == 3


async def test_parse_mode_mistakes_are_refused_as_telegram_refuses_them(
    api: FakeBotApi, bot: Bot
) -> None:
    sam = api.user(first_name="Sam", has_started_bot=True)
    with pytest.raises(BadRequest, match=r"character '\.' is reserved"):
        await bot.send_message(sam.id, "Thanks.", parse_mode="MarkdownV2")
    with pytest.raises(BadRequest, match="Can't parse entities: unsupported start tag"):
        await bot.send_message(sam.id, "<p>Hi</p>", parse_mode="HTML")
    sent = await bot.send_message(sam.id, "*Thanks*\\.", parse_mode="MarkdownV2")
    assert sent.text == "Thanks."
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [("bold", 0, 6)]


async def test_an_edit_that_changes_nothing_is_not_modified(api: FakeBotApi, bot: Bot) -> None:
    sam = api.user(first_name="Sam", has_started_bot=True)
    markup = keyboard(("Yes", "yes"))
    sent = await bot.send_message(sam.id, "Ready?", reply_markup=markup)
    with pytest.raises(BadRequest, match="Message is not modified: specified new message"):
        await bot.edit_message_text("Ready?", sam.id, sent.message_id, reply_markup=markup)
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_reply_markup(sam.id, sent.message_id, reply_markup=markup)
    await bot.edit_message_text(
        "Ready?", sam.id, sent.message_id
    )  # dropping the keyboard is a change
    (live,) = sam.messages
    assert (live.text, live.buttons, live.edit_date is not None) == ("Ready?", [], True)
    assert await bot.delete_message(sam.id, sent.message_id)
    assert live.deleted
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("Gone?", sam.id, sent.message_id)
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(sam.id, sent.message_id)


async def test_callback_data_may_be_64_bytes_and_no_more(api: FakeBotApi, bot: Bot) -> None:
    sam = api.user(first_name="Sam", has_started_bot=True)
    await bot.send_message(sam.id, "ok", reply_markup=keyboard(("A", "a" * 64)))
    for data in ("a" * 65, "é" * 33):  # 66 bytes in UTF-8, though only 33 characters
        with pytest.raises(BadRequest, match="Button_data_invalid"):
            await bot.send_message(sam.id, "too much", reply_markup=keyboard(("A", data)))
    assert [m.text for m in sam.messages] == ["ok"]


async def test_callback_queries_can_be_answered_once_and_only_while_fresh() -> None:
    clock = ManualClock()
    async with FakeBotApi(clock=clock) as api, bot_for(api) as bot:
        sam = api.user(first_name="Sam", has_started_bot=True)
        await bot.send_message(sam.id, "Ready?", reply_markup=keyboard(("Yes", "yes")))
        first = await sam.press(sam.messages[0], "Yes")
        assert await bot.answer_callback_query(first.query_id, text="Thanks")
        with pytest.raises(BadRequest, match="Query is too old"):
            await bot.answer_callback_query(first.query_id)
        late = await sam.press(sam.messages[0], "Yes")
        clock.advance(16)
        with pytest.raises(BadRequest, match="Query is too old"):
            await bot.answer_callback_query(late.query_id)
        assert [a.text for a in sam.callback_answers] == ["Thanks"]


# Who the bot may write to


async def test_a_bot_may_not_write_first_nor_to_someone_who_blocked_it(
    api: FakeBotApi, bot: Bot
) -> None:
    sam = api.user(first_name="Sam")
    with pytest.raises(Forbidden, match="bot can't initiate conversation with a user"):
        await bot.send_message(sam.id, "Hello?")
    await sam.send("/start")
    await bot.send_message(sam.id, "Hello!")
    api.block(sam.id)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(sam.id, "Still there?")
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(424242, "Anyone?")
    assert [m.text for m in sam.messages] == ["Hello!"]


async def test_in_a_group_a_bot_in_privacy_mode_hears_only_what_is_meant_for_it(
    api: FakeBotApi, bot: Bot
) -> None:
    team = api.group(title="Team")
    sam = api.user(first_name="Sam").in_group(team)
    assert not (await sam.send("just chatting")).delivered
    assert (await sam.command("/status")).delivered
    (update,) = await bot.get_updates()
    assert update.effective_chat is not None
    assert (update.effective_chat.type, update.effective_chat.title) == ("supergroup", "Team")
    await bot.send_message(team.id, "All fine")
    assert (await team.next_message()).text == "All fine"


# Flood control and failures


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_going_over_telegrams_limits_is_answered_with_retry_after() -> None:
    clock = ManualClock()
    async with FakeBotApi(limits=Limits.strict(), clock=clock) as api, bot_for(api) as bot:
        sam = api.user(first_name="Sam", has_started_bot=True)
        await bot.send_message(sam.id, "one")
        with pytest.raises(RetryAfter) as refused:
            await bot.send_message(sam.id, "two")
        assert seconds(refused.value, "retry_after") == 1
        clock.advance(1)
        await bot.send_message(sam.id, "two")
        others = [api.user(has_started_bot=True) for _ in range(30)]
        for other in others[:29]:  # 30 a second overall, counting Sam's "two"
            await bot.send_message(other.id, "news")
        with pytest.raises(RetryAfter):
            await bot.send_message(others[29].id, "news")
        assert api.stats.rate_limited == 2
        assert [m.text for m in sam.messages] == ["one", "two"]


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_injected_failures_reach_the_bot_as_telegram_errors(
    api: FakeBotApi, bot: Bot
) -> None:
    sam = api.user(first_name="Sam", has_started_bot=True)
    api.fail_next("sendMessage", 429, retry_after=7)
    with pytest.raises(RetryAfter) as refused:
        await bot.send_message(sam.id, "hi")
    assert seconds(refused.value, "retry_after") == 7
    api.fail_next("sendMessage", 500, times=2)
    for _ in range(2):
        with pytest.raises(NetworkError, match="Internal Server Error"):
            await bot.send_message(sam.id, "hi")
    api.fail_next("sendMessage", 502)
    with pytest.raises(NetworkError, match="Bad Gateway"):  # an HTML page, as from nginx
        await bot.send_message(sam.id, "hi")
    await bot.send_message(sam.id, "hi")
    assert [m.text for m in sam.messages] == ["hi"]  # failed calls did nothing
    assert api.stats.rate_limited == 0  # injected 429s are not the bot's doing
    assert api.stats.unexpected_errors == []
    assert api.stats.requests["sendMessage"] == 5


async def test_a_slow_answer_times_out_though_the_message_was_sent(api: FakeBotApi) -> None:
    sam = api.user(first_name="Sam", has_started_bot=True)
    api.slow_next("sendMessage", 0.5)
    async with bot_for(api, read_timeout=0.1) as bot:
        with pytest.raises(TimedOut):
            await bot.send_message(sam.id, "did it arrive?")
    assert [m.text for m in sam.messages] == ["did it arrive?"]


async def test_a_wrong_token_or_method_is_refused(api: FakeBotApi, bot: Bot) -> None:
    with pytest.raises(InvalidToken, match="rejected by the server") as refused:
        async with bot_for(api, token="123456789:AAWrongToken0000000000000000000000"):
            pass
    assert str(refused.value.__cause__) == "Unauthorized"
    with pytest.raises(EndPointNotFound, match="'noSuchMethod' not found"):  # PTB's word for 404
        await bot.do_api_request("noSuchMethod")
    assert api.stats.errors[-1].description == "Not Found"


# Files


async def test_a_voice_note_round_trips_through_getfile(api: FakeBotApi, bot: Bot) -> None:
    sam = api.user(first_name="Sam")
    recording = b"OggS\x00\x02" + bytes(range(256)) * 40
    await sam.send_voice(recording, duration=4)
    (update,) = await bot.get_updates()
    assert update.message is not None
    assert update.message.voice is not None
    assert seconds(update.message.voice, "duration") == 4
    file = await update.message.voice.get_file()
    assert file.file_size == len(recording)
    assert bytes(await file.download_as_bytearray()) == recording
    with pytest.raises(BadRequest, match="Invalid file_id"):
        await bot.get_file("no-such-file")


async def test_uploaded_files_reach_the_person_and_can_be_sent_again(
    api: FakeBotApi, bot: Bot
) -> None:
    sam = api.user(first_name="Sam", has_started_bot=True)
    report = await bot.send_document(sam.id, b"%PDF-1.7 report", filename="report.pdf")
    assert report.document is not None
    assert (report.document.file_name, report.document.mime_type) == (
        "report.pdf",
        "application/pdf",
    )
    await bot.send_document(sam.id, report.document.file_id, caption="Again")
    photo = await bot.send_photo(sam.id, TINY_PNG)
    with pytest.raises(BadRequest, match="Image_process_failed"):
        await bot.send_photo(sam.id, b"not a picture")
    with pytest.raises(BadRequest, match="Type of file mismatch"):
        await bot.send_photo(sam.id, report.document.file_id)
    first, again, picture = sam.messages
    assert first.document == again.document and again.caption == "Again"
    assert picture.photo is not None
    assert picture.photo[0]["file_id"] == photo.photo[-1].file_id
    file = await bot.get_file(report.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"%PDF-1.7 report"


# Commands and webhooks


async def test_command_menus_are_kept_per_scope_and_language(api: FakeBotApi, bot: Bot) -> None:
    sam = api.user(first_name="Sam")
    await bot.set_my_commands([BotCommand("start", "Begin")])
    await bot.set_my_commands(
        [BotCommand("round", "Run a round")], scope=BotCommandScopeChat(sam.id)
    )
    await bot.set_my_commands(
        [BotCommand("start", "Dechrau")], scope=BotCommandScopeChat(sam.id), language_code="cy"
    )
    await bot.set_my_commands([BotCommand("help", "Help")], scope=BotCommandScopeAllGroupChats())
    assert [c.command for c in await bot.get_my_commands(scope=BotCommandScopeChat(sam.id))] == [
        "round"
    ]
    assert api.commands() == {"start": "Begin"}
    assert api.commands({"type": "chat", "chat_id": sam.id}, "cy") == {"start": "Dechrau"}
    assert await bot.delete_my_commands(scope=BotCommandScopeAllGroupChats())
    assert await bot.get_my_commands(scope=BotCommandScopeAllGroupChats()) == ()
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Not Valid", "x")])


async def test_a_webhook_gets_each_update_with_the_secret_until_it_answers_200() -> None:
    received: list[tuple[str | None, dict[str, Any]]] = []
    delivered = asyncio.Event()

    async def webhook(request: web.Request) -> web.Response:
        received.append(
            (request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json())
        )
        if len(received) == 1:
            return web.Response(status=500)  # the bot stumbles once
        delivered.set()
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    try:
        async with FakeBotApi(webhook_retry_delays=(0.01,)) as api, bot_for(api) as bot:
            assert await bot.set_webhook(url, secret_token="s3cret")
            with pytest.raises(Conflict, match="webhook is active"):
                await bot.get_updates()
            sam = api.user(first_name="Sam")
            sent = await sam.send("hello")
            await asyncio.wait_for(delivered.wait(), 5)
            assert [secret for secret, _ in received] == ["s3cret", "s3cret"]
            assert [body["update_id"] for _, body in received] == [sent.update_id] * 2
            info = await bot.get_webhook_info()
            assert (info.url, info.pending_update_count) == (url, 0)
            assert (
                info.last_error_message
                == "Wrong response from the webhook: 500 Internal Server Error"
            )
            assert await bot.delete_webhook()
            assert await bot.get_updates() == ()
    finally:
        await runner.cleanup()


# The person's view


async def test_waiting_for_a_message_that_never_comes_reports_what_did(
    api: FakeBotApi, bot: Bot
) -> None:
    sam = api.user(first_name="Sam", has_started_bot=True)
    await bot.send_message(sam.id, "Welcome", reply_markup=keyboard(("Begin", "begin")))
    assert (await sam.next_message()).button_texts == ["Begin"]
    with pytest.raises(AssertionError) as failure:
        await sam.wait_for(lambda m: m.text == "Goodbye", timeout=0.05, what="a goodbye")
    report = str(failure.value)
    assert "Sam (private chat" in report and "a goodbye" in report
    assert "#1 'Welcome' buttons=['Begin']" in report
