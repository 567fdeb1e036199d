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
