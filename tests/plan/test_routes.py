"""Plan pages: page and htmx fragment, bad input as 422, closed year, approvals and review per role."""
from datetime import date

import pytest

from app.extensions import db
from app.models import AuditLog, PlanGoal
from app.auth import access
from app.plan import services as plans
from tests import factories
from tests.conftest import HTMX

YEAR = date.today().year


@pytest.fixture
def person(app, auth):
    factories.norm("OL", "multi_exercise", YEAR, "per_year", 2)
    return factories.logged_in_functionary(auth)


def test_plan_page_and_fragment_show_norms_and_rules(client, person):
    page = client.get("/plan").get_data(as_text=True)
    assert "<html" in page and f"Ontwikkelplan {YEAR}" in page and 'id="normen"' in page
    assert "Hoe bepalen we de status?" in page and "0 van 2" in page
    fragment = client.get("/plan", headers=HTMX)
    assert "<html" not in fragment.get_data(as_text=True) and 'id="plan-body"' in fragment.get_data(as_text=True)
    assert "HX-Request" in fragment.headers["Vary"]


def test_add_goal_plain_post_redirects_and_htmx_returns_fragment(client, person):
    response = client.post(f"/plan/{YEAR}/goals", data={"text": "Beter vergaderen", "nonce": "n1"})
    assert response.status_code == 302
    assert "Leerdoel toegevoegd" in client.get(response.location).get_data(as_text=True)
    response = client.post(f"/plan/{YEAR}/goals", data={"text": "Nog een doel", "nonce": "n2"}, headers=HTMX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "Nog een doel" in body and "<html" not in body


def test_double_tap_adds_one_goal(client, person):
    for _ in range(2):
        client.post(f"/plan/{YEAR}/goals", data={"text": "Eén keer", "nonce": "same"}, headers=HTMX)
    assert [g.text for g in plans.get_plan(person, YEAR).goals] == ["Eén keer"]


def test_bad_input_gives_422_with_dutch_message_and_keeps_text(client, person):
    response = client.post(f"/plan/{YEAR}/goals", data={"text": "x" * 501, "nonce": "a"}, headers=HTMX)
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "hoogstens 500 tekens" in body and "x" * 501 in body
    response = client.post(f"/plan/{YEAR}/competencies", data={"code": "verzonnen", "level": "basis"})
    assert response.status_code == 422 and "bestaat niet" in response.get_data(as_text=True)


def test_closed_year_refuses_edits_with_message(client, person):
    coordinator = factories.user(roles=("coordinator",), functions=())
    plans.add_goal(person, YEAR - 1, "Oud doel")
    plans.sign_off_review(coordinator, person, YEAR - 1, date(YEAR - 1, 12, 1))
    db.session.commit()   # as the coordinator's request did
    response = client.post(f"/plan/{YEAR - 1}/goals", data={"text": "Te laat", "nonce": "z"}, headers=HTMX)
    assert response.status_code == 422 and "afgesloten" in response.get_data(as_text=True)
    page = client.get(f"/plan?year={YEAR - 1}").get_data(as_text=True)
    assert "Dit plan is afgesloten" in page and "Leerdoel toevoegen" not in page
    assert [g.text for g in plans.get_plan(person, YEAR - 1).goals] == ["Oud doel"]


def test_someone_elses_goal_is_404_and_logged(client, person):
    other = factories.user(functions=("OL",))
    goal = plans.add_goal(other, YEAR, "Van iemand anders")
    db.session.commit()
    assert client.get(f"/plan/goals/{goal.id}").status_code == 404
    assert client.post(f"/plan/goals/{goal.id}/delete").status_code == 404
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditLog).filter_by(
        action="access_refused", actor_id=person.id)) == 2
    assert access.allowed(other, goal) and not access.allowed(person, goal)


