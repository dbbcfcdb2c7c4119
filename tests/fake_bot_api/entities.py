"""Text and its entities, with offsets the way Telegram counts them (UTF-16 code units)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .errors import ApiError, bad_request


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def byte_offset(source: str, index: int) -> int:
    """Where `index` falls in the UTF-8 encoding: Telegram reports parse errors in bytes."""
    return len(source[:index].encode())


def parse_error(reason: str) -> ApiError:
    return bad_request(f"can't parse entities: {reason}")


@dataclass(frozen=True)
class FormattedText:
    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


class TextBuilder:
    """Collects plain text and the entities over it."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self.offset = 0
        self._entities: list[dict[str, Any]] = []

    def append(self, text: str) -> None:
        self._parts.append(text)
        self.offset += utf16_len(text)

    def entity(self, kind: str, start: int, **extra: Any) -> None:
        if self.offset > start:  # Telegram drops empty entities
            self._entities.append(
                {"type": kind, "offset": start, "length": self.offset - start, **extra}
            )

    def build(self) -> FormattedText:
        entities = sorted(self._entities, key=lambda e: (e["offset"], -e["length"]))
        return FormattedText("".join(self._parts), entities)


_DETECTED = (
    ("bot_command", re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?")),
    ("url", re.compile(r"\bhttps?://[^\s]+")),
    ("mention", re.compile(r"(?<![\w@])@[A-Za-z0-9_]{5,32}\b")),
    ("hashtag", re.compile(r"(?<![\w#])#\w+")),
)


def detect_entities(text: str) -> list[dict[str, Any]]:
    """The entities Telegram finds by itself in what a person types (commands, links, …)."""
    entities = []
    for kind, pattern in _DETECTED:
        for match in pattern.finditer(text):
            entities.append(
                {
                    "type": kind,
                    "offset": utf16_len(text[: match.start()]),
                    "length": utf16_len(match.group()),
                }
            )
    return sorted(entities, key=lambda e: e["offset"])
