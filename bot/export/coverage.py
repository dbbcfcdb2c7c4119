"""How much of the tool has evidence: the front page's measure, and the plan's next steps."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.content import Cornerstone, Framework, Indicator, Statement

NEXT_STEPS = 5


@dataclass(frozen=True)
class Share:
    evidenced: int
    total: int

    def __add__(self, other: Share) -> Share:
        return Share(self.evidenced + other.evidenced, self.total + other.total)

    def __str__(self) -> str:
        return f"{self.evidenced} of {self.total}"


@dataclass(frozen=True)
class CornerstoneCoverage:
    cornerstone: Cornerstone
    printed: Share  # the tool's own lettered indicators
    own: Share  # the organisation's own indicators


@dataclass(frozen=True)
class StatementCoverage:
    statement: Statement
    indicators: Share
    links: int  # evidence–indicator ties on its indicators (one piece may tie to several)


@dataclass(frozen=True)
class Coverage:
    cornerstones: tuple[CornerstoneCoverage, ...]
    statements: tuple[StatementCoverage, ...]

    @property
    def printed(self) -> Share:
        return sum((c.printed for c in self.cornerstones), Share(0, 0))

    @property
    def own(self) -> Share:
        return sum((c.own for c in self.cornerstones), Share(0, 0))

    def next_steps(self, how_many: int = NEXT_STEPS) -> tuple[StatementCoverage, ...]:
        """The statements with least evidence, fewest first; fully evidenced ones never."""
        gaps = [s for s in self.statements if s.indicators.evidenced < s.indicators.total]
        gaps.sort(
            key=lambda s: (
                s.indicators.evidenced / s.indicators.total,
                s.links,
                s.statement.position,
            )
        )
        return tuple(gaps[:how_many])


def coverage(framework: Framework, counts: Mapping[str, tuple[int, int]]) -> Coverage:
    """`counts` is per indicator id: (pieces of evidence, partners), as the database gave it."""

    def share(indicators: list[Indicator]) -> Share:
        return Share(sum(1 for i in indicators if counts.get(i.id, (0, 0))[0]), len(indicators))

    cornerstones = []
    statements = []
    for cornerstone in framework.cornerstones:
        indicators = [i for s in cornerstone.statements for i in s.indicators]
        cornerstones.append(
            CornerstoneCoverage(
                cornerstone,
                printed=share([i for i in indicators if not i.own]),
                own=share([i for i in indicators if i.own]),
            )
        )
        statements += [
            StatementCoverage(
                s,
                share(list(s.indicators)),
                sum(counts.get(i.id, (0, 0))[0] for i in s.indicators),
            )
            for s in cornerstone.statements
        ]
    return Coverage(tuple(cornerstones), tuple(statements))
