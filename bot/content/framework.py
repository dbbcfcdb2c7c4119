"""The tool, the button wording of its indicators, and each organisation's own indicators.

Read from framework/, indicators/ and organisations/ into one frozen `Framework` each.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType

from bot.content.model import Cornerstone, Framework, Indicator, Statement
from bot.content.source import Source

FRAMEWORK_FILE = "framework/four-cornerstones.yaml"
INDICATORS_FILE = "indicators/en.yaml"
ORGANISATIONS_DIR = "organisations"

# A button in Telegram shows about this much on a phone before it cuts the words off.
LABEL_MAX = 40
HINT_MAX = 200

_CORNERSTONE_ID = re.compile(r"[1-9][0-9]*")
_NUMBER = re.compile(r"[ivx]+")
_LETTER = re.compile(r"[a-z]")
_OWN_ID = re.compile(r"(?P<statement>[0-9]+\.[ivx]+)\.x[0-9]+")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class _Wording:
    label: str
    hint: str | None


def load_framework(root: Path) -> Framework:
    """The printed tool with every indicator's label and hint; both files must agree."""
    labels = Source.under(root, INDICATORS_FILE)
    wordings = _read_wordings(labels)
    framework = _FrameworkReader(Source.under(root, FRAMEWORK_FILE), labels, wordings).framework()
    known = {indicator.id for indicator in framework.indicators}
    for indicator_id in wordings:
        if indicator_id not in known:
            labels.fail(f"indicators.{indicator_id}", "no such indicator in the framework")
    return framework


def load_overlays(root: Path, base: Framework) -> Mapping[str, Framework]:
    """Each organisation's framework: the tool plus its own indicators, keyed by slug."""
    frameworks: dict[str, Framework] = {}
    folder = root / ORGANISATIONS_DIR
    if not folder.is_dir():
        return MappingProxyType(frameworks)
    for path in sorted(folder.iterdir()):
        source = Source.under(root, f"{ORGANISATIONS_DIR}/{path.name}")
        if path.suffix == ".yml":
            source.fail("", "rename it to .yaml, or it would be silently ignored")
        if path.suffix != ".yaml":
            continue  # README.md and the like
        if not _SLUG.fullmatch(path.stem):
            source.fail("", "the file name should be the organisation's slug, e.g. oak-tree-school")
        frameworks[path.stem] = _with_own(base, _read_own(source, base))
    return MappingProxyType(frameworks)


def _read_wordings(source: Source) -> dict[str, _Wording]:
    top = source.mapping(source.read(), "")
    source.only_keys(top, ["indicators"], "")
    entries = source.mapping(top.get("indicators"), "indicators")
    wordings: dict[str, _Wording] = {}
    for indicator_id, value in entries.items():
        where = f"indicators.{indicator_id}"
        entry = source.mapping(value, where)
        source.only_keys(entry, ["label", "hint"], where)
        wordings[indicator_id] = _Wording(
            label=source.required_text(entry, "label", where, LABEL_MAX),
            hint=source.optional_text(entry, "hint", where, HINT_MAX),
        )
    return wordings


