"""A partner's journey through the Cornerstones, as one shared state machine.

Only the state's name and the position (statement, page, evidence in hand) are stored; the machine
is built once and decides which moves are legal. The handlers in `steps.py` and `commands.py`
choose a trigger; `advance` applies it or raises `machines.IllegalMove`. `reflection.mmd`
beside this file is drawn from the same table
(`python -m bot.dialogues.reflection > bot/dialogues/reflection.mmd`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from bot.dialogues.machines import SharedMachine


class Step(StrEnum):
    CONSENT = "consent"  # the privacy note, waiting for yes / tell me more / no
    RATING = "rating"  # the statement's plain question, waiting for a rating
    EXAMPLE = "example"  # "tell us about a time…", waiting for words, a voice note, a photo…
    INDICATORS = "indicators"  # which indicators the example shows (multi-select, paged)
    OTHER_STATEMENT = "other_statement"  # the example fits another statement too: which?
    MORE = "more"  # another example, or move on?
    REVIEW = "review"  # their answers so far, to pick one to look at
    REVIEW_STATEMENT = "review_statement"  # one earlier statement: change rating, add example
    PAUSED = "paused"
    CONFIRM_FORGET = "confirm_forget"
    PROMPT_REPLY = "prompt_reply"  # a co-ordinator's question arrived: the next words answer it
    RECONSENT = "reconsent"  # the privacy note changed: are they still happy to go on?
    FINISHED = "finished"


# Where a partner can be while working through the statements; /pause, /review and /forget
# remember one of these and go back to it.
JOURNEY = (
    Step.RATING,
    Step.EXAMPLE,
    Step.INDICATORS,
    Step.OTHER_STATEMENT,
    Step.MORE,
    Step.FINISHED,
)
ASIDES = (
    Step.PAUSED,
    Step.CONFIRM_FORGET,
    Step.REVIEW,
    Step.REVIEW_STATEMENT,
    Step.PROMPT_REPLY,
    Step.RECONSENT,
)
# Asides that can be interrupted by another (a prompt arriving during a review, say).
INTERRUPTIBLE = (*JOURNEY, Step.PAUSED, Step.REVIEW, Step.REVIEW_STATEMENT, Step.PROMPT_REPLY)
WORKING = (Step.RATING, Step.EXAMPLE, Step.INDICATORS, Step.OTHER_STATEMENT, Step.MORE)

TRANSITIONS: list[dict[str, Any]] = [
    {"trigger": "consent", "source": Step.CONSENT, "dest": Step.RATING},
    # One statement: rate it, give examples, tie each to indicators.
    {"trigger": "rate", "source": Step.RATING, "dest": Step.EXAMPLE},
    {"trigger": "give_example", "source": [Step.EXAMPLE, Step.MORE], "dest": Step.INDICATORS},
    {"trigger": "fits_another", "source": Step.INDICATORS, "dest": Step.OTHER_STATEMENT},
    {"trigger": "pick_statement", "source": Step.OTHER_STATEMENT, "dest": Step.INDICATORS},
    {"trigger": "tied", "source": [Step.INDICATORS, Step.OTHER_STATEMENT], "dest": Step.MORE},
    {"trigger": "another_example", "source": Step.MORE, "dest": Step.EXAMPLE},
    {"trigger": "next_statement", "source": WORKING, "dest": Step.RATING},
    {"trigger": "finish", "source": WORKING, "dest": Step.FINISHED},
    {"trigger": "back", "source": [*WORKING, Step.FINISHED], "dest": Step.RATING},
    {"trigger": "jump", "source": [*WORKING, Step.FINISHED], "dest": Step.RATING},
    # Looking back at earlier answers.
    {
        "trigger": "review",
        "source": [*JOURNEY, Step.REVIEW_STATEMENT, Step.PAUSED, Step.PROMPT_REPLY],
        "dest": Step.REVIEW,
    },
    {"trigger": "open_statement", "source": Step.REVIEW, "dest": Step.REVIEW_STATEMENT},
    {"trigger": "change_rating", "source": Step.REVIEW_STATEMENT, "dest": Step.RATING},
    {"trigger": "add_example", "source": Step.REVIEW_STATEMENT, "dest": Step.EXAMPLE},
    {"trigger": "reviewed", "source": WORKING, "dest": Step.REVIEW_STATEMENT},
    # Stepping aside and coming back exactly where they were.
    {
        "trigger": "pause",
        "source": [*JOURNEY, Step.REVIEW, Step.REVIEW_STATEMENT, Step.PROMPT_REPLY],
        "dest": Step.PAUSED,
    },
    {"trigger": "forget", "source": [*JOURNEY, *ASIDES], "dest": Step.CONFIRM_FORGET},
    # A co-ordinator's prompt: answered with words, then (if tied to a statement) indicators.
    {"trigger": "prompt", "source": INTERRUPTIBLE, "dest": Step.PROMPT_REPLY},
    {"trigger": "answer_prompt", "source": Step.PROMPT_REPLY, "dest": Step.INDICATORS},
    {"trigger": "ask_consent_again", "source": INTERRUPTIBLE, "dest": Step.RECONSENT},
    *(
        # Indicators chosen for a prompt's answer also return to where the partner was.
        {
            "trigger": f"return_to_{step.value}",
            "source": [*ASIDES, Step.INDICATORS, Step.OTHER_STATEMENT],
            "dest": step,
        }
        for step in (*INTERRUPTIBLE, Step.RECONSENT)
    ),
]


MACHINE = SharedMachine(Step, TRANSITIONS, Step.CONSENT)


def advance(current: Step, trigger: str) -> Step:
    return MACHINE.advance(current, trigger)


def allowed(current: Step, trigger: str) -> bool:
    return MACHINE.allowed(current, trigger)


def mermaid() -> str:
    """The journey as a Mermaid state diagram, drawn from TRANSITIONS."""
    lines = ["stateDiagram-v2", "    [*] --> consent: /start with an invite"]
    for transition in TRANSITIONS:
        sources = transition["source"]
        for source in sources if isinstance(sources, list | tuple) else [sources]:
            lines.append(
                f"    {source.value} --> {transition['dest'].value}: {transition['trigger']}"
            )
    lines.append("    consent --> [*]: no thanks (nothing kept)")
    lines.append("    confirm_forget --> [*]: erase everything")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(mermaid(), end="")
