"""Activity rules: catalogue, round ranking, the frozen allocation, first come first served and waitlists.

No request, session or templates here. Times of activities and rounds are naive Europe/Amsterdam
wall-clock times (what the coordinator typed); `now` defaults to local_now() and tests pin it.
Seat counts change only through conditional UPDATEs (take_seat / release_seat), so two requests
can never both take the last seat, on SQLite or PostgreSQL.
"""
from __future__ import annotations

import json
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError, OperationalError

from app import audit, mail
from app.allocation import solve
from app.extensions import db
from app.models import (HOLDING_STATUSES, Activity, ActivityKind, ActivitySeat, Competency, Function,
                        Registration, RegistrationRound, RoundPreference, User)
from app.norms.planned import Planned

TZ = ZoneInfo("Europe/Amsterdam")
MAX_SEATS_CHOICES = range(1, 11)
PORTFOLIO_KIND = {"ops_briefing": "briefing", "knowledge_day": "knowledge_day"}


class RegistrationError(ValueError):
    """A registration rule was broken; the message is Dutch and safe to show."""


def local_now() -> datetime:
    return datetime.now(TZ).replace(tzinfo=None, microsecond=0)


def _now(now):
    return now or local_now()


# --- What the plan and norms need (issue 6): the one place that asks the norms and plan features. ---

def deficits_for(user_ids: list[int], year: int) -> dict[int, dict[str, int]]:
    """Open norm count per activity kind for each person (only kinds with a deficit)."""
    from app.norms.services import deficits_bulk

    found = deficits_bulk(list(user_ids), year)
    return {uid: {k: int(v) for k, v in (found.get(uid) or {}).items() if v and int(v) > 0}
            for uid in user_ids}


def user_deficits(user: User, today: date | None = None) -> dict[str, int]:
    from app.norms.services import deficits

    return {k: int(v) for k, v in (deficits(user, today=today) or {}).items() if v and int(v) > 0}


def plan_competencies(user: User, year: int) -> list[str]:
    from app.plan.services import chosen_competency_codes

    return list(chosen_competency_codes(user, year) or [])


# --- Lookups ---------------------------------------------------------------------------------

def kind_names(region_id: int) -> dict[str, str]:
    rows = db.session.execute(db.select(ActivityKind.code, ActivityKind.name)
                              .where(ActivityKind.region_id == region_id)).all()
    return dict(rows)


def competency_names(region_id: int) -> dict[str, str]:
    rows = db.session.execute(db.select(Competency.code, Competency.name)
                              .where(Competency.region_id == region_id)).all()
    return dict(rows)


def region_functions(region_id: int) -> list[Function]:
    return db.session.scalars(db.select(Function).where(Function.region_id == region_id)
                              .order_by(Function.is_key.desc(), Function.code)).all()


def is_coordinator(user: User) -> bool:
    return user.has_role("coordinator", "admin")


def visible_to(user: User, activity: Activity, now: datetime | None = None) -> bool:
    """Region check, and unannounced exercises stay hidden from functionaries until they start."""
    if activity is None or activity.region_id != user.region_id:
        return False
    if is_coordinator(user):
        return True
    return not (activity.unannounced and activity.starts_at > _now(now))


def seat_for(user: User, activity: Activity) -> ActivitySeat | None:
    """The seat row of the first of the person's functions that has seats on the activity."""
    mine = {f.id for f in user.functions}
    rows = sorted((s for s in activity.seat_rows if s.function_id in mine and s.seats > 0),
                  key=lambda s: s.function.code)
    return rows[0] if rows else None


def registration_of(user: User, activity: Activity) -> Registration | None:
    return db.session.scalar(db.select(Registration).filter_by(user_id=user.id, activity_id=activity.id))


def own_registration(user: User, registration_id: int) -> Registration | None:
    reg = db.session.get(Registration, registration_id)
    return reg if reg is not None and reg.user_id == user.id else None


