"""Long texts cut to Telegram's sizes, counted as Telegram counts: in UTF-16 code units."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from bot.dialogues.replies import Attachment, AttachmentKind, Button, Reply
from bot.telegram.delivery import coalesced
from bot.telegram.texts import CAPTION_LIMIT, MESSAGE_LIMIT, split_text, utf16_length

PARTS = st.sampled_from(["a", "é", "👍", "👨‍👩‍👧", "\U0001d11e", " ", "\n", "\n\n", "word "])
WORDS = st.lists(PARTS, max_size=3000).map("".join)


def squeezed(text: str) -> str:
    return re.sub(r"\s", "", text)


@given(WORDS, st.sampled_from([MESSAGE_LIMIT, CAPTION_LIMIT, 50, 2]))
def test_pieces_fit_and_nothing_but_whitespace_is_lost(text: str, limit: int) -> None:
    pieces = split_text(text, limit)
    assert all(0 < utf16_length(piece) <= limit for piece in pieces)
    assert squeezed("".join(pieces)) == squeezed(text)


def test_a_short_text_is_one_piece() -> None:
    assert split_text("  Question 1 of 25\n\nHow often?  ") == ["Question 1 of 25\n\nHow often?"]


def test_emoji_count_twice() -> None:
    text = "👍" * 3000  # 3,000 characters, 6,000 units
    pieces = split_text(text)
    assert [len(piece) for piece in pieces] == [2048, 952]


def test_it_cuts_between_paragraphs_rather_than_lines_or_words() -> None:
    first = "A line.\n" * 300  # 2,400 characters
    second = "Some words here " * 150  # 2,400 characters
    pieces = split_text(first + "\n" + second)
    assert pieces == [first.strip(), second.strip()]


def test_without_paragraphs_it_cuts_at_a_line_then_at_a_space() -> None:
    lines = split_text("word " * 500 + "\n" + "word " * 400, limit=3000)
    assert lines[0] == ("word " * 500).strip()
    words = split_text("word " * 1000, limit=100)
    assert all(piece.endswith("word") for piece in words)


def test_consecutive_texts_go_as_one_message_where_they_fit() -> None:
    thanks, question = (
        Reply("Thanks, that's kept."),
        Reply("Question 2 of 25", ((Button("Yes", "2:r:a"),),)),
    )
    photo = Reply("A chart", attachment=Attachment(AttachmentKind.PHOTO, "chart.png", b"png"))
    long = Reply("x" * (MESSAGE_LIMIT - 10))
    assert coalesced([thanks, question]) == [
        Reply("Thanks, that's kept.\n\nQuestion 2 of 25", question.buttons)
    ]
    assert coalesced([question, thanks]) == [question, thanks]  # buttons stay under their text
    assert coalesced([thanks, photo, thanks]) == [thanks, photo, thanks]  # files go as they are
    assert coalesced([long, thanks]) == [long, thanks]  # together they would not fit
    assert coalesced([]) == []
