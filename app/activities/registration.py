"""Registration: who sees what, the catalogue, seats, first come first served, waitlists and offers.

Seat counts change only through conditional UPDATEs (take_seat / release_seat), so two requests
can never both take the last seat, on SQLite or PostgreSQL.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError, OperationalError

from app import mail
from app.activities.base import (RegistrationError, _link, _now, _when, is_coordinator, local_now,
                                 plan_competencies, user_deficits)
from app.auth import access
from app.extensions import db
from app.models import HOLDING_STATUSES, Activity, ActivitySeat, Registration, User
from app.norms.planned import Planned

# --- Lookups ---------------------------------------------------------------------------------

def seat_for(user: User, activity: Activity) -> ActivitySeat | None:
    """The seat row of the first of the person's functions that has seats on the activity."""
    mine = {f.id for f in user.functions}
    rows = sorted((s for s in activity.seat_rows if s.function_id in mine and s.seats > 0),
                  key=lambda s: s.function.code)
    return rows[0] if rows else None


def registration_of(user: User, activity: Activity) -> Registration | None:
    return db.session.scalar(db.select(Registration).filter_by(user_id=user.id, activity_id=activity.id))


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
    activities = [a for a in db.session.scalars(query).all() if access.allowed(user, a, now=now)]
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
        .values(seats_taken=ActivitySeat.seats_taken + 1).execution_options(synchronize_session="fetch"))
    return result.rowcount == 1


def release_seat(seat_id: int) -> None:
    db.session.execute(
        update(ActivitySeat).where(ActivitySeat.id == seat_id, ActivitySeat.seats_taken > 0)
        .values(seats_taken=ActivitySeat.seats_taken - 1).execution_options(synchronize_session="fetch"))


def _set_status(reg_id: int, from_statuses, **values) -> bool:
    """Move a registration only if it is still in one of from_statuses (guards double taps)."""
    result = db.session.execute(
        update(Registration).where(Registration.id == reg_id, Registration.status.in_(tuple(from_statuses)))
        .values(updated_at=datetime.utcnow(), **values).execution_options(synchronize_session="fetch"))
    return result.rowcount == 1


class _PlaceTaken(Exception):
    """Another registration took the same waitlist place at the same moment: draw the next one."""


def _retrying(fn, attempts: int = 8):
    """SQLite answers 'database is locked' when writers collide; try again after a short pause."""
    for attempt in range(attempts):
        try:
            return fn()
        except (OperationalError, _PlaceTaken) as exc:
            if isinstance(exc, OperationalError):
                db.session.rollback()
            if attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1))


def _next_waitlist_position(seat_id: int, activity_id: int, function_id: int) -> int:
    """The next free place. The seat row is locked first (PostgreSQL), so joiners of one waitlist take
    turns; the unique (activity, function, position) constraint catches what slips through anyway."""
    db.session.execute(db.select(ActivitySeat.id).where(ActivitySeat.id == seat_id).with_for_update())
    top = db.session.scalar(db.select(func.max(Registration.waitlist_position)).where(
        Registration.activity_id == activity_id, Registration.function_id == function_id))
    return (top or 0) + 1


# --- First come, first served (after allocation, or activities without a round) ----------------

