"""Monitoring rules: norm status of a whole region in a few aggregate queries, ratings, obligations.

The status of each norm comes from `app.norms.services.evaluate`, the same rule function the plan page
and registration priority use; only the counting is done here, as GROUP BY queries over the region
(never one query per person). A person is "op norm" for a function when every counted norm of that
function is done, "achter" when any is behind, else "risico" (norms that are only informational, such
as a briefing when on duty, never count).
"""
from __future__ import annotations

import gc
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from datetime import date, datetime, timedelta

from sqlalchemy import case, func
from sqlalchemy.orm import joinedload

from app import audit
from app.extensions import db
from app.models import (Activity, ActivityKind, ActivitySeat, Competency, DevelopmentPlan, Function,
                        ModuleRead, Norm, OrganisationObligation, PlanCompetency, PlanGoal,
                        PortfolioEntry, QuizAttempt, Registration, User, UserFunction)
from app.models.monitor import ObligationFulfilment
from app.norms.planned import Planned
from app.norms.services import PERIOD_LABELS, ROLLING_WARNING_DAYS, evaluate, norm_year

STATUSES = ("done", "at_risk", "behind")
STATUS_LABELS = {"done": "Op norm", "at_risk": "Risico", "behind": "Achter", "info": "Ter informatie",
                 "none": "Geen telbare norm"}
REGISTRATION_LABELS = {"requested": "Aangevraagd", "assigned": "Ingeschreven", "waitlisted": "Wachtlijst",
                       "offered": "Plaats aangeboden", "declined": "Afgeslagen", "cancelled": "Afgemeld",
                       "attended": "Aanwezig", "no_show": "Afwezig"}
ENTRY_KIND_LABELS = {"activity": "Oefening of training", "deployment": "Inzet", "module_read": "Microlearning",
                     "quiz": "Oefentoets", "peer_observation": "Waarneming collega", "briefing": "Briefing",
                     "knowledge_day": "Kennisdag", "other": "Overig"}

# --- Ratings in the inspectorate's terms (Periodiek beeld, seed 003) --------------------------------
# A piket pool of a key function is often 4-6 people: rate those, but a share of 1 or 2 says nothing.
MIN_PEOPLE_FOR_RATING = 3
SHARE_OK = 0.8
SHARE_IMPROVE = 0.5
RATING_LABELS = {"ok": "Op orde", "improve": "Voor verbetering vatbaar",
                 "insufficient": "Onvoldoende gegevens", "risky": "Risicovol"}
RATING_RULES = [
    ("insufficient", f"Onvoldoende gegevens: minder dan {MIN_PEOPLE_FOR_RATING} mensen met telbare normen in de "
                     "functie, of over dat jaar is niets vastgelegd (geen portfolio-items en geen gekozen "
                     "competenties)."),
    ("risky", f"Risicovol: minder dan {int(SHARE_IMPROVE * 100)}% van de mensen is op schema, of in een "
              "sleutelfunctie mist iemand een eenmalige norm (zoals de basisopleiding ICR): die persoon is niet "
              "startbekwaam."),
    ("improve", f"Voor verbetering vatbaar: {int(SHARE_IMPROVE * 100)}% tot {int(SHARE_OK * 100)}% van de mensen "
                "is op schema."),
    ("ok", f"Op orde: minstens {int(SHARE_OK * 100)}% van de mensen is op schema."),
]
# "Op schema": no norm behind (every counted norm done or still reachable, i.e. op norm or risico).


def reference_date(year: int, today: date) -> date:
    """The day the status is measured: today in the running year, 31 December for a past year."""
    if year < today.year:
        return date(year, 12, 31)
    if year > today.year:
        return date(year, 1, 1)
    return today


def years(region_id: int, today: date) -> list[int]:
    """Years a coordinator can look at: those with norms up to this year, newest first."""
    found = set(db.session.scalars(db.select(Norm.year).where(Norm.region_id == region_id).distinct()).all())
    found = {y for y in found if y <= today.year} | {today.year}
    return sorted(found, reverse=True)


