"""Portfolio pages: page and fragment, double submit, privacy per role, observation, export, print.

Services never commit (README, "Who commits"): the set-up commits after its service calls, as a request
does, so a 422 (which rolls the request back) cannot take the set-up with it.
"""
import json
import re
from datetime import date, timedelta

import pytest

from app.extensions import db
from app.models import AuditLog, PortfolioEntry
from app.norms.planned import Planned, register_planned_provider
from app.plan import services as plans
from app.portfolio import services
from tests import factories
from tests.conftest import HTMX

TODAY = date.today()


@pytest.fixture
def person(app, auth):
    return factories.logged_in_functionary(auth)


def _entry(user, title="Multi-oefening", ref="r"):
    entry, _ = services.add_manual_entry(user, "activity", TODAY - timedelta(days=2), title, nonce=ref,
                                         activity_kind="multi_exercise")
    db.session.commit()
    return entry


def test_index_page_fragment_and_kind_filter(client, person):
    _entry(person, "Oefening Hoogwater")
    services.add_manual_entry(person, "deployment", TODAY, "Inzet brand", nonce="d")
    db.session.commit()
    page = client.get("/portfolio").get_data(as_text=True)
    assert "<html" in page and "Oefening Hoogwater" in page and "Inzet brand" in page and "Alleen jij" not in page
    assert "Privé tenzij je deelt" in page
    fragment = client.get("/portfolio?kind=deployment", headers=HTMX).get_data(as_text=True)
    assert "<html" not in fragment and "Inzet brand" in fragment and "Oefening Hoogwater" not in fragment


def test_add_entry_by_hand_double_tap_gives_one(client, person):
    data = {"kind": "knowledge_day", "title": "Kennisdag Oost", "occurred_on": TODAY.isoformat(), "nonce": "tap"}
    first = client.post("/portfolio/new", data=data)
    second = client.post("/portfolio/new", data=data)
    assert first.status_code == second.status_code == 302 and first.location == second.location
    assert db.session.scalar(db.select(db.func.count()).select_from(PortfolioEntry)) == 1
    assert "één keer opgeslagen" in client.get(second.location).get_data(as_text=True)


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_add_entry_lists_every_error_once_and_marks_each_field(client, person, headers):
    data = {"kind": "activity", "title": "   ", "occurred_on": "gisteren", "activity_kind": "",
            "grip_level": "9", "notes": "Mijn getypte toelichting", "nonce": "n1"}
    response = client.post("/portfolio/new", data=data, headers=headers)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert ("<html" in body) == (not headers)
    summary = re.search(r'<div class="error-summary"[^>]*data-autofocus[^>]*>(.*?)</div>', body, re.S).group(1)
    expected = {"title": "Vul een omschrijving in.", "occurred_on": "Vul een geldige datum in.",
                "activity_kind": "Kies wat voor oefening of training het was.",
                "grip_level": "Kies GRIP 1 tot en met 5 of GRIP Rijk."}
    assert summary.count("<li>") == len(expected) and "hoogstens" not in body
    for field, message in expected.items():
        assert summary.count(f'<a href="#{field}">{message}</a>') == 1
        assert body.count(message) == 2  # in the summary and once under the field
        assert f'<p class="error" id="{field}-error">{message}</p>' in body
        tag = re.search(rf'<(?:input|select|textarea)[^>]*\bid="{field}"[^>]*>', body).group(0)
        assert 'aria-invalid="true"' in tag and "-error" in re.search(r'aria-describedby="([^"]*)"', tag).group(1)
        assert f"{field}-error" in re.search(r'aria-describedby="([^"]*)"', tag).group(1).split()
    notes = re.search(r'<textarea[^>]*id="notes"[^>]*>', body).group(0)
    assert "aria-invalid" not in notes and "Mijn getypte toelichting" in body
    assert db.session.scalar(db.select(db.func.count()).select_from(PortfolioEntry)) == 0


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_texts_form_marks_every_too_long_field_at_once(client, person, headers):
    item = _entry(person)
    long = "y" * 4001
    data = {"learn": "Mijn feedup", "went_well": long, "to_develop": long + "z"}
    response = client.post(f"/portfolio/{item.id}/texts", data=data, headers=headers)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    summary = re.search(r'<div class="error-summary"[^>]*>(.*?)</div>', body, re.S).group(1)
    assert summary.count("<li>") == 2 and '<a href="#went_well">' in summary and '<a href="#to_develop">' in summary
    for field in ("went_well", "to_develop"):
        tag = re.search(rf'<textarea[^>]*id="{field}"[^>]*>', body).group(0)
        assert 'aria-invalid="true"' in tag and f'aria-describedby="{field}-error"' in tag
        assert f'<p class="error" id="{field}-error">' in body
    assert 'aria-invalid' not in re.search(r'<textarea[^>]*id="learn"[^>]*>', body).group(0)
    assert "Mijn feedup" in body and long + "z" in body
    assert services.texts_for_entry(person, item)["feedup"] is None


