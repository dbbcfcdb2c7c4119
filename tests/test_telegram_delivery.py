"""Outcomes told over the Bot API: a pressed message edited only when its look changes."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot, CallbackQuery, Update

from bot.dialogues.replies import Attachment, AttachmentKind, Button, Outcome, Reply
from bot.telegram.delivery import Delivery
from bot.telegram.sending import Patience
from bot.telegram.texts import CAPTION_LIMIT, utf16_length
from tests.fake_bot_api import TINY_PNG, FakeBotApi, Limits, Person, SentMessage

TICKS = ((Button("Kind words", "5:t:a"), Button("Done", "5:d")),)
TICKED = ((Button("✓ Kind words", "5:t:a"), Button("Done", "5:d")),)


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(limits=Limits.off()) as fake:
        yield fake


@pytest.fixture
async def delivery(api: FakeBotApi) -> AsyncIterator[Delivery]:
    async with Bot(api.token, base_url=api.base_url, base_file_url=api.base_file_url) as bot:
        yield Delivery(bot, Patience(first_wait=0.01))


async def shown(delivery: Delivery, person: Person, reply: Reply) -> SentMessage:
    await person.send("hello")  # a person has to write first
    await delivery.send(person.id, [reply])
    return person.messages[-1]


async def press(
    api: FakeBotApi, delivery: Delivery, person: Person, message: SentMessage
) -> CallbackQuery:
    """Press the first button, and read the press back as the bot would receive it."""
    await person.press(message, message.buttons[0][0].text)
    update = Update.de_json(api.pending_updates[-1], delivery.bot)
    assert update.callback_query is not None
    return update.callback_query


async def test_an_edit_is_made_only_when_the_look_changes(
    api: FakeBotApi, delivery: Delivery
) -> None:
    person = api.user()
    message = await shown(delivery, person, Reply("Which fit?", TICKS))
    query = await press(api, delivery, person, message)
    await delivery.tell(person.id, Outcome(update_source=Reply("Which fit?", TICKS)), query)
    assert api.stats.requests["editMessageText"] == 0
    await delivery.tell(person.id, Outcome(update_source=Reply("Which fit?", TICKED)), query)
    assert message.button_texts == ["✓ Kind words", "Done"]
    # A press read before the last edit landed shows the old look; the bot knows better.
    await delivery.tell(person.id, Outcome(update_source=Reply("Which fit?", TICKED)), query)
    assert api.stats.requests["editMessageText"] == 1
    assert not [e for e in api.stats.errors if "not modified" in e.description]


async def test_a_chosen_answer_replaces_the_buttons_under_the_question(
    api: FakeBotApi, delivery: Delivery
) -> None:
    person = api.user()
    message = await shown(delivery, person, Reply("How often?", TICKS))
    query = await press(api, delivery, person, message)
    await delivery.tell(person.id, Outcome(acknowledge="Saved", chosen="Mostly"), query)
    assert (message.text, message.buttons) == ("How often?\n\n→ Mostly", [])
    assert person.callback_answers[-1].text == "Saved"


async def test_a_new_look_too_long_to_edit_in_is_sent_below(
    api: FakeBotApi, delivery: Delivery
) -> None:
    person = api.user()
    message = await shown(delivery, person, Reply("Which fit?", TICKS))
    query = await press(api, delivery, person, message)
    long_look = Reply("All of these:\n\n" + "• a kind word\n" * 400, TICKED)
    await delivery.tell(person.id, Outcome(update_source=long_look), query)
    assert message.buttons == []
    assert [bool(m.buttons) for m in person.messages[-2:]] == [False, True]


async def test_a_file_goes_with_its_caption_and_buttons(
    api: FakeBotApi, delivery: Delivery
) -> None:
    person = api.user(has_started_bot=True)
    chart = Attachment(AttachmentKind.PHOTO, "status.png", TINY_PNG)
    await delivery.send(person.id, [Reply("Where things stand", TICKS, chart)])
    (photo,) = person.messages
    assert photo.photo and photo.caption == "Where things stand"
    assert photo.button_texts == ["Kind words", "Done"]


async def test_a_caption_too_long_for_a_file_is_sent_before_it(
    api: FakeBotApi, delivery: Delivery
) -> None:
    person = api.user(has_started_bot=True)
    export = Attachment(AttachmentKind.DOCUMENT, "answers.csv", b"statement,rating\n")
    words = "Everything said so far, in one file. " * 40  # over 1,024
    assert utf16_length(words) > CAPTION_LIMIT
    await delivery.send(person.id, [Reply(words, TICKS, export)])
    text, document = person.messages
    assert text.text == words.strip() and not text.buttons
    assert document.document is not None and document.document["file_name"] == "answers.csv"
    assert document.caption is None and document.button_texts == ["Kind words", "Done"]


async def test_a_file_pressed_keeps_its_caption_and_the_new_look_comes_below(
    api: FakeBotApi, delivery: Delivery
) -> None:
    person = api.user()
    await person.send("hello")
    chart = Attachment(AttachmentKind.PHOTO, "status.png", TINY_PNG)
    await delivery.send(person.id, [Reply("Where things stand", TICKS, chart)])
    photo = person.messages[-1]
    query = await press(api, delivery, person, photo)
    await delivery.tell(person.id, Outcome(update_source=Reply("Which fit?", TICKED)), query)
    assert photo.caption == "Where things stand" and photo.buttons == []
    assert person.messages[-1].button_texts == ["✓ Kind words", "Done"]
