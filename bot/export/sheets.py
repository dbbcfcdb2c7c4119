"""The data exports' sheets: name, columns and rows, shared by XLSX, CSV and JSON.

SCHEMA.md documents these columns; a change here is a change of `SCHEMA_VERSION`.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from sqlalchemy import distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.content import Framework
from bot.export import rows
from bot.export.rows import Reading, Values
from bot.export.scope import scoped, took_part
from bot.state.database import SessionFactory
from bot.state.models import Evidence, EvidenceIndicator, Partner
from bot.state.models import Rating as StoredRating

SCHEMA_VERSION = "1.0"

RowSource = Callable[[AsyncSession, Reading], AsyncIterator[Values]]


@dataclass(frozen=True)
class Sheet:
    title: str  # the XLSX sheet: "Evidence–indicators"
    key: str  # the JSON member and CSV file: "evidence_indicators"
    fixed: tuple[str, ...]  # the columns every export of the sheet has
    rows: RowSource
    per_statement: bool = False  # then a column per statement follows: "1.i" … "4.iv"

    def columns(self, framework: Framework) -> tuple[str, ...]:
        if not self.per_statement:
            return self.fixed
        return self.fixed + tuple(statement.id for statement in framework.statements)


SHEETS = (
    Sheet("Responses", "responses", ("partner", "role"), rows.responses, per_statement=True),
    Sheet(
        "Evidence",
        "evidence",
        (
            "reference",
            "partner",
            "role",
            "statement",
            "purpose",
            "kind",
            "text",
            "media_file",
            "created_at",
            "edited_at",
        ),
        rows.evidence,
    ),
    Sheet(
        "Evidence–indicators",
        "evidence_indicators",
        ("evidence", "indicator", "statement", "own_indicator"),  # its words: in Coverage
        rows.evidence_indicators,
    ),
    Sheet(
        "Coverage",
        "coverage",
        (
            "cornerstone",
            "statement",
            "indicator",
            "letter",
            "own_indicator",
            "indicator_text",
            "evidence",
            "partners",
            "parent_carer_evidence",
            "young_person_evidence",
            "practitioner_evidence",
        ),
        rows.coverage,
    ),
    Sheet(
        "Partners",
        "partners",
        (
            "partner",
            "role",
            "progress",
            "statements_rated",
            "examples",
            "notes",
            "started_at",
            "finished_at",
        ),
        rows.partners,
    ),
)


@contextlib.asynccontextmanager
async def sheet_rows(
    sessions: SessionFactory, sheet: Sheet, reading: Reading
) -> AsyncIterator[AsyncIterator[Values]]:
    """A sheet's rows, read in a session of their own that closes with the block."""
    async with sessions() as session:
        yield sheet.rows(session, reading)


async def row_count(sessions: SessionFactory, reading: Reading) -> int:
    """How many rows all the sheets hold, counted by the database, for the progress bar."""
    scope = reading.scope
    async with sessions() as session:
        responses = await session.scalar(
            scoped(select(func.count(distinct(StoredRating.partner_id))), StoredRating, scope)
        )
        evidence = await session.scalar(scoped(select(func.count()), Evidence, scope))
        links = await session.scalar(
            scoped(select(func.count()), Evidence, scope).join(
                EvidenceIndicator, EvidenceIndicator.evidence_id == Evidence.id
            )
        )
        partners = await session.scalar(select(func.count(Partner.id)).where(took_part(scope)))
    indicators = len(reading.framework.indicators)
    return sum(n or 0 for n in (responses, evidence, links, partners)) + indicators
