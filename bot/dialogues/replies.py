"""The words the engine speaks in: events in, outcomes out. No transport knows more than this."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class EventKind(StrEnum):
    TEXT = "text"
    COMMAND = "command"  # /pause, /start TOKEN …: `command` names it, `text` holds any argument
    BUTTON = "button"  # a press on one of our buttons: `data` is what the Button carried
    MEDIA = "media"  # voice note, photo or document: see `media`
    UNSUPPORTED = "unsupported"  # a sticker, location, contact …: something we cannot keep as words


class MediaKind(StrEnum):
    VOICE = "voice"
    PHOTO = "photo"
    DOCUMENT = "document"
    VIDEO = "video"
    AUDIO = "audio"


@dataclass(frozen=True, slots=True)
class Media:
    kind: MediaKind
    file_id: str  # the transport's reference, used to fetch the file later
    file_unique_id: str | None = None
    mime_type: str | None = None
    file_name: str | None = None
    size: int | None = None
    duration: int | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """Something a person did, as any transport can describe it."""

    transport: str  # "telegram", "terminal"
    chat: str  # the person's address on that transport (kept apart from their answers)
    kind: EventKind
    event_id: str | None = None  # the transport's own id, so a redelivered event is applied once
    text: str | None = None  # message text, caption, or a command's argument
    command: str | None = None  # without the slash, lower case
    data: str | None = None  # a button's data
    media: Media | None = None
    first_name: str | None = None  # used to greet, never exported


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    data: str  # opaque, at most 64 bytes: "<step>:<action>[:<argument>]"


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with a reply (a QR code, a chart, an export); the reply's text is its caption."""

    kind: AttachmentKind
    file_name: str
    content: bytes = field(repr=False)


class AttachmentKind(StrEnum):
    PHOTO = "photo"
    DOCUMENT = "document"


@dataclass(frozen=True, slots=True)
class Reply:
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()  # rows of buttons
    attachment: Attachment | None = None


@dataclass(slots=True)
class Outcome:
    """What to tell the person, in order, once the event's changes are committed.

    For a button press: `acknowledge` is a short notice answering the press; `update_source`, when
    set, is the new look of the message whose button was pressed (ticks in a multi-select, another
    page), edited in place. Otherwise that message loses its buttons, so an old keyboard cannot be
    pressed twice, and shows `chosen` (the choice made) beneath its text when there is one.
    """

    replies: list[Reply] = field(default_factory=list)
    acknowledge: str | None = None
    update_source: Reply | None = None
    chosen: str | None = None
    duplicate: bool = False  # the event had been applied before; nothing changed
    # This person is a co-ordinator (just joined, or asking what they can do): their chat's
    # commands menu should offer the co-ordinator commands rather than the partners'.
    coordinator_menu: bool = False

    def say(self, text: str, buttons: tuple[tuple[Button, ...], ...] = ()) -> None:
        self.replies.append(Reply(text, buttons))
