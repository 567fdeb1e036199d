"""Plan rules: goals, competencies, proposals and approval, history, closed year, next year."""
from datetime import date

import pytest

from app.competencies import region_competencies
from app.extensions import db
from app.models import AuditLog, Competency, OutboxMessage
from app.plan import services as plans
from tests import factories

YEAR = 2026


@pytest.fixture
def person(app):
    factories.competency("leiderschap")
    factories.competency("crisisdiagnose")
    return factories.user(functions=("OL",))


def test_goal_rules_length_unknown_competency_and_double_submit(app, person):
    goal = plans.add_goal(person, YEAR, "  Sneller een gedeeld beeld  ", "leiderschap", nonce="abc")
    db.session.commit()   # as the request that called it
    assert goal.text == "Sneller een gedeeld beeld" and goal.competency.code == "leiderschap"
    with pytest.raises(plans.DuplicateSubmission):
        plans.add_goal(person, YEAR, "Sneller een gedeeld beeld", "leiderschap", nonce="abc")
    with pytest.raises(plans.PlanError, match="hoogstens 500 tekens"):
        plans.add_goal(person, YEAR, "x" * 501)
    with pytest.raises(plans.PlanError, match="bestaat niet"):
        plans.add_goal(person, YEAR, "Goed doel", "bestaat-niet")
    db.session.rollback()
    assert [g.text for g in plans.get_plan(person, YEAR).goals] == ["Sneller een gedeeld beeld"]


def test_changes_are_kept_as_history(app, person):
    goal = plans.add_goal(person, YEAR, "Eerste versie")
    plans.update_goal(person, goal, "Tweede versie", None, "achieved")
    plans.choose_competency(person, YEAR, "crisisdiagnose", "gevorderd")
    history = plans.history(plans.get_plan(person, YEAR))
    actions = [c.action for c, _who in history]
    assert actions == ["competency_added", "goal_changed", "goal_added"]
    changed = history[1][0]
    assert "Eerste versie" in changed.before and "Tweede versie (behaald)" in changed.after


def test_chosen_competency_codes_only_approved(app, person):
    plans.choose_competency(person, YEAR, "leiderschap", "basis")
    plans.choose_competency(person, YEAR, "leiderschap", "gevorderd")  # same one: level changes, no duplicate
    plans.propose_competency(person, YEAR, "Stressbestendigheid", "Lange inzetten", "basis")
    assert plans.chosen_competency_codes(person, YEAR) == ["leiderschap"]
    assert plans.chosen_competency_codes(person, YEAR + 1) == []
    assert [pc.level for pc in plans.get_plan(person, YEAR).competencies if pc.competency] == ["gevorderd"]


def test_plan_levels_for_priority_include_learning_goals(app, person):
    factories.competency("nafase")
    assert plans.plan_competency_levels(person, YEAR) == {}
    plans.choose_competency(person, YEAR, "crisisdiagnose", "gevorderd")
    plans.add_goal(person, YEAR, "Beter leiding geven aan het ROT", "leiderschap")
    plans.add_goal(person, YEAR, "Diagnose hardop delen", "crisisdiagnose")   # chosen with a level already
    plans.add_goal(person, YEAR, "Zonder competentie")
    plans.propose_competency(person, YEAR, "Stressbestendigheid", "Lange inzetten", "basis")   # pending
    assert plans.plan_competency_levels(person, YEAR) == {"crisisdiagnose": "gevorderd", "leiderschap": None}
    assert plans.plan_competency_levels(person, YEAR + 1) == {}


def test_proposal_approval_creates_competency_notifies_and_audits(app, person):
    coordinator = factories.user(roles=("coordinator",), functions=())
    pc = plans.propose_competency(person, YEAR, "Stressbestendigheid", "Ik raak vermoeid", "basis")
    assert plans.pending_proposals(person.region_id) == [pc]
    plans.decide_proposal(coordinator, pc, True, "Goed plan")
    assert pc.status == "approved" and pc.competency.offered is False
    assert plans.chosen_competency_codes(person, YEAR) == ["stressbestendigheid"]
    assert plans.pending_proposals(person.region_id) == []
    mail = db.session.scalar(db.select(OutboxMessage).filter_by(to=person.email))
    assert "goedgekeurd" in mail.subject and "Goed plan" in mail.body
    assert db.session.scalar(db.select(AuditLog.action).filter_by(actor_id=coordinator.id)) == \
        "plan_competency_approved"
    # not offered to others: the list of the region stays the offered ten
    assert "stressbestendigheid" not in [c.code for c in region_competencies(person.region_id)]
    with pytest.raises(plans.DuplicateSubmission):
        plans.decide_proposal(coordinator, pc, False, "toch niet")


