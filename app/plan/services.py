"""Development plan rules: goals, chosen and proposed competencies, history, yearly review, next year.

Every change is written to PlanChange (the history the person sees). A plan whose yearly review
(jaarlijks reflectiegesprek) is signed off is closed: every change raises ClosedYearError.
The functions add, change and flush; the request or command that called them commits (README,
"Who commits"). New goals and competencies go through the plan's lists, so a page rendered in the
same request shows them.
"""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import update

from app import audit, mail
from app.extensions import db
from app.models import (Competency, DevelopmentPlan, PlanChange, PlanCompetency, PlanGoal, User)
from app.models.core import utcnow
from app.norms import services as norms
from app.models.plan import GOAL_MAX_LENGTH, LEVELS
from app.transactions import claim_submission, insert_once
from app.urls import public_url

GOAL_STATUS_LABELS = {"open": "open", "achieved": "behaald"}


class PlanError(ValueError):
    """A rule was broken; the message is Dutch and shown to the user. `field` names the form field
    it is about (the page marks that field and links the error summary to it)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class ClosedYearError(PlanError):
    pass


class DuplicateSubmission(PlanError):
    """The same form was sent twice (double tap); the first one counted."""


def get_plan(user: User, year: int, create: bool = False) -> DevelopmentPlan | None:
    plan = db.session.scalar(db.select(DevelopmentPlan).filter_by(user_id=user.id, year=year))
    if plan is None and create:
        plan = DevelopmentPlan(user_id=user.id, year=year)
        if not insert_once(plan):   # created at the same moment by a parallel request
            plan = db.session.scalar(db.select(DevelopmentPlan).filter_by(user_id=user.id, year=year))
    return plan


def plan_years(user: User) -> list[int]:
    return list(db.session.scalars(db.select(DevelopmentPlan.year).filter_by(user_id=user.id)
                                   .order_by(DevelopmentPlan.year)))


def chosen_competency_codes(user: User, year: int, approved: list[PlanCompetency] | None = None) -> list[str]:
    """Codes of the approved competencies in the user's plan of `year` (registration and learning use it).
    `approved`: norms.approved_competencies of that year, when the caller read them already."""
    if approved is None:
        approved = norms.approved_competencies(user, year)
    return sorted({row.competency.code for row in approved if row.competency is not None})


def plan_competency_levels(user: User, year: int) -> dict[str, str | None]:
    """Competency code -> level for the priority of a registration round (CONTRACT section 5):
    the approved chosen competencies with their level, plus the competencies of the learning
    goals (no level: they match every level unless the code is also chosen with a level)."""
    plan = db.session.scalar(db.select(DevelopmentPlan).filter_by(user_id=user.id, year=year))
    if plan is None:
        return {}
    levels: dict[str, str | None] = {}
    for chosen in plan.competencies:
        if chosen.status == "approved" and chosen.competency is not None:
            levels[chosen.competency.code] = chosen.level
    for goal in plan.goals:
        if goal.competency is not None:
            levels.setdefault(goal.competency.code, None)
    return dict(sorted(levels.items()))


# --- Input checks: every service below runs them, and app/plan/forms.py runs them per field, so a
# form reports all its problems at once with the same words a service uses for any other caller.

def competency_by_code(region_id: int, code: str | None) -> Competency | None:
    """None for an empty code; PlanError for a code the region does not have."""
    if not code:
        return None
    found = db.session.scalar(db.select(Competency).filter_by(region_id=region_id, code=code))
    if found is None:
        raise PlanError("Deze crisiscompetentie bestaat niet. Kies er een uit de lijst.")
    return found


def required_competency(region_id: int, code: str | None) -> Competency:
    """The competency a person chooses for their plan: one of the region's, not none."""
    competency = competency_by_code(region_id, code)
    if competency is None:
        raise PlanError("Kies een crisiscompetentie.", field="code")
    return competency


def check_goal_text(text: str | None) -> str:
    text = (text or "").strip()
    if not text:
        raise PlanError("Vul een leerdoel in.", field="text")
    if len(text) > GOAL_MAX_LENGTH:
        raise PlanError(f"Een leerdoel is hoogstens {GOAL_MAX_LENGTH} tekens; dit zijn er {len(text)}.", field="text")
    return text


