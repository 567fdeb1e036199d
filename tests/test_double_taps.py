"""Double taps and concurrent writes: four copies of one form at the same moment store one thing.

Each test sends the same form four times from four threads, each a real request with its own
database session (SQLite file and PostgreSQL), through the request's one commit (app/transactions.py).
"""
from __future__ import annotations

import threading
from datetime import date, datetime, timedelta

from app.extensions import db
from app.models import (Activity, AuditLog, DevelopmentPlan, ModuleRead, ObligationFulfilment, ObservationNote,
                        OrganisationObligation, OutboxMessage, PeerObservation, PlanChange, PlanCompetency, PlanGoal,
                        PortfolioEntry, Reflection, RegistrationRound)
from app.plan import services as plans
from app.portfolio import services as portfolio
from tests import factories
from tests.conftest import HTMX
from tests.content.helpers import content_dir, write_module  # noqa: F401

COPIES = 4
YEAR = date.today().year


def _login_as(client, person):
    from app.auth import sessions
    with client.session_transaction() as session:
        session["sid"] = sessions.start(person)  # the server-side session the cookie points to
        session["_user_id"] = person.get_id()
        session["_fresh"] = True
    db.session.commit()   # the caller commits what the service added


def _at_once(app, person, url, data, headers=None) -> list[int]:
    """POST `data` to `url` from COPIES threads that start together; returns their status codes."""
    clients = []
    for _ in range(COPIES):
        client = app.test_client()
        _login_as(client, person)
        clients.append(client)
    db.session.commit()
    db.session.remove()   # the threads must not wait on this test's own session
    barrier = threading.Barrier(COPIES)
    statuses, errors = [], []

    def work(client):
        try:
            barrier.wait(timeout=30)
            statuses.append(client.post(url, data=data, headers=headers or {}).status_code)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))

    threads = [threading.Thread(target=work, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert len(statuses) == COPIES and all(s < 500 for s in statuses), statuses
    return statuses


def _count(model, **filters) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model).filter_by(**filters))


def test_activity_create_four_times_makes_one(app):
    coordinator = factories.user(roles=("coordinator",))
    factories.activity_kind("multi_exercise", reg=coordinator.region)
    starts = date.today() + timedelta(days=30)
    data = {"title": "Dubbel getikt", "kind": "multi_exercise", "starts_at": f"{starts}T09:00",
            "ends_at": f"{starts}T12:00", "round_id": "", "nonce": "activity-nonce-1"}
    _at_once(app, coordinator, "/activities/new", data)
    assert _count(Activity, title="Dubbel getikt") == 1
    assert _count(AuditLog, action="activity_created") == 1


def test_round_create_four_times_makes_one(app):
    coordinator = factories.user(roles=("coordinator",))
    opens = date.today() + timedelta(days=1)
    data = {"name": "Voorjaar dubbel", "opens_at": f"{opens}T09:00", "closes_at": f"{opens + timedelta(days=7)}T17:00",
            "nonce": "round-nonce-1"}
    _at_once(app, coordinator, "/activities/rounds/new", data)
    assert _count(RegistrationRound, name="Voorjaar dubbel") == 1


def test_deciding_a_proposal_four_times_sends_one_mail(app):
    person = factories.user(email="voorsteller@example.nl")
    coordinator = factories.user(roles=("coordinator",), reg=person.region)
    pc = plans.propose_competency(person, YEAR, "Stressbestendigheid", "Lange inzetten", "basis")
    db.session.commit()
    mails_before, pc_id = _count(OutboxMessage), pc.id
    _at_once(app, coordinator, f"/plan/approvals/{pc_id}", {"decision": "approve", "comment": ""}, HTMX)
    assert _count(OutboxMessage) == mails_before + 1
    assert _count(PlanChange, action="competency_approved") == 1
    assert db.session.get(PlanCompetency, pc_id).status == "approved"


def test_proposing_a_competency_four_times_makes_one_proposal(app):
    person = factories.user()
    data = {"name": "Onderhandelen", "motivation": "Gijzelingen", "level": "basis", "nonce": "proposal-nonce"}
    _at_once(app, person, f"/plan/{YEAR}/proposals", data, HTMX)
    assert _count(PlanCompetency, proposed_name="Onderhandelen") == 1


def test_start_next_year_four_times_carries_over_once(app):
    person = factories.user()
    plans.add_goal(person, YEAR, "Beter vergaderen")
    plans.add_goal(person, YEAR, "Sneller beslissen")
    db.session.commit()
    person_id = person.id
    _at_once(app, person, f"/plan/{YEAR}/next", {"nonce": "next-nonce"}, HTMX)
    assert _count(DevelopmentPlan, user_id=person_id, year=YEAR + 1) == 1
    target = db.session.scalar(db.select(DevelopmentPlan).filter_by(user_id=person_id, year=YEAR + 1))
    assert sorted(g.text for g in target.goals) == ["Beter vergaderen", "Sneller beslissen"]


