"""Registration rounds: the person's ranking, the allocation adapter (build, solve once, freeze, apply)
and the Dutch explanations of the outcome."""
from __future__ import annotations

import json
import re
from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from app import audit, mail
from app.activities.base import (RegistrationError, _link, _now, _when, competency_names, deficits_for,
                                 kind_names, plan_levels, region_functions)
from app.activities.registration import registration_of, seat_for, take_seat, waitlist_rank
from app.allocation import solve
from app.auth import access
from app.extensions import db
from app.norms.rules import noun
from app.models import Activity, Registration, RegistrationRound, RoundPreference, User

MAX_SEATS_CHOICES = range(1, 11)

# --- Registration round: ranking -----------------------------------------------------------

def open_rounds(user: User, now: datetime | None = None) -> list[RegistrationRound]:
    now = _now(now)
    return db.session.scalars(db.select(RegistrationRound).where(
        RegistrationRound.region_id == user.region_id, RegistrationRound.opens_at <= now,
        RegistrationRound.closes_at > now, RegistrationRound.ran_at.is_(None))
        .order_by(RegistrationRound.closes_at)).all()


def ranking(user: User, rnd: RegistrationRound) -> list[Registration]:
    return db.session.scalars(db.select(Registration).join(Activity).where(
        Registration.user_id == user.id, Activity.round_id == rnd.id, Registration.status == "requested")
        .order_by(Registration.rank, Registration.id)).all()


def round_candidates(user: User, rnd: RegistrationRound, now: datetime | None = None) -> list[Activity]:
    """Activities of the round the person can still add to their ranking."""
    ranked = {r.activity_id for r in ranking(user, rnd)}
    return [a for a in rnd.activities if a.cancelled_at is None and a.id not in ranked
            and access.allowed(user, a, now=now) and not a.unannounced and seat_for(user, a) is not None]


def norm_need(ranked_kinds: list[str], deficit: dict[str, int]) -> int:
    """How many of the ranked activities the person's norms still need: per kind the deficit, but no
    more than they ranked of that kind."""
    counts = Counter(ranked_kinds)
    return sum(min(n, deficit.get(kind, 0)) for kind, n in counts.items())


def default_limit(ranked_kinds: list[str], deficit: dict[str, int]) -> int:
    """The limit when the person chose none: what the norms need, at least 1, at most what they ranked
    (a rule of the region)."""
    return max(1, min(len(ranked_kinds), norm_need(ranked_kinds, deficit)))


def _round_year(rnd: RegistrationRound) -> int:
    return min((a.starts_at.year for a in rnd.activities if a.cancelled_at is None),
               default=rnd.closes_at.year)


def limit_choice(user: User, rnd: RegistrationRound) -> dict:
    """The person's limit for the round: chosen (saved) or the default from the norms, with the need."""
    kinds = [r.activity.kind for r in ranking(user, rnd)]
    deficit = deficits_for([user.id], _round_year(rnd)).get(user.id, {})
    pref = db.session.scalar(db.select(RoundPreference).filter_by(round_id=rnd.id, user_id=user.id))
    need = norm_need(kinds, deficit)
    value = pref.max_seats if pref else default_limit(kinds, deficit)
    needs = [f"{deficit[k]} {noun(k, deficit[k])}" for k in dict.fromkeys(kinds) if deficit.get(k)]
    return {"value": value, "chosen": pref is not None, "need": need, "ranked": len(kinds),
            "needs": " en ".join(", ".join(needs).rsplit(", ", 1)) if needs else ""}


def max_seats(user: User, rnd: RegistrationRound) -> int:
    return limit_choice(user, rnd)["value"]


def _require_open(rnd: RegistrationRound, now) -> None:
    if rnd.state(_now(now)) != "open":
        raise RegistrationError("Deze inschrijfronde is niet open; je ranglijst kan niet meer veranderen.")


def _renumber(regs: list[Registration]) -> None:
    for i, reg in enumerate(regs, start=1):
        reg.rank = i


