"""Reads a Bot API call's parameters the way Telegram does, whatever the encoding.

Telegram accepts a query string, `application/json`, `application/x-www-form-urlencoded`
and `multipart/form-data`. python-telegram-bot 22 sends form-urlencoded, or multipart when
it uploads a file; either way every value is a string, and nested values (reply_markup,
scope, allowed_updates, reply_parameters, …) arrive JSON-encoded inside that string.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from .errors import bad_request

ATTACH_PREFIX = "attach://"


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request."""

    filename: str | None
    content_type: str | None
    data: bytes


class Params:
    """One call's parameters with Telegram's coercions: "42" is an int, "true" a bool."""

    def __init__(self, values: Mapping[str, Any], files: Mapping[str, UploadedFile]) -> None:
        self._values = dict(values)
        self._files = dict(files)

    @classmethod
    async def read(cls, request: web.Request) -> Params:
        values: dict[str, Any] = dict(request.query)
        files: dict[str, UploadedFile] = {}
        if request.can_read_body:
            if request.content_type == "application/json":
                try:
                    body = await request.json()
                except ValueError:
                    body = None
                if isinstance(body, dict):
                    values.update(body)
            elif request.content_type in (
                "application/x-www-form-urlencoded",
                "multipart/form-data",
            ):
                form = await request.post()
                for name, value in form.items():
                    if isinstance(value, web.FileField):
                        content_type = value.content_type or None
                        data = value.file.read()
                        files[name] = UploadedFile(value.filename or None, content_type, data)
                    elif isinstance(value, (bytes, bytearray)):  # a part with a content type
                        try:
                            values[name] = bytes(value).decode()
                        except UnicodeDecodeError:
                            files[name] = UploadedFile(None, None, bytes(value))
                    else:
                        values[name] = value
        return cls(values, files)

    def raw(self) -> dict[str, Any]:
        return dict(self._values)

    def has(self, name: str) -> bool:
        return self._values.get(name) not in (None, "") or name in self._files

    def string(self, name: str) -> str | None:
        value = self._values.get(name)
        if value is None:
            return None
        return value if isinstance(value, str) else json.dumps(value)

    def integer(self, name: str, *, missing: str | None = None) -> int | None:
        """The value as an int; `missing` is the reason to refuse a call that lacks it."""
        value = self._values.get(name)
        if value in (None, ""):
            if missing is not None:
                raise bad_request(missing)
            return None
        if isinstance(value, bool):
            return int(value)
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def boolean(self, name: str) -> bool:
        value = self._values.get(name)
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1")
        return bool(value)

    def json(self, name: str, *, what: str | None = None) -> Any:
        """A nested value, decoding it when it came JSON-encoded in a string."""
        value = self._values.get(name)
        if not isinstance(value, str):
            return value
        if value == "":
            return None
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {what or name} JSON object") from None

    def file(self, name: str) -> UploadedFile | str | None:
        """An upload, or the file_id (or URL) the call names instead."""
        if name in self._files:
            return self._files[name]
        value = self.string(name)
        if value and value.startswith(ATTACH_PREFIX):
            return self._files.get(value.removeprefix(ATTACH_PREFIX))
        return value or None
