"""The norm rules, on plain facts: the one implementation behind the start page, `/plan`, registration
priority (deficits), monitoring and `flask norms evaluate`.

No database and no Flask here: callers gather `Facts` (app/norms/services.py per person and for many
people at once, app/norms/cli.py from JSON) and `evaluate(rule, facts, today)` decides. `explain`
turns an outcome into the Dutch sentence a person reads.

The rules (the policy's words where it has them; "regel van de regio" where Paraat decides):
- once: done when it was ever done; else "let op" with a seat held, else "achter".
- per_year: at least N in the calendar year. Not reached: "let op" when the seats held make up the
  difference or the pace still holds ((done + 1) / (N + 1) of the year has not passed yet: regel van de
  regio), else "achter".
- per_two_years ("1x per 2 jaar") and every_weeks ("1x per 5 weken") are rolling, like a validity
  period: at least N in the last 24 months / W weeks; the next is due that long after the last.
- Piket ("1x per 5 weken of bij dienst"; "voor piket-functies: wanneer je dienst hebt"): with duty
  periods recorded, every past duty period must contain an attended briefing (a period in which the
  region held no briefing is skipped), else "achter" until one is attended in a later duty period.
  Being in the roster is never attendance. Without duty periods the 5-week rule applies.
- Newcomers (regel van de regio): a person who took up the function on `since` is never "achter"
  before the norm's own period has passed since then (5 weeks, a year, two years; a once-only norm
  has no period: it is the entry requirement); per-year counts are pro rata for the part of the year
  after `since`, rounded up.
- Informational: no count ("doorlopend"), "bij dienst" only (CaCo's briefing), and norms marked
  informational (CaCo's "7x 4 uur vanuit tafelbezetting": no period in the policy) are never behind.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta
from math import ceil

# "Let op" this many days before a rolling norm's due date when nothing is planned before it.
WARNING_DAYS = {"every_weeks": 14, "per_two_years": 91}
# Duty periods and evidence further back than this are not looked at (the rolling windows are shorter).
LOOKBACK_DAYS = 2 * 366 + 35
_LOOKBACK = timedelta(days=LOOKBACK_DAYS)
_DAY = timedelta(days=1)
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
          "oktober", "november", "december")


def lookback_start(today: date) -> date:
    """The first day whose evidence and duty periods the rules can need on `today`."""
    return today - _LOOKBACK


@dataclass(frozen=True, slots=True)
class Rule:
    kind: str
    period: str                  # once | per_year | per_two_years | every_weeks | when_on_duty
    count: int | None
    weeks: int | None = None
    or_when_on_duty: bool = False
    informational: bool = False
    # Derived once from the fields above (a region page evaluates thousands of times); not compared.
    rolling: bool = field(init=False, compare=False, repr=False)
    reads_dates: bool = field(init=False, compare=False, repr=False)
    """Whether `evaluate` reads the evidence dates (`last`, `dates`) for this rule; else only counts."""
    reads_duty: bool = field(init=False, compare=False, repr=False)
    """Whether `evaluate` reads duty periods and briefings held for this rule (the piket rule)."""
    span: timedelta | None = field(init=False, compare=False, repr=False)
    """A rolling norm's window (two years: 731 days, see `_expires`); None for other norms."""
    reach: timedelta | None = field(init=False, compare=False, repr=False)
    """The window and a day: evidence from before `today - reach` never counts on `today`."""

    def __post_init__(self):
        rolling = self.period in ("every_weeks", "per_two_years")
        weekly = self.period == "every_weeks"
        setattr_ = object.__setattr__
        setattr_(self, "rolling", rolling)
        setattr_(self, "reads_dates", rolling)
        setattr_(self, "reads_duty", weekly and bool(self.or_when_on_duty))
        span = timedelta(weeks=self.weeks or 5) if weekly else timedelta(days=731) if rolling else None
        setattr_(self, "span", span)
        setattr_(self, "reach", span + _DAY if rolling else None)

    @classmethod
    def of(cls, norm) -> "Rule":
        return cls(norm.activity_kind.code, norm.period, norm.count, norm.weeks, bool(norm.or_when_on_duty),
                   bool(norm.informational))