def test_decline_needs_a_comment(app, person):
    coordinator = factories.user(roles=("coordinator",), functions=())
    pc = plans.propose_competency(person, YEAR, "Iets", "Omdat", "basis")
    with pytest.raises(plans.PlanError, match="waarom"):
        plans.decide_proposal(coordinator, pc, False, "")
    plans.decide_proposal(coordinator, pc, False, "Valt onder leiderschap")
    assert pc.status == "declined" and plans.chosen_competency_codes(person, YEAR) == []
    assert db.session.scalar(db.select(db.func.count()).select_from(Competency).filter_by(code="iets")) == 0


def test_closed_year_is_read_only(app, person):
    coordinator = factories.user(roles=("coordinator",), functions=())
    goal = plans.add_goal(person, 2025, "Oud doel")
    plans.sign_off_review(coordinator, person, 2025, date(2025, 12, 10), "Fijn gesprek")
    db.session.commit()
    for attempt in (lambda: plans.add_goal(person, 2025, "Nieuw"),
                    lambda: plans.update_goal(person, goal, "Anders", None, "open"),
                    lambda: plans.remove_goal(person, goal),
                    lambda: plans.choose_competency(person, 2025, "leiderschap", "basis")):
        with pytest.raises(plans.ClosedYearError, match="afgesloten"):
            attempt()
    db.session.rollback()
    assert [g.text for g in plans.get_plan(person, 2025).goals] == ["Oud doel"]
    with pytest.raises(plans.DuplicateSubmission):
        plans.sign_off_review(coordinator, person, 2025, date(2025, 12, 11))


def test_start_next_year_carries_unfinished_goals_and_competencies(app, person):
    plans.add_goal(person, 2025, "Nog niet af")
    done = plans.add_goal(person, 2025, "Al gehaald")
    plans.update_goal(person, done, "Al gehaald", None, "achieved")
    plans.choose_competency(person, 2025, "crisisdiagnose", "basis")
    target = plans.start_next_year(person, 2025)
    plans.start_next_year(person, 2025)  # twice: nothing doubles
    assert target.year == 2026
    assert [g.text for g in target.goals] == ["Nog niet af"]
    assert plans.chosen_competency_codes(person, 2026) == ["crisisdiagnose"]
    with pytest.raises(plans.PlanError):
        plans.start_next_year(person, 2019)


def test_services_never_commit_so_the_caller_can_undo_everything(app, person):
    """Services add and flush; the request commits (README, Who commits). Rolled back, nothing is kept."""
    from app.models import DevelopmentPlan, FormSubmission, PlanChange, PlanCompetency, PlanGoal
    coordinator = factories.user(roles=("coordinator",), functions=())
    db.session.commit()
    counted = (DevelopmentPlan, PlanGoal, PlanCompetency, PlanChange, FormSubmission, OutboxMessage, AuditLog,
               Competency)

    def counts():
        return [db.session.scalar(db.select(db.func.count()).select_from(model)) for model in counted]

    before = counts()
    goal = plans.add_goal(person, YEAR, "Doel", "leiderschap", nonce="n1")
    plans.update_goal(person, goal, "Ander doel", None, "achieved")
    chosen = plans.choose_competency(person, YEAR, "crisisdiagnose", "basis")
    plans.remove_competency(person, chosen)
    pc = plans.propose_competency(person, YEAR, "Onderhandelen", "Gijzelingen", "basis", nonce="n2")
    plans.decide_proposal(coordinator, pc, True, "")
    plans.start_next_year(person, YEAR, nonce="n3")
    plans.sign_off_review(coordinator, person, YEAR - 1, date(YEAR - 1, 12, 1))
    plans.reopen_review(coordinator, person, YEAR - 1, "Verkeerd jaar")
    assert counts() != before   # flushed: visible inside the transaction
    db.session.rollback()
    assert counts() == before
