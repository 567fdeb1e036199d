"""The yearly development plan: learning goals, chosen competencies, change history, yearly review."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.core import Competency, utcnow

GOAL_MAX_LENGTH = 500
LEVELS = ("basis", "gevorderd")


class DevelopmentPlan(db.Model):
    """One plan per person per calendar year; read-only once the yearly review is signed off."""

    __table_args__ = (UniqueConstraint("user_id", "year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    year: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Jaarlijks reflectiegesprek: set by a coordinator; from then on the year is closed.
    review_held_on: Mapped[date | None]
    review_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    review_note: Mapped[str | None] = mapped_column(Text)

    goals: Mapped[list["PlanGoal"]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanGoal.id")
    competencies: Mapped[list["PlanCompetency"]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanCompetency.id")

    @property
    def closed(self) -> bool:
        return self.review_held_on is not None


class PlanGoal(db.Model):
    """A learning goal (leerdoel); `nonce` makes a double-tapped submit add it once."""

    __table_args__ = (UniqueConstraint("plan_id", "nonce"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("development_plan.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(GOAL_MAX_LENGTH))
    competency_id: Mapped[int | None] = mapped_column(ForeignKey("competency.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | achieved
    nonce: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    plan: Mapped[DevelopmentPlan] = relationship(back_populates="goals")
    competency: Mapped[Competency | None] = relationship(lazy="joined")  # its name shows wherever the row does


class PlanCompetency(db.Model):
    """A chosen competency; an off-list proposal waits (status pending) for a coordinator."""

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("development_plan.id", ondelete="CASCADE"), index=True)
    competency_id: Mapped[int | None] = mapped_column(ForeignKey("competency.id", ondelete="SET NULL"))
    level: Mapped[str] = mapped_column(String(20), default="basis")
    status: Mapped[str] = mapped_column(String(20), default="approved")  # approved | pending | declined
    proposed_name: Mapped[str | None] = mapped_column(String(120))
    motivation: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    decision_comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    plan: Mapped[DevelopmentPlan] = relationship(back_populates="competencies")
    competency: Mapped[Competency | None] = relationship(lazy="joined")  # its name shows wherever the row does

    @property
    def name(self) -> str:
        return self.competency.name if self.competency else (self.proposed_name or "")


class PlanChange(db.Model):
    """History of a plan: who changed what, when, with a before/after summary."""

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("development_plan.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(40))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
