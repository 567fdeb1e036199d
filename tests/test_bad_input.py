"""No 500 on any input, on SQLite and PostgreSQL: a Dutch 4xx, and nothing stored.

NUL bytes (which PostgreSQL refuses to store), ids an INTEGER column cannot hold, years Paraat does not
know, CR/LF in the login's `next`, and an error page that must render even when the request's
database session is broken.
"""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError
from werkzeug.routing import IntegerConverter

from app.extensions import db
from app.models import AuditLog, OutboxMessage, PlanGoal, User
from app.web import MAX_ID, YearConverter
from tests import factories
from tests.conftest import HTMX

PASSWORD = "correct horse battery"


def _login_as(client, person):
    from app.auth import sessions
    with client.session_transaction() as session:
        session["sid"] = sessions.start(person)  # the server-side session the cookie points to
        session["_user_id"] = person.get_id()
        session["_fresh"] = True
    db.session.commit()   # the caller commits what the service added


def _count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def _dutch_error(response, code: int) -> str:
    body = response.get_data(as_text=True)
    assert response.status_code == code, body[:300]
    assert ("Foutcode" in body or 'lang="nl"' in body) and "Traceback" not in body
    assert "Content-Security-Policy" in response.headers
    return body


# --- NUL bytes: one check for every field and path --------------------------------------------

def test_nul_byte_in_login_is_a_dutch_400_without_a_login(app, client):
    person = factories.user(email="nul@example.nl")
    audit_before = _count(AuditLog)
    response = client.post("/login", data={"email": "nul@example.nl\x00", "password": PASSWORD})
    _dutch_error(response, 400)
    response = client.post("/login", data={"email": person.email, "password": PASSWORD + "\x00"})
    _dutch_error(response, 400)
    assert _count(AuditLog) == audit_before
    assert client.get("/account").status_code in (302, 401)   # not logged in


def test_nul_byte_in_forgot_password_sends_nothing(app, client):
    factories.user(email="vergeten@example.nl")
    response = client.post("/account/forgot", data={"email": "vergeten@example.nl\x00"})
    _dutch_error(response, 400)
    assert _count(OutboxMessage) == 0


def test_nul_byte_in_a_calendar_token_path(app, client):
    person = factories.user()
    _dutch_error(client.get(f"/calendar/{person.calendar_token}%00.ics"), 400)
    _dutch_error(client.get("/calendar/%00.ics?x=%00"), 400)


def test_nul_byte_in_a_logged_in_form_stores_nothing(app, client):
    person = factories.user()
    _login_as(client, person)
    year = date.today().year
    response = client.post(f"/plan/{year}/goals", data={"text": "Beter\x00 vergaderen", "nonce": "n1"},
                           headers=HTMX)
    _dutch_error(response, 400)
    response = client.post(f"/plan/{year}/goals", data={"text\x00": "x", "nonce": "n2"})
    _dutch_error(response, 400)
    assert _count(PlanGoal) == 0


# --- ids and years -------------------------------------------------------------------------------

def _int_rules(app):
    return [r for r in app.url_map.iter_rules()
            if any(isinstance(r._converters[a], IntegerConverter) and not isinstance(r._converters[a], YearConverter)
                   for a in r.arguments)]


def _build(rule, big: int) -> str:
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        if hasattr(converter, "items"):
            values[name] = sorted(converter.items)[0]
        elif isinstance(converter, YearConverter):
            values[name] = date.today().year
        elif isinstance(converter, IntegerConverter):
            values[name] = 1
        else:
            values[name] = "x"
    path = rule.build(values, append_unknown=False)[1]
    # Put the huge id where the first integer argument is (build() refuses values above the maximum).
    first = next(a for a in rule.arguments if isinstance(rule._converters[a], IntegerConverter)
                 and not isinstance(rule._converters[a], YearConverter))
    marker = rule.build({**values, first: 987654}, append_unknown=False)[1]
    return marker.replace("987654", str(big)) if "987654" in marker else path


def test_every_integer_url_answers_404_for_an_id_of_2_to_the_31(app):
    rules = _int_rules(app)
    assert len(rules) > 20
    admin = factories.user(roles=("functionary", "author", "coordinator", "admin"))
    client = app.test_client()
    _login_as(client, admin)
    for rule in rules:
        url = _build(rule, 2**31)
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = client.open(url, method=method, data={"x": "1"})
            # A POST may meet a GET-only route of the same shape (405); never a server error.
            assert response.status_code in ((404,) if method == "GET" else (404, 405)), \
                f"{method} {url}: {response.status_code}"
    # The largest id a column holds is still an ordinary "not found".
    assert client.get(f"/portfolio/{MAX_ID}").status_code == 404


@pytest.mark.parametrize("year", ["-1", "10000", "1999", "2101", "elf"])
def test_a_year_paraat_does_not_know_is_404_on_every_page_that_takes_one(app, client, year):
    _login_as(client, factories.user(roles=("functionary", "coordinator")))
    for url in ("/portfolio/print", "/plan", "/plan/approvals"):
        _dutch_error(client.get(f"{url}?year={year}"), 404)


def test_plan_year_zero_is_404_and_stores_nothing(app, client):
    _login_as(client, factories.user())
    response = client.post("/plan/0/goals", data={"text": "Een doel", "nonce": "n"}, headers=HTMX)
    assert response.status_code == 404
    assert client.post("/plan/99999/competencies", data={"code": "x"}).status_code == 404
    assert _count(PlanGoal) == 0


# --- the login's next --------------------------------------------------------------------------

@pytest.mark.parametrize("target", ["/%0d%0aSet-Cookie:%20x=1", "/%0aevil", "/\\evil.example", "/%09/evil.example"])
def test_login_next_with_control_characters_goes_home(app, client, target):
    factories.user(email="next@example.nl")
    response = client.post(f"/login?next={target}", data={"email": "next@example.nl", "password": PASSWORD})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "\r" not in location and "\n" not in location and "evil" not in location
    assert "x=1" not in response.headers.get("Set-Cookie", "")


# --- the error page itself -------------------------------------------------------------------

def test_error_page_renders_after_a_broken_session(app):
    """A view that swallowed a failed flush leaves the session needing a rollback: the request's
    commit fails, and the error page must still be the Dutch one with its security headers."""
    existing = factories.user(email="dubbel@example.nl")

    @app.route("/_test/broken-session")
    def broken_session():
        db.session.add(User(email=existing.email, name="Dubbel", region_id=existing.region_id,
                            password_hash="x"))
        try:
            db.session.flush()
        except IntegrityError:
            pass   # the mistake: no rollback
        return "ok"

    client = app.test_client()
    _login_as(client, existing)
    body = _dutch_error(client.get("/_test/broken-session"), 500)
    assert "Er ging iets mis" in body
    # And the session works again for the next request.
    assert client.get("/account").status_code == 200


def test_error_page_without_a_database_is_still_dutch(app, monkeypatch):
    """Even when rendering the page fails (the template's lookups hit a dead database), a plain
    Dutch page with the security headers answers, never the server's bare English 500."""
    from app import errors

    @app.route("/_test/boom")
    def boom():
        raise RuntimeError("kapot")

    def failing_render(*args, **kwargs):
        raise RuntimeError("database weg")

    monkeypatch.setattr(errors, "render", failing_render)
    response = app.test_client().get("/_test/boom")
    body = _dutch_error(response, 500)
    assert "Er ging iets mis" in body
