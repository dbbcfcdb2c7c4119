"""Voice notes, photos and documents partners sent: named for the export, fetched on request.

Files are named by their evidence reference only ("media/E42-voice.oga"): a document's own file
name is the partner's ("Jane Smith letter.pdf"), so only its extension is kept.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Protocol

from sqlalchemy import select

from bot.export.scope import Scope, scoped
from bot.state.database import SessionFactory
from bot.state.models import Evidence

MEDIA_FOLDER = "media"
NOT_INCLUDED = f"{MEDIA_FOLDER}/NOT-INCLUDED.txt"
KIND_WORDS = {
    "voice": "Voice note",
    "photo": "Photo",
    "document": "Document",
    "video": "Video",
    "audio": "Audio recording",
}
_KIND_EXTENSIONS = {"voice": "oga", "photo": "jpg", "video": "mp4", "audio": "mp3"}
_MIME_EXTENSIONS = {
    "application/pdf": "pdf",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/heic": "heic",
    "audio/mpeg": "mp3",
    "audio/ogg": "oga",
    "audio/mp4": "m4a",
    "video/mp4": "mp4",
    "text/plain": "txt",
}
_EXTENSION = re.compile(r"[a-z0-9]{1,8}")


class MediaUnavailable(Exception):
    """One file cannot be had (too big for the Bot API, gone); the export goes on without it."""


class MediaSource(Protocol):
    """Where files come from: the Bot API for Telegram, a fake in tests."""

    async def fetch(self, file_id: str) -> bytes: ...


def reference(evidence_id: int) -> str:
    """'E42': names one piece of evidence across the files of an export, and its media file."""
    return f"E{evidence_id}"


def media_name(evidence_id: int, kind: str, mime_type: str | None, file_name: str | None) -> str:
    return (
        f"{MEDIA_FOLDER}/{reference(evidence_id)}-{kind}.{_extension(kind, mime_type, file_name)}"
    )


@dataclass(frozen=True)
class MediaFile:
    evidence_id: int
    kind: str
    file_id: str
    name: str


async def add_media(
    bundle: zipfile.ZipFile,
    files: list[MediaFile],
    source: MediaSource,
    advance: Callable[[int], None],
) -> None:
    """Fetch `files` into `bundle`; those that cannot be had are listed in NOT-INCLUDED.txt."""
    missing: list[str] = []
    for file in files:
        try:
            data = await source.fetch(file.file_id)
        except MediaUnavailable as why:
            missing.append(
                f"{reference(file.evidence_id)} ({KIND_WORDS.get(file.kind, file.kind)}): {why}"
            )
        else:
            bundle.writestr(file.name, data)
        advance(1)
    if missing:
        bundle.writestr(
            NOT_INCLUDED,
            "These files could not be fetched from Telegram:\n\n" + "\n".join(missing) + "\n",
        )


async def media_files(sessions: SessionFactory, scope: Scope) -> list[MediaFile]:
    """The round's files, read in full before any is fetched, so no database session stays
    open while Telegram is slow (on SQLite an open session holds the write lock)."""
    async with sessions() as session:
        rows = await session.execute(
            scoped(
                select(
                    Evidence.id,
                    Evidence.kind,
                    Evidence.file_id,
                    Evidence.mime_type,
                    Evidence.file_name,
                ),
                Evidence,
                scope,
            )
            .where(Evidence.file_id.is_not(None))
            .order_by(Evidence.id)
        )
        return [
            MediaFile(
                evidence_id, kind, file_id, media_name(evidence_id, kind, mime_type, file_name)
            )
            for evidence_id, kind, file_id, mime_type, file_name in rows
            if file_id
        ]


def _extension(kind: str, mime_type: str | None, file_name: str | None) -> str:
    if kind in _KIND_EXTENSIONS and kind != "audio":
        return _KIND_EXTENSIONS[kind]
    if mime_type in _MIME_EXTENSIONS:
        return _MIME_EXTENSIONS[mime_type]
    suffix = PurePosixPath(file_name or "").suffix.lstrip(".").lower()
    if _EXTENSION.fullmatch(suffix):
        return suffix
    return _KIND_EXTENSIONS.get(kind, "bin")
