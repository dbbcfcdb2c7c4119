"""The completed tool as a Word document (python-docx): the same model the HTML page renders."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from bot.export.completed_tool import (
    CompletedTool,
    FrontPage,
    StatementPage,
    day,
    rating_rows,
    voice_headings,
)
from bot.export.evidence import Quote
from bot.export.media import KIND_WORDS
from bot.export.voices import VOICE_WORDS, VOICES

MUTED = RGBColor(0x5C, 0x5C, 0x66)
FLAG = RGBColor(0x9A, 0x34, 0x12)
BAND = "EEF2F8"
CHART_WIDTH = Cm(16)


async def write_docx(
    tool: CompletedTool, path: Path, with_media: bool, advance: Callable[[int], None]
) -> None:
    document = Document()
    _page_setup(document, f"{tool.front.organisation} · {tool.front.round.name}")
    _front_page(document, tool.front)
    async for page in tool.pages(advance):
        _statement(document, page, tool, with_media)
    notes = await tool.general_notes()
    if notes:
        document.add_heading("Other things partners said", level=1)
        for quote in notes:
            _quote(document.add_paragraph(), quote, with_media)
    document.save(str(path))


def _front_page(document: DocumentObject, front: FrontPage) -> None:
    _muted(
        document.add_paragraph(),
        "The Four Cornerstones Approach to Co-production · Self-Evaluation Tool",
    )
    document.add_heading(front.organisation, level=0)
    closed = (
        f"closed {day(front.day(front.round.closed_at))}" if front.round.closed_at else "still open"
    )
    document.add_paragraph(
        f"Round {front.round.name}: opened {day(front.day(front.round.opened_at))}, {closed}. "
        f"Exported {day(front.day(front.generated_at))}."
    )
    document.add_heading("Who took part", level=1)
    rows = [[VOICE_WORDS[v], str(front.participants.get(v, 0))] for v in VOICES]
    _table(
        document,
        ["Partners", "Took part"],
        [*rows, ["All partners", str(sum(front.participants.values()))]],
    )

    document.add_heading("Evidence coverage", level=1)
    coverage = front.coverage
    own = coverage.own.total > 0
    summary = f"{coverage.printed} of the tool's indicators have evidence from partners"
    if own:
        summary += f", and {coverage.own} of {front.organisation}'s own indicators"
    document.add_paragraph(summary + ".")
    heading = ["Cornerstone", "The tool's indicators", *(["Our own"] if own else [])]
    rows = [
        [
            f"{c.cornerstone.id}. {c.cornerstone.name}",
            str(c.printed),
            *([str(c.own)] if own else []),
        ]
        for c in coverage.cornerstones
    ]
    total = ["All four cornerstones", str(coverage.printed), *([str(coverage.own)] if own else [])]
    _table(document, heading, [*rows, total])
    document.add_heading("Next steps: the statements with least evidence", level=2)
    next_steps = coverage.next_steps()
    if not next_steps:
        document.add_paragraph(
            "Every indicator has evidence. Look at the quality of that evidence."
        )
    for step in next_steps:
        item = document.add_paragraph(style="List Number")
        item.add_run(step.statement.id + " ").bold = True
        item.add_run(step.statement.title + " ")
        _muted(item, f"({step.indicators} indicators have evidence)")

    document.add_heading("Ratings at a glance", level=1)
    before = f"; in brackets, the last round's ({front.previous.name})" if front.previous else ""
    _muted(
        document.add_paragraph(),
        f"Each voice's most common answer{before}. A statement is flagged where two voices' most "
        "common answers are two or more steps apart on the scale Always, Mostly, Sometimes, Not "
        "yet (Not sure is left out; a voice needs two answers to count).",
    )
    glance_rows = []
    for g in front.glance:
        cells = [
            now + (f" ({earlier})" if (earlier := g.earlier(n)) else "")
            for n, now in enumerate(g.now)
        ]
        glance_rows.append(
            [f"{g.statement.id} {g.statement.title}", *cells, "Yes" if g.differ else ""]
        )
    _table(document, ["Statement", *voice_headings(), "Voices differ"], glance_rows)
    _muted(
        document.add_paragraph(),
        "Partners are named here only by pseudonym and role (“Parent carer 12”). E-mail "
        "addresses, phone numbers and @handles in what they wrote have been removed. Evidence "
        "references (E42) match the data exports.",
    )


def _statement(
    document: DocumentObject, page: StatementPage, tool: CompletedTool, with_media: bool
) -> None:
    if page.starts_cornerstone():
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        document.add_heading(f"{page.cornerstone.id}. {page.cornerstone.name}", level=1)
        document.add_paragraph().add_run(page.cornerstone.heading).italic = True
    statement = page.statement
    document.add_heading(f"{statement.id}  {statement.title}", level=2)
    document.add_paragraph().add_run(statement.meaning).italic = True
    document.add_heading("How partners rated this", level=3)
    if page.rated:
        _ratings(document, page, tool)
    else:
        _muted(document.add_paragraph(), "Nobody has rated this statement yet.")
    if page.flag:
        run = document.add_paragraph().add_run(page.flag)
        run.bold = True
        run.font.color.rgb = FLAG
    _evidence(document, page, with_media)


def _ratings(document: DocumentObject, page: StatementPage, tool: CompletedTool) -> None:
    previous = tool.front.previous
    heading = ["Answer"]
    for voice in voice_headings():
        heading += (
            [f"{voice} now", f"{voice}, {previous.name}"] if previous and page.previous else [voice]
        )
    _table(document, heading, rating_rows(page, tool.words), bold_last=True)
    if page.chart_png is not None:
        document.add_picture(io.BytesIO(page.chart_png), width=CHART_WIDTH)


def _evidence(document: DocumentObject, page: StatementPage, with_media: bool) -> None:
    table = _table(document, ["Indicators", "Evidence from partners"], [])
    for indicator, quotes in page.indicators:
        left, right = _new_row(table)
        paragraph = left.paragraphs[0]
        paragraph.add_run(f"{indicator.letter}. ").bold = True
        paragraph.add_run(indicator.text)
        if indicator.own:
            own = paragraph.add_run("  (our own indicator)")
            own.italic = True
            own.font.color.rgb = MUTED
        if not quotes:
            none = right.paragraphs[0].add_run("No evidence yet")
            none.italic = True
            none.font.color.rgb = MUTED
        for n, quote in enumerate(quotes):
            _quote(right.paragraphs[0] if n == 0 else right.add_paragraph(), quote, with_media)
    _widths(table, [Cm(7), Cm(10)])
    if page.other:
        document.add_heading("Other things partners said about this", level=3)
        for quote in page.other:
            _quote(document.add_paragraph(), quote, with_media)


def _quote(paragraph: Paragraph, quote: Quote, with_media: bool) -> None:
    if quote.text:
        paragraph.add_run(f"“{quote.text}”")
    if quote.kind != "text":
        kind = KIND_WORDS.get(quote.kind, quote.kind)
        where = (
            f": {quote.media}"
            if with_media and quote.media
            else " (the file is not in this export)"
        )
        if quote.text:
            paragraph.add_run().add_break()
        paragraph.add_run(kind + where).italic = True
    paragraph.add_run().add_break()
    note = " · a note" if quote.purpose == "note" else ""
    attribution = paragraph.add_run(
        f"{quote.partner}, {day(quote.said_on)}{note} · {quote.reference}"
    )
    attribution.font.size = Pt(8)
    attribution.font.color.rgb = MUTED
    paragraph.paragraph_format.space_after = Pt(6)


def _table(
    document: DocumentObject,
    heading: Sequence[str],
    rows: Sequence[Sequence[str]],
    bold_last: bool = False,
) -> Table:
    table: Table = document.add_table(rows=1, cols=len(heading))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, heading, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
        _shade(cell)
    _repeat_as_header(table)
    for n, values in enumerate(rows):
        for cell, text in zip(_new_row(table), values, strict=True):
            cell.paragraphs[0].add_run(text).bold = bold_last and n == len(rows) - 1
    return table


def _new_row(table: Table) -> tuple[_Cell, ...]:
    row = table.add_row()  # type: ignore[no-untyped-call]  # unannotated in python-docx
    return tuple(row.cells)


def _muted(paragraph: Paragraph, text: str) -> None:
    run = paragraph.add_run(text)
    run.font.size = Pt(9)
    run.font.color.rgb = MUTED


def _shade(cell: _Cell) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:fill"), BAND)
    cell._tc.get_or_add_tcPr().append(shading)


def _repeat_as_header(table: Table) -> None:
    # A long table broken over pages shows its heading again on each.
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(marker)


def _widths(table: Table, widths: Sequence[Length]) -> None:
    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _page_setup(document: DocumentObject, running_title: str) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin = section.bottom_margin = Cm(1.8)
    document.styles["Normal"].font.size = Pt(10)
    footer = section.footer.paragraphs[0]
    _muted(footer, running_title + " · page ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    footer._p.append(field)
