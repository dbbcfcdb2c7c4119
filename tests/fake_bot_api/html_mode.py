"""parse_mode=HTML, with Telegram's tags and its strictness: an unescaped `<` or an
unclosed tag is refused, not guessed at."""

from __future__ import annotations

import html
import re
from typing import Any

from .entities import FormattedText, TextBuilder, byte_offset, parse_error

_TAG_ENTITIES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_TAG = re.compile(
    r"<(/?)([a-zA-Z0-9-]*)((?:\s+[a-zA-Z_-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*)\s*>"
)
_ATTRIBUTE = re.compile(r"([a-zA-Z_-]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+))?")
_CHARACTER_REFERENCE = re.compile(r"&(lt|gt|amp|quot|#[0-9]+|#x[0-9a-fA-F]+);")


class _Open:
    def __init__(self, name: str, start: int, attributes: dict[str, str]) -> None:
        self.name = name
        self.start = start
        self.attributes = attributes
        self.language: str | None = None


def parse_html(source: str) -> FormattedText:
    builder = TextBuilder()
    stack: list[_Open] = []
    index = 0
    while index < len(source):
        char = source[index]
        if char == "&":
            reference = _CHARACTER_REFERENCE.match(source, index)
            text = html.unescape(reference.group(0)) if reference else "&"
            builder.append(text)
            index = reference.end() if reference else index + 1
        elif char == "<":
            index = _tag(source, index, builder, stack)
        else:
            stop = min(
                (p for p in (source.find("<", index), source.find("&", index)) if p >= 0),
                default=len(source),
            )
            builder.append(source[index:stop])
            index = stop
    if stack:
        raise parse_error(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    return builder.build()


def _tag(source: str, index: int, builder: TextBuilder, stack: list[_Open]) -> int:
    where = byte_offset(source, index)
    match = _TAG.match(source, index)
    if match is None:
        if source.find(">", index) < 0:
            raise parse_error(f"Unclosed start tag at byte offset {where}")
        written = re.match(r"</?([^\s>]*)", source[index:])
        raise parse_error(
            f'Unsupported start tag "{written.group(1) if written else ""}" at byte offset {where}'
        )
    closing, name = match.group(1) == "/", match.group(2).lower()
    if closing:
        if not stack:
            raise parse_error(f"Unexpected end tag at byte offset {where}")
        if stack[-1].name != name:
            raise parse_error(
                f"Unmatched end tag at byte offset {where}, expected "
                f'"</{stack[-1].name}>", found "</{name}>"'
            )
        _close(stack.pop(), builder, stack)
        return match.end()
    if name not in _TAG_ENTITIES:
        raise parse_error(f'Unsupported start tag "{name}" at byte offset {where}')
    attributes = {
        key.lower(): (value or "").strip("\"'") for key, value in _ATTRIBUTE.findall(match.group(3))
    }
    if name == "span" and attributes.get("class") != "tg-spoiler":
        raise parse_error(f'Tag "span" must have class "tg-spoiler" at byte offset {where}')
    stack.append(_Open(name, builder.offset, attributes))
    return match.end()


def _close(tag: _Open, builder: TextBuilder, stack: list[_Open]) -> None:
    kind = _TAG_ENTITIES[tag.name]
    extra: dict[str, Any] = {}
    if tag.name == "code" and stack and stack[-1].name == "pre":
        language = tag.attributes.get("class", "")
        if language.startswith("language-"):
            stack[-1].language = language.removeprefix("language-")
        return  # <pre><code> is one pre entity
    if tag.name == "a":
        if "href" not in tag.attributes:
            return
        extra["url"] = tag.attributes["href"]
    elif tag.name == "pre" and tag.language:
        extra["language"] = tag.language
    elif tag.name == "blockquote" and "expandable" in tag.attributes:
        kind = "expandable_blockquote"
    elif tag.name == "tg-emoji":
        extra["custom_emoji_id"] = tag.attributes.get("emoji-id", "")
    builder.entity(kind, tag.start, **extra)