def check_goal_status(status: str | None) -> str:
    if status not in GOAL_STATUS_LABELS:
        raise PlanError("Kies of het leerdoel open of behaald is.", field="status")
    return status


def check_level(level: str | None) -> str:
    if level not in LEVELS:
        raise PlanError("Kies het niveau basis of gevorderd.", field="level")
    return level


def check_proposal_name(name: str | None) -> str:
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise PlanError("Geef de competentie een naam van hoogstens 120 tekens.", field="name")
    return name


def check_motivation(motivation: str | None) -> str:
    motivation = (motivation or "").strip()
    if not motivation:
        raise PlanError("Vul in waarom je deze competentie wilt ontwikkelen.", field="motivation")
    if len(motivation) > 1000:
        raise PlanError("Leg in hoogstens 1000 tekens uit waarom je deze competentie wilt ontwikkelen.",
                        field="motivation")
    return motivation


def check_decision_comment(comment: str | None, approve: bool) -> str:
    comment = (comment or "").strip()
    if len(comment) > 1000:
        raise PlanError("Houd de toelichting onder 1000 tekens.", field="comment")
    if not approve and not comment:
        raise PlanError("Schrijf erbij waarom je het voorstel afwijst.", field="comment")
    return comment


def check_held_on(held_on: date | None) -> date:
    if held_on is None:
        raise PlanError("Vul de datum van het gesprek in (dd-mm-jjjj).", field="held_on")
    if held_on > date.today():
        raise PlanError("De datum van het gesprek kan niet in de toekomst liggen.", field="held_on")
    return held_on


def check_review_note(note: str | None) -> str:
    note = (note or "").strip()
    if len(note) > 1000:
        raise PlanError("Houd de notitie onder 1000 tekens.", field="note")
    return note


def check_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise PlanError("Geef een reden op: de functionaris krijgt die te zien.", field="reason")
    if len(reason) > 500:
        raise PlanError("Gebruik voor de reden hoogstens 500 tekens.", field="reason")
    return reason


# --- The plan ---------------------------------------------------------------------------------------


def _editable(user: User, year: int) -> DevelopmentPlan:
    plan = get_plan(user, year, create=True)
    if plan.closed:
        raise ClosedYearError(f"Het plan van {year} is afgesloten na het jaarlijkse reflectiegesprek "
                              f"van {plan.review_held_on:%d-%m-%Y}; je kunt het niet meer wijzigen.")
    return plan


def _log(plan: DevelopmentPlan, actor: User, action: str, before: str | None = None,
         after: str | None = None) -> None:
    db.session.add(PlanChange(plan_id=plan.id, actor_id=actor.id, action=action, before=before, after=after))


def add_goal(user: User, year: int, text: str, competency_code: str | None = None,
             nonce: str | None = None) -> PlanGoal:
    text = check_goal_text(text)
    competency = competency_by_code(user.region_id, competency_code)
    plan = _editable(user, year)
    if nonce and db.session.scalar(db.select(PlanGoal.id).filter_by(plan_id=plan.id, nonce=nonce)):
        raise DuplicateSubmission("Dit leerdoel was al toegevoegd.")
    goal = PlanGoal(plan_id=plan.id, text=text, competency=competency, nonce=nonce or None)
    if not insert_once(goal):
        raise DuplicateSubmission("Dit leerdoel was al toegevoegd.")
    db.session.expire(plan, ["goals"])   # inserted by plan_id (in its SAVEPOINT): reload the list when read
    _log(plan, user, "goal_added", after=_goal_summary(goal))
    return goal


def _goal_summary(goal: PlanGoal) -> str:
    extra = f" [{goal.competency.name}]" if goal.competency else ""
    return f"{goal.text}{extra} ({GOAL_STATUS_LABELS.get(goal.status, goal.status)})"


