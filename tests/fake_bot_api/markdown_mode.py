"""parse_mode=MarkdownV2 and the legacy Markdown, refused where Telegram refuses them.

MarkdownV2's best-known trap is that `_*[]()~\\`>#+-=|{}.!` must be escaped with `\\`
wherever they are not markup: "Thanks." is an error, "Thanks\\." is not.
"""

from __future__ import annotations

from .entities import FormattedText, TextBuilder, byte_offset, parse_error

_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_TOGGLES = {"*": "bold", "_": "italic", "__": "underline", "~": "strikethrough", "||": "spoiler"}
_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "text_link": "TextUrl",
    "code": "Code",
    "pre": "Pre",
}


def _unescape_until(source: str, index: int, end: str) -> tuple[str, int] | None:
    """Read escaped text up to the unescaped `end`; None if it never comes."""
    out: list[str] = []
    while index < len(source):
        if source[index] == "\\" and index + 1 < len(source):
            out.append(source[index + 1])
            index += 2
        elif source.startswith(end, index):
            return "".join(out), index + len(end)
        else:
            out.append(source[index])
            index += 1
    return None


def parse_markdown_v2(source: str) -> FormattedText:
    builder = TextBuilder()
    stack: list[tuple[str, int, int]] = []  # (marker, text offset, byte offset)
    quote_start: int | None = None
    index = 0
    while index < len(source):
        char = source[index]
        at_line_start = index == 0 or source[index - 1] == "\n"
        if char == "\\" and index + 1 < len(source) and 0 < ord(source[index + 1]) < 127:
            builder.append(source[index + 1])
            index += 2
        elif char not in _RESERVED:
            if char == "\n" and quote_start is not None and not source.startswith(">", index + 1):
                builder.entity("blockquote", quote_start)  # the quote ends with its line
                quote_start = None
            builder.append(char)
            index += 1
        elif char == "`":
            index = _code(source, index, builder)
        elif char == ">" and at_line_start:
            quote_start = builder.offset if quote_start is None else quote_start
            index += 1
        elif char == "[":
            stack.append(("[", builder.offset, byte_offset(source, index)))
            index += 1
        elif char == "]" and stack and stack[-1][0] == "[":
            _, start, where = stack.pop()
            index += 1
            if source.startswith("(", index):
                link = _unescape_until(source, index + 1, ")")
                if link is None:
                    raise parse_error(f"Can't find end of a url at byte offset {where}")
                url, index = link
                builder.entity("text_link", start, url=url)
        elif source.startswith("__", index) or source.startswith("||", index) or char in "*_~":
            marker = (
                source[index : index + 2] if source[index : index + 2] in ("__", "||") else char
            )
            if stack and stack[-1][0] == marker:
                builder.entity(_TOGGLES[marker], stack.pop()[1])
            else:
                stack.append((marker, builder.offset, byte_offset(source, index)))
            index += len(marker)
        else:
            raise parse_error(
                f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
            )
    if quote_start is not None:
        builder.entity("blockquote", quote_start)
    if stack:
        marker, _, where = stack[-1]
        kind = "text_link" if marker == "[" else _TOGGLES[marker]
        raise parse_error(f"Can't find end of {_NAMES[kind]} entity at byte offset {where}")
    return builder.build()


def _code(source: str, index: int, builder: TextBuilder) -> int:
    where = byte_offset(source, index)
    if source.startswith("```", index):
        found = _unescape_until(source, index + 3, "```")
        if found is None:
            raise parse_error(f"Can't find end of Pre entity at byte offset {where}")
        body, end = found
        first_line, newline, rest = body.partition("\n")
        language = first_line if newline and first_line and " " not in first_line else ""
        start = builder.offset
        builder.append(rest if language else body)
        builder.entity("pre", start, **({"language": language} if language else {}))
        return end
    found = _unescape_until(source, index + 1, "`")
    if found is None:
        raise parse_error(f"Can't find end of Code entity at byte offset {where}")
    body, end = found
    start = builder.offset
    builder.append(body)
    builder.entity("code", start)
    return end


_LEGACY = {"*": "bold", "_": "italic", "`": "code", "```": "pre"}


def parse_markdown(source: str) -> FormattedText:
    """The legacy Markdown: *bold*, _italic_, `code`, ```pre```, [text](url); no nesting."""
    builder = TextBuilder()
    index = 0
    while index < len(source):
        char = source[index]
        if char == "\\" and index + 1 < len(source) and source[index + 1] in "_*`[":
            builder.append(source[index + 1])
            index += 2
            continue
        marker = "```" if source.startswith("```", index) else char
        if marker in _LEGACY:
            end = source.find(marker, index + len(marker))
            if end < 0:
                where = byte_offset(source, index)
                raise parse_error(f"Can't find end of the entity starting at byte offset {where}")
            start = builder.offset
            builder.append(source[index + len(marker) : end])
            builder.entity(_LEGACY[marker], start)
            index = end + len(marker)
        elif (
            char == "[" and (close := source.find("](", index)) > 0 and source.find(")", close) > 0
        ):
            url_end = source.find(")", close)
            start = builder.offset
            builder.append(source[index + 1 : close])
            builder.entity("text_link", start, url=source[close + 2 : url_end])
            index = url_end + 1
        else:
            builder.append(char)
            index += 1
    return builder.build()
