"""The journey in a terminal: the same engine and database, with buttons as numbered choices.

For trying Cornerstones without Telegram (`cornerstones try`, or `make run` with no token).
"""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import itertools
import os
import sys
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.dialogues.engine import Engine
from bot.dialogues.replies import Button, Event, EventKind, Media, MediaKind, Outcome, Reply

TRANSPORT = "terminal"
MEDIA_WORDS = {
    "!voice": MediaKind.VOICE,
    "!photo": MediaKind.PHOTO,
    "!document": MediaKind.DOCUMENT,
}
HINT = (
    "Type your answers. A number picks a numbered choice; /help lists the commands;\n"
    "!voice, !photo or !document pretends to send one (a caption may follow);\n"
    "!sticker sends a sticker;\n"
    "/quit (or Ctrl-D) leaves: come back with the same command and you carry on where you were."
)

ReadLine = Callable[[str], Awaitable[str | None]]
Write = Callable[[str], None]


async def read_stdin(prompt: str) -> str | None:
    """A typed line, None at the end of input (Ctrl-D)."""
    print(prompt, end="", flush=True)
    try:
        descriptor = sys.stdin.fileno()
    except (AttributeError, OSError, ValueError):
        line = sys.stdin.readline()  # a stand-in stdin, as in tests: it never blocks
        return line.removesuffix("\n") if line else None
    # Read the descriptor itself, in a daemon thread: on Ctrl-C the program then ends at once.
    # input() in the loop's executor would be waited for until Enter, and would hold stdin's
    # lock as Python shuts down ("could not acquire lock for <stdin>", a crash).
    loop = asyncio.get_running_loop()
    typed: asyncio.Future[str | None] = loop.create_future()

    def settle(value: str | None) -> None:
        if not typed.done():  # not if Ctrl-C cancelled the wait meanwhile
            typed.set_result(value)

    def read() -> None:
        try:
            value = _line_from(descriptor)
        except OSError:
            value = None
        with contextlib.suppress(RuntimeError):  # the loop closed while the person typed
            loop.call_soon_threadsafe(settle, value)

    threading.Thread(target=read, name="terminal-input", daemon=True).start()
    return await typed


_unread = bytearray()  # what a read brought beyond the line asked for (pasted or piped lines)


def _line_from(descriptor: int) -> str | None:
    while b"\n" not in _unread:
        chunk = os.read(descriptor, 4096)
        if not chunk:
            break
        _unread.extend(chunk)
    if not _unread:
        return None
    line, _, rest = bytes(_unread).partition(b"\n")
    _unread[:] = rest
    return line.decode(errors="replace").removesuffix("\r")


def default_address(role: str) -> str:
    return f"{getpass.getuser()}:{role}"


@dataclass
class TerminalChat:
    engine: Engine
    address: str
    write: Write = print
    choices: tuple[Button, ...] = ()
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def send(self, line: str) -> Outcome | None:
        """Turn a typed line into an event; None when the line was only for the terminal."""
        line = line.strip()
        if line.isdigit() and self.choices:
            number = int(line)
            if 1 <= number <= len(self.choices):
                return await self.deliver(EventKind.BUTTON, data=self.choices[number - 1].data)
        word, _, rest = line.partition(" ")
        if word in MEDIA_WORDS:
            media = Media(kind=MEDIA_WORDS[word], file_id=f"terminal-{word[1:]}")
            return await self.deliver(EventKind.MEDIA, media=media, text=rest or None)
        if word == "!sticker":
            return await self.deliver(EventKind.UNSUPPORTED)
        if line.startswith("/"):
            name, _, argument = line[1:].partition(" ")
            return await self.deliver(
                EventKind.COMMAND, command=name.lower(), text=argument.strip() or None
            )
        return await self.deliver(EventKind.TEXT, text=line)

    async def deliver(self, kind: EventKind, **fields: object) -> Outcome:
        event = Event(
            transport=TRANSPORT,
            chat=self.address,
            kind=kind,
            first_name=getpass.getuser(),
            **fields,  # type: ignore[arg-type]
        )
        outcome = await self.engine.handle(event)
        self.show(outcome)
        return outcome

    def show(self, outcome: Outcome) -> None:
        if outcome.acknowledge:
            self.write(f"  ({outcome.acknowledge})")
        if outcome.chosen:
            self.write(f"  → {outcome.chosen}")
        if outcome.update_source is not None:
            self.show_reply(outcome.update_source)
        for reply in outcome.replies:
            self.show_reply(reply)

    def show_reply(self, reply: Reply) -> None:
        self.write("")
        self.write(reply.text)
        buttons = [button for row in reply.buttons for button in row]
        if buttons:
            self.choices = tuple(buttons)
            self.write("")
            for number, button in enumerate(buttons, start=1):
                self.write(f"  [{number}] {button.label}")
        self.write("")


async def converse(
    engine: Engine, address: str, opening: str, read: ReadLine = read_stdin, write: Write = print
) -> None:
    """Talk until the person leaves; `opening` is the first thing sent for them (/start …)."""
    chat = TerminalChat(engine, address, write)
    write(HINT)
    await chat.send(opening)
    while True:
        line = await read("> ")
        if line is None or line.strip() in ("/quit", "/exit"):
            write("\nBye for now. Everything is saved.")
            return
        await chat.send(line)


def interactive() -> bool:
    return sys.stdin.isatty()
