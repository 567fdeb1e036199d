"""Every portfolio form with bad input: 422, the Dutch message in the error summary and under its field
(marked aria-invalid, described by the message), what was typed kept, and nothing stored."""
import re
from datetime import date, timedelta

import pytest

from app.extensions import db
from app.models import (EntryCompetency, EntryGoal, ObservationNote, OutboxMessage, PeerObservation, PortfolioEntry,
                        Reflection)
from app.norms.planned import Planned, register_planned_provider
from app.plan import services as plans
from app.portfolio import services
from tests import factories
from tests.conftest import HTMX

TODAY = date.today()
BOTH = pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])


@pytest.fixture
def person(app, auth):
    return factories.logged_in_functionary(auth)


@pytest.fixture
def entry(person):
    item, _ = services.add_manual_entry(person, "activity", TODAY - timedelta(days=2), "Multi-oefening",
                                        nonce="setup", activity_kind="multi_exercise")
    db.session.commit()
    return item


def _count(model, **filters) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model).filter_by(**filters))


def _summary(body: str) -> str:
    return re.search(r'<div class="error-summary"[^>]*data-autofocus[^>]*>(.*?)</div>', body, re.S).group(1)


def _marked(body: str, field: str, message: str) -> None:
    """The message in the summary (linking to the field), under the field, and the field described by it."""
    assert f'<a href="#{field}">{message}</a>' in _summary(body)
    assert f'<p class="error" id="{field}-error">{message}</p>' in body
    tag = re.search(rf'<(?:input|select|textarea|fieldset)[^>]*\bid="{field}"[^>]*>', body).group(0)
    assert f"{field}-error" in re.search(r'aria-describedby="([^"]*)"', tag).group(1).split()
    if not tag.startswith("<fieldset"):
        assert 'aria-invalid="true"' in tag


def _post(client, url, data, headers):
    response = client.post(url, data=data, headers=headers)
    body = response.get_data(as_text=True)
    assert response.status_code == 422, body[:300]
    assert ("<html" in body) == (not headers)
    return body


@BOTH
def test_new_entry_refuses_what_is_not_on_the_page(client, person, headers):
    other_goal = plans.add_goal(factories.user(), TODAY.year, "Niet van mij")
    db.session.commit()
    data = {"kind": "quiz", "title": "Eigen omschrijving", "occurred_on": (TODAY + timedelta(days=1)).isoformat(),
            "incident_type": "i" * 121, "competencies": ["leiderschap", "bestaat-niet"],
            "goals": [str(other_goal.id)], "grip_level": "Rijk", "nonce": "n1"}
    body = _post(client, "/portfolio/new", data, headers)
    _marked(body, "kind", "Kies wat voor bewijs je toevoegt.")
    _marked(body, "occurred_on", "De datum kan niet in de toekomst liggen.")
    _marked(body, "incident_type", "Houd de soort incident op hoogstens 120 tekens.")
    _marked(body, "competencies", "Een gekozen crisiscompetentie bestaat niet.")
    _marked(body, "goals", "Een gekozen leerdoel hoort niet bij jouw plan.")
    assert _summary(body).count("<li>") == 5
    assert 'value="Eigen omschrijving"' in body and 'value="n1"' in body   # typed text and the same form copy
    assert re.search(r'<option selected value="Rijk">|<option value="Rijk" selected>', body)
    assert 'id="c-leiderschap" name="competencies" value="leiderschap" checked' in body
    assert _count(PortfolioEntry) == 0   # nothing stored


def test_new_entry_before_2000_and_a_tampered_nonce(client, person):
    data = {"kind": "other", "title": "Oud", "occurred_on": "1999-12-31", "nonce": "n" * 65}
    body = _post(client, "/portfolio/new", data, {})
    _marked(body, "occurred_on", "Vul een datum na 2000 in.")
    assert "Het formulier was niet compleet. Laad de pagina opnieuw." in _summary(body)
    assert _count(PortfolioEntry) == 0