def test_add_entry_bad_input_is_422_and_keeps_values(client, person):
    data = {"kind": "deployment", "title": "Brand", "occurred_on": (TODAY + timedelta(days=3)).isoformat(),
            "nonce": "x", "incident_type": "Brand in loods"}
    response = client.post("/portfolio/new", data=data, headers=HTMX)
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "toekomst" in body and "Brand in loods" in body and "<html" not in body
    response = client.post("/portfolio/new", data={**data, "occurred_on": "gisteren"})
    assert response.status_code == 422 and "geldige datum" in response.get_data(as_text=True)


def test_feedup_and_reflection_are_one_save_and_keep_each_other(client, person):
    entry = _entry(person)
    page = client.get(f"/portfolio/{entry.id}").get_data(as_text=True)
    assert "Alleen jij ziet dit" in page and "Feedup en reflectie opslaan" in page and "data-keep-text" in page
    # Typing a feedup and a reflection and saving once keeps both (the old page wiped the feedup).
    response = client.post(f"/portfolio/{entry.id}/texts", data={"learn": "Samenvatten", "went_well": "Rust",
                                                                 "to_develop": ""}, headers=HTMX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "Je teksten zijn opgeslagen" in body and "Samenvatten" in body
    texts = services.texts_for_entry(person, entry)
    assert (texts["feedup"].learn, texts["reflection"].went_well) == ("Samenvatten", "Rust")
    # A text that is too long: 422, nothing stored, both typed texts come back in the form.
    response = client.post(f"/portfolio/{entry.id}/texts", data={"learn": "Nieuwe feedup", "went_well": "x" * 4001,
                                                                 "to_develop": ""}, headers=HTMX)
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "hoogstens" in body and "Nieuwe feedup" in body and "x" * 4001 in body
    assert services.texts_for_entry(person, entry)["feedup"].learn == "Samenvatten"
    # Without JavaScript: redirect to the form's place on the page.
    response = client.post(f"/portfolio/{entry.id}/texts", data={"learn": "", "went_well": "Rust", "to_develop": "Tempo"})
    assert response.status_code == 302 and response.location.endswith(f"/portfolio/{entry.id}#teksten")
    texts = services.texts_for_entry(person, entry)
    assert texts["feedup"] is None and texts["reflection"].to_develop == "Tempo"
    response = client.post(f"/portfolio/{entry.id}/share", data={"shared": "1"})
    assert response.status_code == 302
    assert "Gedeeld met je coördinator" in client.get(f"/portfolio/{entry.id}").get_data(as_text=True)


def test_empty_texts_form_asks_for_text(client, person):
    entry = _entry(person)
    response = client.post(f"/portfolio/{entry.id}/texts", data={"learn": "", "went_well": "", "to_develop": ""},
                           headers=HTMX)
    assert response.status_code == 422 and "Schrijf je feedup of je reflectie" in response.get_data(as_text=True)


def test_no_feedup_on_a_deployment_that_happened(client, person):
    entry, _ = services.add_manual_entry(person, "deployment", TODAY, "Inzet brand", nonce="d")
    db.session.commit()
    page = client.get(f"/portfolio/{entry.id}").get_data(as_text=True)
    assert "Wat wil ik hier leren?" not in page and "Reflectie opslaan" in page


def test_delete_asks_first_without_javascript(client, person):
    entry = _entry(person, "Weg ermee")
    response = client.post(f"/portfolio/{entry.id}/delete")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "Dit item verwijderen?" in body and 'name="confirmed" value="1"' in body
    assert db.session.get(PortfolioEntry, entry.id) is not None
    response = client.post(f"/portfolio/{entry.id}/delete", data={"confirmed": "1"})
    assert response.status_code == 302 and db.session.get(PortfolioEntry, entry.id) is None


@pytest.mark.parametrize("role", ["functionary", "coordinator", "admin"])
def test_other_peoples_entries_are_404_and_logged(client, auth, app, role):
    owner = factories.user(functions=("OL",))
    entry = _entry(owner)
    services.save_reflection(owner, "Privé-tekst", "", entry=entry)
    db.session.commit()
    viewer = factories.user(email="v@example.nl", roles=(role,), functions=("OL",))
    auth.login("v@example.nl")
    for path in (f"/portfolio/{entry.id}",):
        response = client.get(path)
        assert response.status_code == 404 and "Privé-tekst" not in response.get_data(as_text=True)
    assert client.post(f"/portfolio/{entry.id}/texts", data={"went_well": "hack"}).status_code == 404
    assert client.post(f"/portfolio/{entry.id}/share", data={"shared": "1"}).status_code == 404
    assert not entry.shared_with_coordinator
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditLog).filter_by(
        action="access_refused", actor_id=viewer.id)) == 3


