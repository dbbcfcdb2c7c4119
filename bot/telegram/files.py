"""Partners' files, fetched back from Telegram for an export: getFile, then a download.

Telegram keeps the files; the bot stored only their file_id. A file that is gone or too big for
the Bot API (over 20 MB) is one `MediaUnavailable`, and the export goes on without it; Telegram
unreachable is an `ExportError`, because every other file would fail the same way.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from types import TracebackType

from telegram import Bot
from telegram.error import BadRequest, InvalidToken, NetworkError, RetryAfter, TelegramError

from bot.config import Settings
from bot.export import ExportError, MediaUnavailable
from bot.telegram.links import bot_for

ATTEMPTS = 3
PAUSE_SECONDS = 1.0


class TelegramFiles:
    """A `MediaSource` over the Bot API: `async with TelegramFiles.for_settings(s) as files:`."""

    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    @classmethod
    def for_settings(cls, settings: Settings) -> TelegramFiles:
        return cls(bot_for(settings))

    async def __aenter__(self) -> TelegramFiles:
        try:
            await self._bot.initialize()
        except InvalidToken:
            raise ExportError(
                "Telegram refused the bot token, so the media cannot be fetched: check "
                "TELEGRAM_BOT_TOKEN, or export without --with-media."
            ) from None
        except NetworkError as error:
            raise _unreachable(error) from None
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self._bot.shutdown()

    async def fetch(self, file_id: str) -> bytes:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                found = await self._bot.get_file(file_id)
                return bytes(await found.download_as_bytearray())
            except RetryAfter as error:
                await asyncio.sleep(_seconds(error.retry_after))
            except BadRequest as error:  # "file is too big", "wrong file identifier"
                raise MediaUnavailable(error.message) from None
            except NetworkError as error:  # includes TimedOut
                if attempt == ATTEMPTS:
                    raise _unreachable(error) from None
                await asyncio.sleep(PAUSE_SECONDS * attempt)
            except TelegramError as error:
                raise MediaUnavailable(error.message) from None
        raise MediaUnavailable("Telegram asked us to wait too many times")


def _seconds(delay: int | float | timedelta) -> float:
    return delay.total_seconds() if isinstance(delay, timedelta) else float(delay)


def _unreachable(error: TelegramError) -> ExportError:
    return ExportError(
        f"Could not reach Telegram to fetch the media ({error.message}). Try again later, or "
        "export without --with-media."
    )
