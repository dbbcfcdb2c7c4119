"""Noticing, in anything a partner types, words a safeguarding lead must see, and who to call.

Every free-text message and caption goes through `Safeguarding.check`. It errs towards
flagging: a false alarm costs a lead a minute; a missed "my dad hits me" costs far more. So
there is no negation handling ("i dont want to die" is flagged); the only way to silence a
pattern is a phrase in the file's `not` list, cut out of the message before the check.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from bot.content.model import Audience
from bot.content.source import Source, join
from bot.content.spelling import forgiving, tidy

SAFEGUARDING_FILE = "safeguarding/en.yaml"
DEFAULT = "default"
HELP_NAME_MAX = 40
HELP_WHEN_MAX = 120

# A category is stored with each alert (safeguarding_alerts.category, 32 characters).
_CATEGORY = re.compile(r"[a-z][a-z_]{0,31}")
_WORD_LIST = re.compile(r"\{([a-z_]+)\}")
_NUMBER = re.compile(r"\d[\d ]{1,18}\d")
# Words on either side of a match stay whole: "skill" holds no "kill", "therapist" no "rapist".
_WHOLE = r"(?<!\w)(?:{})(?!\w)"
_CUT = " | "  # where a `not` phrase was; no pattern matches across it


@dataclass(frozen=True)
class SafeguardingMatch:
    category: str  # "suicide", "abuse", …: the first in the file that matched
    # The partner's words (tidied), for the lead's alert only: kept out of repr, so out of logs.
    phrase: str = field(repr=False)


@dataclass(frozen=True)
class HelpLine:
    name: str  # "Childline"
    number: str  # "0800 1111", as it is said aloud
    when: str  # "free, any time, to talk about anything"


class Safeguarding:
    """The lexicon, compiled once: `check` each message, `help_for` the lines to offer."""

    def __init__(
        self,
        triggers: re.Pattern[str],
        categories: tuple[str, ...],
        exceptions: re.Pattern[str] | None,
        help_lines: Mapping[str, tuple[HelpLine, ...]],  # by audience, and "default"
    ) -> None:
        self._triggers = triggers
        self._rank = {category: rank for rank, category in enumerate(categories)}
        self._exceptions = exceptions
        self._help = MappingProxyType(dict(help_lines))
        self.categories = categories

    def check(self, text: str) -> SafeguardingMatch | None:
        """The most serious thing the message says, by the file's order of categories, or None."""
        tidied = tidy(text)
        if self._exceptions is not None:
            tidied = self._exceptions.sub(_CUT, tidied)
        best: SafeguardingMatch | None = None
        # One pass: the triggers sit in a lookahead, so every position is tried, none consumed.
        for found in self._triggers.finditer(tidied):
            category = str(found.lastgroup)
            if best is None or self._rank[category] < self._rank[best.category]:
                best = SafeguardingMatch(category, found.group(category))
                if self._rank[category] == 0:
                    break
        return best

    def help_for(self, audience: Audience | None) -> tuple[HelpLine, ...]:
        """The national lines to offer, in the order to show them: the audience's own or default."""
        return self._help.get(str(audience), self._help[DEFAULT])


def load_safeguarding(root: Path) -> Safeguarding:
    source = Source.under(root, SAFEGUARDING_FILE)
    top = source.mapping(source.read(), "")
    source.only_keys(top, ["words", "categories", "not", "help"], "")
    reader = _Reader(source)
    reader.read_words(top.get("words") or {})
    categories = source.mapping(top.get("categories"), "categories")
    if not categories:
        source.fail("categories", "needs at least one category")
    triggers: dict[str, list[str]] = {}
    for name, entry in categories.items():
        where = join("categories", name)
        if not _CATEGORY.fullmatch(name):
            source.fail(where, "a category is lower_case_with_underscores, 32 letters at most")
        triggers[name] = reader.read_entry(entry, where)
    cut = reader.read_entry(top["not"], "not") if top.get("not") is not None else []
    reader.refuse_unused_words()
    named = "|".join(f"(?P<{name}>{'|'.join(parts)})" for name, parts in triggers.items())
    # The triggers sit in a lookahead, so one pass tries every position and consumes none.
    combined = reader.compile(rf"(?<!\w)(?=(?:{named})(?!\w))")
    exceptions = reader.compile(_WHOLE.format("|".join(cut))) if cut else None
    if exceptions is not None:
        reader.refuse_silenced_phrases(exceptions)
    return Safeguarding(combined, tuple(triggers), exceptions, _read_help(source, top.get("help")))


