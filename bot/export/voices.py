"""The three voices' ratings of a statement side by side, and when they tell different stories.

Divergence rule: take each voice's modal rating on the Always..Not yet scale (Not sure is no
position on it, so it is left out); a voice with fewer than two such answers has no say. Where
two voices' modes are two or more steps apart (Always against Sometimes, Mostly against Not yet)
the statement is flagged. A voice split evenly between modes sits halfway between them, so a
split vote cannot by itself push a voice to an extreme.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import combinations

from bot.content import Audience, Rating

VOICES = (Audience.PARENT_CARER, Audience.YOUNG_PERSON, Audience.PRACTITIONER)
SCALE = (Rating.ALWAYS, Rating.MOSTLY, Rating.SOMETIMES, Rating.NOT_YET)
MIN_ANSWERS = 2
APART = 2.0
NONE = "–"  # a voice with too few answers to have a most common one

VOICE_WORDS = {
    Audience.PARENT_CARER: "Parent carers",
    Audience.YOUNG_PERSON: "Young people",
    Audience.PRACTITIONER: "Practitioners",
}


@dataclass(frozen=True)
class Tally:
    """How many of each voice gave each rating to one statement."""

    counts: Mapping[Audience, Mapping[Rating, int]] = field(default_factory=dict)

    def count(self, voice: Audience, rating: Rating) -> int:
        return self.counts.get(voice, {}).get(rating, 0)

    def total(self, voice: Audience) -> int:
        return sum(self.counts.get(voice, {}).values())

    @property
    def answers(self) -> int:
        return sum(self.total(voice) for voice in VOICES)

    def modes(self, voice: Audience) -> tuple[Rating, ...]:
        """The most given rating(s) on the scale; none below MIN_ANSWERS."""
        on_scale = {r: self.count(voice, r) for r in SCALE}
        if sum(on_scale.values()) < MIN_ANSWERS:
            return ()
        most = max(on_scale.values())
        return tuple(r for r in SCALE if on_scale[r] == most)

    def position(self, voice: Audience) -> float | None:
        """Where the voice's mode sits on the scale, 0 (Always) to 3 (Not yet)."""
        modes = self.modes(voice)
        if not modes:
            return None
        return sum(SCALE.index(r) for r in modes) / len(modes)


@dataclass(frozen=True)
class Divergence:
    """The two voices furthest apart on a statement, most positive first."""

    warmer: Audience
    warmer_modes: tuple[Rating, ...]
    cooler: Audience
    cooler_modes: tuple[Rating, ...]
    steps: float


def divergence(tally: Tally) -> Divergence | None:
    placed = [(v, p) for v in VOICES if (p := tally.position(v)) is not None]
    widest: Divergence | None = None
    for (one, at_one), (other, at_other) in combinations(placed, 2):
        steps = abs(at_one - at_other)
        if steps < APART or (widest is not None and steps <= widest.steps):
            continue
        warmer, cooler = (one, other) if at_one < at_other else (other, one)
        widest = Divergence(warmer, tally.modes(warmer), cooler, tally.modes(cooler), steps)
    return widest


def describe_modes(
    modes: tuple[Rating, ...], words: Mapping[Rating, str], quote: bool = True
) -> str:
    """'“Always”', or '“Sometimes” and “Not yet” equally'; '–' when a voice has too few."""
    if not modes:
        return NONE
    quoted = [f"“{words[r]}”" if quote else words[r] for r in modes]
    if len(quoted) == 1:
        return quoted[0]
    return ", ".join(quoted[:-1]) + f" and {quoted[-1]} equally"


def describe(found: Divergence, words: Mapping[Rating, str]) -> str:
    """One sentence a co-ordinator can read aloud at a review meeting."""
    return (
        "The voices differ here: the most common answer from "
        f"{VOICE_WORDS[found.warmer].lower()} is {describe_modes(found.warmer_modes, words)}, "
        f"from {VOICE_WORDS[found.cooler].lower()} {describe_modes(found.cooler_modes, words)}."
    )
