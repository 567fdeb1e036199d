"""Small builders for activity tests: activities with seats, rounds, a pinned clock."""
from datetime import datetime, timedelta

import pytest

from app.activities import base, registration, rounds
from app.extensions import db
from app.models import Activity, ActivitySeat, RegistrationRound
from tests import factories

NOW = datetime(2026, 11, 23, 12, 0)


def make_activity(title="Multi-oefening", kind="multi_exercise", starts_at=None, seats=None, rnd=None,
                  competencies=(), unannounced=False, reg=None, hours=4, priority=None, level=None):
    reg = reg or factories.region()
    starts_at = starts_at or NOW + timedelta(days=30)
    factories.activity_kind(kind, reg=reg)
    activity = Activity(region_id=reg.id, kind=kind, title=title, starts_at=starts_at,
                        ends_at=starts_at + timedelta(hours=hours), location="Hengelo", organiser="OTO",
                        competencies=list(competencies), round_id=rnd.id if rnd else None,
                        unannounced=unannounced, description="**Vet** en <script>alert(1)</script>",
                        priority=priority, level=level)
    for code, n in (seats if seats is not None else {"OL": 2}).items():
        activity.seat_rows.append(ActivitySeat(function_id=factories.function(code, reg=reg).id, seats=n))
    db.session.add(activity)
    db.session.commit()
    return activity


def make_round(name="Voorjaar 2027", opens_at=None, closes_at=None, reg=None):
    reg = reg or factories.region()
    rnd = RegistrationRound(region_id=reg.id, name=name, opens_at=opens_at or NOW - timedelta(days=7),
                            closes_at=closes_at or NOW + timedelta(days=10))
    db.session.add(rnd)
    db.session.commit()
    return rnd


@pytest.fixture
def needs(monkeypatch):
    """Pin what norms and plans say: needs.deficit[user_id] = {...}, needs.plan[user_id] = [...] or
    {code: level}."""
    class Needs:
        deficit: dict = {}
        plan: dict = {}
    n = Needs()
    n.deficit, n.plan = {}, {}
    monkeypatch.setattr(rounds, "deficits_for",
                        lambda ids, year: {i: dict(n.deficit.get(i, {})) for i in ids})
    monkeypatch.setattr(registration, "user_deficits", lambda user, today=None: dict(n.deficit.get(user.id, {})))
    monkeypatch.setattr(registration, "plan_competencies", lambda user, year: list(n.plan.get(user.id, [])))
    monkeypatch.setattr(rounds, "plan_levels", lambda user, year: (
        lambda plan: dict(plan) if isinstance(plan, dict) else dict.fromkeys(plan))(n.plan.get(user.id, [])))
    return n


@pytest.fixture
def clock(monkeypatch):
    """base.local_now() pinned to NOW (the routes use it as their default)."""
    state = {"now": NOW}
    for module in (base, registration):
        monkeypatch.setattr(module, "local_now", lambda: state["now"])
    return state
