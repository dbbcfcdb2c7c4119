"""Understanding what partners type: ratings ("yeah", "kinda", "3", "🤷") and yes/no answers.

Matching is exact after normalising, never "contains": "my son started in year 7" must not
read as a rating because it holds a 7, nor "no one listens" as a no.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar

from bot.content.model import Audience, Rating
from bot.content.source import Source, join

LEXICON_FILE = "lexicon/en.yaml"
LABEL_MAX = 40
DEFAULT = "default"

_Meaning = TypeVar("_Meaning", Rating, bool)

# Emoji modifiers that change how an emoji looks, not what it means: 👍🏽 is 👍, 🤷‍♀️ is 🤷.
_SKIN_TONES = re.compile("[\U0001f3fb-\U0001f3ff]")
_GENDER_SIGN = re.compile("\u200d[\u2640\u2642]")
_INVISIBLE = str.maketrans("", "", "\ufe0f\u200d\u20e3")  # variation selector, ZWJ, keycap
_EDGE_PUNCTUATION = " !?.,;:~*()\"'"
# "yesss", "nahh", "👍👍👍": a run of the same last letter or symbol counts once.
_REPEATED_END = re.compile(r"([^\W\d_]|[^\w\s])\1+$")


def normalise(text: str) -> str:
    """The form replies and lexicon phrases are compared in."""
    text = text.casefold().replace("\u2019", "'")  # phones type a curly apostrophe
    text = _GENDER_SIGN.sub("", text)
    text = _SKIN_TONES.sub("", text).translate(_INVISIBLE)
    words = (word.strip(_EDGE_PUNCTUATION) for word in text.split())
    return " ".join(_REPEATED_END.sub(r"\1", word) for word in words if word)


class Lexicon:
    def __init__(
        self,
        labels: Mapping[Audience, Mapping[Rating, str]],
        ratings: Mapping[str, Rating],
        answers: Mapping[str, bool],
    ) -> None:
        self._labels = MappingProxyType({a: MappingProxyType(dict(m)) for a, m in labels.items()})
        self._ratings = MappingProxyType(dict(ratings))
        self._answers = MappingProxyType(dict(answers))

    def rating_labels(self, audience: Audience) -> Mapping[Rating, str]:
        """Button labels, always..not_sure, the order numbers 1..5 refer to."""
        return self._labels[audience]

    def parse_rating(self, text: str) -> Rating | None:
        return self._ratings.get(normalise(text))

    def parse_yes_no(self, text: str) -> bool | None:
        return self._answers.get(normalise(text))


def load_lexicon(root: Path) -> Lexicon:
    source = Source.under(root, LEXICON_FILE)
    top = source.mapping(source.read(), "")
    source.only_keys(top, ["ratings", "answers"], "")
    ratings = source.mapping(top.get("ratings"), "ratings")
    source.only_keys(ratings, ["labels", "phrases"], "ratings")
    labels = _read_labels(source, ratings.get("labels"))
    understood: dict[str, Rating] = {str(n): r for n, r in enumerate(Rating, start=1)}
    for audience_labels in labels.values():
        # A tapped reply-keyboard button arrives as its label's text.
        for rating, label in audience_labels.items():
            understood.setdefault(normalise(label), rating)
    phrases = source.mapping(ratings.get("phrases"), "ratings.phrases")
    source.only_keys(phrases, [r.value for r in Rating], "ratings.phrases")
    for rating in Rating:
        where = f"ratings.phrases.{rating}"
        _add_phrases(source, phrases.get(rating.value), where, rating, understood)
    answers_entry = source.mapping(top.get("answers"), "answers")
    source.only_keys(answers_entry, ["yes", "no"], "answers")
    answers: dict[str, bool] = {}
    for word, meaning in (("yes", True), ("no", False)):
        _add_phrases(source, answers_entry.get(word), f"answers.{word}", meaning, answers)
    return Lexicon(labels, understood, answers)


def _read_labels(source: Source, value: object) -> dict[Audience, dict[Rating, str]]:
    """Labels for every audience: its own if the file has them, else the default set."""
    where = "ratings.labels"
    by_audience = source.mapping(value, where)
    source.only_keys(by_audience, [DEFAULT, *(a.value for a in Audience)], where)
    if DEFAULT not in by_audience:
        source.fail(join(where, DEFAULT), "missing")
    sets = {
        name: _read_label_set(source, entry, join(where, name))
        for name, entry in by_audience.items()
    }
    return {audience: sets.get(audience.value, sets[DEFAULT]) for audience in Audience}


def _read_label_set(source: Source, value: object, where: str) -> dict[Rating, str]:
    entry = source.mapping(value, where)
    source.only_keys(entry, [r.value for r in Rating], where)
    return {
        rating: source.required_text(entry, rating.value, where, LABEL_MAX) for rating in Rating
    }


def _add_phrases(
    source: Source, value: object, where: str, meaning: _Meaning, understood: dict[str, _Meaning]
) -> None:
    """Add one meaning's phrases; a phrase that already means something else is an error."""
    for index, item in enumerate(_phrase_list(source, value, where)):
        phrase = normalise(source.value_text(item, f"{where}[{index}]"))
        if not phrase:
            source.fail(f"{where}[{index}]", f"{item!r} is only punctuation once tidied")
        if phrase.isdigit():
            source.fail(f"{where}[{index}]", "numbers 1 to 5 are understood already; no others")
        if understood.get(phrase, meaning) != meaning:
            source.fail(f"{where}[{index}]", f"{item!r} already means {_said(understood[phrase])}")
        understood[phrase] = meaning


def _phrase_list(source: Source, value: object, where: str) -> Iterable[object]:
    items = source.items(value, where)
    if not items:
        source.fail(where, "needs at least one phrase")
    return items


def _said(meaning: Rating | bool) -> str:
    if isinstance(meaning, bool):
        return "yes" if meaning else "no"
    return meaning.value
