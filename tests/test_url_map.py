"""Properties of every route, enumerated from the URL map (no hand-kept list): CSRF on every
state change, no server error for any role on any page, login required where personal."""
from datetime import date

import pytest
from werkzeug.routing import IntegerConverter, Rule

from app.extensions import db
from app.web import YearConverter
from tests import factories
from tests.url_map import rules

pytestmark = pytest.mark.sqlite_only  # sweeps over routes: the services below are tested on both databases

ROLES = ("functionary", "author", "coordinator", "admin")
PUBLIC = {"auth.login", "auth.forgot", "auth.set_password", "main.accessibility", "main.privacy",
          "main.security_txt", "main.manifest", "main.healthz", "main.home", "static",
          "activities.calendar_feed", "main.service_worker", "main.offline",
          "main.security_txt_legacy"}


def _rules(methods: set[str]) -> list[Rule]:
    return [r for r in rules() if r.methods & methods]


def _pages() -> list[Rule]:
    return [r for r in _rules({"GET"}) if not r.arguments]


def pytest_generate_tests(metafunc):
    """Each test's rules, read from the URL map at collection (not at import)."""
    select = {"test_every_state_change_refuses_a_missing_csrf_token":
              lambda: _rules({"POST", "PUT", "PATCH", "DELETE"}),
              "test_every_page_answers_every_role_without_server_error": _pages,
              "test_personal_pages_require_login": lambda: [r for r in _pages() if r.endpoint not in PUBLIC]}
    metafunc.parametrize("rule", select[metafunc.function.__name__](), ids=lambda r: r.endpoint)


def _url(rule: Rule) -> str:
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        if hasattr(converter, "items"):  # <any(a, b):name> accepts only its listed values
            values[name] = sorted(converter.items)[0]
        else:
            values[name] = (date.today().year if isinstance(converter, YearConverter)
                            else 1 if isinstance(converter, IntegerConverter) else "x")
    return rule.build(values, append_unknown=False)[1]


def _login_as(client, person):
    from app.auth import sessions
    with client.session_transaction() as session:
        session["sid"] = sessions.start(person)  # the server-side session the cookie points to
        session["_user_id"] = person.get_id()
        session["_fresh"] = True
    db.session.commit()   # the caller commits what the service added


@pytest.mark.csrf
def test_every_state_change_refuses_a_missing_csrf_token(app, client, rule):
    person = factories.user(roles=ROLES)
    _login_as(client, person)
    method = sorted(rule.methods & {"POST", "PUT", "PATCH", "DELETE"})[0]
    response = client.open(_url(rule), method=method, data={"x": "1"})
    assert response.status_code == 400, f"{method} {rule.rule} accepted a request without CSRF token"
    assert "formulier was verlopen" in response.get_data(as_text=True)


def test_every_page_answers_every_role_without_server_error(app, rule):
    for role in ROLES:
        client = app.test_client()
        _login_as(client, factories.user(roles=(role,), functions=("OL",)))
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(rule.rule, headers=headers)
            assert response.status_code < 500, f"GET {rule.rule} as {role}: {response.status_code}"
            assert "Traceback" not in response.get_data(as_text=True)


def test_personal_pages_require_login(client, rule):
    response = client.get(rule.rule)
    assert response.status_code in (302, 401), f"{rule.rule} answered {response.status_code} without login"
    if response.status_code == 302:
        assert "/login" in response.location
