"""Understanding replies as people really type them, where a rating or a yes/no is asked."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content import Audience, Lexicon, Rating, load_content, normalise

CONTENT_DIR = Path(__file__).resolve().parents[1] / "content"

A, M, S, N, U = Rating.ALWAYS, Rating.MOSTLY, Rating.SOMETIMES, Rating.NOT_YET, Rating.NOT_SURE

RATING_REPLIES = [
    # Yes-like means always.
    ("ya", A), ("yeah", A), ("Yeah", A), ("yep", A), ("yes", A), ("yess", A), ("YESSS!!", A),
    ("yeahhh", A), ("Yes.", A), ("  yes  ", A), ("always", A), ("Always!", A),
    ("all the time", A), ("👍", A), ("👍🏽", A), ("👍🏿", A), ("👍👍👍", A), ("definitely", A),
    ("1", A), ("1.", A), ("1️⃣", A),
    # Mostly.
    ("mostly", M), ("Mostly", M), ("usually", M), ("most of the time", M), ("Most of the time.", M),
    ("most  of  the  time", M), ("pretty much", M), ("nearly always", M), ("🙂", M), ("2", M),
    # Sometimes.
    ("sometimes", S), ("sort of", S), ("Sort of...", S), ("kinda", S), ("kind of", S),
    ("a bit", S), ("it depends", S), ("😐", S), ("3", S),
    # No-like means not yet.
    ("nah", N), ("nahh", N), ("no", N), ("No!", N), ("nooo", N), ("nope", N), ("not rly", N),
    ("not really", N), ("Not yet", N), ("never", N), ("👎", N), ("👎🏻", N), ("4", N),
    # Don't know means not sure.
    ("idk", U), ("IDK", U), ("dunno", U), ("i don't know", U), ("I don’t know", U),
    ("not sure", U), ("Not sure?", U), ("🤷", U), ("🤷‍♀️", U), ("🤷🏻‍♂️", U), ("🤷🏽‍♀", U),
    ("5", U),
    # What a tapped button sends, for any audience.
    ("👍 Always", A), ("🙂 Mostly", M), ("😐 Sometimes", S), ("👎 Not yet", N), ("🤷 Not sure", U),
]  # fmt: skip

NOT_RATINGS = [
    "",
    "   ",
    "?",
    "...",
    "my son started in year 7",
    "maybe later",
    "yes but only on Mondays",
    "no one listens to us",
    "6",
    "0",
    "12",
    "1 2",
    "hello",
    "what do you mean?",
    "👋",
]

YES_NO_REPLIES = [
    ("yes", True), ("Yes!", True), ("yesss", True), ("yeah", True), ("yep", True), ("ok", True),
    ("OK", True), ("okay", True), ("sure", True), ("go on", True), ("Go on then", True),
    ("let's go", True), ("👍", True), ("👍🏾", True), ("yes please", True), ("Yes, please.", True),
    ("no", False), ("No.", False), ("nah", False), ("nahh", False), ("nope", False),
    ("no thanks", False), ("No thank you", False), ("not now", False), ("👎", False),
]  # fmt: skip

NOT_YES_NO = ["", "maybe later", "my son started in year 7", "1", "always", "idk", "what?"]


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return load_content(CONTENT_DIR).lexicon


@pytest.mark.parametrize(("reply", "rating"), RATING_REPLIES)
def test_replies_are_understood_as_ratings(lexicon: Lexicon, reply: str, rating: Rating) -> None:
    assert lexicon.parse_rating(reply) == rating


@pytest.mark.parametrize("reply", NOT_RATINGS)
def test_anything_else_is_not_a_rating(lexicon: Lexicon, reply: str) -> None:
    assert lexicon.parse_rating(reply) is None


@pytest.mark.parametrize(("reply", "answer"), YES_NO_REPLIES)
def test_replies_are_understood_as_yes_or_no(lexicon: Lexicon, reply: str, answer: bool) -> None:
    assert lexicon.parse_yes_no(reply) is answer


@pytest.mark.parametrize("reply", NOT_YES_NO)
def test_anything_else_is_not_yes_or_no(lexicon: Lexicon, reply: str) -> None:
    assert lexicon.parse_yes_no(reply) is None


def test_numbers_follow_the_order_of_the_buttons(lexicon: Lexicon) -> None:
    for audience in Audience:
        labels = lexicon.rating_labels(audience)
        assert list(labels) == list(Rating)
        for number, rating in enumerate(labels, start=1):
            assert lexicon.parse_rating(str(number)) == rating
            assert lexicon.parse_rating(labels[rating]) == rating


def test_rating_labels_per_audience(lexicon: Lexicon) -> None:
    plain = ["Always", "Mostly", "Sometimes", "Not yet", "Not sure"]
    assert list(lexicon.rating_labels(Audience.PARENT_CARER).values()) == plain
    assert list(lexicon.rating_labels(Audience.PRACTITIONER).values()) == plain
    young = list(lexicon.rating_labels(Audience.YOUNG_PERSON).values())
    assert young == ["👍 Always", "🙂 Mostly", "😐 Sometimes", "👎 Not yet", "🤷 Not sure"]
    for audience in Audience:
        assert all(len(label) <= 40 for label in lexicon.rating_labels(audience).values())


@pytest.mark.parametrize(
    ("typed", "tidied"),
    [
        ("  Yes  ", "yes"),
        ("YESSS!!!", "yes"),
        ("Yeahhh", "yeah"),
        ("nahh.", "nah"),
        ("most   of the\ttime", "most of the time"),
        ("sort of?!", "sort of"),
        ("yes, please", "yes please"),
        ("don’t know", "don't know"),
        ("👍🏽", "👍"),
        ("👍🏽👍🏽", "👍"),
        ("🤷‍♀️", "🤷"),
        ("🤷🏿‍♂️", "🤷"),
        ("☹️", "☹"),
        ("2️⃣", "2"),
        ("100", "100"),  # numbers keep their repeated digits
        ("?!.", ""),
    ],
)
def test_normalise(typed: str, tidied: str) -> None:
    assert normalise(typed) == tidied