def parse_year(value, today: date) -> int:
    """A year from the query string; anything odd falls back to this year."""
    try:
        year = int(str(value))
    except (TypeError, ValueError):
        return today.year
    return year if today.year - 20 <= year <= today.year else today.year


# --- Norm status of many people at once ----------------------------------------------------------

@dataclass
class PersonStatus:
    user_id: int
    name: str
    on_duty: bool
    statuses: dict[str, str] = field(default_factory=dict)     # activity kind -> done | at_risk | behind | info
    missing: dict[str, int] = field(default_factory=dict)

    @cached_property
    def overall(self) -> str:
        """Read once the statuses are complete (cached: the dashboards ask for it many times)."""
        counted = [s for s in self.statuses.values() if s in STATUSES]
        if not counted:
            return "none"
        if "behind" in counted:
            return "behind"
        return "at_risk" if "at_risk" in counted else "done"

    @property
    def total_missing(self) -> int:
        return sum(self.missing.values())

    @property
    def overall_label(self) -> str:
        return STATUS_LABELS[self.overall]


@dataclass
class NormSummary:
    norm: Norm
    kind: str
    kind_name: str
    period_label: str
    required: int | None
    counts: Counter

    @property
    def counted(self) -> bool:
        return sum(self.counts[s] for s in STATUSES) > 0


@dataclass
class FunctionOverview:
    function: Function
    norms: list[NormSummary]
    people: list[PersonStatus]
    evidence: int = 0               # portfolio items and chosen competencies of its people in the year
    rating: str = "insufficient"
    rating_reason: str = ""

    @property
    def overall(self) -> Counter:
        return Counter(p.overall for p in self.people)

    @cached_property
    def counted_people(self) -> list[PersonStatus]:
        return [p for p in self.people if p.overall != "none"]

    @property
    def on_norm_share(self) -> float | None:
        """Share of people with every counted norm done."""
        counted = self.counted_people
        return (sum(p.overall == "done" for p in counted) / len(counted)) if counted else None

    @property
    def on_track_share(self) -> float | None:
        """Share of people "op schema": no norm behind (what the rating uses)."""
        counted = self.counted_people
        return (sum(p.overall != "behind" for p in counted) / len(counted)) if counted else None

    @property
    def rating_label(self) -> str:
        return RATING_LABELS[self.rating]


def _as_date(value):
    if isinstance(value, str):  # SQLite returns max() of a date column as text
        return date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        return value.date()
    return value


def _region_people(region_id: int, function_id: int | None = None):
    """Subquery of the active people of the region (optionally: holding one function)."""
    query = db.select(User.id).where(User.region_id == region_id, User.active.is_(True))
    if function_id is not None:
        query = query.join(UserFunction, UserFunction.user_id == User.id).where(
            UserFunction.function_id == function_id)
    return query


def overview(region_id: int, year: int, today: date, function_id: int | None = None) -> list[FunctionOverview]:
    """Norm status per function, per norm and per person, for `year` as measured on its reference date.

    Seven queries whatever the number of people: norm year, functions, norms, people, evidence per
    (person, kind), chosen competencies per person, registrations still to come.
    """
    # Tens of thousands of rows and small tuples that all live until the page is rendered: the cyclic
    # collector would only traverse them again and again (a quarter of the time for 2,000 people,
    # and most of the variation). Nothing here creates reference cycles.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _overview(region_id, year, today, function_id)
    finally:
        if was_enabled:
            gc.enable()


