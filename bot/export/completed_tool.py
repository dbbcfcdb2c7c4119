"""The completed tool as a reader sees it: a front page, then each statement with its evidence.

The three document formats (DOCX, HTML, PDF) all render this one model, so they say the same
things. Statements are built one at a time, each in a short session of its own, so memory holds
one statement's evidence at once and (on SQLite) the bot is never kept waiting for long.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.content import Audience, Content, Cornerstone, Framework, Indicator, Rating, Statement
from bot.export import aggregates
from bot.export.charts import ratings_chart
from bot.export.coverage import Coverage, coverage
from bot.export.evidence import Quote, general_notes, statement_evidence
from bot.export.scope import RoundInfo, Scope
from bot.export.voices import (
    NONE,
    VOICE_WORDS,
    VOICES,
    Tally,
    describe,
    describe_modes,
    divergence,
)
from bot.state.database import SessionFactory

# Plain words, the same for every voice (young people's buttons carry emoji, not for print).
RATING_WORDS_AUDIENCE = Audience.PRACTITIONER


@dataclass(frozen=True)
class Glance:
    """One statement on the front page: each voice's most common rating, now and before."""

    statement: Statement
    now: tuple[str, ...]  # per voice, in VOICES order
    before: tuple[str, ...] | None
    differ: bool

    def earlier(self, voice: int) -> str | None:
        """The last round's answer beside this one's, unless neither round had one."""
        if self.before is None or (self.now[voice], self.before[voice]) == (NONE, NONE):
            return None
        return self.before[voice]


@dataclass(frozen=True)
class FrontPage:
    organisation: str
    round: RoundInfo
    previous: RoundInfo | None
    generated_at: datetime
    time_zone: str
    participants: Mapping[Audience, int]
    coverage: Coverage
    glance: tuple[Glance, ...]

    def day(self, moment: datetime) -> date:
        return moment.astimezone(ZoneInfo(self.time_zone)).date()


@dataclass(frozen=True)
class StatementPage:
    cornerstone: Cornerstone
    statement: Statement
    indicators: tuple[tuple[Indicator, tuple[Quote, ...]], ...]
    other: tuple[Quote, ...]  # "other things partners said about this"
    tally: Tally
    previous: Tally | None
    flag: str | None  # why the voices are flagged as differing, in a sentence
    chart_png: bytes | None  # None when nobody has rated the statement, in either round

    @property
    def rated(self) -> bool:
        return anyone_rated(self.tally, self.previous)

    def starts_cornerstone(self) -> bool:
        return self.cornerstone.statements[0].id == self.statement.id


class CompletedTool:
    """Read from the database as it is rendered: `front` first, then `pages()` one by one."""

    def __init__(
        self,
        sessions: SessionFactory,
        content: Content,
        scope: Scope,
        front: FrontPage,
        tallies: Mapping[str, Tally],
        before: Mapping[str, Tally] | None,
    ) -> None:
        self.sessions = sessions
        self.scope = scope
        self.framework: Framework = content.framework_for(scope.slug)
        self.words: Mapping[Rating, str] = content.lexicon.rating_labels(RATING_WORDS_AUDIENCE)
        self.front = front
        self._tallies = tallies
        self._before = before

    @classmethod
    async def read(
        cls, sessions: SessionFactory, content: Content, scope: Scope, generated_at: datetime
    ) -> CompletedTool:
        framework = content.framework_for(scope.slug)
        words = content.lexicon.rating_labels(RATING_WORDS_AUDIENCE)
        async with sessions() as session:
            tallies = await aggregates.rating_tallies(session, scope)
            before = await aggregates.previous_tallies(session, scope)
            taking_part = await aggregates.participants(session, scope)
            counts = await aggregates.indicator_counts(session, scope)
        glance = tuple(
            _glance(
                s,
                tallies.get(s.id, Tally()),
                None if before is None else before.get(s.id, Tally()),
                words,
            )
            for s in framework.statements
        )
        front = FrontPage(
            organisation=scope.organisation,
            round=scope.round,
            previous=scope.previous,
            generated_at=generated_at,
            time_zone=scope.time_zone,
            participants=taking_part,
            coverage=coverage(framework, counts),
            glance=glance,
        )
        return cls(sessions, content, scope, front, tallies, before)

    async def pages(self, advance: Callable[[int], None]) -> AsyncIterator[StatementPage]:
        for cornerstone in self.framework.cornerstones:
            for statement in cornerstone.statements:
                yield await self._page(cornerstone, statement)
                advance(1)

    async def general_notes(self) -> tuple[Quote, ...]:
        async with self.sessions() as session:
            return tuple(await general_notes(session, self.scope, self.framework))

    def _chart(self, tally: Tally, previous: Tally | None) -> bytes | None:
        if not anyone_rated(tally, previous):
            return None
        before = self.scope.previous.name if self.scope.previous else None
        return ratings_chart(tally, self.words, previous, before)

    async def _page(self, cornerstone: Cornerstone, statement: Statement) -> StatementPage:
        async with self.sessions() as session:
            said = await statement_evidence(session, self.scope, self.framework, statement)
        tally = self._tallies.get(statement.id, Tally())
        previous = None if self._before is None else self._before.get(statement.id, Tally())
        found = divergence(tally)
        return StatementPage(
            cornerstone=cornerstone,
            statement=statement,
            indicators=tuple(
                (i, tuple(said.by_indicator.get(i.id, ()))) for i in statement.indicators
            ),
            other=tuple(said.other),
            tally=tally,
            previous=previous,
            flag=None if found is None else describe(found, self.words),
            chart_png=self._chart(tally, previous),
        )


def rating_rows(page: StatementPage, words: Mapping[Rating, str]) -> list[list[str]]:
    """The ratings table under a statement: a row per rating, a column per voice (and the
    last round's count beside each when there was one), then the answers in all."""
    rows = []
    for rating in Rating:
        row = [words[rating]]
        for voice in VOICES:
            row.append(str(page.tally.count(voice, rating)))
            if page.previous is not None:
                row.append(str(page.previous.count(voice, rating)))
        rows.append(row)
    totals = ["Answers"]
    for voice in VOICES:
        totals.append(str(page.tally.total(voice)))
        if page.previous is not None:
            totals.append(str(page.previous.total(voice)))
    return [*rows, totals]


def day(moment: date) -> str:
    """'3 March 2026', as the tool's readers write dates."""
    return f"{moment.day} {moment:%B %Y}"


def anyone_rated(tally: Tally, previous: Tally | None) -> bool:
    """Whether anyone rated the statement, in this round or the last."""
    return bool(tally.answers or (previous is not None and previous.answers))


def voice_headings() -> list[str]:
    return [VOICE_WORDS[voice] for voice in VOICES]


def _glance(
    statement: Statement, tally: Tally, before: Tally | None, words: Mapping[Rating, str]
) -> Glance:
    return Glance(
        statement=statement,
        now=tuple(describe_modes(tally.modes(v), words, quote=False) for v in VOICES),
        before=None
        if before is None
        else tuple(describe_modes(before.modes(v), words, quote=False) for v in VOICES),
        differ=divergence(tally) is not None,
    )