def update_goal(user: User, goal: PlanGoal, text: str, competency_code: str | None, status: str) -> PlanGoal:
    text = check_goal_text(text)
    competency = competency_by_code(user.region_id, competency_code)
    check_goal_status(status)
    plan = _editable(user, goal.plan.year)
    before = _goal_summary(goal)
    goal.text, goal.competency, goal.status = text, competency, status
    after = _goal_summary(goal)
    if after != before:
        _log(plan, user, "goal_changed", before, after)
    return goal


def remove_goal(user: User, goal: PlanGoal) -> None:
    plan = _editable(user, goal.plan.year)
    _log(plan, user, "goal_removed", before=_goal_summary(goal))
    plan.goals.remove(goal)   # delete-orphan: deleted at the flush, and gone from the list the page shows


def _competency_summary(pc: PlanCompetency) -> str:
    return f"{pc.name} ({pc.level})"


def choose_competency(user: User, year: int, code: str, level: str) -> PlanCompetency:
    check_level(level)
    competency = required_competency(user.region_id, code)
    plan = _editable(user, year)
    existing = next((pc for pc in plan.competencies if pc.competency_id == competency.id), None)
    if existing is None and not competency.offered:
        # Outside the region's offered list: a proposal a coordinator decides on, never approved at once.
        pc = PlanCompetency(competency=competency, level=level, status="pending",
                            proposed_name=competency.name, motivation="Gekozen buiten het aanbod van de regio.")
        plan.competencies.append(pc)
        db.session.flush()
        _log(plan, user, "competency_proposed", after=f"{competency.name} ({level}): buiten het aanbod")
        return pc
    if existing is not None:
        if existing.level != level:
            before = _competency_summary(existing)
            existing.level = level
            _log(plan, user, "competency_changed", before, _competency_summary(existing))
        return existing
    pc = PlanCompetency(competency=competency, level=level, status="approved")
    plan.competencies.append(pc)
    db.session.flush()
    _log(plan, user, "competency_added", after=_competency_summary(pc))
    return pc


def remove_competency(user: User, pc: PlanCompetency) -> None:
    plan = _editable(user, pc.plan.year)
    _log(plan, user, "competency_removed", before=_competency_summary(pc))
    plan.competencies.remove(pc)   # delete-orphan, as remove_goal


def propose_competency(user: User, year: int, name: str, motivation: str, level: str,
                       nonce: str | None = None) -> PlanCompetency:
    """A competency outside the region's list: pending until a coordinator decides.

    The form's nonce makes one proposal of a double tap (DuplicateSubmission for the repeats)."""
    name, motivation, level = check_proposal_name(name), check_motivation(motivation), check_level(level)
    plan = _editable(user, year)
    if not claim_submission(user.id, "competency_propose", nonce)[1]:
        raise DuplicateSubmission("Je hebt deze competentie al voorgesteld; ze wacht op goedkeuring.")
    if any(pc.status == "pending" and (pc.proposed_name or "").lower() == name.lower() for pc in plan.competencies):
        raise DuplicateSubmission("Je hebt deze competentie al voorgesteld; ze wacht op goedkeuring.")
    pc = PlanCompetency(level=level, status="pending", proposed_name=name, motivation=motivation)
    plan.competencies.append(pc)
    db.session.flush()
    _log(plan, user, "competency_proposed", after=f"{name} ({level}): {motivation}")
    _tell_coordinators(user, name, level, motivation)
    return pc


def _tell_coordinators(user: User, name: str, level: str, motivation: str) -> None:
    """A proposal must find the people who decide: every active coordinator of the region gets a mail."""
    from app.models.core import UserRole
    coordinators = db.session.scalars(db.select(User).join(UserRole, UserRole.user_id == User.id).where(
        User.region_id == user.region_id, User.active.is_(True), UserRole.role == "coordinator")).all()
    for coordinator in coordinators:
        mail.send(coordinator.email, f"Voorstel van {user.name}: {name}",
                  f"Hallo {coordinator.name},\n\n{user.name} stelt een competentie buiten de lijst voor: "
                  f"{name} (niveau {level}).\n\nMotivatie: {motivation}\n\n"
                  "Je keurt het goed of af op de pagina Goedkeuringen in Paraat.\n", user=coordinator)