def waitlist_rank(reg: Registration) -> int | None:
    """1-based place among those still waiting for the same activity and function."""
    if reg.status != "waitlisted":
        return None
    ahead = db.session.scalar(db.select(func.count(Registration.id)).where(
        Registration.activity_id == reg.activity_id, Registration.function_id == reg.function_id,
        Registration.status == "waitlisted",
        (func.coalesce(Registration.waitlist_position, 10**9) < (reg.waitlist_position or 10**9))
        | ((func.coalesce(Registration.waitlist_position, 10**9) == (reg.waitlist_position or 10**9))
           & (Registration.id < reg.id))))
    return ahead + 1


def registration_state(activity: Activity, now: datetime | None = None) -> str:
    """How one can register now: cancelled | past | round_upcoming | round_open | round_closed | direct."""
    now = _now(now)
    if activity.cancelled_at:
        return "cancelled"
    if activity.starts_at <= now:
        return "past"
    if activity.round is not None:
        state = activity.round.state(now)
        if state == "upcoming":
            return "round_upcoming"
        if state == "open":
            return "round_open"
        if state == "closed":
            return "round_closed"
    return "direct"


# --- Catalogue -------------------------------------------------------------------------------

@dataclass
class CatalogueItem:
    activity: Activity
    counts_for_norm: bool
    matches_competency: bool
    registration: Registration | None
    seat: ActivitySeat | None
    state: str
    labels: list[str] = field(default_factory=list)


def catalogue(user: User, kind: str | None = None, competency: str | None = None,
              month: str | None = None, now: datetime | None = None) -> list[CatalogueItem]:
    """Upcoming activities open to the person's functions, what their norms and plan need first."""
    now = _now(now)
    query = (db.select(Activity).where(Activity.region_id == user.region_id, Activity.ends_at >= now)
             .order_by(Activity.starts_at, Activity.id))
    if kind:
        query = query.where(Activity.kind == kind)
    activities = [a for a in db.session.scalars(query).all() if visible_to(user, a, now)]
    if competency:
        activities = [a for a in activities if competency in (a.competencies or [])]
    if month:
        activities = [a for a in activities if a.starts_at.strftime("%Y-%m") == month]
    coordinator = is_coordinator(user)
    deficit = user_deficits(user, now.date())
    plan = set(plan_competencies(user, now.year))
    regs = {r.activity_id: r for r in db.session.scalars(db.select(Registration).where(
        Registration.user_id == user.id, Registration.activity_id.in_([a.id for a in activities])))}
    items = []
    for a in activities:
        seat = seat_for(user, a)
        if seat is None and not coordinator:
            continue
        item = CatalogueItem(a, deficit.get(a.kind, 0) > 0, bool(plan & set(a.competencies or [])),
                             regs.get(a.id), seat, registration_state(a, now))
        if item.counts_for_norm:
            item.labels.append("telt voor je norm")
        if item.matches_competency:
            item.labels.append("past bij je competentie")
        items.append(item)
    # Stable sort: what counts for a norm first, then competency matches, each by date.
    items.sort(key=lambda i: (not i.counts_for_norm, not i.matches_competency))
    return items


def catalogue_months(user: User, now: datetime | None = None) -> list[str]:
    now = _now(now)
    starts = db.session.scalars(db.select(Activity.starts_at).where(
        Activity.region_id == user.region_id, Activity.ends_at >= now)).all()
    return sorted({s.strftime("%Y-%m") for s in starts})


# --- Seats: the only place seats_taken changes -----------------------------------------------

def take_seat(seat_id: int) -> bool:
    result = db.session.execute(
        update(ActivitySeat).where(ActivitySeat.id == seat_id, ActivitySeat.seats_taken < ActivitySeat.seats)
        .values(seats_taken=ActivitySeat.seats_taken + 1).execution_options(synchronize_session=False))
    return result.rowcount == 1


