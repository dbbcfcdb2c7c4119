"""Telegram updates as engine events: what a partner did, in words any transport could use."""

from __future__ import annotations

import re
from dataclasses import replace

from telegram import Audio, Message, Update, Video, VideoNote, Voice

from bot.dialogues.replies import Event, EventKind, Media, MediaKind
from bot.telegram.durations import seconds

TRANSPORT = "telegram"
# Telegram's own command syntax: "/name", optionally "@botname", then the argument.
COMMAND = re.compile(r"/([A-Za-z0-9_]{1,32})(?:@\w+)?(?:\s+(.*))?", re.DOTALL)


def event_of(update: Update) -> Event | None:
    """The event for a partner's message or button press; None for what is not theirs to say
    (a service message such as a pinned message, or a press on a button with no data)."""
    chat = update.effective_chat
    if chat is None:
        return None
    user = update.effective_user
    event = Event(
        transport=TRANSPORT,
        chat=str(chat.id),
        kind=EventKind.TEXT,
        event_id=str(update.update_id),
        first_name=user.first_name if user else None,
    )
    query = update.callback_query
    if query is not None:
        return replace(event, kind=EventKind.BUTTON, data=query.data) if query.data else None
    message = update.message
    if message is None:
        return None
    if message.text is not None:
        command = COMMAND.fullmatch(message.text.strip())
        if command is None:
            return replace(event, text=message.text)
        argument = (command[2] or "").strip() or None
        return replace(event, kind=EventKind.COMMAND, command=command[1].lower(), text=argument)
    media = media_of(message)
    if media is not None:
        return replace(event, kind=EventKind.MEDIA, media=media, text=message.caption)
    if message.effective_attachment is not None:
        # A sticker, location, contact, poll, GIF…: the engine says kindly what it can keep.
        return replace(event, kind=EventKind.UNSUPPORTED)
    return None


def media_of(message: Message) -> Media | None:
    """A voice note, photo, document, video or audio: something kept as an example."""
    if message.voice:
        return _timed(MediaKind.VOICE, message.voice)
    if message.photo:
        # Telegram sends a photo in several sizes; the largest is the one worth keeping.
        p = max(message.photo, key=lambda size: (size.width * size.height, size.file_size or 0))
        return Media(MediaKind.PHOTO, p.file_id, p.file_unique_id, "image/jpeg", size=p.file_size)
    if message.animation:
        return None  # a GIF also arrives as a document, but it is a reaction, not an example
    if message.document:
        d = message.document
        return Media(
            MediaKind.DOCUMENT, d.file_id, d.file_unique_id, d.mime_type, d.file_name, d.file_size
        )
    if message.video:
        return _timed(MediaKind.VIDEO, message.video)
    if message.video_note:  # a round video message is a video all the same
        return _timed(MediaKind.VIDEO, message.video_note)
    if message.audio:
        return _timed(MediaKind.AUDIO, message.audio)
    return None


def _timed(kind: MediaKind, file: Voice | Video | VideoNote | Audio) -> Media:
    duration = seconds(file, "duration")
    return Media(
        kind,
        file.file_id,
        file.file_unique_id,
        mime_type=getattr(file, "mime_type", None),
        file_name=getattr(file, "file_name", None),
        size=file.file_size,
        duration=round(duration) if duration is not None else None,
    )