def _overview(region_id: int, year: int, today: date, function_id: int | None) -> list[FunctionOverview]:
    on = reference_date(year, today)
    used_year = norm_year(region_id, year)
    functions_q = db.select(Function).where(Function.region_id == region_id)
    if function_id is not None:
        functions_q = functions_q.where(Function.id == function_id)
    functions = db.session.scalars(functions_q.order_by(Function.is_key.desc(), Function.code)).all()
    norms: dict[int, list[Norm]] = {}
    if used_year is not None and functions:
        for norm in db.session.scalars(
                db.select(Norm).options(joinedload(Norm.activity_kind))
                .where(Norm.region_id == region_id, Norm.year == used_year,
                       Norm.function_id.in_([f.id for f in functions])).order_by(Norm.id)).unique():
            norms.setdefault(norm.function_id, []).append(norm)
    functions = [f for f in functions if f.id in norms]
    if not functions:
        return []
    people_ids = _region_people(region_id, function_id)
    rows = db.session.connection().execute(
        db.select(UserFunction.user_id, UserFunction.function_id, UserFunction.on_duty, User.name)
        .join(User, User.id == UserFunction.user_id)
        .where(User.region_id == region_id, User.active.is_(True),
               UserFunction.function_id.in_([f.id for f in functions]))
        .order_by(User.name, User.id)).cursor.fetchall()

    kinds = {n.activity_kind.code for ns in norms.values() for n in ns}
    once_kinds = {n.activity_kind.code for ns in norms.values() for n in ns if n.period == "once"}
    year_start, two_start = date(on.year, 1, 1), date(on.year - 1, 1, 1)
    # Recurring norms look back two calendar years at most (a rolling briefing older than that is
    # late whatever its date), so the scan skips older history; "once" kinds look at all of it.
    window = db.or_(PortfolioEntry.activity_kind.in_(once_kinds), PortfolioEntry.occurred_on >= two_start)
    # Core connection, not the ORM session: thousands of plain rows, no ORM row processing.
    conn = db.session.connection()
    evidence = conn.execute(
        db.select(PortfolioEntry.user_id, PortfolioEntry.activity_kind,
                  func.count().label("ever"),
                  func.sum(case((PortfolioEntry.occurred_on >= year_start, 1), else_=0)).label("this_year"),
                  func.sum(case((PortfolioEntry.occurred_on >= two_start, 1), else_=0)).label("two_years"),
                  func.max(PortfolioEntry.occurred_on).label("last"))
        .where(PortfolioEntry.user_id.in_(people_ids), PortfolioEntry.activity_kind.in_(kinds),
               PortfolioEntry.occurred_on <= on, window)
        .group_by(PortfolioEntry.user_id, PortfolioEntry.activity_kind))
    # Plain driver tuples: SQLAlchemy's Row objects cost more than the query for ~25,000 groups.
    # The columns need no conversion (counts; the date is normalised by _as_date).
    facts = {(user_id, kind): (ever, this_year, two_years, last)
             for user_id, kind, ever, this_year, two_years, last in evidence.cursor.fetchall()}
    competences = dict(conn.execute(
        db.select(DevelopmentPlan.user_id, func.count(PlanCompetency.id))
        .join(PlanCompetency, PlanCompetency.plan_id == DevelopmentPlan.id)
        .where(DevelopmentPlan.user_id.in_(people_ids), DevelopmentPlan.year == on.year,
               PlanCompetency.status == "approved")
        .group_by(DevelopmentPlan.user_id)).all())
    # "Something recorded this year" (for the rating): evidence of the norm kinds dated in the year.
    in_year: Counter = Counter()
    for (user_id, _kind), fact in facts.items():
        in_year[user_id] += int(fact[1] or 0)
    # Registrations with a seat that are still to come: the same "planned" the norms forecast uses.
    horizon = max(date(on.year, 12, 31), on + timedelta(weeks=10))
    planned: dict[tuple[int, str], list[date]] = {}
    for user_id, kind, starts_at in conn.execute(
            db.select(Registration.user_id, Activity.kind, Activity.starts_at)
            .join(Activity, Activity.id == Registration.activity_id)
            .where(Registration.user_id.in_(people_ids), Registration.status == "assigned",
                   Activity.cancelled_at.is_(None), Activity.kind.in_(kinds),
                   Activity.starts_at >= datetime.combine(on, datetime.min.time()),
                   Activity.starts_at < datetime.combine(horizon + timedelta(days=1), datetime.min.time()))
            .order_by(Activity.starts_at)):
        planned.setdefault((user_id, kind), []).append(_as_date(starts_at))

    # Plain tuples per norm, and results shared by every (rule, numbers) combination: most people
    # share one, so `evaluate` runs a few hundred times for thousands of people. This loop runs once per
    # (person, norm), tens of thousands of times: locals only, no attribute lookups.
    year_end = date(on.year, 12, 31)
    rules = {fid: [(n, n.activity_kind.code, n.period in COUNTED_PERIODS,
                    (n.activity_kind.code, n.period, n.count, n.weeks, n.or_when_on_duty),
                    FACT_COLUMN.get(n.period, 0),
                    on + timedelta(weeks=n.weeks or 5) if n.period == "every_weeks" else year_end)
                   for n in ns] for fid, ns in norms.items()}
    memo: dict = {}
    tally: Counter = Counter()       # (function id, kind, status) -> people
    by_function: dict[int, list[PersonStatus]] = {f.id: [] for f in functions}
    fact_of, planned_of, memo_of, competences_of = facts.get, planned.get, memo.get, competences.get
    for user_id, function_id, on_duty, name in rows:
        on_duty = bool(on_duty)
        statuses, missing = {}, {}
        for norm, kind, counted, rule, column, end in rules[function_id]:
            fact = fact_of((user_id, kind))
            if kind == "competence":
                done = competences_of(user_id, 0)
            else:
                done = (fact[column] or 0) if fact is not None else 0
            dates = planned_of((user_id, kind))
            upcoming = [d for d in dates if d <= end] if dates else []
            if counted:
                last, key = None, (rule, done, len(upcoming))
            else:  # only the rolling norm looks at the date of the last evidence
                last = _as_date(fact[3]) if fact is not None and rule[1] == "every_weeks" else None
                key = _memo_key(rule, done, last, on_duty, upcoming, on)
            found = memo_of(key)
            if found is None:
                found = memo[key] = evaluate(norm, on, done=done, last=last, on_duty=on_duty,
                                             planned=[Planned(kind, d, "") for d in upcoming])
            statuses[kind] = found[0]
            tally[function_id, kind, found[0]] += 1
            if found[1]:
                missing[kind] = found[1]
        by_function[function_id].append(PersonStatus(user_id, name, on_duty, statuses, missing))
    counts: dict[tuple[int, str], Counter] = defaultdict(Counter)
    for (function_id, kind, status), number in tally.items():
        counts[function_id, kind][status] = number

    result = []
    for function in functions:
        people = by_function[function.id]
        summaries = [NormSummary(n, n.activity_kind.code, n.activity_kind.name,
                                 PERIOD_LABELS[n.period].format(weeks=n.weeks), n.count,
                                 counts.get((function.id, n.activity_kind.code), Counter()))
                     for n in norms[function.id]]
        fo = FunctionOverview(function, summaries, people,
                              evidence=sum(in_year.get(p.user_id, 0) + competences.get(p.user_id, 0)
                                           for p in people))
        fo.rating, fo.rating_reason = rate(fo)
        result.append(fo)
    return result


