"""Hand-made monitoring data: evidence, activities, seats, registrations and plans, nothing more."""
from datetime import date, datetime
from itertools import count

from app.extensions import db
from app.models import (Activity, ActivitySeat, DevelopmentPlan, PlanCompetency, Registration)
from app.portfolio.services import record_entry
from tests import factories

_ref = count(1)


def entry(user, kind, on: date, entry_kind="activity", title=None, shared=False):
    e = record_entry(user.id, entry_kind, on, title or f"{kind} {on}", activity_kind=kind, source="test",
                     source_ref=str(next(_ref)))
    e.shared_with_coordinator = shared
    db.session.commit()
    return e


def activity(kind="multi_exercise", starts=datetime(2026, 9, 10, 19, 0), title=None, seats=None,
             competencies=(), unannounced=False, cancelled=False, reg=None):
    reg = reg or factories.region()
    a = Activity(region_id=reg.id, kind=kind, title=title or f"{kind} {starts:%Y-%m-%d}", starts_at=starts,
                 ends_at=starts.replace(hour=min(starts.hour + 3, 23)), competencies=list(competencies),
                 unannounced=unannounced, cancelled_at=datetime(2026, 1, 1) if cancelled else None)
    for code, (n, taken) in (seats or {}).items():
        a.seat_rows.append(ActivitySeat(function_id=factories.function(code, reg=reg).id, seats=n, seats_taken=taken))
    db.session.add(a)
    db.session.commit()
    return a


def register(user, act, status="assigned"):
    r = Registration(user_id=user.id, activity_id=act.id, status=status)
    db.session.add(r)
    db.session.commit()
    return r


def choose(user, year, code="crisisdiagnose", status="approved"):
    plan = db.session.scalar(db.select(DevelopmentPlan).filter_by(user_id=user.id, year=year))
    if plan is None:
        plan = DevelopmentPlan(user_id=user.id, year=year)
        db.session.add(plan)
        db.session.flush()
    pc = PlanCompetency(plan_id=plan.id, competency_id=factories.competency(code).id, level="basis", status=status)
    db.session.add(pc)
    db.session.commit()
    return pc
