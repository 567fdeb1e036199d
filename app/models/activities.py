"""Activities, seats per function, registration rounds and registrations (issue 7)."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.core import Function, User, utcnow

# requested: ranked wish in an open round; assigned: has a seat; waitlisted: waiting (position);
# offered: a freed seat is held for this person until offer_expires_at; declined: said no to an
# offer (or let it expire); cancelled: withdrew; attended / no_show: recorded after the activity.
REGISTRATION_STATUSES = ("requested", "assigned", "waitlisted", "offered", "declined", "cancelled",
                         "attended", "no_show")
# Statuses that occupy a seat (ActivitySeat.seats_taken counts exactly these).
HOLDING_STATUSES = ("assigned", "offered", "attended", "no_show")

# Priority rule of an activity in a registration round (CONTRACT section 5): "plan" = plan match
# first, then norm deficit ("op basis van hun ontwikkelplan", OTO policy 4.4); "norm" = deficit
# first, then plan match. Without a choice the kind decides: the norm exercises and the briefing
# go by norm, trainings, expert sessions, masterclasses and other development activities by plan.
NORM_RULE_KINDS = frozenset({"multi_exercise", "startup_exercise", "system_exercise", "ops_briefing",
                             "table_exercise_4h"})
LEVELS = ("basis", "gevorderd")


def default_priority(kind: str) -> str:
    return "norm" if kind in NORM_RULE_KINDS else "plan"


class RegistrationRound(db.Model):
    """A registration window for a set of activities; closing it runs the allocation once.

    The run is frozen: instance, result and seed are stored so anyone can re-run
    `flask allocation solve` on the published instance and get the same result.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime] = mapped_column(index=True)
    seed: Mapped[str | None] = mapped_column(String(160))
    ran_at: Mapped[datetime | None]
    ran_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    instance_json: Mapped[str | None] = mapped_column(Text)
    result_json: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    activities: Mapped[list["Activity"]] = relationship(back_populates="round",
                                                       order_by="Activity.starts_at")

    @property
    def frozen(self) -> bool:
        return self.ran_at is not None

    def state(self, now: datetime | None = None) -> str:
        """upcoming | open | closed (waiting for the allocation) | allocated."""
        if now is None:   # activity and round times are Europe/Amsterdam wall-clock times
            now = datetime.now(ZoneInfo("Europe/Amsterdam")).replace(tzinfo=None)
        if self.ran_at is not None:
            return "allocated"
        if now < self.opens_at:
            return "upcoming"
        if now < self.closes_at:
            return "open"
        return "closed"


class RoundPreference(db.Model):
    """How many activities of a round a person wants at most (the allocation's `limit`)."""

    __table_args__ = (UniqueConstraint("round_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("registration_round.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    max_seats: Mapped[int] = mapped_column(default=1)


class Activity(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))          # ActivityKind.code
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")  # markdown, rendered sanitised
    starts_at: Mapped[datetime] = mapped_column(index=True)     # naive, Europe/Amsterdam wall time
    ends_at: Mapped[datetime]
    location: Mapped[str] = mapped_column(String(200), default="")
    organiser: Mapped[str] = mapped_column(String(200), default="")
    competencies: Mapped[list] = mapped_column(JSON, default=list)  # Competency codes
    # Registration through a round (ranked, allocated) or, without a round, first come first served.
    round_id: Mapped[int | None] = mapped_column(ForeignKey("registration_round.id", ondelete="SET NULL"),
                                                 index=True)
    # Unannounced exercises (onverwachte systeemoefening) are never shown before they happen.
    unannounced: Mapped[bool] = mapped_column(default=False)
    # None: the default of the kind (default_priority); level None: for every level.
    priority: Mapped[str | None] = mapped_column(String(10))
    level: Mapped[str | None] = mapped_column(String(20))
    cancelled_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    round: Mapped[RegistrationRound | None] = relationship(back_populates="activities")
    seat_rows: Mapped[list["ActivitySeat"]] = relationship(
        back_populates="activity", cascade="all, delete-orphan", lazy="selectin")

    @property
    def priority_rule(self) -> str:
        return self.priority or default_priority(self.kind)

    @property
    def seats_by_code(self) -> dict[str, int]:
        return {s.function.code: s.seats for s in sorted(self.seat_rows, key=lambda s: s.function.code)}

    @property
    def total_seats(self) -> int:
        return sum(s.seats for s in self.seat_rows)

    @property
    def free_seats(self) -> int:
        return sum(max(s.seats - s.seats_taken, 0) for s in self.seat_rows)


class ActivitySeat(db.Model):
    """Seats of one function on an activity; seats_taken only changes by a conditional UPDATE."""

    __table_args__ = (UniqueConstraint("activity_id", "function_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    function_id: Mapped[int] = mapped_column(ForeignKey("function.id"))
    seats: Mapped[int] = mapped_column(default=0)
    seats_taken: Mapped[int] = mapped_column(default=0)

    activity: Mapped[Activity] = relationship(back_populates="seat_rows")
    function: Mapped[Function] = relationship(lazy="joined")


class Registration(db.Model):
    __table_args__ = (
        # A double tap or two tabs can never make two registrations of one person.
        UniqueConstraint("user_id", "activity_id"),
        Index("ix_registration_activity_status", "activity_id", "status"),
        # One person per waitlist place of an activity and function (NULL, not waiting, repeats freely).
        UniqueConstraint("activity_id", "function_id", "waitlist_position", name="uq_registration_waitlist_place"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"))
    function_id: Mapped[int | None] = mapped_column(ForeignKey("function.id"))
    rank: Mapped[int | None]                     # position in the person's round ranking, 1 = best
    status: Mapped[str] = mapped_column(String(20), default="requested")
    waitlist_position: Mapped[int | None]
    offer_expires_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship()
    activity: Mapped[Activity] = relationship()
    function: Mapped[Function | None] = relationship()
