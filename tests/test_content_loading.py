"""A broken content file stops start-up with a message naming the file, the entry and the fix.

Each case copies the real content/ tree to a temporary folder and breaks one thing, the way a
person editing it might, then checks the whole message.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.content import ContentError, default_content, load_content

CONTENT_DIR = Path(__file__).resolve().parents[1] / "content"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "content"

Break = Callable[[Path], None]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, root)
    return root


def replace(relative: str, old: str, new: str, *, pattern: bool = False) -> Break:
    """A break: change the first `old` (a literal, or a regex) in one file of the tree."""

    def apply(root: Path) -> None:
        path = root / relative
        text = path.read_text(encoding="utf-8")
        changed = (
            re.sub(old, new, text, count=1, flags=re.M) if pattern else text.replace(old, new, 1)
        )
        assert changed != text, f"the break found nothing to change in {relative}"
        path.write_text(changed, encoding="utf-8")

    return apply


def put(fixture: str, relative: str) -> Break:
    """A break: a fixture file in place of (or beside) the real ones."""

    def apply(root: Path) -> None:
        shutil.copy(FIXTURES / fixture, root / relative)

    return apply


def delete(relative: str) -> Break:
    return lambda root: (root / relative).unlink()


YOUNG = "prompts/en/young-person.yaml"
PARENT = "prompts/en/parent-carer.yaml"
FRAMEWORK = "framework/four-cornerstones.yaml"
INDICATORS = "indicators/en.yaml"
LEXICON = "lexicon/en.yaml"
MESSAGES = "messages/en.yaml"

BREAKS = [
    pytest.param(
        replace(YOUNG, r'^  "2\.iii":\n    ask: .*\n    example: .*\n', "", pattern=True),
        "content/prompts/en/young-person.yaml: statements.2.iii: missing",
        id="missing prompt for a statement",
    ),
    pytest.param(
        replace(YOUNG, r'^(  "2\.iii":\n)    ask: .*\n', r"\1", pattern=True),
        "content/prompts/en/young-person.yaml: statements.2.iii.ask: missing",
        id="prompt without its ask",
    ),
    pytest.param(
        replace(PARENT, "statements:\n", 'statements:\n  "2.viii": {ask: "A?", example: "B"}\n'),
        "content/prompts/en/parent-carer.yaml: statements.2.viii: no such statement",
        id="prompt for unknown statement",
    ),
    pytest.param(
        replace(PARENT, '  "1.iv":', '  "1.i":'),
        "content/prompts/en/parent-carer.yaml: line ",
        id="the same statement twice",
    ),
    pytest.param(
        replace(YOUNG, "Do you feel welcome and safe at {setting}?", "Do you like {place}?"),
        "content/prompts/en/young-person.yaml: statements.1.i.ask: unknown placeholder {place}; "
        "allowed here: {setting}",
        id="unknown placeholder",
    ),
    pytest.param(
        replace(YOUNG, "Do you feel welcome and safe at {setting}?", "Do you like {}?"),
        "content/prompts/en/young-person.yaml: statements.1.i.ask: placeholder {} should be",
        id="placeholder without a name",
    ),
    pytest.param(
        replace(YOUNG, "Do you feel welcome and safe at {setting}?", "Do you like {setting?"),
        "content/prompts/en/young-person.yaml: statements.1.i.ask: broken placeholder",
        id="placeholder left open",
    ),
    pytest.param(
        put("broken/bad-syntax.yaml", "prompts/en/parent_carer.yaml"),
        "content/prompts/en/parent_carer.yaml: not an audience",
        id="misspelt audience file",
    ),
    pytest.param(
        replace(
            FRAMEWORK,
            r'^(          - id: "1\.i\.a"\n.*\n.*\n)',
            r"\1\1",
            pattern=True,
        ),
        "content/framework/four-cornerstones.yaml: 1.i.a: duplicate id",
        id="duplicate indicator id",
    ),
    pytest.param(
        replace(FRAMEWORK, 'id: "1.i.b"', 'id: "1.i.c"'),
        "content/framework/four-cornerstones.yaml: 1.i.indicators[1].id: '1.i.c' should be "
        "'1.i.b' to match its letter",
        id="indicator id disagrees with its letter",
    ),
    pytest.param(
        replace(FRAMEWORK, "        number: iv\n", "        number: 4\n"),
        "content/framework/four-cornerstones.yaml: 1.statements[3].number: should be text "
        "(in quotes if need be), not a number",
        id="statement number not roman",
    ),
    pytest.param(
        replace(FRAMEWORK, 'text: "Reception areas are open and welcoming"', 'text: ""'),
        "content/framework/four-cornerstones.yaml: 1.i.d.text: is empty",
        id="empty indicator text",
    ),
    pytest.param(
        replace(
            INDICATORS,
            "A friendly, open reception area",
            "A friendly, open and welcoming front door area",
        ),
        "content/indicators/en.yaml: indicators.1.i.d.label: is 46 characters long; 40 at most",
        id="label too long",
    ),
    pytest.param(
        replace(INDICATORS, r'^  "1\.ii\.c":\n    label: .*\n', "", pattern=True),
        "content/indicators/en.yaml: indicators.1.ii.c: missing",
        id="indicator without a label",
    ),
    pytest.param(
        replace(INDICATORS, "indicators:\n", 'indicators:\n  "1.i.z":\n    label: "Z"\n'),
        "content/indicators/en.yaml: indicators.1.i.z: no such indicator",
        id="label for unknown indicator",
    ),
    pytest.param(
        put("broken/bad-syntax.yaml", LEXICON),
        "content/lexicon/en.yaml: line 8, column",
        id="bad YAML syntax",
    ),
    pytest.param(
        replace(LEXICON, '      - "nope"\n', '      - "nope"\n      - "Yes!"\n'),
        "content/lexicon/en.yaml: ratings.phrases.not_yet[4]: 'Yes!' already means always",
        id="phrase with two meanings",
    ),
    pytest.param(
        replace(LEXICON, '"👎 Not yet"', '"👎 Not yet, but we are working hard on it!"'),
        "content/lexicon/en.yaml: ratings.labels.young-person.not_yet: is 41 characters long",
        id="rating label too long",
    ),
    pytest.param(
        replace(LEXICON, '      not_sure: "🤷 Not sure"\n', ""),
        "content/lexicon/en.yaml: ratings.labels.young-person.not_sure: missing",
        id="rating label missing",
    ),
    pytest.param(
        put("messages/variant-without-default.yaml", MESSAGES),
        "content/messages/en.yaml: journey.rating.retry: has variants but no `default`",
        id="message variant without default",
    ),
    pytest.param(
        put("organisations/bad-id.yaml", "organisations/bad-id.yaml"),
        "content/organisations/bad-id.yaml: indicators[1].id: '2.iii.8' should be a statement id",
        id="overlay with a bad id",
    ),
    pytest.param(
        put("organisations/unknown-statement.yaml", "organisations/oak.yaml"),
        "content/organisations/oak.yaml: indicators[0].id: '2.ix.x1': there is no statement 2.ix",
        id="overlay for an unknown statement",
    ),
    pytest.param(
        put("organisations/oak-tree-school.yaml", "organisations/oak-tree-school.yml"),
        "content/organisations/oak-tree-school.yml: rename it to .yaml",
        id="overlay named .yml",
    ),
    pytest.param(
        delete(LEXICON),
        "content/lexicon/en.yaml: missing",
        id="missing file",
    ),
]


@pytest.mark.parametrize(("break_", "message"), BREAKS)
def test_a_broken_file_is_named(tree: Path, break_: Break, message: str) -> None:
    break_(tree)
    with pytest.raises(ContentError) as raised:
        load_content(tree)
    assert str(raised.value).startswith(message)


def test_the_real_tree_loads_and_a_copy_loads_the_same(tree: Path) -> None:
    assert len(load_content(tree).framework.indicators) == len(load_content().framework.indicators)


def test_unquoted_yes_and_no_stay_words(tree: Path) -> None:
    """In YAML 1.1 a bare `no` is false; in a list of things people type it must be "no"."""
    replace(LEXICON, '      - "nope"\n', "      - nope\n      - no way\n      - off\n")(tree)
    lexicon = load_content(tree).lexicon
    assert lexicon.parse_rating("no way") == lexicon.parse_rating("nope") == "not_yet"
    assert lexicon.parse_rating("off") == "not_yet"


def test_content_dir_from_the_environment(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    replace(FRAMEWORK, "name: Communicate", "name: Talk")(tree)
    monkeypatch.setenv("CORNERSTONES_CONTENT_DIR", str(tree))
    assert load_content().framework.cornerstone("3").name == "Talk"
    monkeypatch.setenv("CORNERSTONES_CONTENT_DIR", str(tree / "nowhere"))
    with pytest.raises(ContentError, match="no content folder"):
        load_content()


def test_default_content_is_loaded_once() -> None:
    assert default_content() is default_content()
