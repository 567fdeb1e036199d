"""Portfolio entries: the one store of evidence that norms, plan and monitoring count.

Every feature that produces evidence (attendance, module read, quiz done, deployment...) writes an
entry through `app.portfolio.services.record_entry`; norm progress counts entries by activity kind.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.core import utcnow

ENTRY_KINDS = ("activity", "deployment", "module_read", "quiz", "peer_observation", "briefing",
               "knowledge_day", "other")


class PortfolioEntry(db.Model):
    __table_args__ = (
        # One entry per source object: a double tap or a re-run cannot count twice.
        UniqueConstraint("user_id", "source", "source_ref"),
        Index("ix_portfolio_entry_user_kind_date", "user_id", "activity_kind", "occurred_on"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    # The norm activity kind this entry counts for (ActivityKind.code), if any.
    activity_kind: Mapped[str | None] = mapped_column(String(40))
    occurred_on: Mapped[date]
    title: Mapped[str] = mapped_column(String(200))
    # Where the entry came from: manual | attendance | module | quiz | observation ...; with source_ref
    # (e.g. the activity id) it identifies the source object.
    source: Mapped[str] = mapped_column(String(30), default="manual")
    source_ref: Mapped[str | None] = mapped_column(String(80))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Added by the portfolio feature (deployments by hand, privacy toggle).
    incident_type: Mapped[str | None] = mapped_column(String(120))
    role: Mapped[str | None] = mapped_column(String(120))
    grip_level: Mapped[str | None] = mapped_column(String(10))  # "1".."5" or "Rijk"
    # Feedup, reflection and observations of this entry are private unless the person shares them.
    shared_with_coordinator: Mapped[bool] = mapped_column(default=False)


GRIP_LEVELS = ("1", "2", "3", "4", "5", "Rijk")


class EntryCompetency(db.Model):
    entry_id: Mapped[int] = mapped_column(ForeignKey("portfolio_entry.id", ondelete="CASCADE"), primary_key=True)
    competency_id: Mapped[int] = mapped_column(ForeignKey("competency.id", ondelete="CASCADE"), primary_key=True)


class EntryGoal(db.Model):
    entry_id: Mapped[int] = mapped_column(ForeignKey("portfolio_entry.id", ondelete="CASCADE"), primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("plan_goal.id", ondelete="CASCADE"), primary_key=True)


class Reflection(db.Model):
    """Feedup (before) or reflection (after) of one person on an entry or a registered activity.

    Private to the person unless the entry it belongs to is shared with the coordinator.
    `activity_id` is a loose reference to the activities feature (no foreign key on purpose).
    """

    __table_args__ = (
        UniqueConstraint("user_id", "kind", "entry_id", name="uq_reflection_user_kind_entry"),
        UniqueConstraint("user_id", "kind", "activity_id", name="uq_reflection_user_kind_activity"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # feedup | reflection
    # SET NULL: withdrawn attendance removes the entry, never the person's text (activity_id keeps it).
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("portfolio_entry.id", ondelete="SET NULL"))
    activity_id: Mapped[int | None]
    title: Mapped[str] = mapped_column(String(200), default="")
    learn: Mapped[str | None] = mapped_column(Text)        # feedup: wat wil ik hier leren?
    went_well: Mapped[str | None] = mapped_column(Text)    # reflection: wat ging goed?
    to_develop: Mapped[str | None] = mapped_column(Text)   # reflection: wat wil ik ontwikkelen?
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("plan_goal.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class PeerObservation(db.Model):
    """Vakman herkent vakman: `observer` watches `observed` at an activity, against their goals."""

    __table_args__ = (UniqueConstraint("observed_id", "nonce"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    observed_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    observer_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("portfolio_entry.id", ondelete="SET NULL"))
    activity_id: Mapped[int | None]
    title: Mapped[str] = mapped_column(String(200))
    occurred_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(20), default="invited")  # invited | done
    general: Mapped[str | None] = mapped_column(Text)
    nonce: Mapped[str | None] = mapped_column(String(64))
    invited_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]


class ObservationNote(db.Model):
    """What the observer saw for one learning goal of the observed person."""

    __table_args__ = (UniqueConstraint("observation_id", "goal_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    observation_id: Mapped[int] = mapped_column(ForeignKey("peer_observation.id", ondelete="CASCADE"), index=True)
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("plan_goal.id", ondelete="SET NULL"))
    goal_text: Mapped[str] = mapped_column(Text, default="")  # kept when the goal is edited later
    text: Mapped[str] = mapped_column(Text)