class _Reader:
    """Reads word lists, phrases and patterns into forgiving regexes, naming any entry at fault."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.words: dict[str, str] = {}  # name → "(?:alternative|…)", forgiving already
        self.used: set[str] = set()
        self.phrases: dict[str, str] = {}  # tidied phrase → where it is listed
        self.written: list[tuple[str, str, str]] = []  # (where, as written, regex) of each

    def read_words(self, value: object) -> None:
        """Word lists a pattern names as {name}; a list may use the lists above it."""
        for name, entry in self.source.mapping(value, "words").items():
            where = join("words", name)
            if not _WORD_LIST.fullmatch(f"{{{name}}}"):
                self.source.fail(where, "a word list's name is lower_case_with_underscores")
            items = self.source.items(entry, where)
            if not items:
                self.source.fail(where, "needs at least one word")
            alternatives = [self.pattern(item, f"{where}[{i}]") for i, item in enumerate(items)]
            self.words[name] = f"(?:{'|'.join(alternatives)})"

    def read_entry(self, value: object, where: str) -> list[str]:
        """The regexes of one category's (or `not`'s) phrases and patterns."""
        entry = self.source.mapping(value, where)
        self.source.only_keys(entry, ["phrases", "patterns"], where)
        phrases = self.source.items(entry.get("phrases") or [], join(where, "phrases"))
        patterns = self.source.items(entry.get("patterns") or [], join(where, "patterns"))
        if not phrases and not patterns:
            self.source.fail(where, "needs phrases or patterns")
        return [
            *(self.phrase(item, f"{where}.phrases[{i}]") for i, item in enumerate(phrases)),
            *(self.pattern(item, f"{where}.patterns[{i}]") for i, item in enumerate(patterns)),
        ]

    def phrase(self, item: object, where: str) -> str:
        written = self.source.value_text(item, where)
        phrase = tidy(written)
        if not phrase:
            self.source.fail(where, f"{written!r} is only punctuation once tidied")
        if phrase in self.phrases:
            self.source.fail(where, f"{phrase!r} is listed already, at {self.phrases[phrase]}")
        self.phrases[phrase] = where
        return self._keep(where, written, forgiving(phrase))

    def pattern(self, item: object, where: str) -> str:
        written = self.source.value_text(item, where)
        try:
            regex = forgiving(written, self.words)
        except ValueError as error:
            self.source.fail(where, f"{error}: {written!r}")
        self.used.update(_WORD_LIST.findall(written))
        return self._keep(where, written, regex)

    def compile(self, regex: str) -> re.Pattern[str]:
        """The whole lexicon compiled at once; if that fails, the first entry that fails alone
        is named (compiling each on its own every start-up would double the time)."""
        try:
            return re.compile(regex)
        except re.error:
            for where, written, part in self.written:
                try:
                    re.compile(_WHOLE.format(part))
                except re.error as error:
                    self.source.fail(where, f"not a valid pattern ({error}): {written!r}")
            raise

    def refuse_unused_words(self) -> None:
        for name in self.words:
            if name not in self.used:
                self.source.fail(join("words", name), "not used by any pattern; use or remove it")

    def refuse_silenced_phrases(self, exceptions: re.Pattern[str]) -> None:
        """A trigger phrase that a `not` entry cuts out whole could never match: say so."""
        for phrase, where in self.phrases.items():
            if not where.startswith("not.") and exceptions.fullmatch(phrase):
                self.source.fail(where, f"{phrase!r} is cut out by an entry under `not`")

    def _keep(self, where: str, written: str, regex: str) -> str:
        self.written.append((where, written, regex))
        return regex


def _read_help(source: Source, value: object) -> dict[str, tuple[HelpLine, ...]]:
    where = "help"
    by_audience = source.mapping(value, where)
    source.only_keys(by_audience, [DEFAULT, *(a.value for a in Audience)], where)
    if DEFAULT not in by_audience:
        source.fail(join(where, DEFAULT), "missing (every audience without its own gets it)")
    return {
        audience: _read_help_lines(source, lines, join(where, audience))
        for audience, lines in by_audience.items()
    }


def _read_help_lines(source: Source, value: object, where: str) -> tuple[HelpLine, ...]:
    items = source.items(value, where)
    if not items:
        source.fail(where, "needs at least one line to call")
    lines = []
    for index, item in enumerate(items):
        at = f"{where}[{index}]"
        entry = source.mapping(item, at)
        source.only_keys(entry, ["name", "number", "when"], at)
        number = source.required_text(entry, "number", at, 20)
        if not _NUMBER.fullmatch(number):
            source.fail(join(at, "number"), f"{number!r} should be digits and spaces, as spoken")
        lines.append(
            HelpLine(
                name=source.required_text(entry, "name", at, HELP_NAME_MAX),
                number=number,
                when=source.required_text(entry, "when", at, HELP_WHEN_MAX),
            )
        )
    return tuple(lines)
