"""Telegram updates as engine events, built from Bot API JSON as Telegram sends it."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import Bot, Update

from bot.dialogues.replies import Event, EventKind, Media, MediaKind
from bot.telegram.events import event_of
from tests.fake_bot_api import TOKEN

USER = {"id": 4242, "is_bot": False, "first_name": "Ann"}
CHAT = {"id": 4242, "type": "private", "first_name": "Ann"}
BOT = Bot(TOKEN)  # only to decode JSON; it never makes a call


def update(**content: Any) -> Update:
    message = {"message_id": 7, "date": 1_700_000_000, "chat": CHAT, "from": USER, **content}
    return Update.de_json({"update_id": 31, "message": message}, BOT)


def file(unique: str, **more: Any) -> dict[str, Any]:
    return {"file_id": f"id-{unique}", "file_unique_id": unique, **more}


def event(**fields: Any) -> Event:
    return Event(transport="telegram", chat="4242", event_id="31", first_name="Ann", **fields)


@pytest.mark.parametrize(
    ("text", "command", "argument"),
    [
        ("/start TOKEN42", "start", "TOKEN42"),
        ("/Pause", "pause", None),
        ("/start@cornerstones_test_bot  abc ", "start", "abc"),
        ("/help me\nplease", "help", "me\nplease"),
    ],
)
def test_a_command_is_named_in_lower_case_without_slash_or_bot(
    text: str, command: str, argument: str | None
) -> None:
    assert event_of(update(text=text)) == event(
        kind=EventKind.COMMAND, command=command, text=argument
    )


@pytest.mark.parametrize("text", ["ya", "/ not a command", "3", "I'd say mostly /sometimes"])
def test_anything_else_typed_is_text_as_typed(text: str) -> None:
    assert event_of(update(text=text)) == event(kind=EventKind.TEXT, text=text)


def test_a_button_press_carries_its_data() -> None:
    message = {"message_id": 6, "date": 1_700_000_000, "chat": CHAT, "text": "Question 4"}
    query = {
        "id": "q1",
        "from": USER,
        "chat_instance": "1",
        "data": "4:r:mostly",
        "message": message,
    }
    pressed = Update.de_json({"update_id": 31, "callback_query": query}, BOT)
    assert event_of(pressed) == event(kind=EventKind.BUTTON, data="4:r:mostly")


def test_a_photo_keeps_its_largest_size_and_its_caption() -> None:
    sizes = [
        file("s", width=90, height=60, file_size=900),
        file("l", width=1280, height=853, file_size=90_000),
        file("m", width=320, height=213, file_size=9_000),
    ]
    assert event_of(update(photo=sizes, caption="the book")) == event(
        kind=EventKind.MEDIA,
        text="the book",
        media=Media(MediaKind.PHOTO, "id-l", "l", "image/jpeg", size=90_000),
    )


@pytest.mark.parametrize(
    ("content", "media"),
    [
        (
            {"voice": file("v", duration=7, mime_type="audio/ogg", file_size=5)},
            Media(MediaKind.VOICE, "id-v", "v", "audio/ogg", size=5, duration=7),
        ),
        (
            {"document": file("d", file_name="plan.pdf", mime_type="application/pdf")},
            Media(MediaKind.DOCUMENT, "id-d", "d", "application/pdf", "plan.pdf"),
        ),
        (
            {"video": file("vi", width=1, height=1, duration=12, mime_type="video/mp4")},
            Media(MediaKind.VIDEO, "id-vi", "vi", "video/mp4", duration=12),
        ),
        (
            {"video_note": file("n", length=240, duration=9)},
            Media(MediaKind.VIDEO, "id-n", "n", duration=9),
        ),
        (
            {"audio": file("a", duration=60, file_name="talk.mp3", mime_type="audio/mpeg")},
            Media(MediaKind.AUDIO, "id-a", "a", "audio/mpeg", "talk.mp3", duration=60),
        ),
    ],
)
def test_voice_documents_video_and_audio_are_media(content: dict[str, Any], media: Media) -> None:
    assert event_of(update(**content)) == event(kind=EventKind.MEDIA, media=media)


@pytest.mark.parametrize(
    "content",
    [
        {
            "sticker": file(
                "st", type="regular", width=1, height=1, is_animated=False, is_video=False
            )
        },
        {"location": {"latitude": 51.5, "longitude": -0.1}},
        {"contact": {"phone_number": "+44", "first_name": "Bo"}},
        {"dice": {"emoji": "🎲", "value": 3}},
        {
            "animation": file("g", width=1, height=1, duration=2),
            "document": file("g", mime_type="video/mp4"),
        },
    ],
)
def test_other_things_sent_are_unsupported(content: dict[str, Any]) -> None:
    assert event_of(update(**content)) == event(kind=EventKind.UNSUPPORTED)


def test_a_service_message_is_not_something_a_partner_said() -> None:
    assert event_of(update(new_chat_title="Renamed")) is None
