"""Message text as Telegram sees it: parsed by parse_mode, trimmed, measured in UTF-16.

Telegram applies its limits (4096 for text, 1024 for captions) to the text *after* entity
parsing, counted in UTF-16 code units, and trims leading and trailing whitespace.
"""

from __future__ import annotations

from typing import Any

from .entities import FormattedText, utf16_len
from .errors import bad_request
from .html_mode import parse_html
from .markdown_mode import parse_markdown, parse_markdown_v2

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024


def trimmed(formatted: FormattedText) -> FormattedText:
    """Telegram strips leading and trailing whitespace; entities shift and shrink with it."""
    text = formatted.text
    stripped = text.strip()
    if stripped == text:
        return formatted
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    end = lead + utf16_len(stripped)
    entities = []
    for entity in formatted.entities:
        start = max(entity["offset"], lead)
        stop = min(entity["offset"] + entity["length"], end)
        if stop > start:
            entities.append({**entity, "offset": start - lead, "length": stop - start})
    return FormattedText(stripped, entities)


def formatted(text: str, parse_mode: str | None, entities: Any) -> FormattedText:
    """Parse `text` the way Telegram does for the given parse_mode (or explicit entities)."""
    mode = (parse_mode or "").lower()
    if mode == "":
        result = FormattedText(text, list(entities) if isinstance(entities, list) else [])
    elif mode == "html":
        result = parse_html(text)
    elif mode == "markdownv2":
        result = parse_markdown_v2(text)
    elif mode == "markdown":
        result = parse_markdown(text)
    else:
        raise bad_request(f"unsupported parse_mode {parse_mode}")
    return trimmed(result)


def message_text(text: str | None, parse_mode: str | None, entities: Any) -> FormattedText:
    """A message's text, refused as Telegram refuses it: empty, or over 4096."""
    result = formatted(text or "", parse_mode, entities)
    if not result.text:
        raise bad_request("message text is empty")
    if utf16_len(result.text) > TEXT_LIMIT:
        raise bad_request("message is too long")
    return result


def caption_text(caption: str | None, parse_mode: str | None, entities: Any) -> FormattedText:
    result = formatted(caption or "", parse_mode, entities)
    if utf16_len(result.text) > CAPTION_LIMIT:
        raise bad_request("message caption is too long")
    return result
