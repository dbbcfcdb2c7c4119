"""The bot's own sentences, by dotted key, with a variant per audience where it matters."""

from __future__ import annotations

import string
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from bot.content.model import Audience
from bot.content.source import Source

MESSAGES_FILE = "messages/en.yaml"
DEFAULT = "default"
VARIANTS = (DEFAULT, *(audience.value for audience in Audience))


class Messages:
    """Templates keyed "journey.rating.retry"; `text` picks the audience's variant and fills it."""

    def __init__(self, templates: Mapping[str, Mapping[str, str]], source_name: str) -> None:
        self._templates = MappingProxyType(
            {k: MappingProxyType(dict(v)) for k, v in templates.items()}
        )
        self._source_name = source_name
        self.keys = frozenset(self._templates)

    def text(self, key: str, audience: Audience | None = None, /, **values: object) -> str:
        variants = self._variants(key)
        template = variants.get(str(audience) if audience else DEFAULT, variants[DEFAULT])
        try:
            return template.format_map(values)
        except KeyError as error:
            raise KeyError(f"message {key!r} needs a value for {{{error.args[0]}}}") from None

    def placeholders(self, key: str) -> frozenset[str]:
        """Every `{name}` the message uses, in any of its variants."""
        return frozenset(
            name for template in self._variants(key).values() for name in _names(template)
        )

    def _variants(self, key: str) -> Mapping[str, str]:
        try:
            return self._templates[key]
        except KeyError:
            raise KeyError(f"no message {key!r} in {self._source_name}") from None


def load_messages(root: Path) -> Messages:
    source = Source.under(root, MESSAGES_FILE)
    templates: dict[str, dict[str, str]] = {}
    for key, value in source.mapping(source.read() or {}, "").items():
        _collect(source, value, _name(source, "", key), templates)
    return Messages(templates, source.name)


def _collect(source: Source, value: object, where: str, out: dict[str, dict[str, str]]) -> None:
    """Walk sections down to leaves: text, or a mapping of variants (which needs a default)."""
    if isinstance(value, str):
        out[where] = {DEFAULT: _template(source, value, where)}
        return
    section = source.mapping(value, where)
    if any(key in VARIANTS for key in section):
        source.only_keys(section, VARIANTS, where)
        if DEFAULT not in section:
            source.fail(where, "has variants but no `default`, which every other audience gets")
        out[where] = {
            variant: _template(source, text, f"{where}.{variant}")
            for variant, text in section.items()
        }
        return
    for key, child in section.items():
        _collect(source, child, _name(source, where, key), out)


def _name(source: Source, where: str, key: str) -> str:
    """The dotted key of a child: its own name may not hold a dot, which would be ambiguous."""
    dotted = f"{where}.{key}" if where else key
    if "." in key or not key or key != key.strip():
        source.fail(dotted, "a name may not hold dots, or spaces around it")
    return dotted


def _template(source: Source, value: object, where: str) -> str:
    template = source.value_text(value, where, trim=True)
    source.placeholders(template, where, allowed=None)
    return template


def _names(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}
