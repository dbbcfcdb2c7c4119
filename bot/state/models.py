"""The stored shape of Cornerstones: typed SQLAlchemy models.

A partner's chat address lives in `Contact`, apart from what they said (ratings, evidence), so
exports and queries about answers never need to touch it, and /forget removes both at once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    column,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Stable constraint names, so Alembic migrations are the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """Timestamps stored and returned in UTC, aware, on every database (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store UTC-aware times only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UtcDateTime, dict[str, Any]: JSON}


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # What the organisation calls itself to each audience ("the school"); "default" for all.
    setting_names: Mapped[dict[str, Any]] = mapped_column(default=dict)
    time_zone: Mapped[str] = mapped_column(String(64), default="Europe/London")
    # Broadcasts wait for the end of quiet hours, in the organisation's own time zone.
    quiet_from: Mapped[str] = mapped_column(String(5), default="20:00")
    quiet_until: Mapped[str] = mapped_column(String(5), default="08:00")
    reminder_every_days: Mapped[int] = mapped_column(default=7)
    # Who partners are told to contact when they write about something not being all right.
    safeguarding_contact: Mapped[str | None] = mapped_column(String(300), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def setting_name(self, audience: str) -> str:
        names = self.setting_names or {}
        return str(names.get(audience) or names.get("default") or "us")


class Round(Base):
    """One plan-do-review cycle of the self-evaluation."""

    __tablename__ = "rounds"
    __table_args__ = (Index("ix_rounds_organisation_open", "organisation_id", "closed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    # When retention removed its personal data; only RoundTally counts remain after that.
    purged_at: Mapped[datetime | None] = mapped_column(default=None)


class RoundTally(Base):
    """Anonymous counts kept for a round after its personal data is purged.

    A rating tally counts partners of one role giving one rating to one statement; an evidence
    tally counts evidence tied to one indicator (`statement_id` then holds the indicator id).
    """

    __tablename__ = "round_tallies"
    __table_args__ = (UniqueConstraint("round_id", "kind", "statement_id", "role", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # rating, evidence
    statement_id: Mapped[str] = mapped_column(String(24))
    role: Mapped[str] = mapped_column(String(32), default="")
    value: Mapped[str] = mapped_column(String(16), default="")
    count: Mapped[int] = mapped_column(default=0)


class Invite(Base):
    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex; never the token
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(default=None)
    max_uses: Mapped[int | None] = mapped_column(default=None)
    uses: Mapped[int] = mapped_column(default=0)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


class Partner(Base):
    """A parent carer, young person or practitioner taking part, known by a pseudonym."""

    __tablename__ = "partners"
    __table_args__ = (UniqueConstraint("organisation_id", "role", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(32))
    number: Mapped[int] = mapped_column(Integer)  # "Parent carer 12"
    first_name: Mapped[str | None] = mapped_column(String(64), default=None)  # greeting only
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
    consented_at: Mapped[datetime | None] = mapped_column(default=None)
    privacy_version: Mapped[str | None] = mapped_column(String(16), default=None)
    unreachable_at: Mapped[datetime | None] = mapped_column(default=None)
    last_reminded_at: Mapped[datetime | None] = mapped_column(default=None)

    contact: Mapped[Contact | None] = relationship(
        back_populates="partner", cascade="all, delete-orphan", passive_deletes=True
    )


class Contact(Base):
    """How to reach a partner: kept apart from their answers, never exported."""

    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("transport", "address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), unique=True
    )
    transport: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(64))

    partner: Mapped[Partner] = relationship(back_populates="contact")


class Coordinator(Base):
    __tablename__ = "coordinators"
    __table_args__ = (UniqueConstraint("transport", "address", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    transport: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(64))
    first_name: Mapped[str | None] = mapped_column(String(64), default=None)
    safeguarding_lead: Mapped[bool] = mapped_column(default=False)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
    unreachable_at: Mapped[datetime | None] = mapped_column(default=None)
    # The co-ordinator's own conversation: state name, position and step, as for journeys.
    state: Mapped[str] = mapped_column(String(32), default="idle")
    position: Mapped[dict[str, Any]] = mapped_column(default=dict)
    step: Mapped[int] = mapped_column(default=0)


class Journey(Base):
    """Where a partner is in one round: only the state name and position are stored."""

    __tablename__ = "journeys"
    __table_args__ = (UniqueConstraint("partner_id", "round_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(32))
    statement_id: Mapped[str | None] = mapped_column(String(16), default=None)
    # Bumped whenever the question changes, and carried in buttons: an old button is stale.
    step: Mapped[int] = mapped_column(default=0)
    position: Mapped[dict[str, Any]] = mapped_column(default=dict)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)


class Rating(Base):
    __tablename__ = "ratings"
    __table_args__ = (
        UniqueConstraint("partner_id", "round_id", "statement_id"),
        Index("ix_ratings_round_statement", "round_id", "statement_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    statement_id: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Evidence(Base):
    """Something a partner said or sent: an example, or a note kept from an off-step message."""

    __tablename__ = "evidence"
    __table_args__ = (
        Index("ix_evidence_round_statement", "round_id", "statement_id"),
        Index("ix_evidence_partner_round", "partner_id", "round_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    statement_id: Mapped[str | None] = mapped_column(String(16), default=None)
    purpose: Mapped[str] = mapped_column(String(16))  # "example" or "note"
    kind: Mapped[str] = mapped_column(String(16))  # text, voice, photo, document, video, audio
    text: Mapped[str | None] = mapped_column(Text, default=None)
    file_id: Mapped[str | None] = mapped_column(String(255), default=None)
    file_unique_id: Mapped[str | None] = mapped_column(String(64), default=None)
    mime_type: Mapped[str | None] = mapped_column(String(100), default=None)
    file_name: Mapped[str | None] = mapped_column(String(255), default=None)
    prompt_id: Mapped[int | None] = mapped_column(
        ForeignKey("prompts.id", ondelete="SET NULL"), index=True, default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(default=None)

    links: Mapped[list[EvidenceIndicator]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, lazy="raise"
    )


class Prompt(Base):
    """A co-ordinator's question to partners; replies are kept as evidence."""

    __tablename__ = "prompts"
    __table_args__ = (Index("ix_prompts_organisation_round", "organisation_id", "round_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    audience: Mapped[str] = mapped_column(String(32))  # everyone, a role, not_started, not_finished
    statement_id: Mapped[str | None] = mapped_column(String(16), default=None)
    coordinator_id: Mapped[int | None] = mapped_column(
        ForeignKey("coordinators.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Broadcast(Base):
    """One prompt or reminder to many partners, sent from the outbox and reported as it goes."""

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # prompt, reminder
    # Who it is for (a coordination.Reach): a scheduled send finds its partners by this when it
    # goes (bot/state/outbox_schedule.py).
    audience: Mapped[str | None] = mapped_column(String(32), default=None)
    prompt_id: Mapped[int | None] = mapped_column(
        ForeignKey("prompts.id", ondelete="CASCADE"), default=None
    )
    coordinator_id: Mapped[int | None] = mapped_column(
        ForeignKey("coordinators.id", ondelete="SET NULL"), default=None
    )
    # The co-ordinator's message that shows progress, edited in place (transport's own id).
    progress_message: Mapped[str | None] = mapped_column(String(64), default=None)
    total: Mapped[int] = mapped_column(default=0)
    scheduled_for: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)


class OutboxMessage(Base):
    """A message waiting to be sent, written in the same transaction as what caused it.

    A worker claims rows (SKIP LOCKED on PostgreSQL), sends, and marks them, so a broadcast
    survives a restart and reaches each partner once.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("broadcast_id", "partner_id"),
        # Claims read these in order, a few entries at a time (bot/state/outbox_claims.py).
        Index("ix_outbox_due", "status", "not_before", "id"),
        # Alerts alone: rare, and looked for ahead of a broadcast's thousands of rows. With
        # coordinator_id in it, SQLite reads it without the table and so prefers it.
        Index(
            "ix_outbox_alerts_due",
            "status",
            "not_before",
            "id",
            "coordinator_id",
            sqlite_where=column("coordinator_id").is_not(None),
            postgresql_where=column("coordinator_id").is_not(None),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    broadcast_id: Mapped[int | None] = mapped_column(
        ForeignKey("broadcasts.id", ondelete="CASCADE"), default=None
    )
    # To a partner or to a co-ordinator; the address is looked up when sending, so /forget
    # (which removes the partner) removes their waiting messages too.
    partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True, default=None
    )
    coordinator_id: Mapped[int | None] = mapped_column(
        ForeignKey("coordinators.id", ondelete="CASCADE"), index=True, default=None
    )
    purpose: Mapped[str] = mapped_column(String(16))  # prompt, reminder, alert
    text: Mapped[str] = mapped_column(Text)
    buttons: Mapped[dict[str, Any]] = mapped_column(default=dict)
    not_before: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    lease_until: Mapped[datetime | None] = mapped_column(default=None)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(String(200), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SafeguardingAlert(Base):
    """Words that matched the safeguarding lexicon: shown to leads, held back from exports."""

    __tablename__ = "safeguarding_alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    evidence_id: Mapped[int] = mapped_column(
        ForeignKey("evidence.id", ondelete="CASCADE"), unique=True
    )
    category: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="open")  # open, seen, handled
    released: Mapped[bool] = mapped_column(default=False)  # a lead let it into exports
    handled_by: Mapped[int | None] = mapped_column(
        ForeignKey("coordinators.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    handled_at: Mapped[datetime | None] = mapped_column(default=None)


class EvidenceIndicator(Base):
    """One piece of evidence may count for several indicators, across cornerstones."""

    __tablename__ = "evidence_indicators"

    evidence_id: Mapped[int] = mapped_column(
        ForeignKey("evidence.id", ondelete="CASCADE"), primary_key=True
    )
    indicator_id: Mapped[str] = mapped_column(String(24), primary_key=True, index=True)


class InboundEvent(Base):
    """The journal of events (never their words); a transport id seen twice is applied once."""

    __tablename__ = "inbound_events"
    __table_args__ = (UniqueConstraint("transport", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Whose event it was: a partner's or a co-ordinator's (their commands are applied once too).
    partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True, default=None
    )
    coordinator_id: Mapped[int | None] = mapped_column(
        ForeignKey("coordinators.id", ondelete="CASCADE"), index=True, default=None
    )
    transport: Mapped[str] = mapped_column(String(16))
    event_id: Mapped[str | None] = mapped_column(String(64), default=None)
    kind: Mapped[str] = mapped_column(String(16))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEntry(Base):
    """Who did what, never what partners wrote."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True, default=None
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
