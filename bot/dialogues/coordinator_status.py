"""/status: live figures for a round, as a short message and a chart. Counts only, never a person.

Indicator coverage is measured as the export measures it (`bot.export.coverage`), so the chat
and the documents never disagree about how much of the tool has evidence.
"""

from __future__ import annotations

import asyncio

from bot.dialogues.coordinator_chart import Bars, ChartWords, CoverageBar, status_chart
from bot.dialogues.coordinator_rounds import find_round
from bot.dialogues.coordinator_turn import CoordinatorTurn
from bot.dialogues.replies import Attachment, AttachmentKind, Reply
from bot.export.coverage import Coverage, Share, coverage
from bot.state import coordination
from bot.state.coordination import ROLES, Figures
from bot.state.models import Round

ROLE_KEYS = {
    "parent-carer": "coordinator.reach.parent_carers",
    "young-person": "coordinator.reach.young_people",
    "practitioner": "coordinator.reach.practitioners",
}


async def status(turn: CoordinatorTurn, argument: str | None) -> None:
    round_ = await find_round(turn, argument)
    if round_ is None:
        return
    figures = await coordination.round_figures(turn.session, turn.organisation.id, round_.id)
    # The export's measure, fed with this round's evidenced indicators (one piece is enough).
    covered = coverage(turn.framework, dict.fromkeys(figures.indicators, (1, 1)))
    figures_text = turn.text(
        "coordinator.status.figures", **_values(turn, round_, figures, covered)
    )
    turn.outcome.say(figures_text.strip())
    # Drawing takes a moment of CPU: off the event loop, so other people's chats keep moving.
    chart = await asyncio.to_thread(
        status_chart,
        ChartWords(
            title=turn.text("coordinator.status.chart_people"),
            series=(
                turn.text("coordinator.status.joined"),
                turn.text("coordinator.status.started"),
                turn.text("coordinator.status.finished"),
            ),
            coverage=turn.text("coordinator.status.chart_evidence"),
        ),
        [
            Bars(turn.text(ROLE_KEYS[role.value]), _role_values(figures, role.value))
            for role in ROLES
        ],
        [
            CoverageBar(
                c.cornerstone.name,
                c.printed.evidenced,
                c.printed.total,
                turn.text(
                    "coordinator.status.of", evidenced=c.printed.evidenced, total=c.printed.total
                ),
            )
            for c in covered.cornerstones
        ],
    )
    turn.reply(
        Reply(
            turn.text("coordinator.status.chart_caption", round=round_.name),
            attachment=Attachment(AttachmentKind.PHOTO, "status.png", chart),
        )
    )


def _role_values(figures: Figures, role: str) -> tuple[int, int, int]:
    found = figures.by_role.get(role)
    return (found.joined, found.started, found.finished) if found else (0, 0, 0)


def _values(
    turn: CoordinatorTurn, round_: Round, figures: Figures, covered: Coverage
) -> dict[str, object]:
    roles = "\n".join(
        turn.text(
            "coordinator.status.role",
            who=turn.text(ROLE_KEYS[role.value]),
            joined=joined,
            started=started,
            finished=finished,
        )
        for role in ROLES
        for joined, started, finished in [_role_values(figures, role.value)]
    )
    cornerstones = "\n".join(
        turn.text(
            "coordinator.status.cornerstone",
            cornerstone=c.cornerstone.name,
            evidenced=c.printed.evidenced,
            total=c.printed.total,
            own=_own(turn, c.own),
        )
        for c in covered.cornerstones
    )
    return {
        "round": round_.name,
        "state": turn.text("coordinator.status.open")
        if round_.closed_at is None
        else turn.text("coordinator.status.closed", date=turn.day(round_.closed_at)),
        "joined": sum(f.joined for f in figures.by_role.values()),
        "roles": roles,
        "answers": figures.answers,
        "statements": figures.statements_answered,
        "total_statements": len(turn.framework.statements),
        "evidence": figures.evidence,
        "evidenced": covered.printed.evidenced,
        "indicators": covered.printed.total,
        "own": _own(turn, covered.own),
        "cornerstones": cornerstones,
        "unreachable": turn.text("coordinator.status.unreachable", count=figures.unreachable)
        if figures.unreachable
        else "",
    }


def _own(turn: CoordinatorTurn, own: Share) -> str:
    """The organisation's own indicators, after the tool's: nothing when it has none."""
    if not own.total:
        return ""
    return " " + turn.text("coordinator.status.own", evidenced=own.evidenced, total=own.total)
