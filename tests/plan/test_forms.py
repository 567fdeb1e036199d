"""Every plan form with bad input: 422, the Dutch message in the error summary linked to its field,
the field marked invalid, the person's input still in the form, and nothing stored."""
from datetime import date, timedelta

import pytest

from app.extensions import db
from app.models import (AuditLog, DevelopmentPlan, FormSubmission, OutboxMessage, PlanChange, PlanCompetency,
                        PlanGoal)
from app.plan import services as plans
from tests import factories
from tests.conftest import HTMX

YEAR = date.today().year
STORED = (DevelopmentPlan, PlanGoal, PlanCompetency, PlanChange, FormSubmission, OutboxMessage)


def _stored() -> list[int]:
    return [db.session.scalar(db.select(db.func.count()).select_from(model)) for model in STORED]


@pytest.fixture
def person(app, auth):
    return factories.logged_in_functionary(auth)


@pytest.fixture
def coordinator_and_proposal(app, auth):
    person = factories.user(email="p@example.nl", name="Piet Pool", functions=("OL",))
    pc = plans.propose_competency(person, YEAR, "Stressbestendigheid", "Lange inzetten", "basis")
    factories.user(email="c@example.nl", roles=("coordinator",), functions=())
    db.session.commit()
    auth.login("c@example.nl")
    return person, pc


@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "page"])
def test_new_goal_reports_every_problem_at_once_and_keeps_the_text(client, person, headers):
    before = _stored()
    response = client.post(f"/plan/{YEAR}/goals", data={"text": "x" * 501, "competency": "verzonnen", "nonce": "g1"},
                           headers=headers)
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and ("<html" in body) == (not headers)
    assert '<a href="#goal-text">Een leerdoel is hoogstens 500 tekens; dit zijn er 501.</a>' in body
    assert '<a href="#goal-competency">Deze crisiscompetentie bestaat niet. Kies er een uit de lijst.</a>' in body
    assert 'aria-describedby="goal-competency-error" aria-invalid="true" id="goal-competency"' in body
    assert "x" * 501 in body and 'name="nonce" type="hidden" value="g1"' in body
    assert _stored() == before


def test_goal_edit_refuses_empty_text_and_unknown_status(client, person):
    goal = plans.add_goal(person, YEAR, "Eerst")
    db.session.commit()
    before = _stored()
    response = client.post(f"/plan/goals/{goal.id}", data={"text": "", "competency": "leiderschap", "status": "klaar"},
                           headers=HTMX)
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="goal-form"' in body and "<html" not in body
    assert '<a href="#goal-text">Vul een leerdoel in.</a>' in body
    assert '<a href="#goal-status">Kies of het leerdoel open of behaald is.</a>' in body
    assert 'aria-describedby="goal-status-error"' in body
    assert '<option selected value="leiderschap">' in body   # the choice made is kept
    db.session.expire_all()
    assert db.session.get(PlanGoal, goal.id).text == "Eerst" and _stored() == before


def test_choosing_a_competency_needs_one_and_a_level(client, person):
    before = _stored()
    response = client.post(f"/plan/{YEAR}/competencies", data={"code": "", "level": "expert"}, headers=HTMX)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<a href="#competency-code">Kies een crisiscompetentie.</a>' in body
    assert '<a href="#competency-level">Kies het niveau basis of gevorderd.</a>' in body
    assert '<fieldset id="competency-level" class="choice-list" aria-describedby="competency-level-error">' in body
    assert _stored() == before


def test_proposal_reports_name_and_motivation_together_and_keeps_the_level(client, person):
    before = _stored()
    response = client.post(f"/plan/{YEAR}/proposals", data={"name": "", "motivation": " ", "level": "gevorderd",
                                                             "nonce": "p1"}, headers=HTMX)
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and '<details id="competentie-voorstellen" open>' in body
    assert '<a href="#proposal-name">Geef de competentie een naam van hoogstens 120 tekens.</a>' in body
    assert '<a href="#proposal-motivation">Vul in waarom je deze competentie wilt ontwikkelen.</a>' in body
    assert 'id="proposal-level-gevorderd" name="level" value="gevorderd" checked' in body
    assert _stored() == before


def test_next_year_without_a_plan_says_so_once_and_stores_nothing(client, person):
    plans.add_goal(person, YEAR, "Dit jaar")
    db.session.commit()
    before = _stored()
    response = client.post(f"/plan/{YEAR - 1}/next", data={"nonce": "n1"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert body.count(f"Er is geen plan voor {YEAR - 1} om vanuit te beginnen.") == 1
    assert _stored() == before


def test_decline_without_a_comment_marks_that_proposals_comment(client, coordinator_and_proposal):
    person, pc = coordinator_and_proposal
    before = _stored()
    response = client.post(f"/plan/approvals/{pc.id}", data={"decision": "decline", "comment": "  "}, headers=HTMX)
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="approvals"' in body and "<html" not in body
    assert f'<a href="#comment-{pc.id}">Schrijf erbij waarom je het voorstel afwijst.</a>' in body
    assert f'aria-describedby="comment-{pc.id}-error" aria-invalid="true" id="comment-{pc.id}"' in body
    response = client.post(f"/plan/approvals/{pc.id}", data={"decision": "later", "comment": "Even wachten"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "Kies goedkeuren of afwijzen." in body and "Even wachten" in body
    db.session.expire_all()
    assert db.session.get(PlanCompetency, pc.id).status == "pending" and _stored() == before


def test_review_needs_a_date_not_in_the_future_and_keeps_the_note(client, coordinator_and_proposal):
    person, _pc = coordinator_and_proposal
    before = _stored()
    for held_on, message in (("", "Vul de datum van het gesprek in (dd-mm-jjjj)."),
                             ((date.today() + timedelta(days=1)).isoformat(),
                              "De datum van het gesprek kan niet in de toekomst liggen.")):
        response = client.post(f"/plan/review/{person.id}?year={YEAR}", data={"held_on": held_on, "note": "Goed gesprek"})
        body = response.get_data(as_text=True)
        assert response.status_code == 422 and f'<a href="#held-on">{message}</a>' in body
        assert "Goed gesprek" in body
    assert not plans.get_plan(person, YEAR).closed and _stored() == before
    assert not db.session.scalar(db.select(AuditLog.id).filter_by(action="yearly_review_signed_off"))
