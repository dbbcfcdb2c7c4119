"""What partners type or send, at whatever step they are: nothing they say is dropped."""

from __future__ import annotations

import re

from bot.content import normalise
from bot.dialogues import buttons, keeping, prompts, questions, steps
from bot.dialogues.reflection import Step
from bot.dialogues.replies import Event, EventKind, Media
from bot.dialogues.turn import Turn
from bot.state.answers import Said


def said_in(event: Event) -> Said | None:
    """What an event carries that is the partner's own: words, or a file with its caption."""
    if event.kind is EventKind.TEXT and (event.text or "").strip():
        return Said(kind="text", text=(event.text or "").strip())
    if event.kind is EventKind.MEDIA and event.media is not None:
        return said_of(event.media, event.text)
    return None


def said_of(media: Media, caption: str | None) -> Said:
    return Said(
        kind=media.kind.value,
        text=caption or None,
        file_id=media.file_id,
        file_unique_id=media.file_unique_id,
        mime_type=media.mime_type,
        file_name=media.file_name,
    )


async def typed(turn: Turn, text: str) -> None:
    text = text.strip()
    if not text:
        turn.say("input.empty")
        await steps.ask_again(turn)
        return
    if await _typed_a_button(turn, text):
        return
    step = turn.step
    lexicon = turn.content.lexicon
    if step is Step.CONSENT:
        # Nothing is kept before consent; a yes or no in words is as good as a button.
        answer = lexicon.parse_yes_no(text)
        if answer is True:
            await steps.begin(turn)
        elif answer is False:
            await steps.decline(turn)
        else:
            keeping.check_before_consent(turn, text)
            turn.say("consent.choose")
            await steps.ask_again(turn)
        return
    if step is Step.RECONSENT:
        answer = lexicon.parse_yes_no(text)
        if answer is not None:
            await buttons.press(turn, "y" if answer else "x", None)
            return
    if step is Step.RATING:
        rating = lexicon.parse_rating(text)
        if rating is not None:
            await steps.rate(turn, rating)
            return
    if step is Step.CONFIRM_FORGET:
        answer = lexicon.parse_yes_no(text)
        if answer is True:
            await buttons.press(turn, "fy", None)
            return
        if answer is False:
            await steps.come_back(turn)
            return
    said = Said(kind="text", text=text)
    if step is Step.PROMPT_REPLY:
        await prompts.answer(turn, said)
        return
    if step in (Step.EXAMPLE, Step.MORE):
        await steps.take_example(turn, said)
        return
    await steps.keep_note(turn, said, _note_words(turn, text))


async def sent(turn: Turn, media: Media, caption: str | None) -> None:
    step = turn.step
    if step is Step.CONSENT:
        turn.say("consent.choose")
        await steps.ask_again(turn)
        return
    said = said_of(media, caption)
    if step is Step.PROMPT_REPLY:
        await prompts.answer(turn, said)
        return
    if step in (Step.EXAMPLE, Step.MORE):
        await steps.take_example(turn, said)
        return
    await steps.keep_note(turn, said, turn.text("note.kept_file"))


async def _typed_a_button(turn: Turn, text: str) -> bool:
    """Typing a button's words ("done", "move on", "skip") is the same as tapping it."""
    wanted = _bare(text)
    if not wanted:
        return False
    question = await questions.ask(turn)
    for row in question.buttons:
        for button in row:
            if _bare(button.label) == wanted:
                _, _, rest = button.data.partition(":")
                action, _, argument = rest.partition(":")
                return await buttons.press(turn, action, argument or None)
    return False


def _bare(text: str) -> str:
    """Words only: no ticks, arrows or emoji, so "Done ✓" and "done" match."""
    return " ".join(re.sub(r"[^\w' ]+", " ", normalise(text)).split())


def _note_words(turn: Turn, text: str) -> str:
    """Which thanks fits: a very long message, a pause, the end, or a step that wanted a tap."""
    if len(text) > steps.LONG_TEXT:
        return turn.text("note.kept_long")
    if turn.step is Step.PAUSED:
        return turn.text("note.kept_paused")
    if turn.step is Step.FINISHED:
        return turn.text("finished.kept")
    if turn.step is Step.RATING:
        return turn.text("note.kept_rating")
    return turn.text("note.kept")
