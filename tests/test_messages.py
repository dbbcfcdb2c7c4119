"""Messages: the loader, and that code and content/messages/en.yaml agree.

The agreement tests read the bot's source with `ast`: every `….text("some.key", …)` or
`….say("some.key", …)` with a literal key (or `"a.key" if … else "b.key"`) must name a message
that exists and pass each of its placeholders; and every message must be named somewhere in
the code (a key kept in a variable first counts too). `say` is the dialogues' one-step "text,
then send"; both take the key first.
"""

from __future__ import annotations

import ast
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.content import Audience, Messages, load_content

REPO = Path(__file__).resolve().parents[1]
CONTENT_DIR = REPO / "content"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "content"

MESSAGE_METHODS = {"text", "say"}
# Looked up by name at run time (the Telegram commands menu), so never a literal in the code.
DYNAMIC_SECTIONS = {"commands", "coordinator_commands"}


@dataclass(frozen=True)
class Use:
    where: str  # "bot/dialogues/steps.py:42"
    key: str
    keywords: frozenset[str]
    passes_mapping: bool  # **values: which placeholders it fills cannot be known here


def source_trees() -> list[tuple[str, ast.Module]]:
    return [
        (str(path.relative_to(REPO)), ast.parse(path.read_text(encoding="utf-8")))
        for path in sorted((REPO / "bot").rglob("*.py"))
    ]


def literal_keys(node: ast.expr) -> list[str]:
    """The key(s) an argument names: a string, or both strings of a conditional."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return literal_keys(node.body) + literal_keys(node.orelse)
    return []


def uses_in_code() -> list[Use]:
    uses: list[Use] = []
    for name, tree in source_trees():
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in MESSAGE_METHODS
                and node.args
            ):
                continue
            uses.extend(
                Use(
                    where=f"{name}:{node.lineno}",
                    key=key,
                    keywords=frozenset(k.arg for k in node.keywords if k.arg is not None),
                    passes_mapping=any(k.arg is None for k in node.keywords),
                )
                for key in literal_keys(node.args[0])
            )
    return uses


def strings_in_code() -> set[str]:
    return {
        node.value
        for _, tree in source_trees()
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


@pytest.fixture(scope="module")
def messages() -> Messages:
    return load_content(CONTENT_DIR).messages


@pytest.fixture(scope="module")
def uses() -> list[Use]:
    return uses_in_code()


def test_every_key_the_code_uses_exists(messages: Messages, uses: list[Use]) -> None:
    missing = [f"{use.where}: {use.key}" for use in uses if use.key not in messages.keys]
    assert not missing, "not in content/messages/en.yaml:\n" + "\n".join(missing)


def test_every_placeholder_is_passed(messages: Messages, uses: list[Use]) -> None:
    unfilled = [
        f"{use.where}: {use.key} needs {sorted(messages.placeholders(use.key) - use.keywords)}"
        for use in uses
        if use.key in messages.keys
        and not use.passes_mapping
        and not messages.placeholders(use.key) <= use.keywords
    ]
    assert not unfilled, "\n".join(unfilled)


def test_every_message_is_used(messages: Messages) -> None:
    used = strings_in_code()
    unused = sorted(
        key for key in messages.keys - used if key.split(".", 1)[0] not in DYNAMIC_SECTIONS
    )
    assert not unused, "in content/messages/en.yaml but not used in bot/:\n" + "\n".join(unused)


# The loader, on a small messages file of its own.


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Messages:
    root = tmp_path_factory.mktemp("tree") / "content"
    shutil.copytree(CONTENT_DIR, root)
    shutil.copy(FIXTURES / "messages" / "en.yaml", root / "messages" / "en.yaml")
    return load_content(root).messages


def test_keys_are_the_dotted_leaves(sample: Messages) -> None:
    assert sample.keys == {
        "greeting",
        "journey.rating.retry",
        "journey.progress",
        "help",
        "braces",
    }


def test_variants_by_audience(sample: Messages) -> None:
    key = "journey.rating.retry"
    everyone = "Please choose one of the answers below, or type 1 to 5."
    assert sample.text(key) == everyone
    assert sample.text(key, Audience.PARENT_CARER) == everyone
    assert sample.text(key, Audience.PRACTITIONER) == everyone
    assert (
        sample.text(key, Audience.YOUNG_PERSON) == "Tap an answer, or type a number from 1 to 5 🙂"
    )


def test_placeholders_are_filled(sample: Messages) -> None:
    assert sample.text("greeting", name="Sam") == "Hello Sam!"
    assert sample.text("greeting", Audience.YOUNG_PERSON, name="Sam", unused=1) == "Hello Sam!"
    progress = sample.text(
        "journey.progress", Audience.PRACTITIONER, done=3, total=25, cornerstone="Communicate"
    )
    assert progress == "3 of 25 statements done in Communicate"
    assert sample.text("braces", count=2) == "Use { and } around nothing; 2 is real."


def test_placeholders_are_the_union_of_variants(sample: Messages) -> None:
    assert sample.placeholders("journey.progress") == {"done", "total", "cornerstone"}
    assert sample.placeholders("journey.rating.retry") == frozenset()
    assert sample.placeholders("braces") == {"count"}


def test_block_text_loses_only_its_final_newline(sample: Messages) -> None:
    assert sample.text("help") == "You can stop at any time.\nSend /continue to carry on."


def test_a_missing_key_or_value_is_named(sample: Messages) -> None:
    with pytest.raises(KeyError, match=r"journey\.nothing"):
        sample.text("journey.nothing")
    with pytest.raises(KeyError, match=r"journey\.nothing"):
        sample.placeholders("journey.nothing")
    with pytest.raises(KeyError, match=r"\{name\}"):
        sample.text("greeting")
    with pytest.raises(KeyError, match=r"\{cornerstone\}"):
        sample.text("journey.progress", Audience.PRACTITIONER, done=1, total=2)