class _FrameworkReader:
    """Reads the tool file, checking ids as it goes and taking labels from the indicators file."""

    def __init__(self, source: Source, labels: Source, wordings: Mapping[str, _Wording]) -> None:
        self.source = source
        self.labels = labels
        self.wordings = wordings
        self.seen: set[str] = set()  # every id so far: cornerstones, statements, indicators

    def framework(self) -> Framework:
        source = self.source
        top = source.mapping(source.read(), "")
        source.only_keys(top, ["cornerstones"], "")
        cornerstones: list[Cornerstone] = []
        for index, value in enumerate(source.items(top.get("cornerstones"), "cornerstones")):
            position = sum(len(c.statements) for c in cornerstones)
            cornerstones.append(self.cornerstone(value, f"cornerstones[{index}]", position))
        if not cornerstones:
            source.fail("cornerstones", "missing")
        return Framework(tuple(cornerstones), tuple(s for c in cornerstones for s in c.statements))

    def cornerstone(self, value: object, where: str, position: int) -> Cornerstone:
        source = self.source
        entry = source.mapping(value, where)
        source.only_keys(entry, ["id", "name", "heading", "statements"], where)
        cornerstone_id = self.new_id(entry, where, pattern=_CORNERSTONE_ID)
        items = source.items(entry.get("statements"), f"{cornerstone_id}.statements")
        if not items:
            source.fail(
                f"{cornerstone_id}.statements", "a cornerstone needs at least one statement"
            )
        return Cornerstone(
            id=cornerstone_id,
            name=source.required_text(entry, "name", cornerstone_id),
            heading=source.required_text(entry, "heading", cornerstone_id),
            statements=tuple(
                self.statement(
                    item, f"{cornerstone_id}.statements[{n}]", cornerstone_id, position + n
                )
                for n, item in enumerate(items)
            ),
        )

    def statement(self, value: object, where: str, cornerstone_id: str, position: int) -> Statement:
        source = self.source
        entry = source.mapping(value, where)
        source.only_keys(entry, ["id", "number", "title", "meaning", "indicators"], where)
        number = source.required_text(entry, "number", where)
        if not _NUMBER.fullmatch(number):
            source.fail(f"{where}.number", f"{number!r} should be a roman number such as iv")
        statement_id = self.new_id(
            entry, where, expected=(f"{cornerstone_id}.{number}", "its number")
        )
        items = source.items(entry.get("indicators"), f"{statement_id}.indicators")
        if not items:
            source.fail(f"{statement_id}.indicators", "a statement needs at least one indicator")
        return Statement(
            id=statement_id,
            number=number,
            cornerstone_id=cornerstone_id,
            title=source.required_text(entry, "title", statement_id),
            meaning=source.required_text(entry, "meaning", statement_id),
            indicators=tuple(
                self.indicator(item, f"{statement_id}.indicators[{n}]", statement_id)
                for n, item in enumerate(items)
            ),
            position=position,
        )

    def indicator(self, value: object, where: str, statement_id: str) -> Indicator:
        source = self.source
        entry = source.mapping(value, where)
        source.only_keys(entry, ["id", "letter", "text"], where)
        letter = source.required_text(entry, "letter", where)
        if not _LETTER.fullmatch(letter):
            source.fail(f"{where}.letter", f"{letter!r} should be one letter, a to z")
        indicator_id = self.new_id(
            entry, where, expected=(f"{statement_id}.{letter}", "its letter")
        )
        wording = self.wordings.get(indicator_id)
        if wording is None:
            self.labels.fail(
                f"indicators.{indicator_id}", "missing (every indicator needs a label)"
            )
        return Indicator(
            id=indicator_id,
            letter=letter,
            statement_id=statement_id,
            text=source.required_text(entry, "text", indicator_id),
            label=wording.label,
            hint=wording.hint,
        )

    def new_id(
        self,
        entry: Mapping[str, object],
        where: str,
        pattern: re.Pattern[str] | None = None,
        expected: tuple[str, str] | None = None,
    ) -> str:
        """The entry's id, checked to be well formed and used once in the whole file.

        `expected` is the id its other fields imply, and which field that is ("its letter").
        """
        new_id = self.source.required_text(entry, "id", where)
        if pattern is not None and not pattern.fullmatch(new_id):
            self.source.fail(f"{where}.id", f"{new_id!r} is not a valid id")
        if expected is not None and new_id != expected[0]:
            self.source.fail(
                f"{where}.id", f"{new_id!r} should be {expected[0]!r} to match {expected[1]}"
            )
        if new_id in self.seen:
            self.source.fail(new_id, "duplicate id; every id must be unique")
        self.seen.add(new_id)
        return new_id


def _read_own(source: Source, base: Framework) -> list[Indicator]:
    top = source.mapping(source.read() or {}, "")
    source.only_keys(top, ["indicators"], "")
    own: list[Indicator] = []
    for index, value in enumerate(source.items(top.get("indicators") or [], "indicators")):
        where = f"indicators[{index}]"
        entry = source.mapping(value, where)
        source.only_keys(entry, ["id", "text", "label", "hint"], where)
        own_id = source.required_text(entry, "id", where)
        match = _OWN_ID.fullmatch(own_id)
        if match is None:
            source.fail(
                f"{where}.id", f"{own_id!r} should be a statement id, .x and a number: 2.iii.x1"
            )
        statement_id = match["statement"]
        if statement_id not in {s.id for s in base.statements}:
            source.fail(f"{where}.id", f"{own_id!r}: there is no statement {statement_id}")
        if any(indicator.id == own_id for indicator in own):
            source.fail(f"{where}.id", f"{own_id!r} is used twice")
        own.append(
            Indicator(
                id=own_id,
                letter=own_id.rsplit(".", 1)[1],
                statement_id=statement_id,
                text=source.required_text(entry, "text", own_id),
                label=source.required_text(entry, "label", own_id, LABEL_MAX),
                hint=source.optional_text(entry, "hint", own_id, HINT_MAX),
                own=True,
            )
        )
    return own


def _with_own(base: Framework, own: list[Indicator]) -> Framework:
    """The tool with an organisation's own indicators after the printed ones of each statement."""
    if not own:
        return base
    statements = {
        s.id: replace(s, indicators=s.indicators + tuple(i for i in own if i.statement_id == s.id))
        for s in base.statements
    }
    cornerstones = tuple(
        replace(c, statements=tuple(statements[s.id] for s in c.statements))
        for c in base.cornerstones
    )
    return Framework(cornerstones, tuple(statements[s.id] for s in base.statements))
