"""Login, logout, password change and set-password links over HTTP."""
import re
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from types import SimpleNamespace

import pytest

from app.auth.reset import make_token
from app.extensions import db
from app.models import AuditLog, OutboxMessage, UserSession
from tests import factories
from tests.conftest import HTMX


def test_login_page_is_dutch_and_labelled(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="nl">' in page
    assert '<label for="email">E-mailadres</label>' in page
    assert '<label for="password">Wachtwoord</label>' in page


def test_login_success_shows_start_page_with_name_and_function(app, client, auth):
    factories.user(email="ol@example.nl", name="Sanne de Vries", functions=("OL",))
    response = auth.login("ol@example.nl")
    assert response.status_code == 302 and response.location == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Hallo Sanne de Vries" in page
    assert "OL" in page


@pytest.mark.parametrize("email,password", [("ol@example.nl", "verkeerd wachtwoord"),
                                            ("niemand@example.nl", "verkeerd wachtwoord")])
def test_login_failure_is_the_same_message_with_422(app, client, auth, email, password):
    factories.user(email="ol@example.nl")
    response = auth.login(email, password)
    assert response.status_code == 422
    assert "E-mailadres of wachtwoord klopt niet." in response.get_data(as_text=True)
    # The 422 stores nothing of the request, except the audit row written on its own.
    assert db.session.scalar(db.select(AuditLog.detail).filter_by(action="login_failed")) == email
    assert db.session.scalar(db.select(db.func.count(UserSession.id))) == 0


def test_login_too_long_field_is_a_form_error(app, client):
    response = client.post("/login", data={"email": "a" * 300 + "@x.nl", "password": "x"})
    assert response.status_code == 422
    assert "te lang" in response.get_data(as_text=True)


def test_login_rotates_session(app, client, auth):
    factories.user(email="ol@example.nl")
    with client.session_transaction() as session:
        session["planted"] = "by attacker"
    auth.login("ol@example.nl")
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("_user_id")


def test_login_next_only_allows_local_paths(app, client):
    factories.user(email="ol@example.nl")
    data = {"email": "ol@example.nl", "password": factories.PASSWORD}
    assert client.post("/login?next=//evil.example/x", data=data).location == "/"
    client.post("/logout")
    assert client.post("/login?next=/account", data=data).location == "/account"


def test_login_rate_limit_gives_dutch_429(app, client, auth):
    factories.user(email="ol@example.nl")
    statuses = [auth.login("ol@example.nl", "verkeerd wachtwoord").status_code for _ in range(6)]
    assert statuses[:5] == [422] * 5
    assert statuses[5] == 429
    assert "Te veel pogingen" in auth.login("ol@example.nl").get_data(as_text=True)


def test_logout_ends_session(app, client, auth):
    factories.user(email="ol@example.nl")
    auth.login("ol@example.nl")
    assert client.get("/account").status_code == 200
    assert client.post("/logout").location == "/login?uit=1"
    assert client.get("/account").status_code == 302


def test_deactivated_user_is_logged_out_at_once(app, client, auth):
    from app.auth.services import set_active
    person = factories.user(email="ol@example.nl")
    auth.login("ol@example.nl")
    set_active(person, False)
    assert client.get("/account").status_code == 302


def test_password_change_keeps_this_session_and_ends_others(app, auth):
    factories.user(email="ol@example.nl")
    phone, laptop = app.test_client(), app.test_client()
    for c in (phone, laptop):
        c.post("/login", data={"email": "ol@example.nl", "password": factories.PASSWORD})
    response = phone.post("/account/password", data={
        "current": factories.PASSWORD, "new": "nieuw lang wachtwoord", "confirm": "nieuw lang wachtwoord"})
    assert response.status_code == 302
    assert phone.get("/account").status_code == 200
    assert laptop.get("/account").status_code == 302


def test_password_change_errors_as_htmx_fragment(app, client, auth):
    factories.user(email="ol@example.nl")
    auth.login("ol@example.nl")
    response = client.post("/account/password", headers=HTMX,
                           data={"current": "fout", "new": "kort", "confirm": "anders"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<html" not in page and 'class="error-summary"' in page
    assert "Kies een wachtwoord van 10 tot 200 tekens." in page
    assert "niet gelijk" in page


def test_set_password_link_works_once(app, client):
    person = factories.user(email="nieuw@example.nl")
    token = make_token(person)
    data = {"new": "mijn eigen wachtwoord", "confirm": "mijn eigen wachtwoord"}
    assert client.post(f"/account/set-password/{token}", data=data).status_code == 302
    assert client.post("/login", data={"email": "nieuw@example.nl", "password": data["new"]}).status_code == 302
    client.post("/logout")
    assert client.get(f"/account/set-password/{token}").status_code == 404


def test_forgot_password_answers_the_same_for_unknown_addresses(app, client):
    factories.user(email="bekend@example.nl")
    known = client.post("/account/forgot", data={"email": "bekend@example.nl"})
    unknown = client.post("/account/forgot", data={"email": "onbekend@example.nl"})
    assert known.status_code == unknown.status_code == 302
    messages = app.extensions["sqlalchemy"].session.scalars(
        OutboxMessage.__table__.select().with_only_columns(OutboxMessage.to)).all()
    assert messages == ["bekend@example.nl"]
    body = app.extensions["sqlalchemy"].session.scalar(
        OutboxMessage.__table__.select().with_only_columns(OutboxMessage.body))
    assert re.search(r"/account/set-password/\S+", body)


@pytest.mark.parametrize("logout, message", [("/logout", "Je bent uitgelogd."),
                                             ("/account/sessions/end-all", "Je bent op alle apparaten uitgelogd.")])
def test_the_logout_message_survives_a_request_that_was_under_way(app, client, auth, logout, message):
    factories.user(email="ol@example.nl")
    auth.login("ol@example.nl")
    name = app.config["SESSION_COOKIE_NAME"]
    before = client.get_cookie(name).value
    response = client.post(logout)
    # A page the service worker fetched just before the logout answers afterwards and puts the old
    # session cookie back. The message does not live in the cookie, so the login page still says it.
    client.set_cookie(name, before)
    page = client.get(response.location).get_data(as_text=True)
    assert message in page and "<h1>Inloggen</h1>" in page
    assert client.get("/account").status_code == 302   # the old cookie opens nothing


BACKGROUND = {"Sec-Fetch-Mode": "cors"}   # how a page the service worker fetches arrives


def test_the_session_cookie_moves_along_once_a_minute_with_what_the_person_opens(app, client, auth, monkeypatch):
    import app as paraat
    clock = [1_800_000_000.0]
    monkeypatch.setattr(paraat, "time", SimpleNamespace(time=lambda: clock[0]))
    factories.user(email="ol@example.nl")
    auth.login("ol@example.nl")
    client.get("/")
    # Within the minute, neither another page nor a background fetch sends the cookie again.
    assert "Set-Cookie" not in client.get("/learn").headers
    assert "Set-Cookie" not in client.get("/learn", headers=BACKGROUND).headers
    # A minute later: a background fetch still sends none, the next page the person opens moves the
    # cookie's 12-hour expiry along.
    clock[0] += 60
    assert "Set-Cookie" not in client.get("/learn", headers=BACKGROUND).headers
    cookie = client.get("/learn").headers["Set-Cookie"]
    expires = parsedate_to_datetime(re.search(r"Expires=([^;]+)", cookie).group(1))
    assert timedelta(hours=11, minutes=59) < expires - datetime.now(timezone.utc) <= timedelta(hours=12)
    assert "Set-Cookie" not in client.get("/learn").headers
    assert client.get("/account").status_code == 200


def test_a_message_survives_a_page_fetched_in_the_background_meanwhile(app, client, auth):
    """The service worker fetches the start page's offline pages just as the person sends a form. The
    fetch that answers after the form sends no cookie, so it cannot put back the one without the form's
    message."""
    factories.user(email="ol@example.nl")
    auth.login("ol@example.nl")
    client.get("/")
    name = app.config["SESSION_COOKIE_NAME"]
    before = client.get_cookie(name).value
    response = client.post("/activities/calendar/new-link")
    after = client.get_cookie(name).value
    client.set_cookie(name, before)   # the fetch was sent with the cookie of before the form
    background = client.get("/learn", headers=BACKGROUND)
    assert background.status_code == 200 and "Set-Cookie" not in background.headers
    client.set_cookie(name, after)    # so the browser keeps the form's cookie
    assert "Je hebt een nieuwe agendalink." in client.get(response.location).get_data(as_text=True)


def test_a_background_fetch_after_logout_leaves_no_message_of_its_own(app, client, auth):
    factories.user(email="ol@example.nl")
    auth.login("ol@example.nl")
    client.post("/logout")
    # The service worker still fetches the week's module (not a navigation): sent to the login page,
    # without a message of its own.
    background = client.get("/learn", headers=BACKGROUND)
    assert background.status_code == 302 and "/login" in background.headers["Location"]
    assert "Log in om deze pagina te zien." not in client.get("/login").get_data(as_text=True)
    # What the person opens still says why they see the login page.
    client.get("/learn", headers={"Sec-Fetch-Mode": "navigate"})
    assert "Log in om deze pagina te zien." in client.get("/login").get_data(as_text=True)
