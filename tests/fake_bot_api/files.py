"""Files as Telegram keeps them: ids, paths for download, and the JSON that describes them."""

from __future__ import annotations

import hashlib
import struct
from typing import Any

from .records import StoredFile

DOWNLOAD_LIMIT = 20 * 1024 * 1024  # getFile refuses bigger files
UPLOAD_LIMIT = 50 * 1024 * 1024  # multipart uploads

# A 1×1 PNG: the smallest picture Telegram will accept as a photo.
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
_FOLDERS = {"voice": "voice", "photo": "photos", "document": "documents", "sticker": "stickers"}
_ID_PREFIXES = {"voice": "AwACAg", "photo": "AgACAg", "document": "BQACAg", "sticker": "CAACAg"}


class FileStore:
    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._count = 0

    def add(
        self,
        kind: str,
        data: bytes,
        *,
        extension: str,
        mime_type: str | None = None,
        file_name: str | None = None,
    ) -> StoredFile:
        self._count += 1
        stored = StoredFile(
            file_id=f"{_ID_PREFIXES.get(kind, 'BQACAg')}Fake{self._count:08d}",
            file_unique_id="AQAD" + hashlib.sha1(data).hexdigest()[:12],
            kind=kind,
            data=data,
            file_path=f"{_FOLDERS.get(kind, 'documents')}/file_{self._count}.{extension}",
            mime_type=mime_type,
            file_name=file_name,
        )
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored

    def by_id(self, file_id: str) -> StoredFile | None:
        return self._by_id.get(file_id)

    def by_path(self, file_path: str) -> StoredFile | None:
        return self._by_path.get(file_path)


def file_json(stored: StoredFile) -> dict[str, Any]:
    """The File object getFile answers with."""
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.size,
        "file_path": stored.file_path,
    }


def document_json(stored: StoredFile) -> dict[str, Any]:
    document: dict[str, Any] = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.size,
    }
    if stored.file_name:
        document["file_name"] = stored.file_name
    if stored.mime_type:
        document["mime_type"] = stored.mime_type
    return document


def photo_json(stored: StoredFile) -> list[dict[str, Any]]:
    """The PhotoSize list; the fake keeps one size, at the picture's own dimensions."""
    width, height = image_size(stored.data) or (512, 512)
    return [
        {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "width": width,
            "height": height,
        }
    ]


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, GIF or JPEG; None if Telegram could not read it as a picture."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return (512, 512)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    index = 2
    while index + 9 < len(data):
        if data[index] != 0xFF:
            return None
        marker = data[index + 1]
        (length,) = struct.unpack(">H", data[index + 2 : index + 4])
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[index + 5 : index + 9])
            return int(width), int(height)
        index += 2 + length
    return None