def release_seat(seat_id: int) -> None:
    db.session.execute(
        update(ActivitySeat).where(ActivitySeat.id == seat_id, ActivitySeat.seats_taken > 0)
        .values(seats_taken=ActivitySeat.seats_taken - 1).execution_options(synchronize_session=False))


def _set_status(reg_id: int, from_statuses, **values) -> bool:
    """Move a registration only if it is still in one of from_statuses (guards double taps)."""
    result = db.session.execute(
        update(Registration).where(Registration.id == reg_id, Registration.status.in_(tuple(from_statuses)))
        .values(updated_at=datetime.utcnow(), **values).execution_options(synchronize_session=False))
    return result.rowcount == 1


def _retrying(fn, attempts: int = 8):
    """SQLite answers 'database is locked' when writers collide; try again after a short pause."""
    for attempt in range(attempts):
        try:
            return fn()
        except OperationalError:
            db.session.rollback()
            if attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1))


def _next_waitlist_position(activity_id: int, function_id: int) -> int:
    top = db.session.scalar(db.select(func.max(Registration.waitlist_position)).where(
        Registration.activity_id == activity_id, Registration.function_id == function_id))
    return (top or 0) + 1


# --- First come, first served (after allocation, or activities without a round) ----------------

def register(user: User, activity: Activity, now: datetime | None = None) -> tuple[Registration, str]:
    """Take a free seat, or join the waitlist when full. Returns the registration and a Dutch message."""
    now = _now(now)
    if not visible_to(user, activity, now):
        raise RegistrationError("Deze activiteit bestaat niet.")
    state = registration_state(activity, now)
    messages = {"cancelled": "Deze activiteit is geannuleerd.",
                "past": "Deze activiteit is al begonnen of voorbij.",
                "round_upcoming": "De inschrijving voor deze activiteit is nog niet open.",
                "round_open": "Voor deze activiteit schrijf je je in via de inschrijfronde: zet haar op je ranglijst.",
                "round_closed": "De inschrijving is gesloten; de toewijzing volgt."}
    if state in messages:
        raise RegistrationError(messages[state])
    if activity.unannounced:
        raise RegistrationError("Voor een onaangekondigde oefening schrijf je je niet in.")
    seat = seat_for(user, activity)
    if seat is None:
        raise RegistrationError("Deze activiteit heeft geen plaatsen voor jouw functie.")
    activity_id, seat_id, function_id, user_id = activity.id, seat.id, seat.function_id, user.id
    title = activity.title

    def attempt():
        existing = db.session.scalar(db.select(Registration).filter_by(user_id=user_id, activity_id=activity_id))
        if existing is not None and existing.status in HOLDING_STATUSES:
            return existing, f"Je bent al ingeschreven voor {title}."
        if take_seat(seat_id):
            if existing is None:
                reg = Registration(user_id=user_id, activity_id=activity_id, function_id=function_id,
                                   status="assigned")
                db.session.add(reg)
                try:
                    db.session.flush()
                except IntegrityError:   # the same person's other tap won: undo this seat
                    db.session.rollback()
                    return _existing_message(user_id, activity_id, title)
            elif not _set_status(existing.id, (existing.status,), status="assigned", function_id=function_id,
                                 waitlist_position=None, offer_expires_at=None):
                db.session.rollback()
                return _existing_message(user_id, activity_id, title)
            db.session.commit()
            return db.session.scalar(db.select(Registration).filter_by(user_id=user_id, activity_id=activity_id)), \
                f"Je bent ingeschreven voor {title}."
        # Full: join the waitlist (or stay on it).
        if existing is not None and existing.status == "waitlisted":
            return existing, f"Je staat al op de wachtlijst voor {title} (plaats {waitlist_rank(existing)})."
        position = _next_waitlist_position(activity_id, function_id)
        if existing is None:
            reg = Registration(user_id=user_id, activity_id=activity_id, function_id=function_id,
                               status="waitlisted", waitlist_position=position)
            db.session.add(reg)
            try:
                db.session.flush()
            except IntegrityError:
                db.session.rollback()
                return _existing_message(user_id, activity_id, title)
        elif not _set_status(existing.id, (existing.status,), status="waitlisted", function_id=function_id,
                             waitlist_position=position):
            db.session.rollback()
            return _existing_message(user_id, activity_id, title)
        db.session.commit()
        reg = db.session.scalar(db.select(Registration).filter_by(user_id=user_id, activity_id=activity_id))
        return reg, f"{title} is vol. Je staat op de wachtlijst, plaats {waitlist_rank(reg)}."

    return _retrying(attempt)