def test_remove_goal_and_competency_ask_first_without_javascript(client, person):
    goal = plans.add_goal(person, YEAR, "Blijft staan")
    goal_id = goal.id
    response = client.post(f"/plan/goals/{goal.id}/delete")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "Dit leerdoel verwijderen?" in body and "Blijft staan" in body
    assert 'name="confirmed" value="1"' in body and f'/plan?year={YEAR}#leerdoelen' in body
    assert db.session.get(PlanGoal, goal_id) is not None
    response = client.post(f"/plan/goals/{goal_id}/delete", data={"confirmed": "1"})
    assert response.status_code == 302 and response.location.endswith(f"/plan?year={YEAR}#leerdoelen")
    db.session.expire_all()
    assert db.session.get(PlanGoal, goal_id) is None
    pc = plans.choose_competency(person, YEAR, "leiderschap", "basis")
    response = client.post(f"/plan/competencies/{pc.id}/delete", headers=HTMX)
    assert "Deze competentie uit je plan halen?" in response.get_data(as_text=True)
    assert plans.get_plan(person, YEAR).competencies
    response = client.post(f"/plan/competencies/{pc.id}/delete", data={"confirmed": "1"}, headers=HTMX)
    body = response.get_data(as_text=True)
    assert "Crisiscompetentie verwijderd" in body and not plans.get_plan(person, YEAR).competencies


def test_saved_message_appears_in_the_changed_section(client, person):
    response = client.post(f"/plan/{YEAR}/goals", data={"text": "Zichtbaar blijven", "nonce": "s1"}, headers=HTMX)
    body = response.get_data(as_text=True)
    section = body[body.index('id="leerdoelen"'):]
    assert "Leerdoel toegevoegd." in section and "Leerdoel toegevoegd." not in body[:body.index('id="leerdoelen"')]
    response = client.post(f"/plan/{YEAR}/goals", data={"text": "Ook zonder JS", "nonce": "s2"})
    assert response.location.endswith("#leerdoelen")
    body = client.get(response.location).get_data(as_text=True)   # without JavaScript: in the section too
    assert body.count(">Leerdoel toegevoegd.<") == 1 and "Leerdoel toegevoegd." in body[body.index('id="leerdoelen"'):]
    assert "Leerdoel toegevoegd." not in client.get(response.location).get_data(as_text=True)   # once


def test_without_javascript_a_refused_form_opens_at_its_errors(client, person):
    page = client.get("/plan").get_data(as_text=True)
    for form_id, url in (("leerdoel-toevoegen", f"/plan/{YEAR}/goals"),
                         ("competentie-kiezen", f"/plan/{YEAR}/competencies")):
        assert f'id="{form_id}" method="post" action="{url}#{form_id}"' in page
    assert f'action="/plan/{YEAR}/proposals#competentie-voorstellen"' in page


def test_edit_goal_page_and_htmx_redirect(client, person):
    goal = plans.add_goal(person, YEAR, "Eerst")
    assert "Leerdoel wijzigen" in client.get(f"/plan/goals/{goal.id}").get_data(as_text=True)
    response = client.post(f"/plan/goals/{goal.id}", data={"text": "Daarna", "status": "achieved"}, headers=HTMX)
    assert response.status_code == 204 and response.headers["HX-Redirect"] == f"/plan?year={YEAR}#leerdoel-{goal.id}"
    assert goal.text == "Daarna" and goal.status == "achieved"
    page = client.get(response.headers["HX-Redirect"]).get_data(as_text=True)
    assert "Leerdoel opgeslagen." in page[page.index(f'id="leerdoel-{goal.id}"'):]   # where the page opens


@pytest.mark.parametrize("role", ["functionary", "author"])
def test_approvals_and_review_only_for_coordinators(client, auth, app, role):
    factories.user(email="x@example.nl", roles=(role,))
    auth.login("x@example.nl")
    assert client.get("/plan/approvals").status_code == 403
    assert client.get("/plan/review/1").status_code == 403


def test_coordinator_approves_proposal_and_signs_off_review(client, auth, app):
    person = factories.user(email="p@example.nl", name="Piet Pool", functions=("OL",))
    pc = plans.propose_competency(person, YEAR, "Stressbestendigheid", "Lange inzetten", "basis")
    factories.user(email="c@example.nl", roles=("coordinator",), functions=())
    auth.login("c@example.nl")
    page = client.get("/plan/approvals").get_data(as_text=True)
    assert "Stressbestendigheid" in page and "Piet Pool" in page
    response = client.post(f"/plan/approvals/{pc.id}", data={"decision": "decline", "comment": ""}, headers=HTMX)
    assert response.status_code == 422 and "waarom" in response.get_data(as_text=True)
    response = client.post(f"/plan/approvals/{pc.id}", data={"decision": "approve", "comment": "Prima"}, headers=HTMX)
    assert response.status_code == 200 and "Voorstel goedgekeurd" in response.get_data(as_text=True)
    assert plans.chosen_competency_codes(person, YEAR) == ["stressbestendigheid"]
    response = client.post(f"/plan/review/{person.id}?year={YEAR}", data={"held_on": date.today().isoformat()})
    assert response.status_code == 302
    assert plans.get_plan(person, YEAR).closed


