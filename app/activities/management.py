"""Management by the coordinator: activities, rounds and attendance."""
from __future__ import annotations

from datetime import datetime

from app import audit, mail
from app.activities import registration
from app.activities.base import RegistrationError, _link, _now, _when
from app.extensions import db
from app.transactions import claim_submission
from app.models import Activity, ActivitySeat, Registration, RegistrationRound, User

PORTFOLIO_KIND = {"ops_briefing": "briefing", "knowledge_day": "knowledge_day"}


def _made_by(claim, model):
    """What the first copy of a form made; a Dutch error if it made nothing (it failed and rolled back)."""
    made = db.session.get(model, claim.object_id) if claim.object_id else None
    if made is None:
        raise RegistrationError("Dit formulier was al verstuurd. Laad de pagina opnieuw.")
    return made


def save_activity(activity: Activity | None, region_id: int, data: dict, seats: dict[int, int],
                  actor: User, nonce: str | None = None) -> Activity:
    """Create or edit an activity; seats maps function id -> number. Raises RegistrationError (Dutch).

    Creating with the form's nonce makes one activity of a double tap: a repeat returns the first one."""
    if data["ends_at"] <= data["starts_at"]:
        raise RegistrationError("Het einde moet na het begin liggen.")
    creating = activity is None
    if creating:
        claim, first = claim_submission(actor.id, "activity_create", nonce)
        if not first:
            return _made_by(claim, Activity)
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
    activity.priority, activity.level = data.get("priority"), data.get("level")
    raised = {}
    for function_id, number in seats.items():
        row = existing.get(function_id)
        if row is None and number > 0:
            activity.seat_rows.append(ActivitySeat(function_id=function_id, seats=number, seats_taken=0))
        elif row is not None:
            if number > row.seats:
                raised[function_id] = number - row.seats
            row.seats = number
    db.session.flush()
    if creating and claim is not None:
        claim.object_id = activity.id
    for function_id, extra in raised.items():
        _offer_to_waitlist(activity, existing[function_id], extra)
    audit.record(actor, "activity_created" if creating else "activity_changed", activity, detail=activity.title)
    db.session.flush()
    return activity


def _offer_to_waitlist(activity: Activity, seat: ActivitySeat, extra: int) -> None:
    """Seats added to an activity go to its waitlist first (as a cancelled seat does), then to anyone."""
    now = _now(None)
    for _ in range(extra):
        if not registration.take_seat(seat.id):
            return
        if registration._pass_seat_on(activity, seat.function_id, now) is None:
            return  # nobody waiting: _pass_seat_on gave the seat back


def duplicate_activity(activity: Activity, actor: User) -> Activity:
    copy = Activity(region_id=activity.region_id, kind=activity.kind, title=f"{activity.title} (kopie)"[:200],
                    description=activity.description, starts_at=activity.starts_at, ends_at=activity.ends_at,
                    location=activity.location, organiser=activity.organiser,
                    competencies=list(activity.competencies or []), round_id=activity.round_id,
                    unannounced=activity.unannounced, priority=activity.priority, level=activity.level)
    copy.seat_rows = [ActivitySeat(function_id=s.function_id, seats=s.seats, seats_taken=0)
                      for s in activity.seat_rows]
    db.session.add(copy)
    db.session.flush()
    audit.record(actor, "activity_duplicated", copy, detail=f"kopie van {activity.id}")
    db.session.flush()
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
    db.session.flush()
    return len(regs)


def create_round(region_id: int, name: str, opens_at: datetime, closes_at: datetime, actor: User,
                 nonce: str | None = None) -> RegistrationRound:
    """A new registration round; a repeat of the same form copy (nonce) returns the first one."""
    if closes_at <= opens_at:
        raise RegistrationError("De sluiting moet na de opening liggen.")
    claim, first = claim_submission(actor.id, "round_create", nonce)
    if not first:
        return _made_by(claim, RegistrationRound)
    rnd = RegistrationRound(region_id=region_id, name=name.strip()[:120], opens_at=opens_at, closes_at=closes_at)
    db.session.add(rnd)
    db.session.flush()
    if claim is not None:
        claim.object_id = rnd.id
    audit.record(actor, "round_created", rnd, detail=rnd.name)
    db.session.flush()
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
                         activity_kind=activity.kind, source="attendance", source_ref=str(activity.id))
            present += 1
        else:
            reg.status = "no_show"
            remove_entry(reg.user_id, "attendance", str(activity.id))
            absent += 1
    audit.record(actor, "attendance_recorded", activity, detail=f"aanwezig {present}, afwezig {absent}")
    db.session.flush()
    return present, absent


def activity_warnings(data: dict, seats: dict, now: datetime) -> list[str]:
    """What a coordinator probably did not mean, said after saving (the activity is saved anyway):
    a start in the past, or no seats for any function."""
    warnings = []
    if data.get("starts_at") and data["starts_at"] < now:
        warnings.append("Let op: deze activiteit begint in het verleden. Klopt de datum?")
    if not any(seats.values()) and not data.get("unannounced"):
        warnings.append("Let op: er zijn voor geen enkele functie plaatsen, dus niemand kan zich inschrijven.")
    return warnings


def walk_in_candidates(activity: Activity) -> list[User]:
    """People of the region with a crisis function who are not on the attendance list yet."""
    listed = {r.user_id for r in attendance_list(activity)}
    people = db.session.scalars(db.select(User).where(
        User.region_id == activity.region_id, User.active.is_(True)).order_by(User.name)).all()
    return [u for u in people if u.function_rows and u.id not in listed]


def add_walk_in(activity: Activity, user_id: int, actor: User, now: datetime | None = None) -> User:
    """Someone came without a registration (a walk-in): recorded as attended, like a ticked name."""
    from app.portfolio.services import record_entry

    if activity.starts_at > _now(now):
        raise RegistrationError("Aanwezigheid leg je vast als de activiteit begonnen is.")
    person = db.session.get(User, user_id)
    if person is None or person.region_id != activity.region_id or not person.function_rows:
        raise RegistrationError("Kies iemand met een crisisfunctie uit je regio.")
    seat_functions = {s.function_id for s in activity.seat_rows}
    function_id = next((r.function_id for r in person.function_rows if r.function_id in seat_functions),
                       person.function_rows[0].function_id)
    reg = db.session.scalar(db.select(Registration).filter_by(user_id=person.id, activity_id=activity.id))
    if reg is None:
        reg = Registration(user_id=person.id, activity_id=activity.id)
        db.session.add(reg)
    reg.status, reg.function_id, reg.waitlist_position, reg.offer_expires_at = "attended", function_id, None, None
    record_entry(person.id, PORTFOLIO_KIND.get(activity.kind, "activity"), activity.starts_at.date(), activity.title,
                 activity_kind=activity.kind, source="attendance", source_ref=str(activity.id))
    audit.record(actor, "attendance_walk_in", activity, detail=f"user {person.id}")
    db.session.flush()
    return person
