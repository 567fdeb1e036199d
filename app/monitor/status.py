"""Norm status of a whole region and the ratings per function.

Every status comes from `app.norms.rules.evaluate` through `app.norms.services.outcomes_bulk`, the
same rules the plan page, registration priority and `flask norms evaluate` use; this module only
counts. A person is "op norm" for a function when every counted norm of that function is done,
"achter" when any is behind, else "let op" (norms that are only informational never count).

Ratings: the Inspectie rates processes per region and publishes no thresholds, so the four terms
are a yardstick of the region ("maatstaf van de regio"); the thresholds come from the region
(norms file `ratings`), with the defaults below.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property

from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Activity, Function, Norm, Region, Registration, User, UserFunction
from app.norms.services import PERIOD_LABELS, forecast_end, norm_year, outcomes_bulk, rows_of

STATUSES = ("done", "at_risk", "behind")
STATUS_LABELS = {"done": "Op norm", "at_risk": "Let op", "behind": "Achter", "info": "Ter informatie",
                 "none": "Geen telbare norm"}
RATING_LABELS = {"ok": "Op orde", "improve": "Voor verbetering vatbaar",
                 "insufficient": "Onvoldoende gegevens", "risky": "Risicovol"}


@dataclass(frozen=True)
class Thresholds:
    """The region's yardstick (maatstaf van de regio): a piket pool of a key function is often 4-6
    people, so a share of 1 or 2 says nothing."""
    min_people: int = 3
    ok_percent: int = 80
    improve_percent: int = 50

    @classmethod
    def of(cls, region: Region | None) -> "Thresholds":
        if region is None:
            return cls()
        return cls(region.rating_min_people or cls.min_people, region.rating_ok_percent or cls.ok_percent,
                   region.rating_improve_percent or cls.improve_percent)

    def rules(self) -> list[tuple[str, str]]:
        """The rating rules in the order they are applied (shown on the page and in the report)."""
        return [
            ("insufficient", f"Onvoldoende gegevens: minder dan {self.min_people} mensen met telbare normen in de "
                             "functie, of over dat jaar is niets vastgelegd (geen portfolio-items en geen gekozen "
                             "competenties)."),
            ("risky", f"Risicovol: minder dan {self.improve_percent}% van de mensen is op schema, of in een "
                      "sleutelfunctie staat iemand achter op een eenmalige norm (zoals de basisopleiding ICR): die "
                      "persoon is niet startbekwaam. Wie is ingeschreven, telt als gepland."),
            ("improve", f"Voor verbetering vatbaar: {self.improve_percent}% tot {self.ok_percent}% van de mensen "
                        "is op schema."),
            ("ok", f"Op orde: minstens {self.ok_percent}% van de mensen is op schema."),
        ]


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


@dataclass
class PersonStatus:
    user_id: int
    name: str
    on_duty: bool
    statuses: dict[str, str] = field(default_factory=dict)     # activity kind -> done | at_risk | behind | info
    missing: dict[str, int] = field(default_factory=dict)
    shares: dict[str, float] = field(default_factory=dict)     # rolling kind -> share of the year on norm
    _overall: str | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def overall(self) -> str:
        """Read once the statuses are complete (kept: the dashboards ask for it many times)."""
        if self._overall is None:
            counted = [s for s in self.statuses.values() if s in STATUSES]
            self._overall = ("none" if not counted else "behind" if "behind" in counted
                             else "at_risk" if "at_risk" in counted else "done")
        return self._overall

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
    shares: list[float] = field(default_factory=list)   # rolling norms, yearly report: per person

    @property
    def counted(self) -> bool:
        return sum(self.counts[s] for s in STATUSES) > 0

    @property
    def mean_share(self) -> float | None:
        return sum(self.shares) / len(self.shares) if self.shares else None


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
    def on_track_share(self) -> float | None:
        """Share of people "op schema": no norm behind (what the rating uses)."""
        counted = self.counted_people
        return (sum(p.overall != "behind" for p in counted) / len(counted)) if counted else None

    @property
    def rating_label(self) -> str:
        return RATING_LABELS[self.rating]


def _people_ids(region_id: int, function_id: int | None = None):
    """Select of the active people of the region (optionally: holding one function)."""
    query = db.select(User.id).where(User.region_id == region_id, User.active.is_(True))
    if function_id is not None:
        query = query.join(UserFunction, UserFunction.user_id == User.id).where(
            UserFunction.function_id == function_id)
    return query


def planned_seats(region_id: int, people_ids, kinds, on: date) -> dict[str, dict[int, tuple[date, ...]]]:
    """Seats held for activities still to come (the norms forecast's "planned"), per kind and person."""
    horizon = forecast_end(on)
    planned: dict[str, dict[int, list[date]]] = {kind: defaultdict(list) for kind in kinds}
    for user_id, kind, starts_at in rows_of(
            db.select(Registration.user_id, Activity.kind, Activity.starts_at)
            .join(Activity, Activity.id == Registration.activity_id)
            .where(Activity.region_id == region_id, Registration.user_id.in_(people_ids),
                   Registration.status == "assigned", Activity.cancelled_at.is_(None), Activity.kind.in_(kinds),
                   Activity.starts_at >= datetime.combine(on, datetime.min.time()),
                   Activity.starts_at < datetime.combine(horizon + timedelta(days=1), datetime.min.time()))
            .order_by(Activity.starts_at)):
        planned[kind][user_id].append(starts_at.date())
    return {kind: {u: tuple(days) for u, days in mine.items()} for kind, mine in planned.items()}


def overview(region_id: int, year: int, today: date, function_id: int | None = None,
             shares: bool = False) -> list[FunctionOverview]:
    """Norm status per function, per norm and per person, for `year` as measured on its reference date.

    `shares`: also the share of the year each person was on norm for rolling norms (yearly report).
    """
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
    people_ids = _people_ids(region_id, function_id)
    kind_of = {n: n.activity_kind.code for ns in norms.values() for n in ns}
    by_function: dict[int, list[PersonStatus]] = {f.id: [] for f in functions}
    person_of: dict[tuple[int, int], PersonStatus] = {}
    people = []
    for user_id, fid, on_duty, since, name in rows_of(
            db.select(UserFunction.user_id, UserFunction.function_id, UserFunction.on_duty, UserFunction.since,
                      User.name)
            .join(User, User.id == UserFunction.user_id)
            .where(User.region_id == region_id, User.active.is_(True),
                   UserFunction.function_id.in_([f.id for f in functions]))
            .order_by(User.name, User.id)):
        person_of[user_id, fid] = person = PersonStatus(user_id, name, bool(on_duty))
        by_function[fid].append(person)
        people.append((user_id, fid, since))
    # Tallies per (function, kind), as NormSummary shows them: status -> people, and the shares.
    tally: dict[tuple[int, str], dict[str, int]] = {}
    share_lists: dict[tuple[int, str], list[float]] = {}
    tally_of, shares_of = {}, {}
    for fid, ns in norms.items():
        for n in ns:
            tally_of[n] = tally.setdefault((fid, kind_of[n]), {})
            shares_of[n] = share_lists.setdefault((fid, kind_of[n]), [])
    in_year: dict[int, dict[str, int]] = defaultdict(dict)   # evidence dated in the year, per person and kind
    current = None   # (user id, function id) of `person`: outcomes come person by person
    for item in outcomes_bulk(region_id, people, people_ids, norms, on,
                              planned=planned_seats(region_id, people_ids, set(kind_of.values()), on),
                              share_of=(date(year, 1, 1), on) if shares else None):
        if current != (item.user_id, item.function_id):
            current = (item.user_id, item.function_id)
            person = person_of[current]
            statuses, missing, evidence_of = person.statuses, person.missing, in_year[item.user_id]
        kind, outcome = item.rule.kind, item.outcome
        status = statuses[kind] = outcome.status
        counts = tally_of[item.norm]
        counts[status] = counts.get(status, 0) + 1
        if outcome.missing:
            missing[kind] = outcome.missing
        if item.share is not None:
            person.shares[kind] = item.share
            shares_of[item.norm].append(item.share)
        evidence_of[kind] = item.in_year
    evidence = {user_id: sum(kinds.values()) for user_id, kinds in in_year.items()}
    thresholds = Thresholds.of(db.session.get(Region, region_id))
    result = []
    for function in functions:
        people = by_function[function.id]
        summaries = []
        for n in norms[function.id]:
            counts = tally.get((function.id, kind_of[n]), {})
            summaries.append(NormSummary(n, kind_of[n], n.activity_kind.name,
                                         PERIOD_LABELS[n.period].format(weeks=n.weeks), n.count,
                                         Counter({s: counts[s] for s in (*STATUSES, "info") if counts.get(s)}),
                                         share_lists.get((function.id, kind_of[n]), [])))
        fo = FunctionOverview(function, summaries, people,
                              evidence=sum(evidence.get(p.user_id, 0) for p in people))
        fo.rating, fo.rating_reason = rate(fo, thresholds)
        result.append(fo)
    return result


def rate(fo: FunctionOverview, thresholds: Thresholds = Thresholds()) -> tuple[str, str]:
    """The region's rating of one function (rules in Thresholds.rules, applied in that order)."""
    n = len(fo.counted_people)
    if n < thresholds.min_people:
        return "insufficient", (f"{n} {'persoon' if n == 1 else 'mensen'} met telbare normen "
                                f"(minder dan {thresholds.min_people}).")
    if fo.evidence == 0:
        return "insufficient", "Over dit jaar is niets vastgelegd."
    share = fo.on_track_share or 0.0
    percent = f"{round(share * 100)}% op schema."
    if share * 100 < thresholds.improve_percent:
        return "risky", percent
    if fo.function.is_key:
        missing = [s.kind_name for s in fo.norms if s.norm.period == "once" and s.counts["behind"]]
        if missing:
            return "risky", f"{percent} Niet iedereen is startbekwaam, ontbreekt: {', '.join(missing)}."
    if share * 100 >= thresholds.ok_percent:
        return "ok", percent
    return "improve", percent


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