@dataclass(slots=True)
class Facts:
    """What is known about one person and one norm's activity kind, up to `today` (nothing later)."""
    ever: int = 0                                  # evidence of the kind, ever
    in_year: int = 0                               # evidence in today's calendar year
    last: date | None = None                       # latest evidence, ever
    dates: tuple[date, ...] = ()                   # evidence dates since lookback_start(today), ascending
    planned: tuple[date, ...] = ()                 # seats held from today on, ascending (never `done`)
    since: date | None = None                      # took up the function on (None: long ago)
    duty: tuple[tuple[date, date], ...] = ()       # piket duty periods (start, end inclusive), ascending
    held: tuple[date, ...] | None = None           # briefings the region held (None: not known, all count)
    competences: int = 0                           # approved chosen competencies in this year's plan


@dataclass(slots=True)
class Outcome:
    status: str                  # done | at_risk | behind | info
    reason: str                  # which branch decided (for `explain` and tests)
    done: int
    required: int | None
    missing: int = 0             # how many more are needed now (the deficit)
    due: date | None = None      # rolling: next due by; piket: end of the current duty; newcomer: grace end
    planned: int = 0             # seats held that count in time
    start: date | None = None    # per_year: the period
    end: date | None = None
    duty: tuple[date, date] | None = None   # piket: the missed or current duty period
    regional: bool = False       # decided by a rule of the region (pace, newcomer, reading of CaCo)


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _expires(rule: Rule, d: date) -> date:
    """The last day evidence of `d` still counts for a rolling norm (later for a later `d`)."""
    if rule.period == "every_weeks":
        return d + rule.span
    return _add_years(d, 2)


def in_window(rule: Rule, d: date, today: date) -> bool:
    """Whether evidence of day `d` counts on `today` for a rolling norm."""
    return d <= today and _expires(rule, d) >= today


def grace_end(rule: Rule, since: date | None) -> date | None:
    """Newcomers: the last day before which they cannot be behind (None: no grace)."""
    if since is None or rule.period == "once":
        return None
    if rule.period == "every_weeks":
        return since + timedelta(weeks=rule.weeks or 5)
    return _add_years(since, 2 if rule.period == "per_two_years" else 1)


def evaluate(rule: Rule, facts: Facts, today: date) -> Outcome:
    if rule.period == "when_on_duty":
        return Outcome("info", "info_duty", 0, None)
    if rule.count is None:
        return Outcome("info", "info_uncounted", 0, None)
    if rule.informational:
        done = facts.competences if rule.kind == "competence" else facts.in_year
        return Outcome("info", "info_reading", done, rule.count, regional=True)
    if rule.period == "once":
        if facts.ever:
            return Outcome("done", "done", facts.ever, rule.count)
        if facts.planned:
            return Outcome("at_risk", "planned", 0, rule.count, 1, planned=len(facts.planned))
        return Outcome("behind", "missing", 0, rule.count, 1)
    grace = grace_end(rule, facts.since)
    return _recurring(rule, facts, today, grace if grace is not None and today < grace else None)


def _recurring(rule: Rule, facts: Facts, today: date, grace: date | None) -> Outcome:
    """A counted per-year or rolling norm; `grace`: the newcomer's grace end while it lasts, else None."""
    if rule.period == "per_year":
        return _per_year(rule, facts, today, grace)
    rolling = _rolling(rule, facts, today, grace)
    if rule.reads_duty and facts.duty:
        piket = _piket(rule, facts, today, grace)
        if piket is not None:  # "1x per 5 weken of bij dienst": the better of the two, the duty rule on a tie
            return piket if _RANK[piket.status] >= _RANK[rolling.status] else rolling
    return rolling