def _existing_message(user_id, activity_id, title):
    reg = db.session.scalar(db.select(Registration).filter_by(user_id=user_id, activity_id=activity_id))
    if reg is not None and reg.status == "waitlisted":
        return reg, f"Je staat al op de wachtlijst voor {title}."
    return reg, f"Je bent al ingeschreven voor {title}."


def cancel_registration(user: User, reg: Registration, now: datetime | None = None) -> str:
    """The person withdraws; a held seat goes to the first on the waitlist (as an offer)."""
    now = _now(now)
    activity = reg.activity
    if activity.starts_at <= now:
        raise RegistrationError("Deze activiteit is al begonnen; afmelden kan niet meer.")
    if reg.status == "requested":
        raise RegistrationError("Haal de activiteit van je ranglijst om je inschrijving in te trekken.")
    if reg.status in ("assigned", "offered"):
        if not _set_status(reg.id, ("assigned", "offered"), status="cancelled", offer_expires_at=None):
            db.session.rollback()
            return "Je was al afgemeld."
        _pass_seat_on(activity, reg.function_id, now)
        db.session.commit()
        return f"Je bent afgemeld voor {activity.title}. Je plaats gaat naar de wachtlijst."
    if reg.status == "waitlisted":
        _set_status(reg.id, ("waitlisted",), status="cancelled", waitlist_position=None)
        db.session.commit()
        return f"Je staat niet meer op de wachtlijst voor {activity.title}."
    return "Je was al afgemeld."


def _pass_seat_on(activity: Activity, function_id: int, now: datetime) -> Registration | None:
    """A seat of this activity and function came free: offer it to the next on the waitlist, or free it."""
    hours = int(current_app.config.get("OFFER_HOURS", 48))
    expires = now + timedelta(hours=hours)
    candidates = db.session.scalars(db.select(Registration).where(
        Registration.activity_id == activity.id, Registration.function_id == function_id,
        Registration.status == "waitlisted")
        .order_by(func.coalesce(Registration.waitlist_position, 10**9), Registration.id)).all()
    for reg in candidates:
        if _set_status(reg.id, ("waitlisted",), status="offered", offer_expires_at=expires):
            db.session.refresh(reg)
            mail.send(reg.user.email, f"Er is een plaats vrij: {activity.title}",
                      f"Beste {reg.user.name},\n\nEr is een plaats vrijgekomen bij {activity.title} "
                      f"op {_when(activity)}. Je stond op de wachtlijst en krijgt de plaats aangeboden.\n"
                      f"Neem hem aan of sla hem af vóór {expires:%d-%m-%Y %H:%M}; daarna gaat hij naar de "
                      f"volgende op de wachtlijst.\n\n{_link('/activities/mine')}\n", user=reg.user)
            return reg
    seat = db.session.scalar(db.select(ActivitySeat).filter_by(activity_id=activity.id, function_id=function_id))
    if seat is not None:
        release_seat(seat.id)
    return None