def test_coordinator_reopens_a_closed_year_with_a_reason(client, auth, app):
    from app.models import OutboxMessage
    person = factories.user(email="p@example.nl", functions=("OL",))
    coordinator = factories.user(email="c@example.nl", roles=("coordinator",), functions=())
    plans.sign_off_review(coordinator, person, YEAR - 1, date(YEAR - 1, 12, 1))
    auth.login("c@example.nl")
    page = client.get(f"/plan/review/{person.id}?year={YEAR - 1}").get_data(as_text=True)
    assert f"Plan {YEAR - 1} weer openen" in page
    refused = client.post(f"/plan/review/{person.id}/reopen", data={"year": YEAR - 1, "reason": " "})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and '<a href="#reopen-reason">Geef een reden op' in body
    assert plans.get_plan(person, YEAR - 1).closed
    client.post(f"/plan/review/{person.id}/reopen", data={"year": YEAR - 1, "reason": "Verkeerd jaar vastgelegd"})
    assert not plans.get_plan(person, YEAR - 1).closed
    assert db.session.scalar(db.select(AuditLog).filter_by(action="yearly_review_reopened"))
    mail = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.to == "p@example.nl")).all()
    assert any("Verkeerd jaar vastgelegd" in m.body for m in mail)
    history = [change.action for change, _name in plans.history(plans.get_plan(person, YEAR - 1))]
    assert "review_reopened" in history


def test_functionary_cannot_reopen_a_year(client, person):
    assert client.post(f"/plan/review/{person.id}/reopen", data={"year": YEAR, "reason": "x"}).status_code == 403


def test_coordinator_cannot_review_other_region(client, auth, app):
    stranger = factories.user(reg=factories.region("ijsselland"))
    factories.user(email="c@example.nl", roles=("coordinator",), functions=())
    auth.login("c@example.nl")
    assert client.get(f"/plan/review/{stranger.id}").status_code == 404


def test_start_page_norms_card(client, person):
    page = client.get("/").get_data(as_text=True)
    card = page[page.index('id="section-norms"'):]
    assert "Voortgang op je normen" in page and "multi_exercise" in card and "/plan#normen" in card


def test_plan_states_the_regions_own_rules_and_shows_own_duty_periods(client, person):
    from datetime import timedelta
    from app.models import DutyPeriod
    other = factories.user(email="ander@example.nl", functions=("OL",))
    start = date.today() + timedelta(days=10)
    db.session.add_all([DutyPeriod(user_id=person.id, start=start, end=start + timedelta(days=6)),
                        DutyPeriod(user_id=other.id, start=start, end=start + timedelta(days=2))])
    db.session.commit()
    page = client.get("/plan").get_data(as_text=True)
    assert "regel van de regio" in page
    assert "voor piket-functies: wanneer je dienst hebt" in page
    assert "Eén waarneming collega telt voor allebei" in page
    own = page.split("Jouw dienstperiodes (piket)")[1].split("</ul>")[0]
    assert own.count("<li>") == 1 and " tot en met " in own      # only their own period


def test_form_errors_mark_the_field_and_link_the_summary_to_it(client, person):
    body = client.post(f"/plan/{YEAR}/goals", data={"text": "  ", "nonce": "e1"}, headers=HTMX).get_data(as_text=True)
    assert '<a href="#goal-text">Vul een leerdoel in.</a>' in body
    assert 'aria-describedby="goal-text-hint goal-text-error" aria-invalid="true" id="goal-text"' in body
    body = client.post(f"/plan/{YEAR}/proposals", data={"name": "Media", "motivation": "", "level": "basis"},
                       headers=HTMX).get_data(as_text=True)
    assert '<a href="#proposal-motivation">Vul in waarom je deze competentie wilt ontwikkelen.</a>' in body
    assert 'id="proposal-motivation-error"' in body and body.count('aria-invalid="true"') == 1
