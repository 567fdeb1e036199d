"""Server-side sessions: logout ends a session everywhere, the account page lists them, idle and
absolute expiry, and "Uitloggen op alle apparaten"."""
from datetime import timedelta

import pytest

from app.auth import sessions
from app.extensions import db
from app.models import AuditLog, UserSession
from app.models.core import utcnow
from tests import factories

ANDROID = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36"
WINDOWS_FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
LOGIN = {"email": "ol@example.nl", "password": factories.PASSWORD}


def _login(app, user_agent=ANDROID):
    client = app.test_client()
    assert client.post("/login", data=LOGIN, headers={"User-Agent": user_agent}).status_code == 302
    return client


def _copy(app, client):
    """A second client carrying the same cookie (a copied or stolen cookie)."""
    name = app.config["SESSION_COOKIE_NAME"]
    thief = app.test_client()
    thief.set_cookie(name, client.get_cookie(name).value)
    return thief


def test_logout_ends_the_session_for_a_copied_cookie_too(app):
    factories.user(email="ol@example.nl")
    phone = _login(app)
    thief = _copy(app, phone)
    for path in ("/account", "/portfolio/export.json", "/portfolio/print"):
        assert thief.get(path).status_code == 200, path
    phone.post("/logout")
    for path in ("/account", "/portfolio/export.json", "/portfolio/print"):
        assert thief.get(path).status_code == 302, path
    assert db.session.scalar(db.select(UserSession)).ended_at is not None


def test_account_lists_sessions_and_logs_out_everywhere(app):
    person = factories.user(email="ol@example.nl")
    phone, laptop = _login(app, ANDROID), _login(app, WINDOWS_FIREFOX)
    page = phone.get("/account").get_data(as_text=True)
    assert "Chrome op Android <strong>(dit apparaat)</strong>" in page
    assert "Firefox op Windows" in page and "Uitloggen op alle apparaten" in page
    response = laptop.post("/account/sessions/end-all")
    assert response.status_code == 302 and response.location == "/login?uit=alle"
    assert phone.get("/account").status_code == 302 and laptop.get("/account").status_code == 302
    assert sessions.active(person) == []
    assert db.session.scalar(db.select(AuditLog).filter_by(action="sessions_ended")).detail == "2 sessies"


@pytest.mark.parametrize("field, age", [("last_seen_at", timedelta(hours=12, minutes=1)),
                                        ("created_at", timedelta(days=14, minutes=1))])
def test_a_session_ends_after_12_idle_hours_and_14_days_at_most(app, field, age):
    factories.user(email="ol@example.nl")
    phone = _login(app)
    assert phone.get("/account").status_code == 200
    row = db.session.scalar(db.select(UserSession))
    setattr(row, field, utcnow() - age)
    db.session.commit()
    assert phone.get("/account").status_code == 302


def test_use_moves_last_seen_at_most_once_a_minute(app):
    factories.user(email="ol@example.nl")
    phone = _login(app)
    row = db.session.scalar(db.select(UserSession))
    row.last_seen_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    phone.get("/account")
    db.session.refresh(row)
    assert row.last_seen_at > utcnow() - timedelta(minutes=1)


def test_a_refused_request_still_counts_as_use_and_is_audited(app):
    """A 404 rolls the request back; the session's last-seen time and the refusal's audit row are
    written on their own (two short transactions in one request, also on SQLite's single writer)."""
    factories.user(email="ol@example.nl")
    owner = factories.user()
    from datetime import date

    from app.portfolio.services import record_entry
    entry = record_entry(owner.id, "deployment", date(2026, 1, 5), "Inzet", source="manual")
    db.session.commit()
    phone = _login(app)
    row = db.session.scalar(db.select(UserSession))
    row.last_seen_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    assert phone.get(f"/portfolio/{entry.id}").status_code == 404
    db.session.refresh(row)
    assert row.last_seen_at > utcnow() - timedelta(minutes=1)
    assert db.session.scalar(db.select(AuditLog.object_id).filter_by(action="access_refused")) == str(entry.id)


def test_deactivation_and_password_link_end_every_session(app):
    from app.auth.services import set_active, set_password
    person = factories.user(email="ol@example.nl")
    phone = _login(app)
    set_password(person, "een ander lang wachtwoord")
    db.session.commit()
    assert phone.get("/account").status_code == 302
    LOGIN["password"] = "een ander lang wachtwoord"
    try:
        phone = _login(app)
    finally:
        LOGIN["password"] = factories.PASSWORD
    set_active(person, False)
    assert phone.get("/account").status_code == 302 and sessions.active(person) == []


def test_only_a_hash_of_the_key_is_stored(app):
    person = factories.user()
    key = sessions.start(person, ANDROID)
    row = db.session.scalar(db.select(UserSession))
    assert key not in row.key_hash and len(row.key_hash) == 64
    assert sessions.current(person.id, key) == row
    assert sessions.current(person.id + 1, key) is None and sessions.current(person.id, "x" + key) is None


@pytest.mark.parametrize("agent, name", [
    (ANDROID, "Chrome op Android"), (WINDOWS_FIREFOX, "Firefox op Windows"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/18.1 Mobile/15E148 Safari/604.1", "Safari op iPhone"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 "
     "Safari/537.36 Edg/131.0", "Edge op Windows"),
    ("", "Onbekend apparaat"), ("curl/8.5", "Onbekend apparaat")])
def test_device_names(agent, name):
    assert sessions.device(agent) == name