_RANK = {"behind": 0, "at_risk": 1, "done": 2}


def _per_year(rule: Rule, facts: Facts, today: date, grace: date | None) -> Outcome:
    start, end = date(today.year, 1, 1), date(today.year, 12, 31)
    required, regional = rule.count, False
    if facts.since is not None and facts.since > start:  # newcomer this year: pro rata, rounded up
        share = ((end - facts.since).days + 1) / ((end - start).days + 1)
        required, regional = min(rule.count, max(0, ceil(rule.count * share))), True
    done = facts.competences if rule.kind == "competence" else facts.in_year
    if done >= required:
        return Outcome("done", "done", done, required, start=start, end=end, regional=regional)
    missing = required - done
    planned = sum(1 for d in facts.planned if d <= end)
    if rule.kind != "competence" and planned >= missing:
        return Outcome("at_risk", "planned", done, required, missing, planned=planned, start=start, end=end,
                       regional=regional)
    elapsed = ((today - start).days + 1) / ((end - start).days + 1)
    if elapsed <= (done + 1) / (required + 1):
        return Outcome("at_risk", "pace", done, required, missing, planned=planned, start=start, end=end,
                       regional=True)
    if grace is not None:
        return Outcome("at_risk", "newcomer", done, required, missing, due=grace, planned=planned,
                       start=start, end=end, regional=True)
    return Outcome("behind", "pace_lost", done, required, missing, planned=planned, start=start, end=end,
                   regional=True)


def _rolling(rule: Rule, facts: Facts, today: date, grace: date | None) -> Outcome:
    required = rule.count
    dates = facts.dates
    # The evidence that counts today is one run of `dates`: later evidence expires later.
    hi = bisect_right(dates, today)
    lo = bisect_left(dates, today - rule.reach, 0, hi)
    while lo < hi and _expires(rule, dates[lo]) < today:
        lo += 1
    done = hi - lo
    if done >= required:
        due = _expires(rule, dates[hi - required])
        before = sum(1 for d in facts.planned if d <= due) if facts.planned else 0
        if (due - today).days <= WARNING_DAYS[rule.period] and not before:
            return Outcome("at_risk", "due_soon", done, required, due=due, regional=True)
        return Outcome("done", "done", done, required, due=due, planned=before)
    missing = required - done
    if grace is not None:
        return Outcome("at_risk", "newcomer", done, required, missing, due=grace, planned=len(facts.planned),
                       regional=True)
    if facts.last is None:
        if facts.planned:
            return Outcome("at_risk", "never_planned", 0, required, missing, planned=len(facts.planned))
        return Outcome("behind", "never", 0, required, missing)
    return Outcome("behind", "overdue", done, required, missing, due=_expires(rule, facts.last),
                   planned=len(facts.planned))


def _own_from(facts: Facts, today: date) -> date:
    """Duty periods ending before this day are not looked at: not the person's in this function (before
    `since`) or too long ago."""
    first = today - _LOOKBACK
    return facts.since if facts.since is not None and facts.since > first else first