def accept_offer(user: User, reg: Registration, now: datetime | None = None) -> str:
    now = _now(now)
    if reg.status != "offered":
        raise RegistrationError("Er staat geen aanbod voor je open.")
    if reg.offer_expires_at and reg.offer_expires_at <= now:
        raise RegistrationError("Dit aanbod is verlopen.")
    if not _set_status(reg.id, ("offered",), status="assigned", offer_expires_at=None, waitlist_position=None):
        db.session.rollback()
        return "Je had het aanbod al beantwoord."
    db.session.commit()
    return f"Je hebt de plaats bij {reg.activity.title} aangenomen."


def decline_offer(user: User, reg: Registration, now: datetime | None = None) -> str:
    now = _now(now)
    if reg.status != "offered":
        raise RegistrationError("Er staat geen aanbod voor je open.")
    if not _set_status(reg.id, ("offered",), status="declined", offer_expires_at=None, waitlist_position=None):
        db.session.rollback()
        return "Je had het aanbod al beantwoord."
    _pass_seat_on(reg.activity, reg.function_id, now)
    db.session.commit()
    return f"Je hebt de plaats bij {reg.activity.title} afgeslagen."


def expire_offers(now: datetime | None = None) -> int:
    """Offers past their time go to the next person on the waitlist. Returns how many expired."""
    now = _now(now)
    expired = db.session.scalars(db.select(Registration).where(
        Registration.status == "offered", Registration.offer_expires_at <= now)).all()
    count = 0
    for reg in expired:
        if not _set_status(reg.id, ("offered",), status="declined", offer_expires_at=None, waitlist_position=None):
            continue
        mail.send(reg.user.email, f"Aanbod verlopen: {reg.activity.title}",
                  f"Beste {reg.user.name},\n\nJe hebt niet op tijd gereageerd op de vrije plaats bij "
                  f"{reg.activity.title}. De plaats gaat naar de volgende op de wachtlijst.\n", user=reg.user)
        _pass_seat_on(reg.activity, reg.function_id, now)
        count += 1
    db.session.commit()
    return count


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
            and visible_to(user, a, now) and not a.unannounced and seat_for(user, a) is not None]


def max_seats(user: User, rnd: RegistrationRound) -> int:
    pref = db.session.scalar(db.select(RoundPreference).filter_by(round_id=rnd.id, user_id=user.id))
    return pref.max_seats if pref else 1


def _require_open(rnd: RegistrationRound, now) -> None:
    if rnd.state(_now(now)) != "open":
        raise RegistrationError("Deze inschrijfronde is niet open; je ranglijst kan niet meer veranderen.")


def _renumber(regs: list[Registration]) -> None:
    for i, reg in enumerate(regs, start=1):
        reg.rank = i


