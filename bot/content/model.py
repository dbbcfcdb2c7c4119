"""The typed, frozen objects the rest of the bot reads content through."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import TypeVar

_Item = TypeVar("_Item", "Cornerstone", "Statement", "Indicator")


class Audience(StrEnum):
    """Who a partner is; each audience has its own prompts and, where it matters, wording."""

    PARENT_CARER = "parent-carer"
    YOUNG_PERSON = "young-person"
    PRACTITIONER = "practitioner"


class Rating(StrEnum):
    """A partner's answer to a statement, in the order the buttons show (1..5)."""

    ALWAYS = "always"
    MOSTLY = "mostly"
    SOMETIMES = "sometimes"
    NOT_YET = "not_yet"
    NOT_SURE = "not_sure"


@dataclass(frozen=True)
class Indicator:
    id: str  # "2.iii.a"; an organisation's own are "2.iii.x1"
    letter: str  # "a"; "x1" for an organisation's own
    statement_id: str
    text: str  # as printed in the tool
    label: str  # short and plain, for a button
    hint: str | None
    own: bool = False  # from the organisation's overlay, not the printed tool


@dataclass(frozen=True)
class Statement:
    id: str  # "2.iii"
    number: str  # "iii", as printed
    cornerstone_id: str
    title: str
    meaning: str  # the "This means …" sentence
    indicators: tuple[Indicator, ...]
    position: int  # 0..24 in the tool's order


@dataclass(frozen=True)
class Cornerstone:
    id: str  # "2"
    name: str  # "Value and Include"
    heading: str  # "We will value and include you in every aspect of what we do by:"
    statements: tuple[Statement, ...]


@dataclass(frozen=True)
class Framework:
    """The tool: cornerstones, their statements and indicators, looked up by id."""

    cornerstones: tuple[Cornerstone, ...]
    statements: tuple[Statement, ...]  # all of them, in the tool's order
    _by_id: MappingProxyType[str, Cornerstone | Statement | Indicator] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        by_id: dict[str, Cornerstone | Statement | Indicator] = {}
        for cornerstone in self.cornerstones:
            by_id[cornerstone.id] = cornerstone
        for statement in self.statements:
            by_id[statement.id] = statement
            by_id.update((indicator.id, indicator) for indicator in statement.indicators)
        object.__setattr__(self, "_by_id", MappingProxyType(by_id))

    def statement(self, statement_id: str) -> Statement:
        return self._find(statement_id, Statement)

    def indicator(self, indicator_id: str) -> Indicator:
        return self._find(indicator_id, Indicator)

    def cornerstone(self, cornerstone_id: str) -> Cornerstone:
        return self._find(cornerstone_id, Cornerstone)

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(indicator for s in self.statements for indicator in s.indicators)

    def _find(self, wanted_id: str, kind: type[_Item]) -> _Item:
        found = self._by_id.get(wanted_id)
        if not isinstance(found, kind):
            raise KeyError(f"no {kind.__name__.lower()} {wanted_id!r} in the framework")
        return found


@dataclass(frozen=True)
class Prompt:
    """What a partner is asked about one statement, in words written for their audience."""

    ask: str  # answered with a Rating
    example: str  # invites a "tell us about a time …" piece of evidence