def _piket(rule: Rule, facts: Facts, today: date, grace: date | None) -> Outcome | None:
    """The piket rule on the person's own duty periods (`facts.duty` ascending, those ending before
    `_own_from` left out); None when there are none. Of the periods started by today it needs the last
    missed period not followed by an attended one, and the last one running today without a briefing
    yet: both are found from the latest period back, so a long roster is not walked for every evaluation."""
    dates, held, duty = facts.dates, facts.held, facts.duty
    first = _own_from(facts, today)
    started = bisect_right(duty, (today, date.max))
    coming = None
    for i in range(started, len(duty)):
        if duty[i][1] >= first:
            coming = duty[i]
            break
    own = coming is not None
    missed = current = None
    settled = False   # a later period decided about being behind: attended (not behind) or missed
    for i in range(started - 1, -1, -1):
        period = duty[i]
        start, end = period
        if end < first:
            continue
        own = True
        if settled and (current is not None or end < today):
            if current is not None:
                break
            continue
        # attended: a briefing from the start of the period up to its end (or today)
        if bisect_right(dates, end if end < today else today) > bisect_left(dates, start):
            settled = True   # attending in a later duty period ends being behind
        elif end < today:
            if not settled and (held is None or bisect_right(held, end) > bisect_left(held, start)):
                missed, settled = period, True
        elif current is None:
            current = period
    if not own:
        return None
    if missed is not None:
        if grace is not None:
            return Outcome("at_risk", "newcomer", 0, 1, 1, due=grace, duty=missed, regional=True)
        return Outcome("behind", "duty_missed", 0, 1, 1, duty=missed, due=coming[1] if coming else None)
    if current is not None:
        before = sum(1 for d in facts.planned if d <= current[1])
        status = "done" if before else "at_risk"
        return Outcome(status, "duty_now", 0, 1, 0 if before else 1, due=current[1], duty=current, planned=before)
    return Outcome("done", "duty_kept", 1, 1, due=coming[1] if coming else None, duty=coming)


def share_on_norm(rule: Rule, facts: Facts, start: date, end: date) -> float | None:
    """Share of the days from `start` to `end` on which the person was not behind on a rolling norm.

    `facts` must hold the evidence dates from start minus the norm's window and every duty period up
    to `end`; planned seats play no part in the past. Evaluated with the rules of `evaluate` itself
    (`_recurring`) at the days on which its answer can change (evidence, expiry, duty boundaries, the
    newcomer's grace end).
    """
    if not rule.rolling or rule.count is None or rule.informational:
        return None
    since, dates = facts.since, facts.dates
    if since is not None and since > start:
        start = since
    if start > end:
        return None
    points = {start}
    for d in dates:
        points.add(d)
        points.add(_expires(rule, d) + _DAY)
    for s, e in facts.duty:
        points.add(s)
        points.add(e + _DAY)
    grace = grace_end(rule, since)
    if grace is not None:
        points.add(grace)
    points = sorted(p for p in points if start <= p <= end)
    points.append(end + _DAY)
    on_norm, upto, seen = 0, -1, None
    duty, held = facts.duty, facts.held
    for i in range(len(points) - 1):
        point = points[i]
        known = bisect_right(dates, point)
        if known != upto:   # the same evidence as at the previous point: the same facts
            upto = known
            seen = Facts(upto, 0, dates[upto - 1] if upto else None, dates[:upto], (), since, duty, held)
        if _recurring(rule, seen, point, grace if grace is not None and point < grace else None).status != "behind":
            on_norm += (points[i + 1] - point).days
    return on_norm / ((end - start).days + 1)


# --- The Dutch sentence for an outcome --------------------------------------------------------------

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


