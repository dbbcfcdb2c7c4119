"""Reading one content file: YAML without surprises, and errors that name file and entry.

Everything in `content/` is written by people, not programs, so every check here ends in a
`ContentError` that says which file, which entry and what to change.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import yaml


class ContentError(Exception):
    """A content file a person has to fix; the message is "<file>: <entry>: <problem>"."""


class _ContentLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys and reads yes/no/on/off as words.

    PyYAML follows YAML 1.1, where an unquoted `no` is False: in a list of things people type
    that is a trap. And a repeated key silently wins over the first, hiding a copy-paste slip.
    """


_BOOL_TAG = "tag:yaml.org,2002:bool"
_ContentLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _BOOL_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_ContentLoader.add_implicit_resolver(
    _BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _construct_mapping(loader: _ContentLoader, node: yaml.MappingNode) -> dict[object, object]:
    loader.flatten_mapping(node)
    mapping: dict[object, object] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool | None):
            raise yaml.constructor.ConstructorError(
                None, None, "a name should be plain text", key_node.start_mark
            )
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


_ContentLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


@dataclass(frozen=True)
class Source:
    """One content file, named as a person would look for it ("content/lexicon/en.yaml")."""

    path: Path
    name: str

    @classmethod
    def under(cls, root: Path, relative: str) -> Source:
        return cls(root / relative, f"{root.name}/{relative}")

    def fail(self, where: str, problem: str) -> NoReturn:
        raise ContentError(
            f"{self.name}: {where}: {problem}" if where else f"{self.name}: {problem}"
        )

    def read(self) -> object:
        """The file's YAML; a missing file or a syntax slip is a ContentError with its line."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            self.fail("", "missing (every content file is needed at start-up)")
        except (OSError, UnicodeDecodeError) as error:
            self.fail("", f"cannot be read: {error}")
        try:
            return yaml.load(text, Loader=_ContentLoader)  # a SafeLoader subclass: no objects
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "YAML"
            self.fail(line, f"not valid YAML: {error.problem or error.context}")
        except yaml.YAMLError as error:
            self.fail("", f"not valid YAML: {error}")

    # Typed views of the parsed YAML. `where` is the dotted entry, e.g. "statements.2.iii.ask".

    def mapping(self, value: object, where: str) -> Mapping[str, object]:
        if not isinstance(value, Mapping):
            self.fail(where, f"should be a mapping of names to values, not {_kind(value)}")
        for key in value:
            if not isinstance(key, str):
                self.fail(join(where, str(key)), "the name should be quoted text")
        return value

    def items(self, value: object, where: str) -> list[object]:
        if not isinstance(value, list):
            self.fail(where, f"should be a list, not {_kind(value)}")
        return value

    def required_text(
        self, parent: Mapping[str, object], key: str, where: str, max_length: int = 0
    ) -> str:
        if key not in parent or parent[key] is None:
            self.fail(join(where, key), "missing")
        return self.value_text(parent[key], join(where, key), max_length)

    def optional_text(
        self, parent: Mapping[str, object], key: str, where: str, max_length: int = 0
    ) -> str | None:
        if parent.get(key) is None:
            return None
        return self.value_text(parent[key], join(where, key), max_length)

    def value_text(self, value: object, where: str, max_length: int = 0, trim: bool = False) -> str:
        """Non-empty text; `trim` allows (and drops) the newline a YAML `|` block ends with."""
        if not isinstance(value, str):
            self.fail(where, f"should be text (in quotes if need be), not {_kind(value)}")
        if not value.strip():
            self.fail(where, "is empty")
        if trim:
            value = value.strip()
        elif value != value.strip():
            self.fail(where, "has spaces at the start or end")
        if max_length and len(value) > max_length:
            self.fail(where, f"is {len(value)} characters long; {max_length} at most")
        return value

    def only_keys(self, mapping: Mapping[str, object], allowed: Iterable[str], where: str) -> None:
        allowed = tuple(allowed)
        for key in mapping:
            if key not in allowed:
                self.fail(join(where, key), f"unknown entry; expected one of {', '.join(allowed)}")

    def placeholders(self, template: str, where: str, allowed: frozenset[str] | None) -> set[str]:
        """The `{name}`s in a template; bad braces or names outside `allowed` are errors."""
        try:
            parsed = list(string.Formatter().parse(template))
        except ValueError as error:
            self.fail(where, f"broken placeholder ({error}); write {{{{ and }}}} for a brace")
        names: set[str] = set()
        for _, name, spec, conversion in parsed:
            if name is None:
                continue
            if not name.isidentifier() or spec or conversion:
                self.fail(where, f"placeholder {{{name}}} should be a plain {{name}}")
            if allowed is not None and name not in allowed:
                known = ", ".join(f"{{{n}}}" for n in sorted(allowed)) or "none"
                self.fail(where, f"unknown placeholder {{{name}}}; allowed here: {known}")
            names.add(name)
        return names


def join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    kinds = {dict: "a mapping", list: "a list", str: "text", bool: "true/false"}
    kinds |= {int: "a number", float: "a number"}
    return kinds.get(type(value), type(value).__name__)