def add_to_ranking(user: User, rnd: RegistrationRound, activity: Activity, now: datetime | None = None) -> str:
    _require_open(rnd, now)
    if activity.round_id != rnd.id or not visible_to(user, activity, now) or activity.cancelled_at:
        raise RegistrationError("Deze activiteit hoort niet bij deze inschrijfronde.")
    seat = seat_for(user, activity)
    if seat is None:
        raise RegistrationError("Deze activiteit heeft geen plaatsen voor jouw functie.")
    regs = ranking(user, rnd)
    existing = registration_of(user, activity)
    if existing is not None and existing.status == "requested":
        return f"{activity.title} staat al op je ranglijst."
    if existing is None:
        existing = Registration(user_id=user.id, activity_id=activity.id)
        db.session.add(existing)
    existing.status, existing.function_id, existing.rank = "requested", seat.function_id, len(regs) + 1
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return f"{activity.title} staat al op je ranglijst."
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
    db.session.commit()
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
    db.session.commit()
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
    db.session.commit()
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
    year = min((a.starts_at.year for a in activities), default=rnd.closes_at.year)
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
        people.append({"id": person_key(user_id), "function": function, "limit": limits.get(user_id, 1),
                       "deficit": deficits.get(user_id, {}),
                       "plan_competencies": sorted(plan_competencies(user, year)),
                       "requests": [activity_key(r.activity_id) for r in rows]})
    return {
        "seed": round_seed(rnd),
        "activities": [{"id": activity_key(a.id), "date": a.starts_at.date().isoformat(), "kind": a.kind,
                        "title": a.title, "competencies": sorted(a.competencies or []),
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
        db.session.rollback()
        raise AllocationRefused("De toewijzing van deze ronde is al uitgevoerd; de uitslag staat vast.")
    db.session.refresh(rnd)
    instance = build_instance(rnd)
    result = solve(instance)
    rnd.seed = instance["seed"]
    rnd.instance_json = json.dumps(instance, ensure_ascii=False, indent=1)
    rnd.result_json = json.dumps(result, ensure_ascii=False, indent=1)
    _apply(rnd, result)
    audit.record(actor, "allocation_run", rnd, detail=f"seed={rnd.seed} people={len(instance['people'])}")
    db.session.commit()
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
    """The scheduled job: allocate every round whose window has closed. Returns the rounds run."""
    done = []
    for rnd in due_rounds(now):
        try:
            run_allocation(rnd, None, now)
            done.append(rnd)
        except AllocationRefused:
            db.session.rollback()   # another worker was first
    return done


def round_result(rnd: RegistrationRound) -> dict | None:
    return json.loads(rnd.result_json) if rnd.result_json else None


# --- Outcome explanations in Dutch ------------------------------------------------------------

def describe_priority(priority) -> str:
    if not priority:
        return ""
    deficit, match, ticket = priority
    parts = [f"{deficit} tekort" if deficit else "geen tekort",
             "competentiematch" if match else "geen competentiematch", f"lot {ticket[:4]}…"]
    return ", ".join(parts)


def explain_entry(entry: dict, titles: dict[str, str]) -> str:
    reason = entry.get("reason", "priority")
    if reason == "no_seats_for_function":
        return "Deze activiteit had geen plaatsen voor jouw functie."
    if reason == "date_clash":
        other = titles.get(entry.get("clashes_with"), "een andere activiteit")
        return f"Op die dag kreeg je al een plaats bij {other} (hoger op je ranglijst)."
    if reason == "limit":
        return "Je had al zoveel plaatsen als je wilde."
    mine = describe_priority(entry.get("your_priority"))
    if entry.get("cutoff") is None:
        return f"Jouw voorrang: {mine}; er waren geen plaatsen voor jouw functie."
    return f"Jouw voorrang: {mine}; de laatste plaats ging naar voorrang: {describe_priority(entry['cutoff'])}."


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
    rows = []
    for reg in regs:
        ref = activity_key(reg.activity_id)
        entry = explanations.get(ref)
        rows.append({"registration": reg, "activity": reg.activity, "granted": ref in got,
                     "why": explain_entry(entry, titles) if entry else None,
                     "waitlist_position": entry.get("waitlist_position") if entry else None,
                     "current_rank": waitlist_rank(reg)})
    return rows


# --- Coordinator: activities, rounds, attendance ------------------------------------------------

def save_activity(activity: Activity | None, region_id: int, data: dict, seats: dict[int, int],
                  actor: User) -> Activity:
    """Create or edit an activity; seats maps function id -> number. Raises RegistrationError (Dutch)."""
    if data["ends_at"] <= data["starts_at"]:
        raise RegistrationError("Het einde moet na het begin liggen.")
    creating = activity is None
    if creating:
        activity = Activity(region_id=region_id)
        db.session.add(activity)
    existing = {s.function_id: s for s in activity.seat_rows}
    for function_id, number in seats.items():
        row = existing.get(function_id)
        if row is not None and number < row.seats_taken:
            raise RegistrationError(f"{row.function.code}: er zijn al {row.seats_taken} plaatsen bezet; "
                                    "minder plaatsen kan niet.")
    for key in ("kind", "title", "description", "starts_at", "ends_at", "location", "organiser",
                "competencies", "round_id", "unannounced"):
        setattr(activity, key, data[key])
    for function_id, number in seats.items():
        row = existing.get(function_id)
        if row is None and number > 0:
            activity.seat_rows.append(ActivitySeat(function_id=function_id, seats=number, seats_taken=0))
        elif row is not None:
            row.seats = number
    db.session.flush()
    audit.record(actor, "activity_created" if creating else "activity_changed", activity, detail=activity.title)
    db.session.commit()
    return activity


def duplicate_activity(activity: Activity, actor: User) -> Activity:
    copy = Activity(region_id=activity.region_id, kind=activity.kind, title=f"{activity.title} (kopie)"[:200],
                    description=activity.description, starts_at=activity.starts_at, ends_at=activity.ends_at,
                    location=activity.location, organiser=activity.organiser,
                    competencies=list(activity.competencies or []), round_id=activity.round_id,
                    unannounced=activity.unannounced)
    copy.seat_rows = [ActivitySeat(function_id=s.function_id, seats=s.seats, seats_taken=0)
                      for s in activity.seat_rows]
    db.session.add(copy)
    db.session.flush()
    audit.record(actor, "activity_duplicated", copy, detail=f"kopie van {activity.id}")
    db.session.commit()
    return copy


def cancel_activity(activity: Activity, actor: User, now: datetime | None = None) -> int:
    """Cancel, free every registration and tell everyone registered. Returns how many were told."""
    now = _now(now)
    if activity.cancelled_at is not None:
        raise RegistrationError("Deze activiteit was al geannuleerd.")
    activity.cancelled_at = now
    regs = db.session.scalars(db.select(Registration).where(
        Registration.activity_id == activity.id,
        Registration.status.in_(("requested", "assigned", "waitlisted", "offered")))).all()
    for reg in regs:
        reg.status, reg.waitlist_position, reg.offer_expires_at = "cancelled", None, None
        mail.send(reg.user.email, f"Geannuleerd: {activity.title}",
                  f"Beste {reg.user.name},\n\n{activity.title} op {_when(activity)} gaat niet door. "
                  "Je inschrijving is vervallen.\n\nBekijk andere activiteiten op "
                  f"{_link('/activities')}\n", user=reg.user)
    for seat in activity.seat_rows:
        seat.seats_taken = 0
    audit.record(actor, "activity_cancelled", activity, detail=f"{len(regs)} ingeschrevenen bericht")
    db.session.commit()
    return len(regs)


def create_round(region_id: int, name: str, opens_at: datetime, closes_at: datetime, actor: User) -> RegistrationRound:
    if closes_at <= opens_at:
        raise RegistrationError("De sluiting moet na de opening liggen.")
    rnd = RegistrationRound(region_id=region_id, name=name.strip()[:120], opens_at=opens_at, closes_at=closes_at)
    db.session.add(rnd)
    db.session.flush()
    audit.record(actor, "round_created", rnd, detail=rnd.name)
    db.session.commit()
    return rnd


def region_rounds(region_id: int) -> list[RegistrationRound]:
    return db.session.scalars(db.select(RegistrationRound).where(RegistrationRound.region_id == region_id)
                              .order_by(RegistrationRound.closes_at.desc())).all()


def attendance_list(activity: Activity) -> list[Registration]:
    return db.session.scalars(db.select(Registration).join(User).where(
        Registration.activity_id == activity.id,
        Registration.status.in_(("assigned", "attended", "no_show")))
        .order_by(User.name)).all()


def record_attendance(activity: Activity, attended_ids: set[int], actor: User,
                      now: datetime | None = None) -> tuple[int, int]:
    """Tick who came: attended → portfolio entry, unticked → no_show and the entry removed."""
    from app.portfolio.services import record_entry, remove_entry

    if activity.starts_at > _now(now):
        raise RegistrationError("Aanwezigheid leg je vast als de activiteit begonnen is.")
    kind = PORTFOLIO_KIND.get(activity.kind, "activity")
    present = absent = 0
    for reg in attendance_list(activity):
        if reg.user_id in attended_ids:
            reg.status = "attended"
            record_entry(reg.user_id, kind, activity.starts_at.date(), activity.title,
                         activity_kind=activity.kind, source="attendance", source_ref=str(activity.id),
                         commit=False)
            present += 1
        else:
            reg.status = "no_show"
            remove_entry(reg.user_id, "attendance", str(activity.id), commit=False)
            absent += 1
    audit.record(actor, "attendance_recorded", activity, detail=f"aanwezig {present}, afwezig {absent}")
    db.session.commit()
    return present, absent


# --- Reminders, calendar, planned, start card --------------------------------------------------

def send_reminders(today: date | None = None) -> int:
    """Day-before reminder with the feedup prompt, once per registration."""
    today = today or local_now().date()
    start = datetime.combine(today + timedelta(days=1), datetime.min.time())
    regs = db.session.scalars(db.select(Registration).join(Activity).where(
        Activity.starts_at >= start, Activity.starts_at < start + timedelta(days=1),
        Activity.cancelled_at.is_(None), Registration.status == "assigned",
        Registration.reminded_at.is_(None))).all()
    for reg in regs:
        a = reg.activity
        mail.send(reg.user.email, f"Morgen: {a.title}",
                  f"Beste {reg.user.name},\n\nMorgen is {a.title}, {_when(a)}"
                  f"{', ' + a.location if a.location else ''}.\n\n"
                  "Wat wil je hier leren? Schrijf je feedup in je portfolio: "
                  f"{_link('/portfolio')}\n", user=reg.user)
        reg.reminded_at = datetime.utcnow()
    db.session.commit()
    return len(regs)


def calendar_registrations(user: User) -> list[Registration]:
    return db.session.scalars(db.select(Registration).join(Activity).where(
        Registration.user_id == user.id, Registration.status.in_(("assigned", "attended", "offered"))
        | ((Registration.status == "cancelled") & Activity.cancelled_at.is_not(None)))
        .order_by(Activity.starts_at)).all()


def planned_provider(user, start: date, end: date) -> list[Planned]:
    regs = db.session.scalars(db.select(Registration).join(Activity).where(
        Registration.user_id == user.id, Registration.status == "assigned", Activity.cancelled_at.is_(None),
        Activity.starts_at >= datetime.combine(start, datetime.min.time()),
        Activity.starts_at < datetime.combine(end + timedelta(days=1), datetime.min.time()))
        .order_by(Activity.starts_at)).all()
    return [Planned(r.activity.kind, r.activity.starts_at.date(), r.activity.title, str(r.activity_id))
            for r in regs]


def start_card(user: User, now: datetime | None = None) -> dict | None:
    now = _now(now)
    rounds = [{"round": r, "ranked": len(ranking(user, r))} for r in open_rounds(user, now)]
    offers = db.session.scalars(db.select(Registration).where(
        Registration.user_id == user.id, Registration.status == "offered")).all()
    recent = db.session.scalars(db.select(RegistrationRound).join(Activity).join(
        Registration, Registration.activity_id == Activity.id).where(
        Registration.user_id == user.id, RegistrationRound.ran_at >= now - timedelta(days=30))
        .distinct()).all()
    return {"rounds": rounds, "offers": offers, "outcomes": recent}


def my_registrations(user: User, now: datetime | None = None) -> list[Registration]:
    now = _now(now)
    return db.session.scalars(db.select(Registration).join(Activity).where(
        Registration.user_id == user.id, Activity.ends_at >= now - timedelta(days=60),
        Registration.status.in_(("assigned", "waitlisted", "offered", "attended", "no_show", "requested")))
        .order_by(Activity.starts_at)).all()


def _when(activity: Activity) -> str:
    return f"{activity.starts_at:%d-%m-%Y %H:%M}"


def _link(path: str) -> str:
    return (current_app.config.get("BASE_URL") or "").rstrip("/") + path
