"""Properties of every route, enumerated from the URL map (no hand-kept list): CSRF on every
state change, no server error for any role on any page, login required where personal."""
import pytest
from werkzeug.routing import Rule

from app import create_app
from tests import factories

ROLES = ("functionary", "author", "coordinator", "admin")
PUBLIC = {"auth.login", "auth.forgot", "auth.set_password", "main.accessibility", "main.privacy",
          "main.security_txt", "main.manifest", "main.healthz", "main.home", "static",
          "activities.calendar_feed", "main.service_worker", "main.offline",
          "main.security_txt_legacy"}


def _rules(methods: set[str]) -> list[Rule]:
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return sorted((r for r in app.url_map.iter_rules() if r.methods & methods and r.endpoint != "static"),
                  key=lambda r: r.rule)


def _url(rule: Rule) -> str:
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        if hasattr(converter, "items"):  # <any(a, b):name> accepts only its listed values
            values[name] = sorted(converter.items)[0]
        else:
            values[name] = 1 if converter.__class__.__name__ == "IntegerConverter" else "x"
    return rule.build(values, append_unknown=False)[1]


def _login_as(client, person):
    with client.session_transaction() as session:
        session["_user_id"] = person.get_id()
        session["_fresh"] = True


STATE_CHANGING = _rules({"POST", "PUT", "PATCH", "DELETE"})
PAGES = [r for r in _rules({"GET"}) if not r.arguments]


@pytest.mark.csrf
@pytest.mark.parametrize("rule", STATE_CHANGING, ids=lambda r: f"{r.endpoint}")
def test_every_state_change_refuses_a_missing_csrf_token(app, client, rule):
    person = factories.user(roles=ROLES)
    _login_as(client, person)
    method = sorted(rule.methods & {"POST", "PUT", "PATCH", "DELETE"})[0]
    response = client.open(_url(rule), method=method, data={"x": "1"})
    assert response.status_code == 400, f"{method} {rule.rule} accepted a request without CSRF token"
    assert "formulier was verlopen" in response.get_data(as_text=True)


@pytest.mark.parametrize("rule", PAGES, ids=lambda r: r.endpoint)
def test_every_page_answers_every_role_without_server_error(app, rule):
    for role in ROLES:
        client = app.test_client()
        _login_as(client, factories.user(roles=(role,), functions=("OL",)))
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(rule.rule, headers=headers)
            assert response.status_code < 500, f"GET {rule.rule} as {role}: {response.status_code}"
            assert "Traceback" not in response.get_data(as_text=True)


@pytest.mark.parametrize("rule", [r for r in PAGES if r.endpoint not in PUBLIC], ids=lambda r: r.endpoint)
def test_personal_pages_require_login(client, rule):
    response = client.get(rule.rule)
    assert response.status_code in (302, 401), f"{rule.rule} answered {response.status_code} without login"
    if response.status_code == 302:
        assert "/login" in response.location