def test_first_goal_of_a_year_four_times_makes_one_plan_and_one_goal(app):
    person = factories.user()
    person_id = person.id
    _at_once(app, person, f"/plan/{YEAR}/goals", {"text": "Eerste doel", "nonce": "goal-nonce"}, HTMX)
    assert _count(DevelopmentPlan, user_id=person_id, year=YEAR) == 1
    assert _count(PlanGoal, text="Eerste doel") == 1


def test_goal_repeated_with_the_same_nonce_makes_one(app):
    person = factories.user()
    plans.add_goal(person, YEAR, "Al een doel")
    db.session.commit()
    _at_once(app, person, f"/plan/{YEAR}/goals", {"text": "Tweede doel", "nonce": "same-nonce"}, HTMX)
    assert _count(PlanGoal, text="Tweede doel") == 1


# --- portfolio -----------------------------------------------------------------------------------

def _portfolio_entry(person):
    entry, _ = portfolio.add_manual_entry(person, "activity", date.today(), "Multi Dubbel", nonce="setup",
                                          activity_kind="multi_exercise")
    db.session.commit()
    return entry.id


def test_portfolio_entry_added_four_times_makes_one(app):
    person = factories.user(functions=("OL",))
    data = {"kind": "knowledge_day", "title": "Kennisdag dubbel", "occurred_on": date.today().isoformat(),
            "nonce": "entry-nonce"}
    _at_once(app, person, "/portfolio/new", data, HTMX)
    assert _count(PortfolioEntry, title="Kennisdag dubbel") == 1


def test_portfolio_texts_saved_four_times_make_one_feedup_and_one_reflection(app):
    person = factories.user(functions=("OL",))
    entry_id = _portfolio_entry(person)
    data = {"learn": "Opschalen", "went_well": "Rust", "to_develop": ""}
    _at_once(app, person, f"/portfolio/{entry_id}/texts", data, HTMX)
    assert _count(Reflection, kind="feedup", entry_id=entry_id) == 1
    assert _count(Reflection, kind="reflection", entry_id=entry_id) == 1


def test_observer_invited_four_times_gets_one_invitation_and_one_mail(app):
    person = factories.user(functions=("OL",))
    colleague = factories.user(functions=("OL",), reg=person.region)
    entry_id = _portfolio_entry(person)
    mails_before = _count(OutboxMessage)
    _at_once(app, person, f"/portfolio/{entry_id}/observers", {"colleague": str(colleague.id), "nonce": "inv"}, HTMX)
    assert _count(PeerObservation, entry_id=entry_id) == 1
    assert _count(OutboxMessage) == mails_before + 1


def test_observation_saved_four_times_mails_the_observed_once(app):
    person = factories.user(functions=("OL",))
    colleague = factories.user(functions=("OL",), reg=person.region)
    goal = plans.add_goal(person, YEAR, "Rust uitstralen")
    obs, _ = portfolio.invite_observer(person, colleague.id, title="Multi", occurred_on=date.today())
    db.session.commit()
    obs_id, goal_id, mails_before = obs.id, goal.id, _count(OutboxMessage)
    _at_once(app, colleague, f"/portfolio/observations/{obs_id}", {f"goal-{goal_id}": "Kalm", "general": ""}, HTMX)
    assert _count(ObservationNote, observation_id=obs_id) == 1
    assert _count(PortfolioEntry, source="observation_received", source_ref=str(obs_id)) == 1
    assert _count(OutboxMessage) == mails_before + 1


# --- learn and monitor ----------------------------------------------------------------------------

def test_marking_a_module_read_four_times_stores_one_read(app, content_dir):
    write_module(content_dir, "dubbel.md", title="Dubbel gelezen")
    person = factories.user()
    person_id = person.id
    _at_once(app, person, "/learn/dubbel/read", {}, HTMX)
    assert _count(ModuleRead, user_id=person_id, slug="dubbel") == 1
    assert _count(PortfolioEntry, user_id=person_id, source="module", source_ref="dubbel") == 1


def test_linking_an_activity_to_an_obligation_four_times_makes_one_link(app, monkeypatch):
    from app.monitor import routes as monitor_routes
    monkeypatch.setattr(monitor_routes, "_now", lambda: datetime(YEAR, 6, 30, 12, 0))
    coordinator = factories.user(roles=("coordinator",))
    item = OrganisationObligation(region_id=coordinator.region_id, position=0, text="Systeemoefening")
    past = Activity(region_id=coordinator.region_id, kind="system_exercise", title="Systeemoefening maart",
                    starts_at=datetime(YEAR, 3, 3, 20), ends_at=datetime(YEAR, 3, 3, 23))
    db.session.add_all([item, past])
    db.session.commit()
    item_id = item.id
    _at_once(app, coordinator, f"/monitor/obligations/{item_id}?year={YEAR}",
             {"year": str(YEAR), "activity_id": str(past.id), "note": "dubbel"})
    assert _count(ObligationFulfilment, obligation_id=item_id) == 1
    assert _count(AuditLog, action="obligation_linked") == 1
