"""A co-ordinator's conversation, as one shared state machine (the partner journey's pattern).

A co-ordinator is mostly at `idle`: each command either answers at once (/status, /rounds) and
leaves any errand in hand as it was, or starts a short errand (name a round, write a prompt,
choose an invite's limits) that ends back at `idle`. Starting one puts down the one in hand, so
every errand can be left from any stage. Only the stage's name, the position (the draft in
hand) and the step number live in the `coordinators` row. `coordinator.mmd` beside this file
is drawn from the same table (`python -m bot.dialogues.coordinator > …/coordinator.mmd`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from bot.dialogues.machines import SharedMachine


class Stage(StrEnum):
    IDLE = "idle"
    NAMING_ROUND = "naming_round"  # /newround: what is the new round called?
    CONFIRM_ROUND = "confirm_round"  # open it (closing the last), and ask partners back?
    CONFIRM_CLOSE = "confirm_close"  # /closeround: really close it?
    INVITE_ROLE = "invite_role"  # /invite: for whom?
    INVITE_OPTIONS = "invite_options"  # how long it works, how many may use it
    INVITES = "invites"  # the open invites, each with a button to revoke it
    LEADS = "leads"  # the co-ordinators, each with a button to make or unmake a lead
    PROMPT_TEXT = "prompt_text"  # /prompt: the question, in the co-ordinator's words
    PROMPT_AUDIENCE = "prompt_audience"  # who it goes to
    PROMPT_STATEMENT = "prompt_statement"  # which statement replies count for, if any
    PROMPT_CONFIRM = "prompt_confirm"  # a preview, and how many it will reach
    REMIND = "remind"  # /remind: who to remind
    SCHEDULE_WHEN = "schedule_when"  # a prompt or reminder for later: when, typed
    SCHEDULE_CONFIRM = "schedule_confirm"  # that time in plain words: schedule it?
    SCHEDULED = "scheduled"  # /scheduled: the sends waiting, each with a button to stop it
    EXPORT = "export"  # /export: which format
    REPLIES = "replies"  # /replies: one prompt's replies, a page at a time
    TIE_STATEMENT = "tie_statement"  # /tie: which statement a reply counts for
    TIE_INDICATORS = "tie_indicators"  # which of its indicators the reply shows, ✓ each


# A command that starts an errand can be given at any stage: it puts down the one in hand.
# A command given with what it needs ("/newround Spring 2027") walks the same path at once.
ANYWHERE = "*"

TRANSITIONS: list[dict[str, Any]] = [
    # Rounds.
    {"trigger": "new_round", "source": ANYWHERE, "dest": Stage.NAMING_ROUND},
    {"trigger": "name_round", "source": Stage.NAMING_ROUND, "dest": Stage.CONFIRM_ROUND},
    {"trigger": "close_round", "source": ANYWHERE, "dest": Stage.CONFIRM_CLOSE},
    # Invites and colleagues.
    {"trigger": "invite", "source": ANYWHERE, "dest": Stage.INVITE_ROLE},
    {"trigger": "choose_limits", "source": Stage.INVITE_ROLE, "dest": Stage.INVITE_OPTIONS},
    {"trigger": "list_invites", "source": ANYWHERE, "dest": Stage.INVITES},
    {"trigger": "list_leads", "source": ANYWHERE, "dest": Stage.LEADS},
    # A prompt: words, audience, statement, preview.
    {"trigger": "prompt", "source": ANYWHERE, "dest": Stage.PROMPT_TEXT},
    {"trigger": "choose_audience", "source": Stage.PROMPT_TEXT, "dest": Stage.PROMPT_AUDIENCE},
    {
        "trigger": "choose_statement",
        "source": Stage.PROMPT_AUDIENCE,
        "dest": Stage.PROMPT_STATEMENT,
    },
    {
        "trigger": "preview",
        "source": [Stage.PROMPT_AUDIENCE, Stage.PROMPT_STATEMENT],
        "dest": Stage.PROMPT_CONFIRM,
    },
    {"trigger": "change_audience", "source": Stage.PROMPT_CONFIRM, "dest": Stage.PROMPT_AUDIENCE},
    # Reminders, exports, replies.
    {"trigger": "remind", "source": ANYWHERE, "dest": Stage.REMIND},
    # Sending later: from a prompt's preview, or a reminder's group; the words are kept.
    {
        "trigger": "schedule",
        "source": [Stage.PROMPT_CONFIRM, Stage.REMIND],
        "dest": Stage.SCHEDULE_WHEN,
    },
    {"trigger": "choose_time", "source": Stage.SCHEDULE_WHEN, "dest": Stage.SCHEDULE_CONFIRM},
    {"trigger": "change_time", "source": Stage.SCHEDULE_CONFIRM, "dest": Stage.SCHEDULE_WHEN},
    {"trigger": "back_to_preview", "source": Stage.SCHEDULE_WHEN, "dest": Stage.PROMPT_CONFIRM},
    {"trigger": "back_to_remind", "source": Stage.SCHEDULE_WHEN, "dest": Stage.REMIND},
    {"trigger": "list_scheduled", "source": ANYWHERE, "dest": Stage.SCHEDULED},
    {"trigger": "export", "source": ANYWHERE, "dest": Stage.EXPORT},
    {"trigger": "read_replies", "source": ANYWHERE, "dest": Stage.REPLIES},
    # Tying a reply to indicators later: straight to them when its statement is known.
    {"trigger": "tie_reply", "source": ANYWHERE, "dest": Stage.TIE_STATEMENT},
    {"trigger": "tie_reply_to_statement", "source": ANYWHERE, "dest": Stage.TIE_INDICATORS},
    {"trigger": "choose_indicators", "source": Stage.TIE_STATEMENT, "dest": Stage.TIE_INDICATORS},
    {"trigger": "other_statement", "source": Stage.TIE_INDICATORS, "dest": Stage.TIE_STATEMENT},
    # Every errand ends, done or cancelled, back at idle.
    {"trigger": "done", "source": [s for s in Stage if s is not Stage.IDLE], "dest": Stage.IDLE},
    {"trigger": "cancel", "source": ANYWHERE, "dest": Stage.IDLE},
]


MACHINE = SharedMachine(Stage, TRANSITIONS, Stage.IDLE)


def advance(current: Stage, trigger: str) -> Stage:
    return MACHINE.advance(current, trigger)


def mermaid() -> str:
    """The conversation as a Mermaid state diagram, drawn from TRANSITIONS.

    A move allowed from anywhere (a command) is drawn once, from idle, so the picture stays
    readable; so is leaving an errand, which a note says.
    """
    lines = ["stateDiagram-v2", "    [*] --> idle: /start with a co-ordinator invite"]
    for transition in TRANSITIONS:
        sources = transition["source"]
        trigger = transition["trigger"]
        if trigger == "cancel":
            continue
        if sources == ANYWHERE:
            sources, trigger = [Stage.IDLE], f"{trigger} (from any stage)"
        elif not isinstance(sources, list | tuple):
            sources = [sources]
        for source in sources:
            lines.append(f"    {source.value} --> {transition['dest'].value}: {trigger}")
    lines.append(
        "    note right of idle : /cancel, or a command starting another errand, leaves one"
    )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(mermaid(), end="")