COUNTED_PERIODS = frozenset({"once", "per_year", "per_two_years"})
# Which evidence count a norm's period uses: (ever, this year, two years, last date); "ever" by default.
FACT_COLUMN = {"per_year": 1, "per_two_years": 2}


def _memo_key(rule: tuple, done: int, last: date | None, on_duty: bool, upcoming: list[date], on: date) -> tuple:
    """What `evaluate` can tell apart, so people with the same situation share one evaluation.

    Counted norms depend on the number done and the number planned; the rolling norm on whether the
    next briefing is overdue, far off, or near (then the exact date and whether a planned briefing comes
    before it). The bulk-equals-personal test in tests/monitor guards this against rule changes.
    """
    kind, period, count, weeks, or_when_on_duty = rule
    if period != "every_weeks":
        return rule, done, on_duty if period == "when_on_duty" else None, len(upcoming)
    if or_when_on_duty and on_duty:
        return rule, "duty"
    if last is None:
        return rule, "never", bool(upcoming)
    deadline = last + timedelta(weeks=weeks or 5)
    if deadline < on:
        return rule, "late"
    if (deadline - on).days > ROLLING_WARNING_DAYS:
        return rule, "far"
    return rule, "near", deadline, any(d <= deadline for d in upcoming)


def rate(fo: FunctionOverview) -> tuple[str, str]:
    """The inspectorate's rating of one function (rules in RATING_RULES, applied in that order)."""
    n = len(fo.counted_people)
    if n < MIN_PEOPLE_FOR_RATING:
        return "insufficient", (f"{n} {'persoon' if n == 1 else 'mensen'} met telbare normen "
                                f"(minder dan {MIN_PEOPLE_FOR_RATING}).")
    if fo.evidence == 0:
        return "insufficient", "Over dit jaar is niets vastgelegd."
    share = fo.on_track_share or 0.0
    percent = f"{round(share * 100)}% op schema."
    if share < SHARE_IMPROVE:
        return "risky", percent
    if fo.function.is_key:
        missing = [s.kind_name for s in fo.norms if s.norm.period == "once" and (s.counts["behind"] or s.counts["at_risk"])]
        if missing:
            return "risky", f"{percent} Niet iedereen is startbekwaam, ontbreekt: {', '.join(missing)}."
    if share >= SHARE_OK:
        return "ok", percent
    return "improve", percent


