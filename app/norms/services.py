"""Norm progress: per function and activity kind, what is done, what is planned, and what is missing.

One service for the plan page, registration priority (`deficits`) and monitoring (`deficits_bulk`).

Periods (the norm of the region for today's year is used; when that year has no norms, the latest
earlier year that has them):
- once: ever, any year; per_year: the calendar year; per_two_years: this and the previous calendar
  year; every_weeks N: rolling — the next briefing is due N weeks after the last one, across New Year;
  when_on_duty and a count of None ("doorlopend") are informational and never behind.
- competence: done when the plan of the year has at least one approved chosen competency.

Status of a counted norm (STATUS_RULES below is the text the plan page shows):
- done: the required number is reached in the period (rolling: the deadline has not passed;
  with `or_when_on_duty` and on duty for that function: satisfied by duty, "voldaan via piket").
- behind: not reached, the registered (planned) activities in the rest of the period do not make up
  the difference, and the elapsed share of the period is larger than (done + 1) / (required + 1)
  — e.g. 0 of 2 after a third of the year, 1 of 2 after two thirds, 0 of 1 after half the period
  (once: not done and nothing planned; rolling: the deadline has passed or never attended).
- at_risk: not reached yet, but reachable: planned activities cover what is missing, or the pace
  above still holds (rolling: the deadline is within 14 days and no briefing is planned before it).
- info: informational only (when on duty, doorlopend).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import case, func
from sqlalchemy.orm import contains_eager

from app.extensions import db
from app.models import ActivityKind, Function, Norm, PortfolioEntry, User, UserFunction
from app.norms.planned import Planned, planned_for

STATUS_LABELS = {"done": "Gehaald", "at_risk": "Let op", "behind": "Achter", "info": "Ter informatie"}
STATUS_RULES = [
    ("done", "Gehaald: je hebt het vereiste aantal in de periode gedaan (briefing: je volgende briefing "
             "is nog niet te laat, of je bent in piket)."),
    ("at_risk", "Let op: nog niet gehaald, maar nog haalbaar — je bent ingeschreven voor genoeg activiteiten, "
                "of er is nog genoeg tijd over (briefing: de uiterste datum valt binnen 14 dagen en je bent "
                "nog niet ingeschreven)."),
    ("behind", "Achter: nog niet gehaald, je inschrijvingen zijn niet genoeg, en er is al te veel van de periode "
               "voorbij: bij 0 van 2 na een derde van de periode, bij 1 van 2 na twee derde, bij 0 van 1 na de "
               "helft (eenmalig: nog niet gedaan en niet ingeschreven; briefing: de uiterste datum is voorbij)."),
]
PERIOD_LABELS = {"once": "eenmalig", "per_year": "per jaar", "per_two_years": "per twee jaar",
                 "every_weeks": "elke {weeks} weken", "when_on_duty": "bij dienst"}
ROLLING_WARNING_DAYS = 14
# Dutch nouns (singular, plural) for forecasts; anything else is an "activiteit".
NOUNS = {
    "multi_exercise": ("oefening", "oefeningen"), "system_exercise": ("oefening", "oefeningen"),
    "startup_exercise": ("opstartoefening", "opstartoefeningen"),
    "table_exercise_4h": ("oefening", "oefeningen"), "ops_briefing": ("briefing", "briefings"),
    "knowledge_day": ("kennisdag", "kennisdagen"), "peer_observation": ("waarneming", "waarnemingen"),
    "masterclass": ("masterclass", "masterclasses"), "council_training": ("training", "trainingen"),
    "icr": ("opleiding", "opleidingen"), "icr_comm": ("opleiding", "opleidingen"),
    "crisis_competence_scan": ("scan", "scans"), "competence": ("competentie", "competenties"),
}


def noun(kind: str, n: int) -> str:
    single, plural = NOUNS.get(kind, ("activiteit", "activiteiten"))
    return single if n == 1 else plural


@dataclass
class NormStatus:
    function_code: str
    function_name: str
    kind: str
    kind_name: str
    period: str
    period_label: str
    required: int | None
    done: int
    status: str
    forecast: str
    counted: list = field(default_factory=list)      # PortfolioEntry rows (or chosen competencies)
    planned: list[Planned] = field(default_factory=list)
    start: date | None = None
    end: date | None = None
    deadline: date | None = None                       # rolling norm: next briefing due by
    via_duty: bool = False
    missing: int = 0                                   # how many more are needed now (deficit)

    @property
    def status_label(self) -> str:
        return "Voldaan via piket" if self.via_duty else STATUS_LABELS[self.status]


def norm_year(region_id: int, year: int) -> int | None:
    """The year whose norms apply: `year`, or the latest earlier year that has norms."""
    return db.session.scalar(db.select(func.max(Norm.year)).where(
        Norm.region_id == region_id, Norm.year <= year))


def _norms_for(region_id: int, year: int, function_ids) -> list[Norm]:
    used = norm_year(region_id, year)
    if used is None or not function_ids:
        return []
    return db.session.scalars(
        db.select(Norm).join(Norm.function).join(Norm.activity_kind)
        .options(contains_eager(Norm.function), contains_eager(Norm.activity_kind))
        .where(Norm.region_id == region_id, Norm.year == used, Norm.function_id.in_(list(function_ids)))
        .order_by(Function.code, Norm.id)).all()


def period_bounds(period: str, today: date) -> tuple[date | None, date | None]:
    if period == "per_year":
        return date(today.year, 1, 1), date(today.year, 12, 31)
    if period == "per_two_years":
        return date(today.year - 1, 1, 1), date(today.year, 12, 31)
    return None, None


def _elapsed_share(start: date, end: date, today: date) -> float:
    return min(1.0, ((today - start).days + 1) / ((end - start).days + 1))


def evaluate(norm: Norm, today: date, *, done: int, last: date | None, on_duty: bool,
             planned: list[Planned] | None = None) -> tuple[str, int, str, date | None, bool]:
    """The rules, on numbers only (so per-person and bulk calculations agree).

    `done`: evidence in the period up to today; `last`: latest evidence ever (rolling norms).
    Returns (status, missing, forecast, deadline, via_duty).
    """
    kind = norm.activity_kind.code
    planned = planned or []
    if norm.period == "when_on_duty":
        text = ("Je bent in piket: ga naar de briefing tijdens je dienst." if on_duty
                else "Geldt alleen als je dienst hebt.")
        return "info", 0, text, None, False
    if norm.period == "every_weeks":
        if norm.or_when_on_duty and on_duty:
            return "done", 0, "Voldaan via piket: je gaat naar de briefing als je dienst hebt.", None, True
        weeks = norm.weeks or 5
        if last is None:
            if planned:
                return ("at_risk", 1, f"Je bent ingeschreven voor de briefing van {_d(planned[0].on)}; "
                        "daarmee start je op schema.", None, False)
            return "behind", 1, "Je hebt nog geen briefing bijgewoond. Ga naar de eerstvolgende briefing.", None, False
        deadline = last + timedelta(weeks=weeks)
        if deadline < today:
            return ("behind", 1, f"Je volgende briefing was uiterlijk {_d(deadline)}. "
                    "Ga naar de eerstvolgende briefing.", deadline, False)
        if (deadline - today).days <= ROLLING_WARNING_DAYS and not any(p.on <= deadline for p in planned):
            return ("at_risk", 0, f"Ga uiterlijk {_d(deadline)} naar een briefing; je bent nog niet ingeschreven.",
                    deadline, False)
        return "done", 0, f"Je volgende briefing moet uiterlijk {_d(deadline)} zijn.", deadline, False
    if norm.count is None:
        return "info", 0, "Doorlopend: er is geen aantal vastgesteld.", None, False
    required = norm.count
    if done >= required:
        if kind == "competence":
            return "done", 0, f"Gehaald: je werkt aan {done} {noun(kind, done)} uit je ontwikkelplan.", None, False
        return "done", 0, f"Norm gehaald: {done} van {required}.", None, False
    missing = required - done
    n_planned = len(planned)
    start, end = period_bounds(norm.period, today)
    if kind == "competence":
        text = "Kies in je ontwikkelplan minstens één crisiscompetentie."
    elif n_planned >= missing:
        return ("at_risk", missing, f"Met de {n_planned} {noun(kind, n_planned)} waarvoor je bent ingeschreven "
                "haal je de norm.", None, False)
    else:
        still = missing - n_planned
        by = f" vóór {_d(end)}" if end else ""
        text = (f"Met de {n_planned} {noun(kind, n_planned)} waarvoor je bent ingeschreven heb je er nog "
                f"{still} nodig{by}." if n_planned else f"Nog {still} {noun(kind, still)} nodig{by}.")
    if start is None:  # once: nothing left to wait for
        return "behind", missing, text, None, False
    behind = _elapsed_share(start, end, today) > (done + 1) / (required + 1)
    return ("behind" if behind else "at_risk"), missing, text, None, False


def _d(d: date) -> str:
    from flask_babel import format_date
    return format_date(d, "d MMMM yyyy")


def progress(user: User, today: date | None = None, planned: list[Planned] | None = None) -> list[NormStatus]:
    """Status of every norm of every function the user holds, for today's year."""
    today = today or date.today()
    rows = {r.function_id: r for r in user.function_rows}
    norms = _norms_for(user.region_id, today.year, rows.keys())
    if not norms:
        return []
    kinds = {n.activity_kind.code for n in norms}
    entries = db.session.scalars(
        db.select(PortfolioEntry).where(PortfolioEntry.user_id == user.id,
                                        PortfolioEntry.activity_kind.in_(kinds),
                                        PortfolioEntry.occurred_on <= today)
        .order_by(PortfolioEntry.occurred_on.desc(), PortfolioEntry.id.desc())).all()
    chosen = _approved_competencies(user, today.year) if "competence" in kinds else []
    if planned is None:
        horizon = max((period_bounds(n.period, today)[1] or today for n in norms), default=today)
        planned = planned_for(user, today, max(horizon, today + timedelta(weeks=10)))
    result = []
    for norm in norms:
        kind = norm.activity_kind.code
        start, end = period_bounds(norm.period, today)
        mine = [e for e in entries if e.activity_kind == kind]
        if kind == "competence":
            counted, last = chosen, None
        elif norm.period == "every_weeks":
            counted = mine[:1]
            last = mine[0].occurred_on if mine else None
        else:
            counted = [e for e in mine if start is None or e.occurred_on >= start]
            last = mine[0].occurred_on if mine else None
        plan_end = end or (today + timedelta(weeks=norm.weeks or 5) if norm.period == "every_weeks"
                           else date(today.year, 12, 31))
        upcoming = [p for p in planned if p.activity_kind == kind and today <= p.on <= plan_end]
        done = len(counted)
        status, missing, text, deadline, via_duty = evaluate(
            norm, today, done=done, last=last, on_duty=rows[norm.function_id].on_duty, planned=upcoming)
        result.append(NormStatus(
            function_code=norm.function.code, function_name=norm.function.name, kind=kind,
            kind_name=norm.activity_kind.name, period=norm.period,
            period_label=PERIOD_LABELS[norm.period].format(weeks=norm.weeks),
            required=norm.count, done=done if norm.period != "every_weeks" else int(status == "done"),
            status=status, forecast=text, counted=counted, planned=upcoming, start=start, end=end,
            deadline=deadline, via_duty=via_duty, missing=missing))
    return result