def add_to_ranking(user: User, rnd: RegistrationRound, activity: Activity, now: datetime | None = None) -> str:
    _require_open(rnd, now)
    if activity.round_id != rnd.id or not access.allowed(user, activity, now=now) or activity.cancelled_at:
        raise RegistrationError("Deze activiteit hoort niet bij deze inschrijfronde.")
    seat = seat_for(user, activity)
    if seat is None:
        raise RegistrationError("Deze activiteit heeft geen plaatsen voor jouw functie.")
    regs = ranking(user, rnd)
    existing = registration_of(user, activity)
    if existing is not None and existing.status == "requested":
        return f"{activity.title} staat al op je ranglijst."
    savepoint = db.session.begin_nested()   # a double tap: the other tap's row wins, this one is undone
    if existing is None:
        existing = Registration(user_id=user.id, activity_id=activity.id)
        db.session.add(existing)
    existing.status, existing.function_id, existing.rank = "requested", seat.function_id, len(regs) + 1
    try:
        db.session.flush()
    except IntegrityError:
        savepoint.rollback()
        return f"{activity.title} staat al op je ranglijst."
    savepoint.commit()
    return f"{activity.title} staat nu op plaats {existing.rank} van je ranglijst."


def remove_from_ranking(user: User, rnd: RegistrationRound, activity_id: int, now: datetime | None = None) -> str:
    _require_open(rnd, now)
    regs = ranking(user, rnd)
    reg = next((r for r in regs if r.activity_id == activity_id), None)
    if reg is None:
        raise RegistrationError("Die activiteit staat niet op je ranglijst.")
    title = reg.activity.title
    db.session.delete(reg)
    regs.remove(reg)
    _renumber(regs)
    db.session.flush()
    return f"{title} is van je ranglijst gehaald."


def move_in_ranking(user: User, rnd: RegistrationRound, activity_id: int, delta: int,
                    now: datetime | None = None) -> str:
    _require_open(rnd, now)
    regs = ranking(user, rnd)
    index = next((i for i, r in enumerate(regs) if r.activity_id == activity_id), None)
    if index is None:
        raise RegistrationError("Die activiteit staat niet op je ranglijst.")
    target = max(0, min(len(regs) - 1, index + delta))
    reg = regs.pop(index)
    regs.insert(target, reg)
    _renumber(regs)
    db.session.flush()
    return f"{reg.activity.title} staat nu op plaats {target + 1}."


def set_max_seats(user: User, rnd: RegistrationRound, value: int, now: datetime | None = None) -> str:
    _require_open(rnd, now)
    if value not in MAX_SEATS_CHOICES:
        raise RegistrationError(f"Kies een aantal van {MAX_SEATS_CHOICES[0]} tot en met {MAX_SEATS_CHOICES[-1]}.")
    pref = db.session.scalar(db.select(RoundPreference).filter_by(round_id=rnd.id, user_id=user.id))
    if pref is None:
        pref = RoundPreference(round_id=rnd.id, user_id=user.id)
        db.session.add(pref)
    pref.max_seats = value
    db.session.flush()
    return f"Je wilt in deze ronde hoogstens {value} {'activiteit' if value == 1 else 'activiteiten'}."


# --- Allocation: build the CONTRACT section 5 instance, solve once, freeze, apply ---------------

def round_seed(rnd: RegistrationRound) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", rnd.name.lower()).strip("-") or "ronde"
    return f"{slug}-{rnd.id}"


def person_key(user_id: int) -> str:
    return f"P{user_id}"


def activity_key(activity_id: int) -> str:
    return f"A{activity_id}"


def build_instance(rnd: RegistrationRound) -> dict:
    """The allocation instance of a round, from the database (requests in rank order)."""
    activities = [a for a in rnd.activities if a.cancelled_at is None]
    ids = {a.id for a in activities}
    regs = db.session.scalars(db.select(Registration).where(
        Registration.activity_id.in_(ids), Registration.status == "requested")
        .order_by(Registration.user_id, Registration.rank, Registration.id)).all() if ids else []
    by_user: dict[int, list[Registration]] = {}
    for reg in regs:
        by_user.setdefault(reg.user_id, []).append(reg)
    year = _round_year(rnd)
    deficits = deficits_for(list(by_user), year)
    limits = dict(db.session.execute(db.select(RoundPreference.user_id, RoundPreference.max_seats)
                                     .where(RoundPreference.round_id == rnd.id)).all())
    functions = {f.id: f.code for f in region_functions(rnd.region_id)}
    people = []
    for user_id, rows in by_user.items():
        user = db.session.get(User, user_id)
        # One function per person in the instance: the one most of their requests are for.
        counts = Counter(functions.get(r.function_id) for r in rows if r.function_id in functions)
        function = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if counts else \
            (user.function_codes[0] if user.function_codes else "-")
        limit = limits.get(user_id) or default_limit([r.activity.kind for r in rows], deficits.get(user_id, {}))
        people.append({"id": person_key(user_id), "function": function, "limit": limit,
                       "deficit": deficits.get(user_id, {}),
                       "plan_competencies": plan_levels(user, year),
                       "requests": [activity_key(r.activity_id) for r in rows]})
    return {
        "seed": round_seed(rnd),
        "activities": [{"id": activity_key(a.id), "date": a.starts_at.date().isoformat(), "kind": a.kind,
                        "title": a.title, "priority": a.priority_rule, "level": a.level,
                        "competencies": sorted(a.competencies or []),
                        "seats": a.seats_by_code} for a in activities],
        "people": people,
    }