# --- Team / function group ------------------------------------------------------------------------

SORTS = {
    "name": "naam",
    "status": "status (achter eerst)",
    "missing": "grootste tekort eerst",
}
_STATUS_ORDER = {"behind": 0, "at_risk": 1, "done": 2, "none": 3}


def sort_people(people: list[PersonStatus], sort: str) -> list[PersonStatus]:
    if sort == "status":
        return sorted(people, key=lambda p: (_STATUS_ORDER[p.overall], -p.total_missing, p.name.casefold()))
    if sort == "missing":
        return sorted(people, key=lambda p: (-p.total_missing, _STATUS_ORDER[p.overall], p.name.casefold()))
    return sorted(people, key=lambda p: p.name.casefold())


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


def needed_kinds(fo: "FunctionOverview", year: int) -> dict[str, date | None]:
    """Kinds someone of the function is behind or at risk on, with the last day that still counts."""
    needed = {k for p in fo.people for k, s in p.statuses.items() if s in ("behind", "at_risk")}
    return {s.kind: (date(year, 12, 31) if s.norm.period in ("per_year", "per_two_years") else None)
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

def person_in_region(actor: User, person_id: int) -> User | None:
    person = db.session.get(User, person_id)
    if person is None or person.region_id != actor.region_id:
        return None
    return person


def log_view(actor: User, person: User, action: str = "monitor_view_person", detail: str | None = None) -> None:
    audit.record(actor, action, person, detail=detail)
    db.session.commit()


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
    try:
        from app.content.catalogue import get_catalogue
        return {slug: m.title for slug, m in get_catalogue().modules.items()}
    except Exception:  # a broken content folder must not take the dashboard down
        return {}


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


# --- Organisation-level obligations ---------------------------------------------------------------

@dataclass
class ObligationStatus:
    obligation: OrganisationObligation
    window_years: int
    first_year: int
    links: list[ObligationFulfilment]
    automatic: list[Activity]          # unannounced exercises that took place (recognised by the flag)

    @property
    def status(self) -> str:
        if self.automatic or any(link.covers_all for link in self.links):
            return "done"
        return "partial" if self.links else "open"

    @property
    def status_label(self) -> str:
        return {"done": "Voldaan", "partial": "Deels voldaan", "open": "Nog niet"}[self.status]

    @property
    def period_label(self) -> str:
        if self.window_years == 1:
            return f"in {self.first_year}"
        return f"in {self.first_year}–{self.first_year + self.window_years - 1}"


def window_years(text: str) -> int:
    """1 for a yearly obligation; 4 for "per beleidsperiode" / "eens per vier jaar" (counted backwards)."""
    lowered = text.lower()
    if "beleidsperiode" in lowered or "vier jaar" in lowered:
        return 4
    return 1


def _is_unannounced_obligation(text: str) -> bool:
    return bool(re.search(r"onverwacht|onaangekondigd", text.lower()))


def obligations(region_id: int, year: int, now: datetime) -> list[ObligationStatus]:
    items = db.session.scalars(db.select(OrganisationObligation).where(
        OrganisationObligation.region_id == region_id).order_by(OrganisationObligation.position)).all()
    if not items:
        return []
    links = db.session.scalars(db.select(ObligationFulfilment).where(
        ObligationFulfilment.obligation_id.in_([o.id for o in items]),
        ObligationFulfilment.year >= year - 3, ObligationFulfilment.year <= year)
        .order_by(ObligationFulfilment.year, ObligationFulfilment.id)).all()
    unannounced = db.session.scalars(db.select(Activity).where(
        Activity.region_id == region_id, Activity.unannounced.is_(True), Activity.cancelled_at.is_(None),
        Activity.starts_at >= datetime(year, 1, 1), Activity.starts_at < datetime(year + 1, 1, 1),
        Activity.starts_at <= now).order_by(Activity.starts_at)).all()
    result = []
    for item in items:
        span = window_years(item.text)
        first = year - span + 1
        result.append(ObligationStatus(
            item, span, first, [link for link in links if link.obligation_id == item.id and link.year >= first],
            unannounced if _is_unannounced_obligation(item.text) else []))
    return result


def obligation_in_region(region_id: int, obligation_id: int) -> OrganisationObligation | None:
    item = db.session.get(OrganisationObligation, obligation_id)
    return item if item is not None and item.region_id == region_id else None


def linkable_activities(region_id: int, year: int, now: datetime) -> list[Activity]:
    """Activities of the year that took place (started, not cancelled): what can satisfy an obligation."""
    return db.session.scalars(db.select(Activity).where(
        Activity.region_id == region_id, Activity.cancelled_at.is_(None),
        Activity.starts_at >= datetime(year, 1, 1), Activity.starts_at < datetime(year + 1, 1, 1),
        Activity.starts_at <= now).order_by(Activity.starts_at.desc())).all()


class MonitorError(ValueError):
    """A coordinator's input cannot be used; the message is Dutch."""


NOTE_MAX = 500


def link_activity(actor: User, obligation: OrganisationObligation, year: int, activity_id: int,
                  note: str, covers_all: bool, now: datetime) -> ObligationFulfilment:
    activity = db.session.get(Activity, activity_id)
    if activity is None or activity.region_id != obligation.region_id:
        raise MonitorError("Kies een activiteit uit de lijst.")
    if activity.cancelled_at is not None or activity.starts_at > now:
        raise MonitorError("Alleen een activiteit die heeft plaatsgevonden kan een verplichting voldoen.")
    if activity.starts_at.year != year:
        raise MonitorError(f"Deze activiteit was niet in {year}.")
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise MonitorError(f"Toelichting: hoogstens {NOTE_MAX} tekens; dit zijn er {len(note)}.")
    existing = db.session.scalar(db.select(ObligationFulfilment).filter_by(
        obligation_id=obligation.id, year=year, activity_id=activity.id))
    if existing is not None:  # a double tap or a second link: update, never a duplicate
        existing.note, existing.covers_all = note, covers_all
        db.session.commit()
        return existing
    link = ObligationFulfilment(obligation_id=obligation.id, year=year, activity_id=activity.id,
                                activity_title=activity.title, note=note, covers_all=covers_all,
                                recorded_by_id=actor.id)
    db.session.add(link)
    db.session.flush()
    audit.record(actor, "obligation_linked", link,
                 detail=f"{obligation.text[:80]} / {year}: {activity.title}")
    db.session.commit()
    return link


def fulfilment_in_region(region_id: int, fulfilment_id: int) -> ObligationFulfilment | None:
    link = db.session.get(ObligationFulfilment, fulfilment_id)
    if link is None or link.obligation.region_id != region_id:
        return None
    return link


def unlink(actor: User, link: ObligationFulfilment) -> None:
    audit.record(actor, "obligation_unlinked", link,
                 detail=f"{link.obligation.text[:80]} / {link.year}: {link.activity_title}")
    db.session.delete(link)
    db.session.commit()


def kind_names(region_id: int) -> dict[str, str]:
    return dict(db.session.execute(db.select(ActivityKind.code, ActivityKind.name)
                                   .where(ActivityKind.region_id == region_id)).all())
