"""What the coordinator's pages show besides the norm status: the next activity per needed kind,
demand against supply, one person (for the yearly reflection conversation), and learning reach."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func

from app import audit
from app.extensions import db
from app.models import (Activity, ActivityKind, ActivitySeat, Competency, DevelopmentPlan, Function, ModuleRead,
                        PlanCompetency, PlanGoal, PortfolioEntry, QuizAttempt, Registration, User, UserFunction)
from app.monitor.status import FunctionOverview, reference_date

REGISTRATION_LABELS = {"requested": "Aangevraagd", "assigned": "Ingeschreven", "waitlisted": "Wachtlijst",
                       "offered": "Plaats aangeboden", "declined": "Afgeslagen", "cancelled": "Afgemeld",
                       "attended": "Aanwezig", "no_show": "Afwezig"}
ENTRY_KIND_LABELS = {"activity": "Oefening of training", "deployment": "Inzet", "module_read": "Microlearning",
                     "quiz": "Oefentoets", "peer_observation": "Waarneming collega", "briefing": "Briefing",
                     "knowledge_day": "Kennisdag", "other": "Overig"}


def next_activities(region_id: int, function_id: int, kinds: dict[str, date | None],
                    now: datetime) -> dict[str, Activity]:
    """Per activity kind: the next activity with seats for this function that still counts in time.

    `kinds` maps each needed kind to the last day an activity can count (end of the norm's period),
    or None (once, rolling). Among those, the first with a free seat wins, else the first at all.
    """
    if not kinds:
        return {}
    rows = db.session.execute(
        db.select(Activity, ActivitySeat.seats, ActivitySeat.seats_taken)
        .join(ActivitySeat, ActivitySeat.activity_id == Activity.id)
        .where(Activity.region_id == region_id, ActivitySeat.function_id == function_id,
               ActivitySeat.seats > 0, Activity.kind.in_(list(kinds)), Activity.starts_at >= now,
               Activity.cancelled_at.is_(None), Activity.unannounced.is_(False))
        .order_by(Activity.starts_at, Activity.id)).all()
    first, free = {}, {}
    for activity, seats, taken in rows:
        last_day = kinds[activity.kind]
        if last_day is not None and activity.starts_at.date() > last_day:
            continue
        first.setdefault(activity.kind, activity)
        if seats > taken:
            free.setdefault(activity.kind, activity)
    return {kind: free.get(kind) or first[kind] for kind in first}


def needed_kinds(fo: FunctionOverview, year: int) -> dict[str, date | None]:
    """Kinds someone of the function is behind or at risk on, with the last day that still counts."""
    needed = {k for p in fo.people for k, s in p.statuses.items() if s in ("behind", "at_risk")}
    return {s.kind: (date(year, 12, 31) if s.norm.period == "per_year" else None)
            for s in fo.norms if s.kind in needed}


@dataclass
class DemandSupply:
    code: str
    name: str
    demand: int        # people of the function who chose it in this year's plan
    activities: int    # activities this year, with seats for the function, that practise it
    seats: int         # their seats for the function


def demand_supply(region_id: int, function_id: int, year: int) -> list[DemandSupply]:
    demand = dict(db.session.execute(
        db.select(PlanCompetency.competency_id, func.count(func.distinct(DevelopmentPlan.user_id)))
        .join(DevelopmentPlan, DevelopmentPlan.id == PlanCompetency.plan_id)
        .join(User, User.id == DevelopmentPlan.user_id)
        .join(UserFunction, UserFunction.user_id == User.id)
        .where(User.region_id == region_id, User.active.is_(True), UserFunction.function_id == function_id,
               DevelopmentPlan.year == year, PlanCompetency.status == "approved",
               PlanCompetency.competency_id.is_not(None))
        .group_by(PlanCompetency.competency_id)).all())
    supply_activities, supply_seats = Counter(), Counter()
    for competencies, seats in db.session.execute(
            db.select(Activity.competencies, ActivitySeat.seats)
            .join(ActivitySeat, ActivitySeat.activity_id == Activity.id)
            .where(Activity.region_id == region_id, ActivitySeat.function_id == function_id,
                   ActivitySeat.seats > 0, Activity.cancelled_at.is_(None),
                   Activity.starts_at >= datetime(year, 1, 1), Activity.starts_at < datetime(year + 1, 1, 1))):
        for code in set(competencies or []):
            supply_activities[code] += 1
            supply_seats[code] += seats
    result = []
    for competency in db.session.scalars(db.select(Competency).where(Competency.region_id == region_id)
                                         .order_by(Competency.name)):
        item = DemandSupply(competency.code, competency.name, demand.get(competency.id, 0),
                            supply_activities[competency.code], supply_seats[competency.code])
        if competency.offered or item.demand or item.seats:
            result.append(item)
    return result


# --- One person --------------------------------------------------------------------------------

def log_view(actor: User, person: User, action: str = "monitor_view_person", detail: str | None = None) -> None:
    audit.record(actor, action, person, detail=detail)


@dataclass
class PersonDetail:
    person: User
    year: int
    on: date
    norms: list
    plan: DevelopmentPlan | None
    goals: list[PlanGoal]
    competencies: list[PlanCompetency]
    attendance: list[tuple[Activity, Registration]]
    entry_counts: list[tuple[str, int]]
    shared: list[dict]


def person_detail(person: User, year: int, today: date) -> PersonDetail:
    """What the coordinator needs for the yearly reflection conversation: never private texts.

    Feedup, reflections and observations reach this page only through the portfolio's
    `shared_entries_for_coordinator`, which returns the entries the person chose to share.
    """
    from app.norms.services import progress
    from app.portfolio.services import shared_entries_for_coordinator

    on = reference_date(year, today)
    norms = progress(person, on)
    plan = db.session.scalar(db.select(DevelopmentPlan).filter_by(user_id=person.id, year=year))
    attendance = db.session.execute(
        db.select(Activity, Registration).join(Registration, Registration.activity_id == Activity.id)
        .where(Registration.user_id == person.id, Activity.starts_at >= datetime(year, 1, 1),
               Activity.starts_at < datetime(year + 1, 1, 1))
        .order_by(Activity.starts_at)).all()
    counts = db.session.execute(
        db.select(PortfolioEntry.kind, func.count()).where(
            PortfolioEntry.user_id == person.id, PortfolioEntry.occurred_on >= date(year, 1, 1),
            PortfolioEntry.occurred_on <= date(year, 12, 31))
        .group_by(PortfolioEntry.kind)).all()
    shared = [s for s in shared_entries_for_coordinator(person)
              if s["occurred_on"] and s["occurred_on"].year == year]
    return PersonDetail(
        person=person, year=year, on=on, norms=norms, plan=plan,
        goals=list(plan.goals) if plan else [], competencies=list(plan.competencies) if plan else [],
        attendance=[tuple(r) for r in attendance],
        entry_counts=sorted(((ENTRY_KIND_LABELS.get(k, k), n) for k, n in counts), key=lambda x: x[0]),
        shared=shared)


# --- Learning ------------------------------------------------------------------------------------

@dataclass
class Reach:
    function: Function
    people: int
    readers: int
    reads: int

    @property
    def percent(self) -> int:
        return round(100 * self.readers / self.people) if self.people else 0


def learning_reach(region_id: int, year: int) -> list[Reach]:
    """Per function: people, how many of them read at least one module this year, and reads."""
    start, end = datetime(year, 1, 1), datetime(year + 1, 1, 1)
    people = dict(db.session.execute(
        db.select(UserFunction.function_id, func.count(func.distinct(UserFunction.user_id)))
        .join(User, User.id == UserFunction.user_id)
        .where(User.region_id == region_id, User.active.is_(True))
        .group_by(UserFunction.function_id)).all())
    reads = {row.function_id: row for row in db.session.execute(
        db.select(UserFunction.function_id, func.count(func.distinct(ModuleRead.user_id)).label("readers"),
                  func.count(ModuleRead.id).label("reads"))
        .join(UserFunction, UserFunction.user_id == ModuleRead.user_id)
        .join(User, User.id == ModuleRead.user_id)
        .where(User.region_id == region_id, User.active.is_(True),
               ModuleRead.read_at >= start, ModuleRead.read_at < end)
        .group_by(UserFunction.function_id))}
    functions = db.session.scalars(db.select(Function).where(Function.region_id == region_id)
                                   .order_by(Function.is_key.desc(), Function.code)).all()
    return [Reach(f, people.get(f.id, 0), reads[f.id].readers if f.id in reads else 0,
                  reads[f.id].reads if f.id in reads else 0)
            for f in functions if people.get(f.id)]


def module_reach(region_id: int, year: int) -> list[tuple[str, str, int]]:
    """(slug, title, readers this year) per module, most read first; titles from the catalogue."""
    start, end = datetime(year, 1, 1), datetime(year + 1, 1, 1)
    counts = db.session.execute(
        db.select(ModuleRead.slug, func.count(func.distinct(ModuleRead.user_id)))
        .join(User, User.id == ModuleRead.user_id)
        .where(User.region_id == region_id, ModuleRead.read_at >= start, ModuleRead.read_at < end)
        .group_by(ModuleRead.slug)).all()
    titles = _module_titles()
    rows = [(slug, titles.get(slug, slug), n) for slug, n in counts]
    return sorted(rows, key=lambda r: (-r[2], r[1].casefold()))


def _module_titles() -> dict[str, str]:
    from app.content.catalogue import get_catalogue
    return {slug: m.title for slug, m in get_catalogue().modules.items()}


def quizzes_with_people(region_id: int) -> list[tuple[str, str, int]]:
    """(slug, title, people of the region who tried it) for every quiz."""
    from app.quizzes.loader import quiz_set
    counts = dict(db.session.execute(
        db.select(QuizAttempt.quiz_slug, func.count(func.distinct(QuizAttempt.user_id)))
        .join(User, User.id == QuizAttempt.user_id).where(User.region_id == region_id)
        .group_by(QuizAttempt.quiz_slug)).all())
    quizzes = quiz_set().quizzes
    return sorted(((slug, q.title, counts.get(slug, 0)) for slug, q in quizzes.items()),
                  key=lambda r: r[1].casefold())


def item_statistics(slug: str, region_id: int):
    from app.quizzes.statistics import MIN_PEOPLE_FOR_STATISTICS, item_statistics as stats
    return stats(slug, region_id=region_id), MIN_PEOPLE_FOR_STATISTICS


def kind_names(region_id: int) -> dict[str, str]:
    return dict(db.session.execute(db.select(ActivityKind.code, ActivityKind.name)
                                   .where(ActivityKind.region_id == region_id)).all())