def _approved_competencies(user: User, year: int) -> list:
    from app.models import DevelopmentPlan, PlanCompetency
    return db.session.scalars(
        db.select(PlanCompetency).join(DevelopmentPlan)
        .where(DevelopmentPlan.user_id == user.id, DevelopmentPlan.year == year,
               PlanCompetency.status == "approved")).all()


def summary(statuses: list[NormStatus]) -> dict[str, int]:
    counts = {"done": 0, "at_risk": 0, "behind": 0, "info": 0}
    for s in statuses:
        counts[s.status] += 1
    return counts


def deficits(user: User, today: date | None = None) -> dict[str, int]:
    """Per activity kind: how many more the user needs in the current period (max over functions).

    Planned registrations are not subtracted: this is the registration priority (CONTRACT §5).
    """
    result: dict[str, int] = {}
    for status in progress(user, today, planned=[]):
        if status.missing:
            result[status.kind] = max(result.get(status.kind, 0), status.missing)
    return result


def deficits_bulk(user_ids, year: int, today: date | None = None) -> dict[int, dict[str, int]]:
    """`deficits` for many people with a fixed number of aggregate queries (no per-person loop).

    `today` defaults to the real date within `year`, else 31 December of `year`.
    """
    from app.models import DevelopmentPlan, PlanCompetency

    user_ids = list(user_ids)
    if today is None:
        real = date.today()
        today = real if real.year == year else date(year, 12, 31)
    result: dict[int, dict[str, int]] = {uid: {} for uid in user_ids}
    if not user_ids:
        return result
    functions = db.session.execute(
        db.select(UserFunction.user_id, UserFunction.function_id, UserFunction.on_duty, User.region_id)
        .join(User, User.id == UserFunction.user_id).where(UserFunction.user_id.in_(user_ids))).all()
    norms_by_function: dict[int, list[Norm]] = {}
    for region_id in {row.region_id for row in functions}:
        fids = {row.function_id for row in functions if row.region_id == region_id}
        for norm in _norms_for(region_id, year, fids):
            norms_by_function.setdefault(norm.function_id, []).append(norm)
    year_start, two_start = date(year, 1, 1), date(year - 1, 1, 1)
    evidence = db.session.execute(
        db.select(PortfolioEntry.user_id, PortfolioEntry.activity_kind,
                  func.count().label("ever"),
                  func.sum(case((PortfolioEntry.occurred_on >= year_start, 1), else_=0)).label("this_year"),
                  func.sum(case((PortfolioEntry.occurred_on >= two_start, 1), else_=0)).label("two_years"),
                  func.max(PortfolioEntry.occurred_on).label("last"))
        .where(PortfolioEntry.user_id.in_(user_ids), PortfolioEntry.activity_kind.is_not(None),
               PortfolioEntry.occurred_on <= today)
        .group_by(PortfolioEntry.user_id, PortfolioEntry.activity_kind)).all()
    facts = {(row.user_id, row.activity_kind): row for row in evidence}
    competences = dict(db.session.execute(
        db.select(DevelopmentPlan.user_id, func.count(PlanCompetency.id))
        .join(PlanCompetency, PlanCompetency.plan_id == DevelopmentPlan.id)
        .where(DevelopmentPlan.user_id.in_(user_ids), DevelopmentPlan.year == year,
               PlanCompetency.status == "approved")
        .group_by(DevelopmentPlan.user_id)).all())
    for row in functions:
        for norm in norms_by_function.get(row.function_id, []):
            kind = norm.activity_kind.code
            fact = facts.get((row.user_id, kind))
            if kind == "competence":
                done = competences.get(row.user_id, 0)
            elif fact is None:
                done = 0
            else:
                done = {"once": fact.ever, "per_year": fact.this_year,
                        "per_two_years": fact.two_years}.get(norm.period, fact.ever)
            last = fact.last if fact is not None else None
            if isinstance(last, str):  # SQLite returns max() of a date column as text
                last = date.fromisoformat(last)
            missing = evaluate(norm, today, done=int(done or 0), last=last, on_duty=row.on_duty)[1]
            if missing:
                mine = result[row.user_id]
                mine[kind] = max(mine.get(kind, 0), missing)
    return result


def activity_kind_names(region_id: int) -> dict[str, str]:
    return dict(db.session.execute(
        db.select(ActivityKind.code, ActivityKind.name).where(ActivityKind.region_id == region_id)).all())
