"""Invite links made in the chat: for whom, how long, how many; a QR code for posters; revoking.

`/invite parent-carer 14d 30` makes one at once; `/invite` or `/invite parent-carer` asks with
buttons. The token is shown once, in the link and its QR code; only its hash is stored.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta

import segno

from bot.dialogues.coordinator_turn import CoordinatorTurn
from bot.dialogues.replies import Attachment, AttachmentKind, Button, Reply
from bot.state import coordination, invites
from bot.state.invites import Role
from bot.state.models import Invite

MAX_DAYS = 365
MAX_USES = 10_000
DAY_CHOICES = (7, 30, 90, 0)  # 0: no end date
USE_CHOICES = (1, 30, 100, 0)  # 0: no limit
DEFAULTS = {Role.COORDINATOR: (7, 1)}  # a colleague's link: one person, one week
PARTNER_DEFAULTS = (30, 0)
LISTED = 20  # invites with a revoke button; more are rare, and /invite makes new ones

# What people call each role, typed after /invite: "parents", "young people", "staff" …
ROLE_WORDS = {
    Role.PARENT_CARER: ("parent-carer", "parent-carers", "parent", "parents", "carer", "carers"),
    Role.YOUNG_PERSON: ("young-person", "young-people", "young", "yp", "pupil", "pupils"),
    Role.PRACTITIONER: ("practitioner", "practitioners", "staff"),
    Role.COORDINATOR: ("coordinator", "coordinators", "co-ordinator", "co-ordinators"),
}
WHO = {
    Role.PARENT_CARER: "coordinator.roles.parent_carers",
    Role.YOUNG_PERSON: "coordinator.roles.young_people",
    Role.PRACTITIONER: "coordinator.roles.practitioners",
    Role.COORDINATOR: "coordinator.roles.coordinators",
}
_DAYS = re.compile(r"^(\d{1,4})\s*(d|days?|w|weeks?)$")
_NEVER = {"never", "forever", "no-end", "noend"}
_UNLIMITED = {"unlimited", "any", "nolimit", "no-limit", "all"}


class BadOption(ValueError):
    """A word after the role that is neither a time (14d, 2w, never) nor a number of uses."""


def parse_role(words: str) -> Role | None:
    wanted = "-".join(words.lower().split())
    for role, names in ROLE_WORDS.items():
        if wanted in names:
            return role
    return None


def parse_limits(words: list[str]) -> tuple[int | None, int | None]:
    """(days, uses) given, 0 meaning no limit, None meaning not said."""
    days: int | None = None
    uses: int | None = None
    for word in (w.lower() for w in words):
        match = _DAYS.match(word)
        if match:
            days = int(match[1]) * (7 if match[2].startswith("w") else 1)
        elif word in _NEVER:
            days = 0
        elif word.isdigit():
            uses = int(word)
        elif word in _UNLIMITED:
            uses = 0
        else:
            raise BadOption(word)
    return days, uses


async def invite(turn: CoordinatorTurn, argument: str | None) -> None:
    words = (argument or "").split()
    if not words:
        turn.start("invite")
        turn.reply(await ask_role(turn))
        return
    # A role is one word or two ("young people"); what follows it are the limits.
    found = [(r, n) for n in (2, 1) if (r := parse_role(" ".join(words[:n]))) is not None]
    if not found:
        turn.start("cancel")
        turn.say("coordinator.invite.unknown_role", role=words[0][:40])
        return
    role, size = found[0]
    try:
        days, uses = parse_limits(words[size:])
    except BadOption as error:
        turn.start("cancel")
        turn.say("coordinator.invite.bad_option", word=str(error)[:40])
        return
    if (days or 0) > MAX_DAYS or (uses or 0) > MAX_USES:
        turn.start("cancel")
        turn.say("coordinator.invite.too_much", days=MAX_DAYS, uses=MAX_USES)
        return
    default_days, default_uses = DEFAULTS.get(role, PARTNER_DEFAULTS)
    if days is None and uses is None:
        turn.start("invite")
        turn.move("choose_limits", role=role.value, days=default_days, uses=default_uses)
        turn.reply(await ask_limits(turn))
        return
    turn.start("cancel")
    await make(turn, role, default_days if days is None else days, 0 if uses is None else uses)


async def ask_role(turn: CoordinatorTurn) -> Reply:
    rows = tuple((turn.button(turn.text(WHO[role]), "role", role.value),) for role in Role)
    return Reply(turn.text("coordinator.invite.ask_role"), (*rows, *turn.cancel_row()))


async def pick_role(turn: CoordinatorTurn, argument: str | None) -> bool:
    if argument not in {r.value for r in Role}:
        return False
    role = Role(argument)
    days, uses = DEFAULTS.get(role, PARTNER_DEFAULTS)
    turn.outcome.chosen = turn.text(WHO[role])
    turn.move("choose_limits", role=role.value, days=days, uses=uses)
    turn.reply(await ask_limits(turn))
    return True


async def ask_limits(turn: CoordinatorTurn) -> Reply:
    days, uses = int(turn.position["days"]), int(turn.position["uses"])

    def mark(chosen: bool, label: str) -> str:
        return f"✓ {label}" if chosen else label

    day_buttons = tuple(
        turn.button(mark(d == days, _days_label(turn, d)), "days", d) for d in DAY_CHOICES
    )
    use_buttons = tuple(
        turn.button(mark(u == uses, _uses_label(turn, u)), "uses", u) for u in USE_CHOICES
    )
    role = Role(turn.position["role"])
    return Reply(
        turn.text(
            "coordinator.invite.ask_limits",
            who=turn.text(WHO[role]),
            limits=limits(turn, days, uses),
        ),
        (
            day_buttons[:2],
            day_buttons[2:],
            use_buttons[:2],
            use_buttons[2:],
            (turn.button(turn.text("coordinator.buttons.make_link"), "make"),),
            *turn.cancel_row(),
        ),
    )


async def set_days(turn: CoordinatorTurn, argument: str | None) -> bool:
    if argument is None or not argument.isdigit() or int(argument) not in DAY_CHOICES:
        return False
    turn.reposition(days=int(argument))
    turn.outcome.update_source = await ask_limits(turn)
    return True


async def set_uses(turn: CoordinatorTurn, argument: str | None) -> bool:
    if argument is None or not argument.isdigit() or int(argument) not in USE_CHOICES:
        return False
    turn.reposition(uses=int(argument))
    turn.outcome.update_source = await ask_limits(turn)
    return True


async def make_chosen(turn: CoordinatorTurn, _: str | None) -> bool:
    position = turn.position
    turn.outcome.chosen = turn.text("coordinator.buttons.make_link")
    turn.move("done")
    await make(turn, Role(position["role"]), int(position["days"]), int(position["uses"]))
    return True


async def make(turn: CoordinatorTurn, role: Role, days: int, uses: int) -> None:
    issued = await invites.issue_invite(
        turn.session,
        turn.organisation.id,
        role,
        expires_in=timedelta(days=days) if days else None,
        max_uses=uses or None,
    )
    link = turn.invite_link(issued.token)
    turn.audit("invite.created", invite_id=issued.invite.id, role=role.value, days=days, uses=uses)
    caption = turn.text(
        "coordinator.invite.made",
        who=turn.text(WHO[role]),
        link=link,
        limits=limits(turn, days, uses),
        keep=turn.text(
            "coordinator.invite.keep_private"
            if role is Role.COORDINATOR
            else "coordinator.invite.for_posters"
        ),
    )
    picture = Attachment(AttachmentKind.PHOTO, f"invite-{role.value}.png", qr_png(link))
    turn.reply(Reply(caption, attachment=picture))


def qr_png(link: str) -> bytes:
    """A QR code of the link, large enough to print on a poster."""
    out = io.BytesIO()
    segno.make(link, error="m").save(out, kind="png", scale=10, border=4)
    return out.getvalue()


def limits(turn: CoordinatorTurn, days: int, uses: int) -> str:
    return turn.text(
        "coordinator.invite.limits",
        until=turn.text("coordinator.invite.for_days", days=days)
        if days
        else turn.text("coordinator.invite.no_end"),
        uses=_uses_words(turn, uses),
    )


def _uses_words(turn: CoordinatorTurn, uses: int) -> str:
    if not uses:
        return turn.text("coordinator.invite.anyone")
    if uses == 1:
        return turn.text("coordinator.invite.one_person")
    return turn.text("coordinator.invite.up_to", uses=uses)


def _days_label(turn: CoordinatorTurn, days: int) -> str:
    if not days:
        return turn.text("coordinator.buttons.no_end")
    return turn.text("coordinator.buttons.days", days=days)


def _uses_label(turn: CoordinatorTurn, uses: int) -> str:
    if not uses:
        return turn.text("coordinator.buttons.no_limit")
    if uses == 1:
        return turn.text("coordinator.buttons.one_person")
    return turn.text("coordinator.buttons.people", uses=uses)


# ---- the open invites, to revoke ------------------------------------------------------------


async def list_invites(turn: CoordinatorTurn, _: str | None) -> None:
    turn.start("list_invites")
    turn.reply(await invites_question(turn))


async def invites_question(turn: CoordinatorTurn) -> Reply:
    open_ones = (await coordination.open_invites(turn.session, turn.organisation.id))[:LISTED]
    if not open_ones:
        return Reply(turn.text("coordinator.invites.none"))
    lines = [_describe(turn, invite) for invite in open_ones]
    buttons = tuple(
        (
            turn.button(
                turn.text(
                    "coordinator.buttons.revoke", number=i.id, who=turn.text(WHO[Role(i.role)])
                ),
                "revoke",
                i.id,
            ),
        )
        for i in open_ones
    )
    done: tuple[Button, ...] = (turn.button(turn.text("coordinator.buttons.done"), "x"),)
    return Reply(turn.text("coordinator.invites.list", lines="\n".join(lines)), (*buttons, done))


def _describe(turn: CoordinatorTurn, invite: Invite) -> str:
    return turn.text(
        "coordinator.invites.line",
        number=invite.id,
        who=turn.text(WHO[Role(invite.role)]),
        made=turn.day(invite.created_at),
        used=turn.text("coordinator.invites.used_of", used=invite.uses, most=invite.max_uses)
        if invite.max_uses is not None
        else turn.text("coordinator.invites.used", used=invite.uses),
        until=turn.text("coordinator.invites.until", date=turn.day(invite.expires_at))
        if invite.expires_at
        else turn.text("coordinator.invite.no_end"),
    )


async def revoke(turn: CoordinatorTurn, argument: str | None) -> bool:
    if argument is None or not argument.isdigit():
        return False
    if not await invites.revoke_invite(turn.session, int(argument), turn.organisation.id):
        return False  # not this organisation's, or revoked already
    turn.audit("invite.revoked", invite_id=int(argument))
    turn.outcome.acknowledge = turn.text("coordinator.invites.revoked", number=int(argument))
    turn.outcome.update_source = await invites_question(turn)
    return True