class AllocationRefused(RegistrationError):
    pass


def run_allocation(rnd: RegistrationRound, actor: User | None = None, now: datetime | None = None) -> dict:
    """Close the round and allocate exactly once; a second call refuses (the result is frozen)."""
    now = _now(now)
    if rnd.ran_at is not None:
        raise AllocationRefused("De toewijzing van deze ronde is al uitgevoerd; de uitslag staat vast.")
    # Claim the run atomically: of two simultaneous runs, only one sees ran_at still empty.
    claimed = db.session.execute(
        update(RegistrationRound).where(RegistrationRound.id == rnd.id, RegistrationRound.ran_at.is_(None))
        .values(ran_at=now, closes_at=min(rnd.closes_at, now), ran_by_id=getattr(actor, "id", None))
        .execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        raise AllocationRefused("De toewijzing van deze ronde is al uitgevoerd; de uitslag staat vast.")
    db.session.refresh(rnd)
    instance = build_instance(rnd)
    result = solve(instance)
    rnd.seed = instance["seed"]
    rnd.instance_json = json.dumps(instance, ensure_ascii=False, indent=1)
    rnd.result_json = json.dumps(result, ensure_ascii=False, indent=1)
    _apply(rnd, result)
    audit.record(actor, "allocation_run", rnd, detail=f"seed={rnd.seed} people={len(instance['people'])}")
    db.session.flush()
    return result


def _user_id(key: str) -> int:
    return int(key[1:])


def _apply(rnd: RegistrationRound, result: dict) -> None:
    activity_ids = [a.id for a in rnd.activities if a.cancelled_at is None]
    regs = {(r.user_id, r.activity_id): r for r in db.session.scalars(db.select(Registration).where(
        Registration.activity_id.in_(activity_ids), Registration.status == "requested"))} if activity_ids else {}
    seats = {(s.activity_id, s.function.code): s for a in rnd.activities for s in a.seat_rows}
    for item in result["assignments"]:
        reg = regs.get((_user_id(item["person"]), _user_id(item["activity"])))
        seat = seats.get((reg.activity_id, item["function"])) if reg else None
        if reg is None or seat is None or not take_seat(seat.id):
            continue
        reg.status, reg.function_id, reg.waitlist_position = "assigned", seat.function_id, None
    codes = {f.code: f.id for f in region_functions(rnd.region_id)}
    for slot, people in result["waitlists"].items():
        activity_ref, function_code = slot.split("/", 1)
        for position, person in enumerate(people, start=1):
            reg = regs.get((_user_id(person), _user_id(activity_ref)))
            if reg is not None and reg.status == "requested":
                reg.status, reg.waitlist_position = "waitlisted", position
                reg.function_id = codes.get(function_code, reg.function_id)
    for reg in regs.values():
        if reg.status == "requested":   # cannot happen with a valid result; never leave a request dangling
            reg.status, reg.waitlist_position = "waitlisted", None
    db.session.flush()
    _notify_outcome(rnd, regs.values())


def _notify_outcome(rnd: RegistrationRound, regs) -> None:
    per_user: dict[int, list[Registration]] = {}
    for reg in regs:
        per_user.setdefault(reg.user_id, []).append(reg)
    for user_id, rows in per_user.items():
        user = db.session.get(User, user_id)
        rows.sort(key=lambda r: r.rank or 0)
        lines = []
        for reg in rows:
            if reg.status == "assigned":
                lines.append(f"- {reg.activity.title} ({_when(reg.activity)}): je hebt een plaats.")
            else:
                lines.append(f"- {reg.activity.title} ({_when(reg.activity)}): wachtlijst, "
                             f"plaats {reg.waitlist_position or '?'}.")
        mail.send(user.email, f"Uitslag inschrijving {rnd.name}",
                  f"Beste {user.name},\n\nDe plaatsen van de inschrijfronde {rnd.name} zijn verdeeld "
                  f"(lot: {round_seed(rnd)}).\n\n" + "\n".join(lines) +
                  f"\n\nWaarom je welke plaats kreeg, lees je op {_link(f'/activities/rounds/{rnd.id}')}\n",
                  user=user)


def due_rounds(now: datetime | None = None) -> list[RegistrationRound]:
    now = _now(now)
    return db.session.scalars(db.select(RegistrationRound).where(
        RegistrationRound.closes_at <= now, RegistrationRound.ran_at.is_(None))
        .order_by(RegistrationRound.closes_at)).all()


def close_due_rounds(now: datetime | None = None) -> list[RegistrationRound]:
    """The job: allocate every round whose window has closed, one commit per round. Returns the rounds run."""
    done = []
    for rnd in due_rounds(now):
        try:
            run_allocation(rnd, None, now)
            db.session.commit()
            done.append(rnd)
        except AllocationRefused:
            db.session.rollback()   # another worker was first
    return done


def round_result(rnd: RegistrationRound) -> dict | None:
    return json.loads(rnd.result_json) if rnd.result_json else None


# --- Outcome explanations in Dutch ------------------------------------------------------------

def _priority_parts(priority) -> tuple[int, bool] | None:
    """(deficit, plan match) from a stored priority: an object (now) or a list [deficit, match,
    lottery] (rounds allocated before activities carried a priority rule)."""
    if not priority:
        return None
    if isinstance(priority, dict):
        return int(priority.get("deficit") or 0), bool(priority.get("plan_match"))
    return int(priority[0] or 0), bool(priority[1])


def _in_plan(activity: Activity | None, competencies: dict[str, str]) -> str:
    codes = (activity.competencies if activity else None) or []
    names = " of ".join(competencies.get(c, c) for c in codes) or "een competentie van deze activiteit"
    if activity is not None and activity.level:
        names += f" (niveau {activity.level})"
    return names


def _shortfall(n: int) -> str:
    return "geen achterstand" if n == 0 else f"een achterstand van {n}"


def priority_text(activity: Activity, kind: str, competencies: dict[str, str]) -> str:
    """The activity's priority rule, told before ranking (detail page, ranking candidates)."""
    plan = _in_plan(activity, competencies) if activity.competencies else None
    norm = f"de norm voor {kind.lower()}"
    if activity.priority_rule == "plan" and plan:
        return (f"Voorrang voor wie {plan} in het ontwikkelplan heeft; daarna voor wie het meest "
                f"achterloopt op {norm}; daarna beslist een loting.")
    if activity.priority_rule == "plan":
        return (f"Voorrang op basis van het ontwikkelplan, maar deze activiteit noemt geen competentie; "
                f"daarom telt wie het meest achterloopt op {norm}; daarna beslist een loting.")
    then = f"daarna voor wie {plan} in het ontwikkelplan heeft; " if plan else ""
    return f"Voorrang voor wie het meest achterloopt op {norm}; {then}daarna beslist een loting."


def priority_short(activity: Activity, competencies: dict[str, str]) -> str:
    """One line for the ranking list: who goes first."""
    if activity.priority_rule == "plan" and activity.competencies:
        return f"Voorrang: wie {_in_plan(activity, competencies)} in het ontwikkelplan heeft"
    return "Voorrang: wie het meest achterloopt op de norm"


def explain_priority(entry: dict, activity: Activity | None, kind: str, competencies: dict[str, str]) -> str:
    """Plain Dutch: which rule decided, where the person stood and where the last seat went."""
    mine, cutoff = _priority_parts(entry.get("your_priority")), _priority_parts(entry.get("cutoff"))
    # Rounds allocated before the priority rule existed used the norm rule for every activity.
    rule = entry.get("rule", "norm")
    norm = f"de norm voor {kind.lower()}"
    plan = _in_plan(activity, competencies)
    if rule == "plan":
        first = f"Deze activiteit ging eerst naar wie {plan} in het ontwikkelplan heeft"
        then = f"daarna naar wie het meest achterloopt op {norm}"
    else:
        first = f"Deze activiteit ging eerst naar wie het meest achterloopt op {norm}"
        then = f"daarna naar wie {plan} in het ontwikkelplan heeft"
    if cutoff is None or mine is None:
        return f"{first}; {then}. Er waren geen plaatsen voor jouw functie."
    (my_deficit, my_match), (their_deficit, their_match) = mine, cutoff
    had = "had dat ook" if my_match else "had dat niet"
    if rule == "plan" and my_match != their_match:
        return (f"{first}. Jij {had}; de laatste plaats ging naar iemand die het wel had.")
    if rule == "norm" and my_deficit != their_deficit:
        return (f"{first}. Jij had {_shortfall(my_deficit)}; de laatste plaats ging naar iemand "
                f"met {_shortfall(their_deficit)}.")
    if rule == "plan" and my_deficit != their_deficit:
        return (f"{first}, {then}. Jij {had}, net als de laatste die een plaats kreeg. Jij had "
                f"{_shortfall(my_deficit)} op de norm; de laatste plaats ging naar iemand met "
                f"{_shortfall(their_deficit)}.")
    if rule == "norm" and my_match != their_match:
        return (f"{first}, {then}. Jij had evenveel achterstand als de laatste die een plaats kreeg, "
                f"maar jij {had} in je ontwikkelplan; die ander wel.")
    return (f"{first}, {then}. Daarin stond jij gelijk met de laatste die een plaats kreeg; "
            f"toen besliste de loting van deze ronde, en die viel voor de ander uit.")


def explain_entry(entry: dict, titles: dict[str, str], activity: Activity | None = None,
                  kind: str = "deze soort activiteit", competencies: dict[str, str] | None = None,
                  limit: int | None = None) -> str:
    reason = entry.get("reason", "priority")
    if reason == "no_seats_for_function":
        return "Deze activiteit had geen plaatsen voor jouw functie."
    if reason == "date_clash":
        other = titles.get(entry.get("clashes_with"), "een andere activiteit")
        return f"Op die dag kreeg je al een plaats bij {other} (hoger op je ranglijst)."
    if reason == "limit":
        if limit:
            return (f"Je koos hoogstens {limit} en kreeg {'die' if limit == 1 else 'ze'} al hoger op je "
                    "ranglijst.")
        return "Je had al zoveel plaatsen als je wilde."
    return explain_priority(entry, activity, kind, competencies or {})


def frozen_limit(user: User, rnd: RegistrationRound) -> int | None:
    """The limit the allocation used for the person (from the frozen instance)."""
    instance = json.loads(rnd.instance_json) if rnd.instance_json else {"people": []}
    return next((p.get("limit") for p in instance["people"] if p["id"] == person_key(user.id)), None)


def outcome_for(user: User, rnd: RegistrationRound) -> list[dict]:
    """The person's ranked requests with what they got and, for each miss, why (Dutch)."""
    result = round_result(rnd)
    regs = db.session.scalars(db.select(Registration).join(Activity).where(
        Registration.user_id == user.id, Activity.round_id == rnd.id, Registration.rank.is_not(None))
        .order_by(Registration.rank)).all()
    if result is None:
        return []
    key = person_key(user.id)
    explanations = {e["activity"]: e for e in result["explanations"].get(key, [])}
    got = {a["activity"] for a in result["assignments"] if a["person"] == key}
    titles = {activity_key(a.id): a.title for a in rnd.activities}
    kinds, competencies = kind_names(rnd.region_id), competency_names(rnd.region_id)
    limit = frozen_limit(user, rnd)
    rows = []
    for reg in regs:
        ref = activity_key(reg.activity_id)
        entry = explanations.get(ref)
        why = entry and explain_entry(entry, titles, reg.activity,
                                      kinds.get(reg.activity.kind, reg.activity.kind), competencies, limit)
        rows.append({"registration": reg, "activity": reg.activity, "granted": ref in got, "why": why,
                     "waitlist_position": entry.get("waitlist_position") if entry else None,
                     "current_rank": waitlist_rank(reg)})
    return rows


def start_card(user: User, now: datetime | None = None) -> dict | None:
    if not user.function_rows:
        return None  # registering is for functionaries; a coordinator or author gets their own cards
    now = _now(now)
    # One read of the registrations the card speaks of: ranked, offered, or in a round allocated
    # in the last 30 days (each with its activity and round).
    since = now - timedelta(days=30)
    regs = db.session.scalars(db.select(Registration).join(Registration.activity).outerjoin(Activity.round)
                              .options(contains_eager(Registration.activity).contains_eager(Activity.round),
                                       contains_eager(Registration.activity).lazyload(Activity.seat_rows))
                              .where(Registration.user_id == user.id,
                                     Registration.status.in_(("requested", "offered"))
                                     | (RegistrationRound.ran_at >= since))
                              .order_by(Registration.id)).all()
    ranked = Counter(r.activity.round_id for r in regs if r.status == "requested")
    rounds = [{"round": r, "ranked": ranked[r.id]} for r in open_rounds(user, now)]
    offers = [r for r in regs if r.status == "offered"]
    recent = {r.activity.round.id: r.activity.round for r in regs
              if r.activity.round and r.activity.round.ran_at and r.activity.round.ran_at >= since}
    return {"rounds": rounds, "offers": offers, "outcomes": list(recent.values())}



# --- the coordinator's overview of an allocated round --------------------------------------------

def allocation_overview(rnd: RegistrationRound) -> dict | None:
    """What the allocation gave, readable: per activity and function the seats filled and free and
    the waitlist (names, in order), and everyone without any seat with their norm deficit and plan.
    Read from the frozen instance and result, so it shows the allocation itself, not later changes."""
    if not rnd.result_json or not rnd.instance_json:
        return None
    instance, result = json.loads(rnd.instance_json), json.loads(rnd.result_json)
    keys = {p["id"] for p in instance["people"]}
    names = dict(db.session.execute(db.select(User.id, User.name).where(
        User.id.in_([_user_id(k) for k in keys]))).all()) if keys else {}
    name = lambda key: names.get(_user_id(key), key)  # noqa: E731
    titles = {activity_key(a.id): a.title for a in rnd.activities}
    filled = Counter((a["activity"], a["function"]) for a in result["assignments"])
    slots = []
    for a in instance["activities"]:
        for code, seats in a["seats"].items():
            if not seats:
                continue
            taken = filled[(a["id"], code)]
            slots.append({"activity": titles.get(a["id"], a["id"]), "function": code, "seats": seats,
                          "filled": taken, "free": seats - taken,
                          "waitlist": [name(k) for k in result["waitlists"].get(f"{a['id']}/{code}", [])]})
    people = {p["id"]: p for p in instance["people"]}
    kinds = kind_names(rnd.region_id)
    competencies = competency_names(rnd.region_id)
    without = [{"name": name(k), "function": people[k]["function"],
                "deficit": ", ".join(f"{kinds.get(kind, kind)} {n}" for kind, n in sorted(people[k]["deficit"].items()) if n),
                "plan": ", ".join(competencies.get(c, c) for c in people[k].get("plan_competencies") or []),
                "requests": ", ".join(titles.get(r, r) for r in people[k]["requests"])}
               for k in result["unassigned"]]
    return {"slots": slots, "without": sorted(without, key=lambda r: r["name"])}


OVERVIEW_CSV_HEADER = ["Activiteit", "Functie", "Plaatsen", "Bezet", "Vrij", "Wachtlijst (op volgorde)"]
WITHOUT_CSV_HEADER = ["Naam", "Functie", "Achter op norm", "Ontwikkelplan", "Gevraagd (op volgorde)"]


def overview_csv_rows(overview: dict) -> list[list]:
    """One CSV for the overview: the seats table, an empty line, then the people without a seat."""
    rows = [[s["activity"], s["function"], s["seats"], s["filled"], s["free"], ", ".join(s["waitlist"])]
            for s in overview["slots"]]
    rows += [[], ["Zonder plaats"], WITHOUT_CSV_HEADER]
    rows += [[p["name"], p["function"], p["deficit"], p["plan"], p["requests"]] for p in overview["without"]]
    return rows
