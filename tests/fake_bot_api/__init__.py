"""A fake Telegram Bot API server: end-to-end tests run the real python-telegram-bot
`Application` over real HTTP against it, and get Telegram's answers, limits and errors.

    async def test_a_partner_is_welcomed() -> None:
        async with FakeBotApi() as api:
            app = (ApplicationBuilder().token(api.token).base_url(api.base_url)
                   .base_file_url(api.base_file_url).build())   # + the bot's handlers
            await app.initialize(); await app.start(); await app.updater.start_polling()
            sam = api.user(first_name="Sam")                      # a person, private chat
            await sam.command("/start", "INVITE42")               # deep link: "/start INVITE42"
            welcome = await sam.next_message()                    # fails with a report if none
            await sam.press(welcome, "Begin")                     # a callback_query update
            assert api.stats.rate_limited == 0 and not api.stats.unexpected_errors
            await app.updater.stop(); await app.stop(); await app.shutdown()

The people (`api.user`, `api.group`, `person.in_group`) are in people.py; what the bot sent
is live in `person.messages` (edits and deletions show). `api.fail_next`, `api.slow_next` and
`api.block` make Telegram misbehave on cue; `Limits` and `ManualClock` steer flood control.
"""

from .clock import Clock, ManualClock, SystemClock
from .files import TINY_PNG
from .limits import Limits
from .people import DEFAULT_TIMEOUT, Group, Incoming, Person, Sender
from .records import CallbackAnswer, InlineButton, SentMessage, StoredFile
from .server import TOKEN, FakeBotApi
from .stats import IssuedError, Stats

__all__ = [
    "DEFAULT_TIMEOUT",
    "TINY_PNG",
    "TOKEN",
    "CallbackAnswer",
    "Clock",
    "FakeBotApi",
    "Group",
    "Incoming",
    "InlineButton",
    "IssuedError",
    "Limits",
    "ManualClock",
    "Person",
    "Sender",
    "SentMessage",
    "Stats",
    "StoredFile",
    "SystemClock",
]
