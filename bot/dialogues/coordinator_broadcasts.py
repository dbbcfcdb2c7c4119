"""Handing a message for many partners to the outbox, and telling the co-ordinator when it goes.

The outbox sends it (and holds it through the organisation's quiet hours); here we only say,
in the co-ordinator's words, how many it will reach and whether it waits for the morning.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from bot.dialogues.coordinator_turn import CoordinatorTurn
from bot.dialogues.replies import Reply
from bot.state import outbox
from bot.state.models import Broadcast

# Sooner than this is "now": the worker picks a due broadcast up within seconds.
NOW = timedelta(minutes=1)


async def broadcast(
    turn: CoordinatorTurn,
    round_id: int,
    kind: str,
    partner_ids: Sequence[int],
    reply: Reply,
    prompt_id: int | None = None,
    audience: str | None = None,
) -> Broadcast | None:
    """Queue `reply` for each partner; None when there is nobody to send it to."""
    if not partner_ids:
        return None
    return await outbox.enqueue_broadcast(
        turn.session,
        organisation=turn.organisation,
        round_id=round_id,
        kind=kind,
        coordinator_id=turn.coordinator.id,
        partner_ids=list(partner_ids),
        reply=reply,
        prompt_id=prompt_id,
        now=turn.now(),
        audience=audience,
    )


def when_it_would_go(turn: CoordinatorTurn) -> str:
    """For a preview: an empty string now, or when the quiet hours end."""
    now = turn.now()
    at = outbox.next_sending_time(turn.organisation, now)
    if at <= now + NOW:
        return ""
    return turn.text("coordinator.sending.quiet_now", time=turn.local(at))


def going_out(turn: CoordinatorTurn, sent: Broadcast | None, count: int) -> str:
    """After queueing: how many, and when."""
    if sent is None or not count:
        return turn.text("coordinator.sending.nobody")
    if sent.scheduled_for > turn.now() + NOW:
        return turn.text(
            "coordinator.sending.later", count=count, time=turn.local(sent.scheduled_for)
        )
    return turn.text("coordinator.sending.now", count=count)