def register(user: User, activity: Activity, now: datetime | None = None) -> tuple[Registration, str]:
    """Take a free seat, or join the waitlist when full. Returns the registration and a Dutch message."""
    now = _now(now)
    if not access.allowed(user, activity, now=now):
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
        # A SAVEPOINT around seat and registration: when the same person's other tap won, both are undone.
        savepoint = db.session.begin_nested()
        if take_seat(seat_id):
            values = {"status": "assigned", "waitlist_position": None, "offer_expires_at": None}
        elif existing is not None and existing.status == "waitlisted":   # full, and already waiting
            savepoint.rollback()
            return existing, f"Je staat al op de wachtlijst voor {title} (plaats {waitlist_rank(existing)})."
        else:   # full: join the waitlist
            values = {"status": "waitlisted",
                      "waitlist_position": _next_waitlist_position(seat_id, activity_id, function_id)}
        if not _store(existing, user_id, activity_id, function_id, values):
            savepoint.rollback()
            now_status = db.session.scalar(db.select(Registration.status).filter_by(user_id=user_id,
                                                                                     activity_id=activity_id))
            if now_status not in (*HOLDING_STATUSES, "waitlisted"):   # not the person's other tap: a place race
                db.session.expire_all()
                raise _PlaceTaken()
            return _existing_message(user_id, activity_id, title)
        savepoint.commit()
        reg = db.session.scalar(db.select(Registration).filter_by(user_id=user_id, activity_id=activity_id)
                                .execution_options(populate_existing=True))
        if reg.status == "assigned":
            return reg, f"Je bent ingeschreven voor {title}."
        return reg, f"{title} is vol. Je staat op de wachtlijst, plaats {waitlist_rank(reg)}."

    return _retrying(attempt)


def _store(existing: Registration | None, user_id: int, activity_id: int, function_id: int, values: dict) -> bool:
    """Insert the registration, or move the existing one if nobody moved it meanwhile. False: another tap won."""
    try:
        if existing is None:
            db.session.add(Registration(user_id=user_id, activity_id=activity_id, function_id=function_id, **values))
            db.session.flush()
            return True
        return _set_status(existing.id, (existing.status,), function_id=function_id, **values)
    except IntegrityError:
        return False


def _existing_message(user_id, activity_id, title):
    reg = db.session.scalar(db.select(Registration).filter_by(user_id=user_id, activity_id=activity_id)
                           .execution_options(populate_existing=True))
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
            return "Je was al afgemeld."
        _pass_seat_on(activity, reg.function_id, now)
        return f"Je bent afgemeld voor {activity.title}. Je plaats gaat naar de wachtlijst."
    if reg.status == "waitlisted":
        _set_status(reg.id, ("waitlisted",), status="cancelled", waitlist_position=None)
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
        return "Je had het aanbod al beantwoord."
    return f"Je hebt de plaats bij {reg.activity.title} aangenomen."


def decline_offer(user: User, reg: Registration, now: datetime | None = None) -> str:
    now = _now(now)
    if reg.status != "offered":
        raise RegistrationError("Er staat geen aanbod voor je open.")
    if not _set_status(reg.id, ("offered",), status="declined", offer_expires_at=None, waitlist_position=None):
        return "Je had het aanbod al beantwoord."
    _pass_seat_on(reg.activity, reg.function_id, now)
    return f"Je hebt de plaats bij {reg.activity.title} afgeslagen."


def expire_offers(now: datetime | None = None) -> int:
    """The job: offers past their time go to the next on the waitlist, one commit per offer. Returns how many."""
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
        db.session.commit()
        count += 1
    return count


# --- Reminders, calendar, planned, start card --------------------------------------------------

def send_reminders(today: date | None = None) -> int:
    """The job: day-before reminder with the feedup prompt, once per registration (a commit per reminder)."""
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
    # Columns, not objects: one query however many activities (an Activity would also load its seats).
    rows = db.session.execute(db.select(Activity.kind, Activity.starts_at, Activity.title, Activity.id)
                              .join(Registration, Registration.activity_id == Activity.id).where(
        Registration.user_id == user.id, Registration.status == "assigned", Activity.cancelled_at.is_(None),
        Activity.starts_at >= datetime.combine(start, datetime.min.time()),
        Activity.starts_at < datetime.combine(end + timedelta(days=1), datetime.min.time()))
        .order_by(Activity.starts_at)).all()
    return [Planned(kind, starts_at.date(), title, str(activity_id)) for kind, starts_at, title, activity_id in rows]


def my_registrations(user: User, now: datetime | None = None) -> list[Registration]:
    now = _now(now)
    return db.session.scalars(db.select(Registration).join(Activity).where(
        Registration.user_id == user.id, Activity.ends_at >= now - timedelta(days=60),
        Registration.status.in_(("assigned", "waitlisted", "offered", "attended", "no_show", "requested")))
        .order_by(Activity.starts_at)).all()

