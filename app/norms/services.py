"""Norm progress: per function and activity kind, what is done, what is planned, and what is missing.

The rules themselves live in `app/norms/rules.py` (one implementation, no database); this module
gathers the facts they need from the database and presents the outcome:
- `progress(user)` for the start page, `/plan`, the portfolio and the coordinator's person page;
- `deficits(user)` and `deficits_bulk(user_ids, year)` for registration priority (CONTRACT section 5);
- `outcomes_bulk(...)` for monitoring: the same facts for a whole region in a fixed number of queries.
The norm of the region for today's year is used; when that year has no norms, the latest earlier year.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import case, func
from sqlalchemy.orm import contains_eager

from app.extensions import db
from app.models import (Activity, DevelopmentPlan, DutyPeriod, Function, Norm, PlanCompetency, PortfolioEntry,
                        User, UserFunction)
from app.norms import rules
from app.norms.planned import Planned, planned_for
from app.norms.rules import Facts, Outcome, Rule

STATUS_LABELS = {"done": "Gehaald", "at_risk": "Let op", "behind": "Achter", "info": "Ter informatie"}
STATUS_RULES = [
    ("done", "Gehaald: je hebt het vereiste aantal in de periode gedaan (briefing en andere doorlopende normen: "
             "je volgende is nog niet te laat; piket: je ging in elke dienst naar de briefing)."),
    ("at_risk", "Let op: nog niet gehaald, maar nog haalbaar — je bent ingeschreven voor genoeg activiteiten, "
                "of er is nog genoeg tijd over (briefing: de uiterste datum valt binnen 14 dagen en je bent "
                "nog niet ingeschreven; 1x per 2 jaar: binnen 3 maanden)."),
    ("behind", "Achter: nog niet gehaald, je inschrijvingen zijn niet genoeg, en er is al te veel van de periode "
               "voorbij (eenmalig: nog niet gedaan en niet ingeschreven; briefing: de uiterste datum is voorbij; "
               "piket: in een dienst was je niet bij de briefing)."),
    ("pace", "Wanneer een jaarnorm te laat is, is een regel van de regio, niet van het beleid: achter als er meer "
             "van het jaar voorbij is dan (gedaan + 1) / (vereist + 1) — bij 0 van 2 na een derde van het jaar, "
             "bij 1 van 2 na twee derde, bij 0 van 1 na de helft."),
]
# Extra lines on /plan: what the policy says and where Paraat decides (regel van de regio).
PLAN_RULES = [
    "Briefing \"1x per 5 weken of bij dienst\": sta je in het piketrooster, dan ga je in elke dienstperiode naar "
    "de briefing (\"voor piket-functies: wanneer je dienst hebt\", beleidsplan hoofdstuk 5). In het rooster staan "
    "telt niet als aanwezig. Mis je de briefing in een dienst, dan sta je achter tot je in een latere dienst "
    "weer gaat, tenzij je 1x per 5 weken gaat (\"of\": het betere van de twee telt); een dienst waarin de regio "
    "geen briefing hield, telt niet mee. Zonder dienstperiodes geldt 1x per 5 weken.",
    "\"1x per 2 jaar\" is doorlopend, zoals een geldigheidsduur: minstens één in de laatste 24 maanden; de "
    "volgende moet twee jaar na de vorige.",
    "Nieuw in een functie (regel van de regio): je raakt op een norm pas achter als de periode van die norm "
    "sinds je start voorbij is (briefing: 5 weken, jaarnorm: een jaar); een jaarnorm telt naar rato van het deel "
    "van het jaar na je start, naar boven afgerond. Eenmalige normen (zoals ICR) zijn de instapeis.",
    "Eén waarneming collega telt voor allebei: voor wie waarneemt en voor wie wordt waargenomen (\"collega's "
    "nemen elkaar waar\"; dat beide meetellen is een regel van de regio).",
    "Normen zonder aantal zijn doorlopend en nooit achter. \"7x 4 uur vanuit tafelbezetting\" (CaCo) heeft in "
    "het beleid geen periode: ter informatie, per jaar gelezen (regel van de regio).",
]
PERIOD_LABELS = {"once": "eenmalig", "per_year": "per jaar", "per_two_years": "1x per 2 jaar (doorlopend)",
                 "every_weeks": "elke {weeks} weken", "when_on_duty": "bij dienst"}
noun = rules.noun


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
    forecast: str                                      # to the functionary ("Nog 1 oefening nodig")
    forecast_third: str = ""                           # about the person, for a coordinator ("Heeft nog 1 …")
    counted: list = field(default_factory=list)      # PortfolioEntry rows (or chosen competencies)
    planned: list[Planned] = field(default_factory=list)
    start: date | None = None
    end: date | None = None
    deadline: date | None = None                       # rolling norm: next due by; piket: end of the duty
    missing: int = 0                                   # how many more are needed now (deficit)
    reason: str = ""
    regional: bool = False                             # decided by a rule of the region
    duty: tuple[date, date] | None = None
    since: date | None = None                          # the person holds the function since (None: long ago)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def deadline_label(self) -> str:
        if self.reason.startswith("duty"):
            return "Dienst tot en met"
        if self.reason == "newcomer":
            return "Nieuw in de functie tot"
        return "Volgende uiterlijk"


def norm_year(region_id: int, year: int) -> int | None:
    """The year whose norms apply: `year`, or the latest earlier year that has norms."""
    return db.session.scalar(db.select(func.max(Norm.year)).where(
        Norm.region_id == region_id, Norm.year <= year))


def norms_for(region_id: int, year: int, function_ids) -> list[Norm]:
    """The norms of these functions in the year `norm_year` gives (one query: the year is a subquery)."""
    if not function_ids:
        return []
    used = (db.select(func.max(Norm.year)).where(Norm.region_id == region_id, Norm.year <= year)
            .scalar_subquery())
    return db.session.scalars(
        db.select(Norm).join(Norm.function).join(Norm.activity_kind)
        .options(contains_eager(Norm.function), contains_eager(Norm.activity_kind))
        .where(Norm.region_id == region_id, Norm.year == used, Norm.function_id.in_(list(function_ids)))
        .order_by(Function.code, Norm.id)).all()


def held_briefings(region_id: int, start: date, today: date) -> tuple[date, ...] | None:
    """Days the region held an operational briefing (from its activities); None when it records none
    at all, so a duty period is then never skipped for want of a briefing."""
    found = db.session.scalars(db.select(Activity.starts_at).where(
        Activity.region_id == region_id, Activity.kind == "ops_briefing", Activity.cancelled_at.is_(None),
        Activity.starts_at >= datetime.combine(start, datetime.min.time()),
        Activity.starts_at < datetime.combine(today + timedelta(days=1), datetime.min.time()))
        .order_by(Activity.starts_at)).all()
    return tuple(d.date() for d in found) or None


def rows_of(statement, size: int = 500):
    """The rows of a select of plain columns, fetched `size` at a time: a region's thousands of rows
    never live at once, which leaves the garbage collector little to walk."""
    for chunk in db.session.connection().execute(statement).partitions(size):
        yield from chunk


def duty_periods(user_ids, since: date) -> dict[int, tuple[tuple[date, date], ...]]:
    """Duty periods ending on or after `since`, per person, in order."""
    found: dict[int, list] = defaultdict(list)
    for user_id, start, end in rows_of(
            db.select(DutyPeriod.user_id, DutyPeriod.start, DutyPeriod.end)
            .where(DutyPeriod.user_id.in_(user_ids), DutyPeriod.end >= since)
            .order_by(DutyPeriod.user_id, DutyPeriod.start, DutyPeriod.end)):
        found[user_id].append((start, end))
    return {uid: tuple(periods) for uid, periods in found.items()}


def _status(norm: Norm, rule: Rule, outcome: Outcome, **extra) -> NormStatus:
    return NormStatus(
        function_code=norm.function.code, function_name=norm.function.name, kind=rule.kind,
        kind_name=norm.activity_kind.name, period=norm.period,
        period_label=PERIOD_LABELS[norm.period].format(weeks=norm.weeks),
        required=outcome.required if outcome.required is not None else norm.count, done=outcome.done,
        status=outcome.status, forecast=rules.explain(rule, outcome),
        forecast_third=rules.explain(rule, outcome, third=True), start=outcome.start, end=outcome.end,
        deadline=outcome.due, missing=outcome.missing, reason=outcome.reason, regional=outcome.regional,
        duty=outcome.duty, **extra)


def facts_of(dates: list[date], today: date, **known) -> Facts:
    """Facts from every evidence date of one kind (ascending, none after today) and what else is known."""
    first = rules.lookback_start(today)
    return Facts(ever=len(dates), in_year=sum(1 for d in dates if d.year == today.year),
                 last=dates[-1] if dates else None, dates=tuple(d for d in dates if d >= first), **known)


def progress(user: User, today: date | None = None, planned: list[Planned] | None = None,
             entries: list[PortfolioEntry] | None = None,
             approved: list[PlanCompetency] | None = None) -> list[NormStatus]:
    """Status of every norm of every function the user holds, for today's year.

    `planned`, `entries` (all the person's portfolio entries up to `today`, in date order) and
    `approved` (approved_competencies of today's year) may be given by a caller that reads them for
    more than this (the start page); else they are read here."""
    today = today or date.today()
    rows = {r.function_id: r for r in user.function_rows}
    norms = norms_for(user.region_id, today.year, rows.keys())
    if not norms:
        return []
    kinds = {n.activity_kind.code for n in norms}
    if entries is None:
        entries = db.session.scalars(
            db.select(PortfolioEntry).where(PortfolioEntry.user_id == user.id,
                                            PortfolioEntry.activity_kind.in_(kinds),
                                            PortfolioEntry.occurred_on <= today)
            .order_by(PortfolioEntry.occurred_on, PortfolioEntry.id)).all()
    else:
        entries = [e for e in entries if e.activity_kind in kinds]
    if "competence" not in kinds:
        chosen = []
    else:
        chosen = approved if approved is not None else approved_competencies(user, today.year)
    if planned is None:
        planned = planned_ahead(user, today)
    first = rules.lookback_start(today)
    rule_of = {norm.id: Rule.of(norm) for norm in norms}
    piket = any(rule.reads_duty for rule in rule_of.values())
    duty = duty_periods([user.id], first).get(user.id, ()) if piket else ()
    held = held_briefings(user.region_id, first, today) if duty else None
    result = []
    for norm in norms:
        rule = rule_of[norm.id]
        mine = [e for e in entries if e.activity_kind == rule.kind]
        upcoming = [p for p in planned if p.activity_kind == rule.kind and p.on >= today]
        facts = facts_of([e.occurred_on for e in mine], today, planned=tuple(p.on for p in upcoming),
                         since=rows[norm.function_id].since, duty=duty, held=held, competences=len(chosen))
        outcome = rules.evaluate(rule, facts, today)
        if rule.kind == "competence":
            counted = chosen
        elif rule.period == "per_year":
            counted = [e for e in mine if e.occurred_on.year == today.year]
        elif rule.rolling:
            counted = [e for e in mine if rules.in_window(rule, e.occurred_on, today)]
        else:
            counted = mine
        in_time = outcome.due or outcome.end or today + timedelta(weeks=10)
        status = _status(norm, rule, outcome, counted=list(reversed(counted)),
                         planned=[p for p in upcoming if p.on <= in_time])
        status.since = rows[norm.function_id].since
        result.append(status)
    return result


def forecast_end(today: date) -> date:
    """How far ahead a norm forecast looks at seats held: two years."""
    return rules._add_years(today, 2)


def planned_ahead(user: User, today: date) -> list[Planned]:
    """What the person is registered for from today on, as far ahead as a norm forecast looks."""
    return planned_for(user, today, forecast_end(today))


def approved_competencies(user: User, year: int) -> list[PlanCompetency]:
    """The approved competencies in the person's plan of `year` (each with its Competency)."""
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


# --- Many people at once ---------------------------------------------------------------------------

@dataclass(slots=True)
class PersonNorm:
    user_id: int
    function_id: int
    norm: Norm
    rule: Rule
    outcome: Outcome
    in_year: int = 0                 # evidence of the kind in today's year (chosen competencies for competence)
    share: float | None = None       # share of the year on norm (rolling norms, when asked)


def outcomes_bulk(region_id: int, people: list[tuple[int, int, date | None]], user_ids, norms_by_function,
                  today: date, planned: dict[str, dict[int, tuple[date, ...]]] | None = None,
                  share_of: tuple[date, date] | None = None):
    """`rules.evaluate` for every (person, norm) of `people` = [(user_id, function_id, since)], with a
    fixed number of queries (evidence counts, recent evidence dates, duty periods, briefings held,
    chosen competencies). `user_ids`: the same people, as a list or a select. `planned`: seats held
    from today on, per kind and person (ascending). `share_of` = (start, end): also the share of that
    span on norm for rolling norms (the yearly report). Yields a PersonNorm per (person, norm) in the
    order of `people`, so a caller can tally without keeping them all.
    """
    all_rules = {n.id: Rule.of(n) for ns in norms_by_function.values() for n in ns}
    if not people or not all_rules:
        return
    kinds = {r.kind for r in all_rules.values()}
    conn = db.session.connection()
    # Plain column rows, kept per kind and person as tuples of ints and dates: a dozen dicts of such
    # tuples give the garbage collector little to walk (a dict per person would be thousands).
    counts: dict[str, dict[int, tuple[int, int, date]]] = {kind: {} for kind in kinds}
    for u, k, ever, in_year, last in rows_of(
            db.select(PortfolioEntry.user_id, PortfolioEntry.activity_kind, func.count(),
                      func.sum(case((PortfolioEntry.occurred_on >= date(today.year, 1, 1), 1), else_=0)),
                      func.max(PortfolioEntry.occurred_on))
            .where(PortfolioEntry.user_id.in_(user_ids), PortfolioEntry.activity_kind.in_(kinds),
                   PortfolioEntry.occurred_on <= today)
            .group_by(PortfolioEntry.user_id, PortfolioEntry.activity_kind)):
        counts[k][u] = (ever, int(in_year or 0), last)
    first = rules.lookback_start(today)
    piket = any(r.reads_duty for r in all_rules.values())
    duty = duty_periods(user_ids, first if share_of is None else min(first, share_of[0])) if piket else {}
    held = held_briefings(region_id, first, today) if duty else None
    on_duty = db.select(DutyPeriod.user_id).where(DutyPeriod.user_id.in_(user_ids), DutyPeriod.end >= first)
    dates = _evidence_dates(user_ids, all_rules.values(), today, share_of, on_duty if duty else None, first)
    competences = {}
    if "competence" in kinds:
        competences = dict(conn.execute(
            db.select(DevelopmentPlan.user_id, func.count(PlanCompetency.id))
            .join(PlanCompetency, PlanCompetency.plan_id == DevelopmentPlan.id)
            .where(DevelopmentPlan.user_id.in_(user_ids), DevelopmentPlan.year == today.year,
                   PlanCompetency.status == "approved")
            .group_by(DevelopmentPlan.user_id)).all())
    planned = planned or {}
    none = (0, 0, None)
    evaluate, share_on_norm = rules.evaluate, rules.share_on_norm
    # People in the same situation share one evaluation: memoised per norm on every fact the rule reads
    # (Rule.reads_dates / reads_duty say which), within this call only. The key holds no rule logic.
    per_function = {fid: [(norm, rule, counts[rule.kind], dates.get(rule.kind, {}) if rule.reads_dates else None,
                           planned.get(rule.kind, {}), rule.reads_duty, rule.kind == "competence",
                           share_of is not None and rule.rolling, {})
                          for norm in ns for rule in (all_rules[norm.id],)]
                    for fid, ns in norms_by_function.items()}
    for user_id, function_id, since in people:
        norms = per_function.get(function_id)
        if not norms:
            continue
        my_duty, chosen = duty.get(user_id, ()), competences.get(user_id, 0)
        for norm, rule, ever_of, dates_of, seats_of, reads_duty, competence, with_share, memo in norms:
            ever, in_year, last = ever_of.get(user_id, none)
            if dates_of is None:
                known, last = (), None
            else:
                known = dates_of.get(user_id, ())
            periods = my_duty if reads_duty else ()
            seats = seats_of.get(user_id, ())
            mine = chosen if competence else 0
            read = (ever, in_year, last, known, seats, since, periods, mine)
            outcome = memo.get(read)
            if outcome is None:
                outcome = memo[read] = evaluate(rule, Facts(
                    ever=ever, in_year=in_year, last=last, dates=known, planned=seats, since=since, duty=periods,
                    held=held if periods else None, competences=mine), today)
            share = None
            if with_share:
                share = share_on_norm(rule, Facts(dates=known, since=since, duty=periods,
                                                  held=held if periods else None), *share_of)
            yield PersonNorm(user_id, function_id, norm, rule, outcome, mine if competence else in_year, share)


def _evidence_dates(user_ids, all_rules, today: date, share_of, duty_people, first: date):
    """Evidence dates per kind and person (ascending), only where a rule reads them: a rolling norm's
    window (from the start of `share_of` minus the window when asked), and for the piket rule every
    briefing since `first` of `duty_people` (a select of the people with duty periods: they are few)."""
    since: dict[str, date] = {}
    for rule in all_rules:
        if rule.reads_dates:
            start = today - rule.reach
            if share_of is not None:
                start = min(start, share_of[0] - rule.reach)
            since[rule.kind] = min(start, since.get(rule.kind, start))
    entry = PortfolioEntry
    # One range per kind (each an index range per person), and the earlier briefings of people on duty.
    parts = [db.select(entry.user_id, entry.activity_kind, entry.occurred_on)
             .where(entry.user_id.in_(user_ids), entry.activity_kind == kind, entry.occurred_on >= start,
                    entry.occurred_on <= today)
             for kind, start in since.items()]
    for kind in {rule.kind for rule in all_rules if rule.reads_duty} if duty_people is not None else ():
        if first < since[kind]:
            parts.append(db.select(entry.user_id, entry.activity_kind, entry.occurred_on)
                         .where(entry.user_id.in_(duty_people), entry.activity_kind == kind,
                                entry.occurred_on >= first, entry.occurred_on < since[kind]))
    if not parts:
        return {}
    rows = db.union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
    found: dict[str, dict[int, list[date]]] = {kind: defaultdict(list) for kind in since}
    for u, k, d in rows_of(db.select(rows.c.user_id, rows.c.activity_kind, rows.c.occurred_on)
                           .order_by(rows.c.occurred_on)):
        found[k][u].append(d)
    return {kind: {u: tuple(days) for u, days in mine.items()} for kind, mine in found.items()}


def deficits_bulk(user_ids, year: int, today: date | None = None) -> dict[int, dict[str, int]]:
    """`deficits` for many people with a fixed number of queries per region (no per-person loop).

    `today` defaults to the real date within `year`, else 31 December of `year`.
    """
    user_ids = list(user_ids)
    if today is None:
        real = date.today()
        today = real if real.year == year else date(year, 12, 31)
    result: dict[int, dict[str, int]] = {uid: {} for uid in user_ids}
    if not user_ids:
        return result
    rows = db.session.execute(
        db.select(UserFunction.user_id, UserFunction.function_id, UserFunction.since, User.region_id)
        .join(User, User.id == UserFunction.user_id).where(UserFunction.user_id.in_(user_ids))).all()
    for region_id in {row.region_id for row in rows}:
        mine = [(r.user_id, r.function_id, r.since) for r in rows if r.region_id == region_id]
        norms: dict[int, list[Norm]] = defaultdict(list)
        for norm in norms_for(region_id, year, {fid for _u, fid, _s in mine}):
            norms[norm.function_id].append(norm)
        ids = sorted({u for u, _f, _s in mine})
        for found in outcomes_bulk(region_id, mine, ids, norms, today):
            if found.outcome.missing:
                kinds = result[found.user_id]
                kinds[found.rule.kind] = max(kinds.get(found.rule.kind, 0), found.outcome.missing)
    return result
