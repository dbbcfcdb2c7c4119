"""Texts cut to Telegram's sizes, which it counts in UTF-16 code units, not characters.

An emoji outside the Basic Multilingual Plane is one Python character but two units, so
`len(text)` under-counts: a reply of 4,000 characters full of 👍 would be refused.
"""

from __future__ import annotations

MESSAGE_LIMIT = 4096  # a message's text
CAPTION_LIMIT = 1024  # a photo's or document's caption
# Places to cut, best first: between paragraphs, then lines, then words.
BREAKS = ("\n\n", "\n", " ")


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Pieces of at most `limit` UTF-16 units, cut at a paragraph, line or space where possible.

    Whitespace at a cut is dropped (Telegram trims it anyway); nothing else is lost. A text
    with no break in a whole piece's length (a very long URL) is cut hard, between characters.
    """
    pieces: list[str] = []
    rest = text.strip()
    while utf16_length(rest) > limit:
        window = rest[: max(1, _fitting(rest, limit))]
        cut = _best_break(window)
        piece, rest = window[:cut].rstrip(), rest[cut:].lstrip()
        if piece:
            pieces.append(piece)
    if rest:
        pieces.append(rest)
    return pieces


def _fitting(text: str, limit: int) -> int:
    """How many characters from the start of `text` fit in `limit` UTF-16 units."""
    units = 0
    for index, character in enumerate(text):
        units += 2 if ord(character) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)


def _best_break(window: str) -> int:
    # A break in the first quarter would leave a stub of a message: look for a later one first.
    for separator in BREAKS:
        at = window.rfind(separator)
        if at > len(window) // 4:
            return at
    for separator in BREAKS:
        at = window.rfind(separator)
        if at > 0:
            return at
    return len(window)
