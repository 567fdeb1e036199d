"""What every part of activities shares: local time, the Dutch error, region lookups, norm and plan questions.

No request, session or templates here. Times of activities and rounds are naive Europe/Amsterdam
wall-clock times (what the coordinator typed); `now` defaults to local_now() and tests pin it.
"""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo


from app.extensions import db
from app.models import Activity, ActivityKind, Competency, Function, User
from app.urls import public_path

TZ = ZoneInfo("Europe/Amsterdam")


class RegistrationError(ValueError):
    """A registration rule was broken; the message is Dutch and safe to show."""


def local_now() -> datetime:
    return datetime.now(TZ).replace(tzinfo=None, microsecond=0)


def _now(now):
    return now or local_now()


# --- What the plan and norms need (issue 6): the one place that asks the norms and plan features. ---

def deficits_for(user_ids: list[int], year: int) -> dict[int, dict[str, int]]:
    """Open norm count per activity kind for each person (only kinds with a deficit)."""
    from app.norms.services import deficits_bulk

    found = deficits_bulk(list(user_ids), year)
    return {uid: {k: int(v) for k, v in (found.get(uid) or {}).items() if v and int(v) > 0}
            for uid in user_ids}


def user_deficits(user: User, today: date | None = None) -> dict[str, int]:
    from app.norms.services import deficits

    return {k: int(v) for k, v in (deficits(user, today=today) or {}).items() if v and int(v) > 0}


def plan_competencies(user: User, year: int) -> list[str]:
    from app.plan.services import chosen_competency_codes

    return list(chosen_competency_codes(user, year) or [])


def plan_levels(user: User, year: int) -> dict[str, str | None]:
    from app.plan.services import plan_competency_levels

    return plan_competency_levels(user, year)

# --- Lookups ---------------------------------------------------------------------------------

def kind_names(region_id: int) -> dict[str, str]:
    rows = db.session.execute(db.select(ActivityKind.code, ActivityKind.name)
                              .where(ActivityKind.region_id == region_id)).all()
    return dict(rows)


def competency_names(region_id: int) -> dict[str, str]:
    rows = db.session.execute(db.select(Competency.code, Competency.name)
                              .where(Competency.region_id == region_id)).all()
    return dict(rows)


def region_functions(region_id: int) -> list[Function]:
    return db.session.scalars(db.select(Function).where(Function.region_id == region_id)
                              .order_by(Function.is_key.desc(), Function.code)).all()


def is_coordinator(user: User) -> bool:
    return user.has_role("coordinator", "admin")


def _when(activity: Activity) -> str:
    return f"{activity.starts_at:%d-%m-%Y %H:%M}"


def _link(path: str) -> str:
    return public_path(path)
