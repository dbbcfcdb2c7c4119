"""The completed tool (DOCX, HTML): the tool's own structure, with partners' evidence in it.

`a_round` builds a small round whose every figure is known, through the storage functions the
engine itself uses; the data exports' tests use it too.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import docx
import pytest

from bot.content import Content, load_content
from bot.export import ExportFormat, export
from bot.state import answers
from bot.state.answers import Said
from bot.state.database import SessionFactory
from bot.state.models import Journey, Round, utcnow
from bot.state.organisations import create_organisation
from bot.state.partners import add_partner

OWN_INDICATOR = "Every class has a visual timetable, reviewed with families each term"
OFFICE = "The office always smiles and knows my son's name."
TIMETABLE = "We redo the visual timetables with parents each term."
WAITED = "We waited a long time for the first meeting."
THANKS = "Thanks for asking us all this."


@pytest.fixture(scope="module")
def own_content(tmp_path_factory: pytest.TempPathFactory) -> Content:
    """The project's content plus Oak Tree School's own indicator for statement 1.i."""
    root = tmp_path_factory.mktemp("content")
    shutil.copytree(Path(__file__).resolve().parents[1] / "content", root, dirs_exist_ok=True)
    (root / "organisations" / "oak-tree-school.yaml").write_text(
        "indicators:\n"
        f'  - id: "1.i.x1"\n    text: "{OWN_INDICATOR}"\n    label: "Visual timetables"\n',
        encoding="utf-8",
    )
    return load_content(root)


@dataclass(frozen=True)
class Built:
    previous: str | None


async def a_round(sessions: SessionFactory, *, previous: bool = False) -> Built:
    """Oak Tree School's round "Autumn 2025", and a little of Elm Park Academy's beside it.

    Statement 1.i: practitioners 3 × Always, parent carers 2 × Not yet and 1 × Not sure, young
    people 2 × Sometimes (the voices differ). 1.ii: everyone Mostly (they agree).
    Evidence: an example tied to 1.i.a and 3.ii.b, one tied to the organisation's own 1.i.x1, a
    note on 1.i tied to nothing, a voice note tied to 1.ii.a, and a note after the last question.
    """
    async with sessions() as session, session.begin():
        oak, round_ = await create_organisation(
            session, "Oak Tree School", "the school", first_round="Autumn 2025"
        )
        earlier = None
        if previous:
            earlier = Round(
                organisation_id=oak.id,
                name="Spring 2025",
                opened_at=utcnow() - timedelta(days=200),
                closed_at=utcnow() - timedelta(days=100),
            )
            session.add(earlier)
            await session.flush()
        people = {}
        for role, how_many in (("parent-carer", 3), ("young-person", 2), ("practitioner", 3)):
            for n in range(1, how_many + 1):
                partner = await add_partner(session, oak.id, role, "test", f"{role}-{n}", "Sam")
                people[f"{role}-{n}"] = partner.id
                session.add(
                    Journey(
                        partner_id=partner.id,
                        round_id=round_.id,
                        state="finished",
                        finished_at=utcnow(),
                    )
                )

        async def rate(who: str, statement: str, value: str, in_round: int = round_.id) -> None:
            await answers.set_rating(session, people[who], in_round, statement, value)

        for n in (1, 2, 3):
            await rate(f"practitioner-{n}", "1.i", "always")
            await rate(f"practitioner-{n}", "1.ii", "mostly")
        await rate("parent-carer-1", "1.i", "not_yet")
        await rate("parent-carer-2", "1.i", "not_yet")
        await rate("parent-carer-3", "1.i", "not_sure")
        for n in (1, 2):
            await rate(f"young-person-{n}", "1.i", "sometimes")
            await rate(f"parent-carer-{n}", "1.ii", "mostly")
        if earlier is not None:
            await rate("parent-carer-1", "1.i", "sometimes", earlier.id)
            await rate("parent-carer-2", "1.i", "sometimes", earlier.id)

        async def say(
            who: str, statement: str | None, purpose: str, said: Said, *tied: str
        ) -> None:
            evidence = await answers.keep(session, people[who], round_.id, statement, purpose, said)
            for indicator in tied:
                await answers.toggle_indicator(session, evidence.id, indicator)

        await say("parent-carer-1", "1.i", "example", Said("text", OFFICE), "1.i.a", "3.ii.b")
        await say("practitioner-1", "1.i", "example", Said("text", TIMETABLE), "1.i.x1")
        await say("parent-carer-2", "1.i", "note", Said("text", WAITED))
        await say("young-person-1", "1.ii", "example", Said("voice", file_id="voice-1"), "1.ii.a")
        await say("parent-carer-3", None, "note", Said("text", THANKS))

        elm, elm_round = await create_organisation(session, "Elm Park Academy", "the academy")
        stranger = await add_partner(session, elm.id, "parent-carer", "test", "elm-1", "Zed")
        await answers.set_rating(session, stranger.id, elm_round.id, "1.i", "always")
        await answers.keep(
            session, stranger.id, elm_round.id, "1.i", "example", Said("text", "ELM")
        )
    return Built(previous="Spring 2025" if previous else None)


def docx_text(path: Path) -> tuple[list[str], list[list[list[str]]]]:
    document = docx.Document(str(path))
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    return [p.text for p in document.paragraphs], tables


def row_of(tables: list[list[list[str]]], starts: str) -> list[str]:
    return next(row for table in tables for row in table if row[0].startswith(starts))


async def test_word_document_follows_the_tool_with_evidence_under_each_indicator(
    sessions: SessionFactory, own_content: Content, tmp_path: Path
) -> None:
    await a_round(sessions)
    path = await export(sessions, own_content, "Oak Tree School", None, "docx", tmp_path)
    assert path.name == "oak-tree-school-autumn-2025.docx"
    paragraphs, tables = docx_text(path)
    text = "\n".join(paragraphs)
    framework = own_content.framework_for("oak-tree-school")
    for cornerstone in framework.cornerstones:
        assert f"{cornerstone.id}. {cornerstone.name}" in paragraphs
        for statement in cornerstone.statements:
            assert f"{statement.id}  {statement.title}" in paragraphs
            assert statement.meaning in paragraphs
    indicator_cells = {row[0] for t in tables for row in t if re.match(r"^[a-z0-9]+\. ", row[0])}
    for indicator in framework.indicators:  # every one verbatim, own ones marked
        own = "  (our own indicator)" if indicator.own else ""
        assert f"{indicator.letter}. {indicator.text}{own}" in indicator_cells
    assert len(framework.indicators) == 131

    # Evidence under the indicators it was tied to, across cornerstones, by pseudonym.
    under_a = row_of(tables, "a. There is a positive culture")[1]
    assert f"“{OFFICE}”" in under_a and "Parent carer 1, " in under_a
    assert f"“{OFFICE}”" in row_of(tables, f"b. {framework.indicator('3.ii.b').text}")[1]
    assert f"“{TIMETABLE}”" in row_of(tables, "x1. ")[1]
    assert "Voice note (the file is not in this export)" in row_of(tables, "a. There has been")[1]
    assert "No evidence yet" in row_of(tables, "b. Arrangements for practitioner")[1]
    # A note tied to nothing sits under its statement; one after the last question at the end.
    other = paragraphs.index("Other things partners said about this")
    assert WAITED in paragraphs[other + 1] and "Parent carer 2" in paragraphs[other + 1]
    assert paragraphs.index("1.ii  Nurturing confidence, wellbeing and self-esteem") > other
    assert "Other things partners said" in paragraphs and THANKS in paragraphs[-1]

    # Ratings side by side, a flag where the voices differ, a chart per rated statement.
    counts = [
        t
        for t in tables
        if t[0][:4] == ["Answer", "Parent carers", "Young people", "Practitioners"]
    ]
    assert len(counts) == 2  # 1.i and 1.ii; the others say nobody has rated them yet
    assert paragraphs.count("Nobody has rated this statement yet.") == 23
    assert counts[0][1:] == [
        ["Always", "0", "0", "3"],
        ["Mostly", "0", "0", "0"],
        ["Sometimes", "0", "2", "0"],
        ["Not yet", "2", "0", "0"],
        ["Not sure", "1", "0", "0"],
        ["Answers", "3", "2", "3"],
    ]
    flags = [p for p in paragraphs if p.startswith("The voices differ here")]
    assert flags == [
        "The voices differ here: the most common answer from practitioners is “Always”, "
        "from parent carers “Not yet”."
    ]
    assert len(docx.Document(str(path)).inline_shapes) == 2  # 1.i and 1.ii were rated

    # The front page: who took part (counts only), coverage, next steps, ratings at a glance.
    assert row_of(tables, "Parent carers") == ["Parent carers", "3"]
    assert row_of(tables, "All partners") == ["All partners", "8"]
    assert (
        "3 of 130 of the tool's indicators have evidence from partners, and 1 of 1 of "
        "Oak Tree School's own indicators." in text
    )
    assert row_of(tables, "1. Welcome and Care") == ["1. Welcome and Care", "2 of 39", "1 of 1"]
    assert row_of(tables, "3. Communicate")[1] == "1 of 31"
    steps = [p for p in docx.Document(str(path)).paragraphs if p.style.name == "List Number"]
    assert len(steps) == 5 and steps[0].text.startswith("1.iii ")  # untouched, in the tool's order
    assert row_of(tables, "1.i Providing")[1:] == ["Not yet", "Sometimes", "Always", "Yes"]
    assert row_of(tables, "1.ii Nurturing")[1:] == ["Mostly", "–", "Mostly", ""]  # no young people
    assert "Elm Park" not in text and "ELM" not in str(tables)


async def test_last_rounds_ratings_stand_beside_this_rounds(
    sessions: SessionFactory, own_content: Content, tmp_path: Path
) -> None:
    await a_round(sessions, previous=True)
    path = await export(sessions, own_content, "Oak Tree School", "autumn 2025", "docx", tmp_path)
    paragraphs, tables = docx_text(path)
    counts = next(t for t in tables if t[0][0] == "Answer")
    assert counts[0][1:3] == ["Parent carers now", "Parent carers, Spring 2025"]
    assert counts[4][:3] == ["Not yet", "2", "0"] and counts[3][:3] == ["Sometimes", "0", "2"]
    assert row_of(tables, "1.i Providing")[1] == "Not yet (Sometimes)"
    assert any("in brackets, the last round's (Spring 2025)" in p for p in paragraphs)
    # The last round alone can be exported too, with nothing before it to compare.
    older = await export(sessions, own_content, "Oak Tree School", "Spring 2025", "json", tmp_path)
    data = older.read_text("utf-8")
    assert '"name": "Spring 2025"' in data and "Autumn 2025" not in data
    assert data.count('"partner": "Parent carer') == 2 + 2  # two responses, two partners


async def test_web_page_is_self_contained_and_says_the_same(
    sessions: SessionFactory, own_content: Content, tmp_path: Path
) -> None:
    await a_round(sessions)
    path = await export(sessions, own_content, "Oak Tree School", None, ExportFormat.HTML, tmp_path)
    page = path.read_text("utf-8")
    assert page.count('src="data:image/png;base64,') == 2
    assert "http://" not in page and "https://" not in page  # nothing fetched from elsewhere
    assert page.count('<span class="own">our own indicator</span>') == 1
    assert f"“{OFFICE}”".replace("'", "&#39;") in page
    assert '<p class="flag">The voices differ here' in page
    assert "<h4>Other things partners said about this</h4>" in page
    assert "3 of 130 of the tool's indicators have evidence" in page
