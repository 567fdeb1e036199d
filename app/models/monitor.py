"""Monitoring: which activity a coordinator linked to an organisation-level obligation for a year."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.core import OrganisationObligation, utcnow


class ObligationFulfilment(db.Model):
    """"Voldaan door <activiteit>": an activity that took place, counted for an obligation in a year.

    An obligation such as "generic scenarios practised every year" needs several activities, so a
    link says whether it covers the whole obligation (`covers_all`) or one part of it (see `note`).
    `activity_id` is a loose reference to the activities feature (no foreign key, as in portfolio):
    a removed activity leaves the coordinator's note and title behind.
    """

    __table_args__ = (UniqueConstraint("obligation_id", "year", "activity_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    obligation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation_obligation.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(index=True)
    activity_id: Mapped[int | None] = mapped_column(index=True)
    activity_title: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    covers_all: Mapped[bool] = mapped_column(default=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    obligation: Mapped[OrganisationObligation] = relationship()