def pending_proposals(region_id: int) -> list[PlanCompetency]:
    return db.session.scalars(
        db.select(PlanCompetency).join(DevelopmentPlan).join(User, User.id == DevelopmentPlan.user_id)
        .where(User.region_id == region_id, PlanCompetency.status == "pending")
        .order_by(PlanCompetency.created_at)).all()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:50] or "competentie"


def decide_proposal(coordinator: User, pc: PlanCompetency, approve: bool, comment: str) -> PlanCompetency:
    """Approve (the competency joins the region's list as not offered) or decline, with a comment."""
    comment = check_decision_comment(comment, approve)
    status, decided_at = ("approved" if approve else "declined"), utcnow()
    # Claim the decision atomically: of two simultaneous decisions only one finds it still pending.
    claimed = db.session.execute(
        update(PlanCompetency).where(PlanCompetency.id == pc.id, PlanCompetency.status == "pending")
        .values(status=status, decided_by_id=coordinator.id, decided_at=decided_at,
                decision_comment=comment or None)
        .execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        raise DuplicateSubmission("Over dit voorstel is al besloten.")
    person = db.session.get(User, pc.plan.user_id)
    if approve and pc.competency is None:
        code = _slug(pc.proposed_name)
        competency = db.session.scalar(db.select(Competency).filter_by(region_id=person.region_id, code=code))
        if competency is None:
            competency = Competency(region_id=person.region_id, code=code, name=pc.proposed_name,
                                    description=pc.motivation or "", offered=False)
            db.session.add(competency)
            db.session.flush()
        pc.competency = competency
    pc.status = status
    pc.decided_by_id, pc.decided_at, pc.decision_comment = coordinator.id, decided_at, comment or None
    verdict = "goedgekeurd" if approve else "afgewezen"
    _log(pc.plan, coordinator, "competency_" + pc.status, before=f"{pc.proposed_name} (voorgesteld)",
         after=f"{pc.proposed_name}: {verdict}" + (f" — {comment}" if comment else ""))
    audit.record(coordinator, "plan_competency_" + pc.status, pc, detail=f"{person.email}: {pc.proposed_name}")
    mail.send(person.email, f"Je voorgestelde competentie is {verdict}",
              f"Beste {person.name},\n\nJe voorstel om aan '{pc.proposed_name}' te werken in je ontwikkelplan "
              f"{pc.plan.year} is {verdict} door {coordinator.name}."
              + (f"\n\nToelichting: {comment}" if comment else "")
              + f"\n\nJe plan: {public_url('plan.index', year=pc.plan.year)}\n\nPARAAT", user=person)
    return pc


def sign_off_review(coordinator: User, person: User, year: int, held_on: date, note: str = "") -> DevelopmentPlan:
    """Record the yearly reflection conversation; the plan of that year becomes read-only."""
    held_on, note = check_held_on(held_on), check_review_note(note)
    plan = get_plan(person, year, create=True)
    if plan.closed:
        raise DuplicateSubmission(f"Het reflectiegesprek over {year} is al vastgelegd.")
    plan.review_held_on, plan.review_by_id, plan.review_note = held_on, coordinator.id, note or None
    _log(plan, coordinator, "review_signed_off", after=f"Reflectiegesprek gehouden op {held_on:%d-%m-%Y}")
    audit.record(coordinator, "yearly_review_signed_off", plan, detail=f"{person.email} {year}")
    mail.send(person.email, f"Jaarlijks reflectiegesprek {year} vastgelegd",
              f"Beste {person.name},\n\n{coordinator.name} heeft vastgelegd dat jullie reflectiegesprek over "
              f"{year} is gehouden op {held_on:%d-%m-%Y}. Je ontwikkelplan van {year} is nu afgesloten; "
              f"begin je plan voor {year + 1} vanuit dit plan: {public_url('plan.index', year=year)}\n\nPARAAT",
              user=person)
    return plan


def reopen_review(coordinator: User, person: User, year: int, reason: str) -> DevelopmentPlan:
    """Undo a sign-off (e.g. recorded for the wrong year): the plan becomes editable again."""
    reason = check_reason(reason)
    plan = get_plan(person, year)
    if plan is None or not plan.closed:
        raise PlanError(f"Het plan van {year} is niet afgesloten.")
    held_on = plan.review_held_on
    plan.review_held_on = plan.review_by_id = plan.review_note = None
    _log(plan, coordinator, "review_reopened", before=f"Reflectiegesprek gehouden op {held_on:%d-%m-%Y}",
         after=f"Heropend: {reason}")
    audit.record(coordinator, "yearly_review_reopened", plan, detail=f"{person.email} {year}: {reason}")
    mail.send(person.email, f"Ontwikkelplan {year} weer open",
              f"Beste {person.name},\n\n{coordinator.name} heeft je ontwikkelplan van {year} weer geopend: "
              f"{reason}\n\nJe plan: {public_url('plan.index', year=year)}\n\nPARAAT", user=person)
    return plan


def start_next_year(user: User, year: int, nonce: str | None = None) -> DevelopmentPlan:
    """Next year's plan from this one: unfinished goals and approved competencies carry over.

    The form's nonce makes one carry-over of a double tap (DuplicateSubmission for the repeats)."""
    source = get_plan(user, year)
    if source is None:
        raise PlanError(f"Er is geen plan voor {year} om vanuit te beginnen.")
    target = _editable(user, year + 1)
    if not claim_submission(user.id, "plan_next", nonce)[1]:
        raise DuplicateSubmission(f"Je plan voor {year + 1} was al gestart.")
    have_goals = {g.text for g in target.goals}
    have_comps = {pc.competency_id for pc in target.competencies}
    carried = 0
    for goal in source.goals:
        if goal.status == "open" and goal.text not in have_goals:
            target.goals.append(PlanGoal(text=goal.text, competency_id=goal.competency_id))
            carried += 1
    for pc in source.competencies:
        if pc.status == "approved" and pc.competency_id not in have_comps:
            target.competencies.append(PlanCompetency(competency_id=pc.competency_id, level=pc.level,
                                                      status="approved"))
            carried += 1
    _log(target, user, "carried_over", after=f"Overgenomen uit {year}: {carried} onderdelen")
    return target


def history(plan: DevelopmentPlan) -> list[tuple[PlanChange, str]]:
    rows = db.session.execute(
        db.select(PlanChange, User.name).outerjoin(User, User.id == PlanChange.actor_id)
        .where(PlanChange.plan_id == plan.id).order_by(PlanChange.at.desc(), PlanChange.id.desc())).all()
    return [(change, name or "onbekend") for change, name in rows]


CHANGE_LABELS = {
    "goal_added": "Leerdoel toegevoegd", "goal_changed": "Leerdoel gewijzigd", "goal_removed": "Leerdoel verwijderd",
    "competency_added": "Competentie gekozen", "competency_changed": "Niveau gewijzigd",
    "competency_removed": "Competentie verwijderd", "competency_proposed": "Competentie voorgesteld",
    "competency_approved": "Voorstel goedgekeurd", "competency_declined": "Voorstel afgewezen",
    "carried_over": "Plan gestart vanuit vorig jaar", "review_signed_off": "Reflectiegesprek vastgelegd", "review_reopened": "Plan heropend",
}


def people_for_review(region_id: int, year: int) -> list[tuple[User, DevelopmentPlan | None]]:
    """Everyone in the region with a function, with their plan of `year` (for the review list)."""
    from app.models import UserFunction
    users = db.session.scalars(
        db.select(User).where(User.region_id == region_id, User.active.is_(True),
                              User.id.in_(db.select(UserFunction.user_id))).order_by(User.name)).all()
    plans = {p.user_id: p for p in db.session.scalars(
        db.select(DevelopmentPlan).where(DevelopmentPlan.year == year,
                                         DevelopmentPlan.user_id.in_([u.id for u in users])))}
    return [(u, plans.get(u.id)) for u in users]