def test_coordinator_review_shows_shared_text_only(client, auth, app):
    owner = factories.user(functions=("OL",))
    shared, private = _entry(owner, "Gedeeld item", "a"), _entry(owner, "Privé item", "b")
    services.save_reflection(owner, "Zichtbare reflectie", "", entry=shared)
    services.save_reflection(owner, "Verborgen reflectie", "", entry=private)
    services.set_shared(owner, shared, True)
    db.session.commit()
    factories.user(email="c@example.nl", roles=("coordinator",), functions=())
    auth.login("c@example.nl")
    page = client.get(f"/plan/review/{owner.id}").get_data(as_text=True)
    assert "Zichtbare reflectie" in page and "Verborgen reflectie" not in page


def test_observer_writes_observation_and_sees_only_own_text(client, auth, app):
    owner = factories.user(email="o@example.nl", name="Olga Ensink", functions=("OL",))
    observer = factories.user(email="w@example.nl", functions=("OL",))
    goal = plans.add_goal(owner, TODAY.year, "Rust uitstralen")
    entry = _entry(owner)
    services.save_reflection(owner, "Eigen reflectie van Olga", "", entry=entry)
    obs, _ = services.invite_observer(owner, observer.id, entry=entry)
    db.session.commit()
    auth.login("w@example.nl")
    assert "Olga Ensink" in client.get("/portfolio/observations").get_data(as_text=True)
    form = client.get(f"/portfolio/observations/{obs.id}").get_data(as_text=True)
    assert "Rust uitstralen" in form and "Eigen reflectie van Olga" not in form
    assert client.get(f"/portfolio/{entry.id}").status_code == 404
    too_long = {f"goal-{goal.id}": "k" * 4001, "general": "g" * 4001}
    response = client.post(f"/portfolio/observations/{obs.id}", data=too_long, headers=HTMX)
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and body.count("<li>") == 2 and "k" * 4001 in body
    for field in (f"goal-{goal.id}", "general"):
        assert f'<a href="#{field}">' in body
        tag = re.search(rf'<textarea[^>]*id="{field}"[^>]*>', body).group(0)
        assert 'aria-invalid="true"' in tag and f'aria-describedby="{field}-error"' in tag
    assert services.observation_notes(obs) == []
    response = client.post(f"/portfolio/observations/{obs.id}", data={f"goal-{goal.id}": "Zeer kalm", "general": ""})
    assert response.status_code == 302
    auth.logout()
    auth.login("o@example.nl")
    assert "Zeer kalm" in client.get(f"/portfolio/{entry.id}").get_data(as_text=True)
    # someone else cannot open the observation form
    factories.user(email="z@example.nl", functions=("OL",))
    auth.logout()
    auth.login("z@example.nl")
    assert client.get(f"/portfolio/observations/{obs.id}").status_code == 404


def test_invite_only_colleagues_with_same_function(client, person):
    entry = _entry(person)
    stranger = factories.user(functions=("BA",))
    response = client.post(f"/portfolio/{entry.id}/observers", data={"colleague": str(stranger.id)}, headers=HTMX)
    assert response.status_code == 422 and "dezelfde functie" in response.get_data(as_text=True)


def test_feedup_for_planned_activity_and_start_card(client, person, app):
    soon = TODAY + timedelta(days=5)
    register_planned_provider(app, lambda user, start, end: [Planned("multi_exercise", soon, "Multi Dinkel", "41")]
                              if user.id == person.id and start <= soon <= end else [])
    home = client.get("/").get_data(as_text=True)
    assert "Wat wil je leren bij Multi Dinkel?" in home
    assert client.get("/portfolio/activity/999").status_code == 404
    response = client.post("/portfolio/activity/41", data={"learn": "Opschalen oefenen"})
    assert response.status_code == 302
    assert "Wat wil je leren bij Multi Dinkel?" not in client.get("/").get_data(as_text=True)
    assert services.text_for_activity(person, "feedup", 41).learn == "Opschalen oefenen"


def test_export_json_and_print(client, person):
    entry = _entry(person, "Oefening Twentekanaal")
    services.save_feedup(person, "Mijn feedup", entry=entry)
    db.session.commit()
    response = client.get("/portfolio/export.json")
    assert response.mimetype == "application/json" and "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["entries"][0]["title"] == "Oefening Twentekanaal"
    assert data["feedup_and_reflections"][0]["learn"] == "Mijn feedup"
    page = client.get("/portfolio/print").get_data(as_text=True)
    assert "Oefening Twentekanaal" in page and "Mijn feedup" in page


def test_anonymous_goes_to_login(client, app):
    for path in ("/portfolio", "/plan", "/portfolio/export.json"):
        assert "/login" in client.get(path).location
