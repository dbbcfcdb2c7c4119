"""The completed tool as one self-contained HTML page (charts inline), written as it is read.

Jinja2 with autoescape on, always: partners' words are untrusted and must never become markup.
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Callable
from importlib.resources import files
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from bot.export.completed_tool import CompletedTool, day, rating_rows, voice_headings
from bot.export.media import KIND_WORDS
from bot.export.voices import VOICE_WORDS, VOICES

_environment = Environment(
    loader=PackageLoader("bot.export", "templates"),
    autoescape=True,
    enable_async=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_environment.filters["day"] = day
_environment.filters["base64"] = lambda data: base64.b64encode(data).decode("ascii")


def stylesheet() -> str:
    return files("bot.export").joinpath("templates/tool.css").read_text(encoding="utf-8")


async def html_chunks(
    tool: CompletedTool, with_media: bool, advance: Callable[[int], None]
) -> AsyncIterator[str]:
    """The page in pieces, statement by statement, as the database is read."""
    template = _environment.get_template("tool.html")
    async for chunk in template.generate_async(
        front=tool.front,
        pages=tool.pages(advance),
        general_notes=tool.general_notes,
        rating_rows=lambda page: rating_rows(page, tool.words),
        voice_headings=voice_headings(),
        voices=VOICES,
        voice_words=VOICE_WORDS,
        kind_words=KIND_WORDS,
        with_media=with_media,
        css=stylesheet(),
    ):
        yield chunk


async def write_html(
    tool: CompletedTool, path: Path, with_media: bool, advance: Callable[[int], None]
) -> None:
    with path.open("w", encoding="utf-8") as out:
        async for chunk in html_chunks(tool, with_media, advance):
            out.write(chunk)
