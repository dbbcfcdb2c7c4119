"""Plain-language prompts: for each audience, what to ask about each statement."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from bot.content.model import Audience, Framework, Prompt
from bot.content.source import Source

PROMPTS_DIR = "prompts/en"

# The only thing a prompt may leave open: what the organisation calls itself ("the school").
SETTING = "setting"


def load_prompts(root: Path, framework: Framework) -> Mapping[Audience, Mapping[str, Prompt]]:
    """One file per audience, each with an `ask` and an `example` for every statement."""
    _refuse_strangers(root)
    return MappingProxyType(
        {audience: _read_audience(root, audience, framework) for audience in Audience}
    )


def fill(prompt: Prompt, setting: str) -> Prompt:
    return Prompt(
        ask=prompt.ask.format_map({SETTING: setting}),
        example=prompt.example.format_map({SETTING: setting}),
    )


def _read_audience(root: Path, audience: Audience, framework: Framework) -> Mapping[str, Prompt]:
    source = Source.under(root, f"{PROMPTS_DIR}/{audience}.yaml")
    top = source.mapping(source.read(), "")
    source.only_keys(top, ["statements"], "")
    entries = source.mapping(top.get("statements"), "statements")
    known = {statement.id for statement in framework.statements}
    for statement_id in entries:
        if statement_id not in known:
            source.fail(f"statements.{statement_id}", "no such statement in the framework")
    prompts: dict[str, Prompt] = {}
    for statement in framework.statements:
        where = f"statements.{statement.id}"
        if statement.id not in entries:
            source.fail(where, "missing (every statement needs a prompt)")
        entry = source.mapping(entries[statement.id], where)
        source.only_keys(entry, ["ask", "example"], where)
        prompts[statement.id] = Prompt(
            ask=_template(source, entry, "ask", where),
            example=_template(source, entry, "example", where),
        )
    return MappingProxyType(prompts)


def _template(source: Source, entry: Mapping[str, object], key: str, where: str) -> str:
    template = source.required_text(entry, key, where)
    source.placeholders(template, f"{where}.{key}", allowed=frozenset({SETTING}))
    return template


def _refuse_strangers(root: Path) -> None:
    """A misspelt file name ("parent_carer.yaml") would otherwise be ignored without a word."""
    folder = root / PROMPTS_DIR
    expected = {f"{audience}.yaml" for audience in Audience}
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.name not in expected and path.suffix in {".yaml", ".yml"}:
                Source.under(root, f"{PROMPTS_DIR}/{path.name}").fail(
                    "", f"not an audience; expected {', '.join(sorted(expected))}"
                )