def date_nl(d: date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def explain(rule: Rule, o: Outcome, third: bool = False) -> str:
    """The norm's status in one Dutch sentence. To the functionary ("je") by default; `third=True`
    speaks about the person to a coordinator ("Heeft nog 1 oefening nodig")."""
    def t(you: str, they: str) -> str:
        return they if third else you
    kind, r = rule.kind, o.reason
    if r == "info_duty":
        return t("Bij dienst: ga naar de briefing als je dienst hebt.",
                 "Bij dienst: gaat naar de briefing in elke dienst.")
    if r == "info_uncounted":
        return "Doorlopend: er is geen aantal vastgesteld."
    if r == "info_reading":
        return (f"{o.done} van {o.required} dit jaar. Het beleid noemt geen periode en de dienstdoende "
                "draait de oefening: ter informatie, per jaar gelezen (regel van de regio).")
    if r == "newcomer":
        return t(f"Je bent nieuw in deze functie: tot {date_nl(o.due)} kun je hier niet achter raken ",
                 f"Is nieuw in deze functie: kan hier tot {date_nl(o.due)} niet achter raken ") + "(regel van de regio)."
    if kind == "ops_briefing" and r.startswith("duty"):
        if r == "duty_missed":
            s, e = o.duty
            if third:
                nxt = f" (de volgende dienst loopt tot {date_nl(o.due)})" if o.due else ""
                return (f"Was in de dienst van {date_nl(s)} tot en met {date_nl(e)} niet bij een briefing. "
                        f"Moet in de volgende dienst naar de briefing{nxt}.")
            nxt = f" (je volgende dienst loopt tot {date_nl(o.due)})" if o.due else ""
            return (f"In je dienst van {date_nl(s)} tot en met {date_nl(e)} was je niet bij een briefing. "
                    f"Ga in je volgende dienst naar de briefing{nxt}.")
        if r == "duty_now":
            if o.planned:
                return t(f"Je hebt dienst tot en met {date_nl(o.due)} en bent ingeschreven voor een briefing.",
                         f"Heeft dienst tot en met {date_nl(o.due)} en is ingeschreven voor een briefing.")
            return t(f"Je hebt dienst tot en met {date_nl(o.due)}: ga in deze dienst naar de briefing.",
                     f"Heeft dienst tot en met {date_nl(o.due)}: moet in deze dienst naar de briefing.")
        went = t("Je ging in elke dienst naar de briefing.", "Ging in elke dienst naar de briefing.")
        if o.duty:
            return f"{went} Volgende dienst: {date_nl(o.duty[0])} tot en met {date_nl(o.duty[1])}."
        return went
    if rule.rolling:
        what = "briefing" if kind == "ops_briefing" else noun(kind, 1)
        if r in ("done", "due_soon"):
            if r == "due_soon":
                return t(f"Ga uiterlijk {date_nl(o.due)} naar een {what}; je bent nog niet ingeschreven.",
                         f"Moet uiterlijk {date_nl(o.due)} naar een {what}; is nog niet ingeschreven.")
            return f"{t('Je volgende', 'De volgende')} {what} moet uiterlijk {date_nl(o.due)} zijn."
        if r == "never_planned":
            return t(f"Je bent ingeschreven voor een {what}; daarmee start je op schema.",
                     f"Is ingeschreven voor een {what}; start daarmee op schema.")
        if r == "never":
            return t(f"Je hebt nog geen {what} gedaan. Ga naar de eerstvolgende {what}.",
                     f"Heeft nog geen {what} gedaan. Moet naar de eerstvolgende {what}.")
        return (f"{t('Je volgende', 'De volgende')} {what} was uiterlijk {date_nl(o.due)}. "
                f"{t('Ga', 'Moet')} naar de eerstvolgende {what}.")
    if o.status == "done":
        if kind == "competence":
            return t(f"Gehaald: je werkt aan {o.done} {noun(kind, o.done)} uit je ontwikkelplan.",
                     f"Gehaald: werkt aan {o.done} {noun(kind, o.done)} uit het ontwikkelplan.")
        return f"Norm gehaald: {o.done} van {o.required}."
    if kind == "competence":
        return t("Kies in je ontwikkelplan minstens één crisiscompetentie.",
                 "Heeft nog geen crisiscompetentie in het ontwikkelplan gekozen.")
    n = o.planned
    if r == "planned":
        return t(f"Met de {n} {noun(kind, n)} waarvoor je bent ingeschreven haal je de norm.",
                 f"Is ingeschreven voor {n} {noun(kind, n)} en haalt daarmee de norm.")
    still = o.missing - n
    by = f" vóór {date_nl(o.end)}" if o.end else ""
    if n:
        return t(f"Met de {n} {noun(kind, n)} waarvoor je bent ingeschreven heb je er nog {still} nodig{by}.",
                 f"Is ingeschreven voor {n} {noun(kind, n)} en heeft er daarna nog {still} nodig{by}.")
    return f"{t('Nog', 'Heeft nog')} {still} {noun(kind, still)} nodig{by}."
