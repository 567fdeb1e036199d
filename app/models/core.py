"""The region, its people, crisis functions, competencies and norms: what every feature uses."""
from __future__ import annotations

import secrets
from datetime import date, datetime, timezone

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db

ROLES = ("functionary", "author", "coordinator", "admin")


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def get_or_create(model, defaults: dict | None = None, **keys):
    """The row with these natural keys, created (and flushed) with `defaults` if missing: idempotent seeding."""
    obj = db.session.scalar(db.select(model).filter_by(**keys))
    if obj is None:
        obj = model(**keys, **(defaults or {}))
        db.session.add(obj)
        db.session.flush()
    return obj


class Region(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    # From the norms file (policy_period, ratings); None: the defaults in app/monitor/obligations.py
    # and app/monitor/status.py.
    policy_start: Mapped[int | None]
    policy_end: Mapped[int | None]
    rating_min_people: Mapped[int | None]
    rating_ok_percent: Mapped[int | None]
    rating_improve_percent: Mapped[int | None]


class Function(db.Model):
    """A crisis function such as OL or AC-IM; `is_key` marks the policy's key functions."""

    __table_args__ = (UniqueConstraint("region_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(120))
    is_key: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str | None] = mapped_column(Text)


class Competency(db.Model):
    """One of the region's crisis competencies; a plan chooses it at level basis or gevorderd."""

    __table_args__ = (UniqueConstraint("region_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    code: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    description_basis: Mapped[str] = mapped_column(Text, default="")
    description_advanced: Mapped[str] = mapped_column(Text, default="")
    # False for competencies proposed by a person and approved outside the offered list.
    offered: Mapped[bool] = mapped_column(default=True)


class ActivityKind(db.Model):
    """A kind of activity a norm counts, e.g. multi_exercise or ops_briefing."""

    __table_args__ = (UniqueConstraint("region_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(160))


class Norm(db.Model):
    """How often a function must do an activity kind, per region and year (data, not code).

    period: once | per_year | per_two_years | every_weeks | when_on_duty.
    count None means the policy names the activity without a frequency.
    """

    __table_args__ = (UniqueConstraint("region_id", "year", "function_id", "activity_kind_id"),)
    PERIODS = ("once", "per_year", "per_two_years", "every_weeks", "when_on_duty")

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    year: Mapped[int] = mapped_column(index=True)
    function_id: Mapped[int] = mapped_column(ForeignKey("function.id"), index=True)
    activity_kind_id: Mapped[int] = mapped_column(ForeignKey("activity_kind.id"))
    period: Mapped[str] = mapped_column(String(20))
    count: Mapped[int | None]
    weeks: Mapped[int | None]
    or_when_on_duty: Mapped[bool] = mapped_column(default=False)
    # Shown with its count but never "achter" (CaCo's 7x 4 uur: no period in the policy).
    informational: Mapped[bool] = mapped_column(default=False)

    function: Mapped[Function] = relationship()
    activity_kind: Mapped[ActivityKind] = relationship()


class OrganisationObligation(db.Model):
    """An organisation-level duty from the policy (e.g. yearly unannounced system test).

    `code`: system_test or system_exercise for the two unannounced ones (one activity counts for one
    of them), else None.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(Text)
    code: Mapped[str | None] = mapped_column(String(40))


class UserRole(db.Model):
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)


class UserFunction(db.Model):
    """A crisis function a person holds; `on_duty` = in the duty roster (piket); `since` = the day the
    person took up the function (newcomers get each norm's own period first), None = long ago."""

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    function_id: Mapped[int] = mapped_column(ForeignKey("function.id"), primary_key=True)
    on_duty: Mapped[bool] = mapped_column(default=False)
    since: Mapped[date | None]

    function: Mapped[Function] = relationship(lazy="joined")


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped on password change and deactivation: every session carrying an older value ends.
    session_version: Mapped[int] = mapped_column(default=1)
    calendar_token: Mapped[str] = mapped_column(
        String(64), unique=True, default=lambda: secrets.token_urlsafe(24)
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    deactivated_at: Mapped[datetime | None]

    region: Mapped[Region] = relationship(lazy="joined")
    role_rows: Mapped[list[UserRole]] = relationship(
        lazy="selectin", cascade="all, delete-orphan"
    )
    function_rows: Mapped[list[UserFunction]] = relationship(
        lazy="selectin", cascade="all, delete-orphan"
    )

    @property
    def roles(self) -> set[str]:
        return {r.role for r in self.role_rows}

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def functions(self) -> list[Function]:
        return sorted((f.function for f in self.function_rows), key=lambda f: f.code)

    @property
    def function_codes(self) -> list[str]:
        return [f.code for f in self.functions]

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        # The version makes the session cookie stale after a password change or deactivation.
        return f"{self.id}:{self.session_version}"


class DutyPeriod(db.Model):
    """A piket duty period of a person (from the roster a coordinator uploads): start and end inclusive."""

    __table_args__ = (UniqueConstraint("user_id", "start", "end"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    start: Mapped[date]
    end: Mapped[date]
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


class UserSession(db.Model):
    """A login on one device; the cookie holds a random key whose SHA-256 is `key_hash`."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    ended_at: Mapped[datetime | None]


class AuditLog(db.Model):
    """Who did what to which object, when: logins and every admin or coordinator change."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(40))
    detail: Mapped[str | None] = mapped_column(Text)


class OutboxMessage(db.Model):
    """Every notification; sent by SMTP when configured, else kept here and logged."""

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    to: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)  # the last delivery error
    tries: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None]  # backoff after a failed try
    claimed_until: Mapped[datetime | None]  # a deliverer holds the row until then
    failed_at: Mapped[datetime | None] = mapped_column(index=True)  # gave up after MAIL_MAX_TRIES
