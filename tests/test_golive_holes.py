"""Issue 15.7, the smaller holes: audit of refused foreign ids and the function CSV, timing-neutral
password reset, Server-Timing only outside production, wrong current passwords rate-limited,
seats raised go to the waitlist first, a competency outside the offer becomes a proposal, and the
privacy purge forgets mail and addresses."""
import time
from datetime import datetime, timedelta

import pytest

from app.activities import management, registration
from app.admin.retention import purge
from app.extensions import db
from app.models import AuditLog, OutboxMessage, PlanCompetency, Registration
from app.plan import services as plan_services
from tests import factories
from tests.activities.conftest import NOW, make_activity


def _refusals(object_type):
    return db.session.scalars(db.select(AuditLog.object_id).filter_by(action="access_refused",
                                                                       object_type=object_type)).all()


def test_foreign_ids_are_refused_and_audited(app, client, auth):
    other_region = factories.region("ijsselland")
    stranger = factories.user(reg=other_region, functions=())
    factories.user(email="beheer@example.nl", roles=("admin", "coordinator"), functions=())
    auth.login("beheer@example.nl")
    assert client.get(f"/admin/users/{stranger.id}").status_code == 404
    assert client.post("/plan/approvals/987654", data={"decision": "approve"}).status_code == 404
    assert client.get("/quizzes/review/424242").status_code == 404
    assert _refusals("user") == [str(stranger.id)]
    assert _refusals("plan_competency") == ["987654"]
    assert _refusals("review_card") == ["424242"]


def test_function_csv_export_is_audited(app, client, auth):
    factories.user(name="Olga", functions=("OL",))
    factories.user(email="coord@example.nl", roles=("coordinator",), functions=())
    auth.login("coord@example.nl")
    assert client.get("/monitor/functions/OL.csv").status_code == 200
    row = db.session.scalar(db.select(AuditLog).filter_by(action="monitor_function_csv"))
    assert row.object_id == "OL" and " personen, " in row.detail


def test_forgot_answers_known_and_unknown_addresses_after_the_same_minimum_time(app, client):
    app.config["FORGOT_MIN_SECONDS"] = 0.3
    factories.user(email="bekend@example.nl")
    for email in ("bekend@example.nl", "onbekend@example.nl"):
        started = time.monotonic()
        response = client.post("/account/forgot", data={"email": email})
        assert response.status_code == 302 and time.monotonic() - started >= 0.3
        assert "Server-Timing" in response.headers  # development: benchmarks read it


def test_no_server_timing_in_production(app, client):
    app.config["APP_ENV"] = "production"
    assert "Server-Timing" not in client.get("/login").headers


def test_wrong_current_passwords_are_rate_limited_like_logins(app, client, auth):
    factories.user(email="ol@example.nl")
    auth.login("ol@example.nl")
    wrong = {"current": "niet mijn wachtwoord", "new": "een nieuw lang wachtwoord",
             "confirm": "een nieuw lang wachtwoord"}
    statuses = [client.post("/account/password", data=wrong).status_code for _ in range(6)]
    assert statuses == [422] * 4 + [422, 429]  # LOGIN_RATE_LIMIT: 5 per minute (login used one)
    assert db.session.scalar(db.select(db.func.count()).where(AuditLog.action == "password_change_refused")) == 5


def test_set_password_by_link_is_audited(app, client):
    from app.auth.reset import make_token
    person = factories.user(email="nieuw@example.nl")
    data = {"new": "mijn eigen wachtwoord", "confirm": "mijn eigen wachtwoord"}
    assert client.post(f"/account/set-password/{make_token(person)}", data=data).status_code == 302
    assert db.session.scalar(db.select(AuditLog).filter_by(action="password_set_by_link")).object_id == str(person.id)


def test_raised_seats_are_offered_to_the_waitlist_first(app):
    activity = make_activity(seats={"OL": 1})
    holder, first, second = (factories.user() for _ in range(3))
    for person in (holder, first, second):
        registration.register(person, activity, NOW)
    coordinator = factories.user(roles=("coordinator",), functions=())
    data = {key: getattr(activity, key) for key in (
        "kind", "title", "description", "starts_at", "ends_at", "location", "organiser", "competencies",
        "round_id", "unannounced", "priority", "level")}
    seat = activity.seat_rows[0]
    management.save_activity(activity, activity.region_id, data, {seat.function_id: 3}, coordinator)
    status = {r.user_id: r.status for r in db.session.scalars(db.select(Registration))}
    assert status == {holder.id: "assigned", first.id: "offered", second.id: "offered"}
    db.session.refresh(seat)
    assert seat.seats_taken == 3
    assert set(db.session.scalars(db.select(OutboxMessage.to))) == {first.email, second.email}
    # A newcomer finds no free seat while the offers are open.
    _, message = registration.register(factories.user(), activity, NOW)
    assert "wachtlijst" in message


def test_choosing_a_competency_outside_the_offer_is_a_proposal(app):
    person = factories.user()
    outside = factories.competency("drone-inzet")
    outside.offered = False
    db.session.commit()
    pc = plan_services.choose_competency(person, 2026, "drone-inzet", "basis")
    assert pc.status == "pending" and pc.competency_id == outside.id
    coordinator = factories.user(roles=("coordinator",), functions=())
    plan_services.decide_proposal(coordinator, pc, True, "")
    assert db.session.get(PlanCompetency, pc.id).status == "approved"
    assert db.session.get(PlanCompetency, pc.id).competency_id == outside.id


def test_privacy_purge_forgets_mail_and_addresses_in_audit_details(app):
    gone = factories.user(email="weg@example.nl", active=False)
    gone.deactivated_at = datetime(2026, 11, 1) - timedelta(days=400)
    stays = factories.user(email="blijft@example.nl")
    db.session.add_all([
        OutboxMessage(to="weg@example.nl", subject="Welkom", body="x", user_id=gone.id),
        OutboxMessage(to="weg@example.nl", subject="Zonder account", body="x"),
        OutboxMessage(to="blijft@example.nl", subject="Blijft", body="x", user_id=stays.id),
        AuditLog(action="login_failed", detail="weg@example.nl"),
        AuditLog(action="plan_competency_approved", detail="weg@example.nl: Drones"),
        AuditLog(action="login_failed", detail="blijft@example.nl")])
    db.session.commit()
    counts = purge(365, now=datetime(2026, 11, 1))
    db.session.commit()   # as `privacy purge` does
    assert counts["outbox_message (adres)"] == 2 and counts["audit_log (adres)"] == 2
    assert db.session.scalars(db.select(OutboxMessage.to)).all() == ["blijft@example.nl"]
    details = set(db.session.scalars(db.select(AuditLog.detail).where(AuditLog.detail.is_not(None))))
    assert {"[verwijderd]", "[verwijderd]: Drones", "blijft@example.nl"} <= details
    assert not any("weg@example.nl" in d for d in details)


def test_an_app_made_with_limits_off_does_not_switch_them_off_for_the_next_app(tmp_path):
    """One limiter object serves every app of a process; each app states its own setting."""
    from app import create_app
    from app.extensions import limiter
    base = {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'a.db'}"}
    create_app({**base, "RATELIMIT_ENABLED": False})
    assert limiter.enabled is False
    create_app(base)
    assert limiter.enabled is True
