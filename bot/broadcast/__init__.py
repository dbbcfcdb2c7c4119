"""Sending one message to many people: the outbox worker, its pacing and its progress reports.

Transport-agnostic: a `Courier` (bot/telegram/courier.py for Telegram) does the sending.
"""

from bot.broadcast.courier import Courier, Delivery, Outcome
from bot.broadcast.pace import Clock, Pace, SystemClock
from bot.broadcast.progress import MessageWords, ProgressWords
from bot.broadcast.worker import BroadcastWorker, WorkerSettings, WorkerStats

__all__ = [
    "BroadcastWorker",
    "Clock",
    "Courier",
    "Delivery",
    "MessageWords",
    "Outcome",
    "Pace",
    "ProgressWords",
    "SystemClock",
    "WorkerSettings",
    "WorkerStats",
]
