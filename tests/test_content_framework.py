"""The tool as data: exactly the printed Four Cornerstones tool, found by id.

Texts are pinned here, not read from the source PDF, so this runs anywhere. The sample leans
on the places where the PDF's text extraction went wrong (indicators run together, a
statement split by a page break, the "iiv" misprint, two wordings of one title).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.content import Audience, Content, Framework, Prompt, load_content

CONTENT_DIR = Path(__file__).resolve().parents[1] / "content"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "content"

INDICATORS_PER_STATEMENT = {
    "1.i": 9, "1.ii": 8, "1.iii": 6, "1.iv": 3, "1.v": 3, "1.vi": 4, "1.vii": 6,
    "2.i": 6, "2.ii": 5, "2.iii": 7, "2.iv": 4, "2.v": 5, "2.vi": 4, "2.vii": 9,
    "3.i": 4, "3.ii": 5, "3.iii": 4, "3.iv": 4, "3.v": 5, "3.vi": 5, "3.vii": 4,
    "4.i": 7, "4.ii": 4, "4.iii": 5, "4.iv": 4,
}  # fmt: skip

CORNERSTONES = [
    ("1", "Welcome and Care", "We will welcome and care by:", 39),
    (
        "2",
        "Value and Include",
        "We will value and include you in every aspect of what we do by:",
        40,
    ),
    ("3", "Communicate", "We will communicate with you openly, clearly and honestly by:", 31),
    ("4", "Work in Partnership", "We will work in partnership with you by:", 20),
]

TITLES = {
    "1.i": "Providing a happy and secure environment or context",
    # Printed "iiv" above its table.
    "1.iv": "Making sure your voice is heard and valued",
    "2.ii": "Having a 'can do' approach",
    # The table's wording, not the shorter one in the list at the front.
    "2.iv": "Sharing information about strengths and needs sensitively and respectfully with "
    "relevant partners",
    "3.vi": "Providing all the information needed in a timely way, in a form that will be "
    "understood",
    # The heading above indicator a; the next page's heading adds "and deliver".
    "4.iii": "Working together to develop plans, set targets and create specific programmes",
    "4.iv": "Involving you in decisions about organisational changes and improvements",
}

MEANINGS = {
    # The section's wording; the exemplar page drops the "and" before "facilitating".
    "1.i": "This means welcoming partners as equal members of your community, maintaining "
    "positive and trusting relationships, and facilitating easy transitions and inductions "
    "responsive to individual needs",
    "2.ii": "This means the contribution of all partners is valued and everybody works "
    "creatively to provide individuals with the best possible opportunities",
    "3.vii": "This means written and oral communications are always constructive and "
    "helpful, emphasising strengths",
}

INDICATOR_TEXTS = {
    # Run together on one line in the extraction: "…governanceb. Arrangements…".
    "1.i.a": "There is a positive culture where welcoming attitudes are modelled and promoted "
    "by all practitioners, led by the senior leadership team and governance",
    "1.i.b": "Arrangements for practitioner inductions and introductions are robust, regularly "
    "reviewed and include a commitment to establishing good quality relationships with all "
    "partners",
    "1.i.d": "Reception areas are open and welcoming",
    # First indicators after a page break.
    "1.i.h": "Review processes are implemented soon after transitions",
    "1.ii.g": "Adjustments are made or interventions/support offered to respond to the "
    "emotional needs of individuals or groups",
    "1.iv.c": "There is clear evidence that feedback from all partners is actively sought, "
    "regularly reviewed and considered, and used to inform planning, policy and practice",
    "1.vii.b": "Everybody's skills and strengths are acknowledged and valued, for example "
    "through an audit of strengths",
    "2.ii.d": "Practitioners have good knowledge and understanding of relevant adjustments and "
    "intervention(s) they can draw upon to effectively support those with additional needs so "
    "that they achieve their best possible outcomes",
    # Extracted as "…evidence of its used. There are…": the "d" belongs to the next letter.
    "2.iv.c": "There is a clear expectation from senior leadership that all appropriate staff "
    "will access this information and apply it to their planning and practice, and there is "
    "good evidence of its use",
    "2.iv.d": "There are ongoing systems enabling individuals opportunities to discuss what "
    "works for them, and they feel confident that their views are taken into account",
    "2.vii.d": "Partners are confident in their understanding of policies relevant to them and "
    "they are aware of how/where this information may be found",
    "2.vii.i": "A named member from the senior leadership team or governance body links "
    "regularly with local partner forums and/or groups",
    "3.iv.c": "At the end of all meetings partners are clear of next steps and actions to be "
    "taken, the person(s) responsible, the date by which feedback will be given, and how this "
    "will be done",
    "3.v.e": "Review arrangements are flexible to suit individual needs, and interim meetings "
    "are planned if it is agreed by partners this would be helpful",
    "3.vi.e": "Information is shared with partners about relevant independent or 'arm's "
    "length' organisations that offer information, advice and support within Education, "
    "Health and Care, and they are encouraged to access these organisations",
    "4.i.d": "Children and young people have regular opportunities to voice their opinions via "
    "peer representatives, for example through their School Council, Youth Cabinet or "
    "relevant Young People's Forum",
    "4.iii.c": "All partners are actively encouraged to give their views about individual "
    "experiences and progress; questions are asked sensitively to enable openness, honesty "
    "and transparency",
    "4.iv.d": "Senior leaders respond promptly to concerns raised about systems and procedures "
    "and provide feedback on these issues",
}

ROMAN = ["i", "ii", "iii", "iv", "v", "vi", "vii"]


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content(CONTENT_DIR)


@pytest.fixture(scope="module")
def framework(content: Content) -> Framework:
    return content.framework


def test_the_whole_tool_is_there(framework: Framework) -> None:
    assert len(framework.cornerstones) == 4
    assert len(framework.statements) == 25
    assert len(framework.indicators) == 130
    counts = {s.id: len(s.indicators) for s in framework.statements}
    assert counts == INDICATORS_PER_STATEMENT


@pytest.mark.parametrize(("cornerstone_id", "name", "heading", "indicators"), CORNERSTONES)
def test_cornerstones_as_printed(
    framework: Framework, cornerstone_id: str, name: str, heading: str, indicators: int
) -> None:
    cornerstone = framework.cornerstone(cornerstone_id)
    assert (cornerstone.name, cornerstone.heading) == (name, heading)
    assert sum(len(s.indicators) for s in cornerstone.statements) == indicators


def test_ids_numbers_and_letters_follow_the_printed_order(framework: Framework) -> None:
    for cornerstone in framework.cornerstones:
        numbers = [s.number for s in cornerstone.statements]
        assert numbers == ROMAN[: len(numbers)]
        for statement in cornerstone.statements:
            assert statement.id == f"{cornerstone.id}.{statement.number}"
            assert statement.cornerstone_id == cornerstone.id
            letters = [i.letter for i in statement.indicators]
            assert letters == [chr(ord("a") + n) for n in range(len(letters))]
            for indicator in statement.indicators:
                assert indicator.id == f"{statement.id}.{indicator.letter}"
                assert indicator.statement_id == statement.id
                assert not indicator.own
    assert [s.position for s in framework.statements] == list(range(25))
    assert framework.statements == tuple(s for c in framework.cornerstones for s in c.statements)


@pytest.mark.parametrize(("statement_id", "title"), TITLES.items())
def test_statement_titles_verbatim(framework: Framework, statement_id: str, title: str) -> None:
    assert framework.statement(statement_id).title == title


@pytest.mark.parametrize(("statement_id", "meaning"), MEANINGS.items())
def test_statement_meanings_verbatim(framework: Framework, statement_id: str, meaning: str) -> None:
    assert framework.statement(statement_id).meaning == meaning


@pytest.mark.parametrize(("indicator_id", "text"), INDICATOR_TEXTS.items())
def test_indicator_texts_verbatim(framework: Framework, indicator_id: str, text: str) -> None:
    assert framework.indicator(indicator_id).text == text


def test_no_extraction_debris(framework: Framework) -> None:
    """No page headings, column headings, list markup or run-on letters left in any text."""
    debris = re.compile(
        r"We will |These examples|Evidence|<|>|\s{2}|\b[a-z]\. [A-Z]|[a-z][b-i]\. [A-Z]"
    )
    for statement in framework.statements:
        for text in (statement.title, statement.meaning):
            assert not debris.search(text), (statement.id, text)
        assert statement.meaning.startswith("This means ")
        for indicator in statement.indicators:
            assert not debris.search(indicator.text), (indicator.id, indicator.text)
            # As printed: no full stop at the end, a capital at the start.
            assert indicator.text[0].isupper() and indicator.text[-1] != "."


def test_every_indicator_has_a_short_plain_label(framework: Framework) -> None:
    for indicator in framework.indicators:
        assert 0 < len(indicator.label) <= 40, indicator.id
        assert indicator.hint is None or indicator.hint.startswith("For example"), indicator.id
    labels = [indicator.label for indicator in framework.indicators]
    assert len(set(labels)) == len(labels), "two indicators share a label"


def test_lookups_by_id(framework: Framework) -> None:
    assert framework.statement("2.iii").title.startswith("Making sure that all our")
    assert framework.indicator("4.iv.d").statement_id == "4.iv"
    assert framework.cornerstone("3").name == "Communicate"
    with pytest.raises(KeyError, match=r"2\.viii"):
        framework.statement("2.viii")
    with pytest.raises(KeyError):
        framework.indicator("1.i")  # a statement, not an indicator
    with pytest.raises(KeyError):
        framework.cornerstone("5")


def test_prompt_fills_in_the_setting(content: Content) -> None:
    prompt = content.prompt(Audience.YOUNG_PERSON, "1.i", "the youth club")
    assert isinstance(prompt, Prompt)
    assert "the youth club" in prompt.ask
    assert "{" not in prompt.ask + prompt.example
    with pytest.raises(KeyError):
        content.prompt(Audience.YOUNG_PERSON, "9.i", "the school")


def test_organisation_overlay_adds_its_own_indicators(tmp_path: Path) -> None:
    root = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, root)
    shutil.copy(FIXTURES / "organisations" / "oak-tree-school.yaml", root / "organisations")
    content = load_content(root)

    own = content.framework_for("oak-tree-school")
    statement = own.statement("2.iii")
    assert [i.id for i in statement.indicators][-3:] == ["2.iii.g", "2.iii.x1", "2.iii.x2"]
    added = own.indicator("2.iii.x1")
    assert added.own and added.letter == "x1" and added.statement_id == "2.iii"
    assert added.label == "Visual timetables in every class"
    assert added.hint == "For example, the timetable by the door, with pictures"
    assert own.indicator("2.iii.x2").hint is None
    assert own.cornerstone("4").statements[0].indicators[-1].id == "4.i.x1"
    assert len(own.indicators) == 133 and len(own.statements) == 25

    # The printed tool itself is untouched, and anyone without an overlay gets it.
    assert len(content.framework.indicators) == 130
    assert content.framework_for("somewhere-else") is content.framework
    assert content.framework_for(None) is content.framework