@BOTH
def test_texts_form_empty_or_with_a_goal_not_of_this_plan(client, person, entry, headers):
    body = _post(client, f"/portfolio/{entry.id}/texts", {"learn": "  ", "went_well": "", "to_develop": ""}, headers)
    assert "<li>Schrijf je feedup of je reflectie.</li>" in _summary(body)
    plans.add_goal(person, TODAY.year, "Mijn doel")
    other_goal = plans.add_goal(factories.user(), TODAY.year, "Niet van mij")
    db.session.commit()
    data = {"learn": "Mijn feedup", "went_well": "Rust", "to_develop": "", "goal_id": str(other_goal.id)}
    body = _post(client, f"/portfolio/{entry.id}/texts", data, headers)
    _marked(body, "goal_id", "Een gekozen leerdoel hoort niet bij jouw plan.")
    assert "Mijn feedup</textarea>" in body and "Rust</textarea>" in body
    assert _count(Reflection) == 0


def test_empty_reflection_on_a_deployment_asks_for_the_reflection_it_shows(client, person):
    """A deployment's page has no feedup field: the message must not ask for one."""
    deployment, _ = services.add_manual_entry(person, "deployment", TODAY, "Inzet brand", nonce="d")
    db.session.commit()
    body = _post(client, f"/portfolio/{deployment.id}/texts", {"went_well": "", "to_develop": ""}, HTMX)
    _marked(body, "went_well", "Schrijf op wat goed ging of wat je wilt ontwikkelen.")
    assert "feedup" not in _summary(body)
    assert _count(Reflection) == 0


@BOTH
def test_links_form_with_a_competency_of_another_region(client, person, entry, headers):
    data = {"competencies": ["leiderschap", "elders"]}
    body = _post(client, f"/portfolio/{entry.id}/links", data, headers)
    _marked(body, "competencies", "Een gekozen crisiscompetentie bestaat niet.")
    assert 'id="lc-leiderschap" name="competencies" value="leiderschap" checked' in body   # the choice is kept
    assert _count(EntryCompetency) == _count(EntryGoal) == 0


@BOTH
def test_share_form_with_a_value_of_no_button(client, person, entry, headers):
    body = _post(client, f"/portfolio/{entry.id}/share", {"shared": "ja"}, headers)
    assert "Kies of je dit deelt met je coördinator." in _summary(body)
    db.session.expire_all()
    assert not db.session.get(PortfolioEntry, entry.id).shared_with_coordinator


@BOTH
def test_invite_form_without_a_colleague_or_with_a_stranger(client, person, entry, headers):
    colleague = factories.user(functions=("OL",), reg=person.region)
    stranger = factories.user(functions=("BA",), reg=person.region)
    for chosen in ("", str(stranger.id), "abc"):
        body = _post(client, f"/portfolio/{entry.id}/observers", {"colleague": chosen, "nonce": "i1"}, headers)
        _marked(body, "colleague", "Kies een collega met dezelfde functie.")
        assert f'<option value="{colleague.id}">' in body
    assert _count(PeerObservation) == _count(OutboxMessage) == 0


@BOTH
def test_activity_feedup_form_empty_or_too_long(client, person, app, headers):
    soon = TODAY + timedelta(days=5)
    register_planned_provider(app, lambda user, start, end: [Planned("multi_exercise", soon, "Multi Dinkel", "41")]
                              if start <= soon <= end else [])
    body = _post(client, "/portfolio/activity/41", {"learn": "   "}, headers)
    _marked(body, "learn", "Vul in: wat wil je hier leren.")
    body = _post(client, "/portfolio/activity/41", {"learn": "x" * 4001}, headers)
    _marked(body, "learn", "Wat wil je hier leren: hoogstens 4000 tekens; dit zijn er 4001.")
    assert "x" * 4001 + "</textarea>" in body
    assert _count(Reflection) == 0


@BOTH
def test_observation_form_empty(client, auth, app, headers):
    owner = factories.user(email="o@example.nl", functions=("OL",))
    observer = factories.user(email="w@example.nl", functions=("OL",), reg=owner.region)
    goal = plans.add_goal(owner, TODAY.year, "Rust uitstralen")
    obs, _ = services.invite_observer(owner, observer.id, title="Multi", occurred_on=TODAY)
    db.session.commit()
    auth.login("w@example.nl")
    body = _post(client, f"/portfolio/observations/{obs.id}", {f"goal-{goal.id}": " ", "general": ""}, headers)
    assert "<li>Schrijf minstens één waarneming op.</li>" in _summary(body)
    assert _count(ObservationNote) == 0 and _count(PortfolioEntry) == 0
    db.session.expire_all()
    assert db.session.get(PeerObservation, obs.id).status == "invited"
