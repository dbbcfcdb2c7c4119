"""Logs an operator can read without learning who said what: one key=value line per update.

Never logged: what partners wrote, their chat ids, the bot token. A chat appears as a short
keyed hash, stable while the token is (so one partner's lines can be followed), which cannot
be turned back into the chat id without the token; a plain hash of a ten-digit id could.
"""

from __future__ import annotations

import hashlib
import hmac
import logging

from telegram import Update

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


class Pseudonyms:
    def __init__(self, secret: str) -> None:
        self._key = hashlib.sha256(b"cornerstones log pseudonyms\0" + secret.encode()).digest()

    def of(self, chat: int | str) -> str:
        return hmac.new(self._key, str(chat).encode(), hashlib.sha256).hexdigest()[:10]


def update_kind(update: object) -> str:
    """Which kind of update this is ("message", "callback_query", …), never what it holds."""
    if not isinstance(update, Update):
        return "none" if update is None else type(update).__name__
    for kind in Update.ALL_TYPES:
        if getattr(update, kind, None) is not None:
            return kind
    return "unknown"


class HideSecret(logging.Filter):
    """Takes a secret (the token) out of any line that would carry it, whoever logged it."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.secret in message:
            record.msg, record.args = message.replace(self.secret, "<token>"), None
        return True


# Libraries that would log what partners wrote (SQL parameters, whole updates) or the token
# (request URLs) at DEBUG or INFO, and the level each is held to whatever the bot's own is.
HELD_BACK = {
    "httpx": logging.WARNING,  # every request's URL, which holds the token, at INFO
    "httpcore": logging.WARNING,
    "aiosqlite": logging.WARNING,  # SQL with its parameters at DEBUG
    "sqlalchemy.engine": logging.WARNING,
    "asyncpg": logging.WARNING,
    "telegram": logging.INFO,  # whole updates at DEBUG
    "apscheduler": logging.WARNING,
    "transitions": logging.WARNING,  # two lines per move of every journey
}


def configure_logging(level: str, token: str) -> None:
    """One line per event, at `level` for this bot's own loggers; libraries stay quieter."""
    own = logging.getLevelName(level)
    logging.basicConfig(format=FORMAT, level=max(logging.INFO, own), force=True)
    logging.getLogger("bot").setLevel(own)
    for handler in logging.getLogger().handlers:
        handler.addFilter(HideSecret(token))
    for name, floor in HELD_BACK.items():
        logging.getLogger(name).setLevel(max(floor, own))
