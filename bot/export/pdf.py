"""The completed tool as a PDF: the HTML page laid out on A4 by WeasyPrint (print rules in CSS)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from bot.export.completed_tool import CompletedTool
from bot.export.html_page import html_chunks


async def write_pdf(
    tool: CompletedTool, path: Path, with_media: bool, advance: Callable[[int], None]
) -> None:
    page = "".join([chunk async for chunk in html_chunks(tool, with_media, advance)])
    # Layout is CPU-bound and takes seconds: off the event loop, so a bot sharing it stays live.
    await asyncio.to_thread(_render, page, path)


def _render(page: str, path: Path) -> None:
    from weasyprint import HTML  # type: ignore[import-untyped]  # heavy; only for PDFs

    # No base URL: the page needs nothing from disk (charts are inline), and a link to
    # "media/E42-voice.oga" must stay relative to the PDF, not become this machine's path.
    HTML(string=page).write_pdf(path)
