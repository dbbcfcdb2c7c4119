"""The rules exports follow, without a database: masking, the divergence flag, next steps."""

from __future__ import annotations

import pytest

from bot.content import Audience, Content, Rating
from bot.export.coverage import coverage
from bot.export.privacy import mask, pseudonym
from bot.export.voices import Tally, describe, divergence

PC, YP, PR = Audience.PARENT_CARER, Audience.YOUNG_PERSON, Audience.PRACTITIONER
A, M, S, N, U = Rating.ALWAYS, Rating.MOSTLY, Rating.SOMETIMES, Rating.NOT_YET, Rating.NOT_SURE
WORDS = {A: "Always", M: "Mostly", S: "Sometimes", N: "Not yet", U: "Not sure"}


@pytest.mark.parametrize(
    ("said", "kept"),
    [
        ("mail jane.doe+school@example.co.uk please", "mail [email removed] please"),
        ("JANE@EXAMPLE.COM", "[email removed]"),
        ("jane (at) example.com", "[email removed]"),
        ("ring 07700 900123", "ring [phone removed]"),
        ("ring 07700-900-123.", "ring [phone removed]."),
        ("+44 7700 900123", "[phone removed]"),
        ("+44 (0)20 7946 0958 after 5", "[phone removed] after 5"),
        ("(01632) 960 001", "[phone removed]"),
        ("0161.496.0000", "[phone removed]"),
        ("+1 202-555-0143", "[phone removed]"),
        ("0033 1 23 45 67 89", "[phone removed]"),
        ("tel:07700900123", "tel:[phone removed]"),
        ("I'm @jane_doe on insta, @bob too", "I'm [handle removed] on insta, [handle removed] too"),
        # Left alone: dates, years, money, times, ages and small numbers.
        ("on 12/03/2024 at 10:30", "on 12/03/2024 at 10:30"),
        ("years 2023-2024, £1,250.00", "years 2023-2024, £1,250.00"),
        ("my son is 12, in year 7, room 101", "my son is 12, in year 7, room 101"),
        ("", ""),
    ],
)
def test_contact_details_in_partners_words_are_masked(said: str, kept: str) -> None:
    assert mask(said) == kept


def test_a_pseudonym_is_role_and_number() -> None:
    assert pseudonym("parent-carer", 12) == "Parent carer 12"
    assert pseudonym("young-person", 3) == "Young person 3"
    assert pseudonym("practitioner", 1) == "Practitioner 1"


def tally(**by_voice: dict[Rating, int]) -> Tally:
    voices = {"pc": PC, "yp": YP, "pr": PR}
    return Tally({voices[name]: counts for name, counts in by_voice.items()})


def test_voices_two_steps_apart_are_flagged_most_positive_first() -> None:
    found = divergence(tally(pc={N: 3, S: 1}, pr={A: 4, M: 1}))
    assert found is not None
    assert (found.warmer, found.cooler, found.steps) == (PR, PC, 3.0)
    assert describe(found, WORDS) == (
        "The voices differ here: the most common answer from practitioners is “Always”, "
        "from parent carers “Not yet”."
    )
    assert divergence(tally(pc={S: 2}, yp={A: 2})) is not None  # exactly two steps


@pytest.mark.parametrize(
    "counts",
    [
        tally(pc={M: 3}, pr={A: 3}),  # one step apart
        tally(pc={N: 1}, pr={A: 5}),  # one answer is no voice
        tally(pc={N: 1, U: 4}, pr={A: 5}),  # "not sure" is not on the scale
        tally(pc={A: 1, N: 1}, pr={A: 3}),  # a split voice sits at its middle: 1.5 steps
        tally(pr={A: 3}),  # one voice alone differs from nobody
        tally(),
    ],
)
def test_voices_are_not_flagged_when_close_or_too_few(counts: Tally) -> None:
    assert divergence(counts) is None


def test_the_widest_pair_is_the_one_reported() -> None:
    found = divergence(tally(pc={N: 2}, yp={S: 2}, pr={A: 2}))
    assert found is not None and (found.warmer, found.cooler) == (PR, PC)


def test_coverage_counts_the_tool_and_lists_statements_with_least_evidence(
    content: Content,
) -> None:
    framework = content.framework
    evidenced = {i.id: (1, 1) for s in framework.statements[:-3] for i in s.indicators}
    evidenced.pop("1.i.a")
    found = coverage(framework, evidenced)
    assert str(found.printed) == f"{len(evidenced)} of 130"
    assert found.own.total == 0
    assert [c.printed.total for c in found.cornerstones] == [39, 40, 31, 20]
    steps = [s.statement.id for s in found.next_steps()]
    assert steps == ["4.ii", "4.iii", "4.iv", "1.i"]  # none, in the tool's order; then 8 of 9
