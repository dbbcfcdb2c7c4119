"""An engine outcome told to a partner in Bot API calls, in the order the engine said it.

Every call goes through `persist`, so a Telegram hiccup costs a pause, not a reply. A button's
press is answered first (the spinner on the partner's button stops at once), then the message
it came from is changed so it cannot be pressed twice, then the replies follow.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from functools import partial

from telegram import Bot, CallbackQuery, InputFile, Message
from telegram.error import BadRequest

from bot.dialogues.replies import Attachment, AttachmentKind, Outcome, Reply
from bot.telegram.keyboards import Look, Rows, keyboard, look_of, look_of_message
from bot.telegram.sending import Patience, persist
from bot.telegram.texts import CAPTION_LIMIT, MESSAGE_LIMIT, split_text, utf16_length

log = logging.getLogger(__name__)

# Refusals of an edit or an answer that only mean it is no longer needed or possible.
HARMLESS = (
    "message is not modified",  # already showing it (a second press of a tick, say)
    "query is too old",  # the press was answered late; the partner saw the spinner stop anyway
    "query id is invalid",
    "message to edit not found",  # the partner deleted the message
    "message can't be edited",  # older than Telegram allows
)


# How many messages' looks to remember (see `Delivery._edit`); old ones are forgotten first.
REMEMBERED = 4096


def coalesced(replies: list[Reply]) -> list[Reply]:
    """Consecutive texts as one message where they fit: "Thanks, that's kept." and the next
    question arrive together, one notification on the partner's phone and one call within
    Telegram's message a second per chat. A text with buttons ends a message (its buttons
    belong under it), and files go as they are."""
    merged: list[Reply] = []
    for reply in replies:
        last = merged[-1] if merged else None
        if (
            last is not None
            and last.attachment is None
            and not last.buttons
            and reply.attachment is None
            and utf16_length(last.text) + 2 + utf16_length(reply.text) <= MESSAGE_LIMIT
        ):
            merged[-1] = Reply(f"{last.text}\n\n{reply.text}", reply.buttons)
        else:
            merged.append(reply)
    return merged


class Delivery:
    def __init__(self, bot: Bot, patience: Patience) -> None:
        self.bot = bot
        self.patience = patience
        # What the bot last edited each message to show. A press carries the message as it was
        # when pressed, which can be before our last edit of it landed (two quick ticks).
        self._shown: OrderedDict[tuple[int, int], Look] = OrderedDict()

    async def tell(self, chat_id: int, outcome: Outcome, query: CallbackQuery | None) -> int:
        """Everything the outcome says; returns how many messages were sent."""
        replies = list(outcome.replies)
        if query is not None:
            replies = await self._answer_press(query, outcome) + replies
        return await self.send(chat_id, replies)

    async def send(self, chat_id: int, replies: list[Reply]) -> int:
        """Send the replies in order; returns how many messages that took."""
        sent = 0
        for reply in coalesced(replies):
            if reply.attachment is None:
                sent += await self._send_text(chat_id, reply.text, reply.buttons)
            else:
                sent += await self._send_file(chat_id, reply, reply.attachment)
        return sent

    async def _send_text(self, chat_id: int, text: str, buttons: Rows) -> int:
        """A text in as many messages as it needs, the buttons under the last."""
        pieces = split_text(text) or ["…"]  # Telegram refuses an empty message
        for number, piece in enumerate(pieces, start=1):
            markup = keyboard(buttons) if number == len(pieces) else None
            call = partial(self.bot.send_message, chat_id, piece, reply_markup=markup)
            await persist(call, self.patience, "sendMessage")
        return len(pieces)

    async def _send_file(self, chat_id: int, reply: Reply, attachment: Attachment) -> int:
        """A photo or document with the reply's text as its caption. A caption cannot be split,
        so a text too long for one is sent first, whole, and the file follows it bare."""
        sent, caption = 0, reply.text.strip()
        if utf16_length(caption) > CAPTION_LIMIT:
            sent, caption = await self._send_text(chat_id, caption, ()), ""
        upload = InputFile(attachment.content, filename=attachment.file_name)
        markup, caption_or_none = keyboard(reply.buttons), caption or None
        if attachment.kind is AttachmentKind.PHOTO:
            photo = partial(
                self.bot.send_photo, chat_id, upload, caption_or_none, reply_markup=markup
            )
            await persist(photo, self.patience, "sendPhoto")
        else:
            document = partial(
                self.bot.send_document, chat_id, upload, caption_or_none, reply_markup=markup
            )
            await persist(document, self.patience, "sendDocument")
        return sent + 1

    async def answer(self, query: CallbackQuery, notice: str | None) -> None:
        """Answer a press, which stops the spinner on the partner's button."""
        await self._harmlessly("answerCallbackQuery", partial(query.answer, notice))

    async def _answer_press(self, query: CallbackQuery, outcome: Outcome) -> list[Reply]:
        """Acknowledge a press and change the message it came from; returns any reply that
        has to be sent instead of edited in."""
        await self.answer(query, outcome.acknowledge)
        message = query.message
        if not isinstance(message, Message):
            return []  # older than 48 hours: Telegram no longer lets the bot see or change it
        source = outcome.update_source
        if source is not None and _editable_to(message, source):
            await self._edit(message, source)
            return []
        await self._retire(message, outcome.chosen)
        # Not editable into the new look (too long, or a file): it goes below the old message,
        # which has lost its buttons.
        return [source] if source is not None else []

    async def _edit(self, message: Message, reply: Reply) -> None:
        key = (message.chat_id, message.message_id)
        wanted = look_of(reply.text, reply.buttons)
        if self._shown.get(key, look_of_message(message)) == wanted:
            return  # nothing would change; Telegram would refuse with "not modified"
        markup = keyboard(reply.buttons)
        await self._harmlessly(
            "editMessageText", partial(message.edit_text, reply.text, reply_markup=markup)
        )
        self._shown[key] = wanted
        self._shown.move_to_end(key)
        if len(self._shown) > REMEMBERED:
            self._shown.popitem(last=False)

    async def _retire(self, message: Message, chosen: str | None) -> None:
        """Take the buttons off a message, showing the choice made beneath its text (a photo's
        or document's caption is left as it is)."""
        self._shown.pop((message.chat_id, message.message_id), None)
        text = message.text or ""
        shown = f"{text}\n\n→ {chosen}"
        if chosen and text and _fits(shown):
            await self._harmlessly("editMessageText", partial(message.edit_text, shown))
        elif message.reply_markup is not None:
            await self._harmlessly("editMessageReplyMarkup", message.edit_reply_markup)

    async def _harmlessly(self, method: str, call: Callable[[], Awaitable[object]]) -> None:
        try:
            await persist(call, self.patience, method)
        except BadRequest as error:
            if not any(words in str(error).lower() for words in HARMLESS):
                raise
            log.debug("telegram_skipped method=%s reason=%s", method, error)


def _fits(text: str) -> bool:
    return 0 < utf16_length(text.strip()) <= MESSAGE_LIMIT


def _editable_to(message: Message, reply: Reply) -> bool:
    """Whether a text message can be edited to show `reply` (a file cannot be edited in)."""
    return message.text is not None and reply.attachment is None and _fits(reply.text)
