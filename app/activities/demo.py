"""Demo data: a year of activities (2026-09 .. 2027-08), one allocated round, one open round."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from app.activities import base, management, registration, rounds
from app.extensions import db
from app.models import (Activity, ActivitySeat, Competency, Function, Registration, RegistrationRound,
                        RoundPreference, User)

LOCATIONS = ["Brandweerkazerne Enschede-Haaksbergerstraat", "Gemeentehuis Hengelo", "Veiligheidshuis Almelo",
             "Trainingscentrum Twente, Hengelo", "Crisiscentrum Enschede", "Stadhuis Oldenzaal"]
ORGANISER = "Team OTO Veiligheidsregio Twente"

# (title, kind, date, start hour, hours, seats per key function, extra seats {code: n})
AUTUMN = [
    ("Multi-oefening Hoogwater Dinkel", "multi_exercise", date(2026, 9, 17), 13, 4, 2, {}),
    ("Multi-oefening Incident Twentekanaal", "multi_exercise", date(2026, 10, 8), 13, 4, 2, {}),
    ("Kennisdag Crisiscommunicatie", "knowledge_day", date(2026, 10, 22), 9, 7, 3, {}),
    ("Opstartoefening ROT", "startup_exercise", date(2026, 11, 12), 19, 3, 1, {}),
    ("Multi-oefening Grootschalige stroomstoring", "multi_exercise", date(2026, 12, 10), 13, 4, 2, {}),
    ("Kennisdag Nafase en herstel", "knowledge_day", date(2026, 12, 17), 9, 7, 2, {}),
]
SPRING = [
    ("Multi-oefening Chemisch incident Enschede-Noord", "multi_exercise", date(2027, 1, 21), 13, 4, 2, {}),
    ("Opstartoefening CoPI", "startup_exercise", date(2027, 2, 4), 19, 3, 1, {}),
    ("Multi-oefening Natuurbrand Lemelerberg", "multi_exercise", date(2027, 3, 11), 13, 4, 2, {}),
    ("Kennisdag Gedeeld beeld en LCMS", "knowledge_day", date(2027, 3, 25), 9, 7, 3, {}),
    ("Masterclass Bestuurlijk handelen in crisis", "masterclass", date(2027, 4, 8), 14, 3, 0,
     {"BGM": 2, "LOCO": 1}),
    ("Multi-oefening Uitval drinkwater", "multi_exercise", date(2027, 4, 22), 13, 4, 2, {}),
    ("Systeemoefening Regionaal Crisisplan", "system_exercise", date(2027, 5, 20), 9, 8, 1, {"BGM": 2}),
    ("Multi-oefening Evenement FC Twente", "multi_exercise", date(2027, 6, 10), 13, 4, 2, {}),
    ("Opstartoefening GBT", "startup_exercise", date(2027, 6, 24), 19, 3, 1, {"BGM": 1}),
    ("Kennisdag Leiderschap en besluitvorming", "knowledge_day", date(2027, 7, 1), 9, 7, 3, {}),
]


def _key_functions(region) -> list[Function]:
    return db.session.scalars(db.select(Function).where(Function.region_id == region.id,
                                                        Function.is_key.is_(True))).all()


def _ensure_activity(region, title, kind, starts_at, hours, seats: dict[int, int], rnd=None,
                     unannounced=False, competencies=None, rng=None) -> tuple[Activity, bool]:
    found = db.session.scalar(db.select(Activity).filter_by(region_id=region.id, title=title, starts_at=starts_at))
    if found:
        return found, False
    codes = competencies if competencies is not None else rng.sample(_competency_codes(region), 2)
    activity = Activity(region_id=region.id, kind=kind, title=title, starts_at=starts_at,
                        ends_at=starts_at + timedelta(hours=hours), location=rng.choice(LOCATIONS),
                        organiser=ORGANISER, competencies=codes, round_id=rnd.id if rnd else None,
                        unannounced=unannounced,
                        description=f"**{title}** voor de crisisorganisatie van Twente.\n\n"
                                    "- Voorbereiding: lees de microlearning van de week\n"
                                    "- Neem je functiekaart mee\n- Na afloop: korte evaluatie")
    activity.seat_rows = [ActivitySeat(function_id=fid, seats=n) for fid, n in seats.items() if n]
    db.session.add(activity)
    db.session.flush()
    return activity, True


_COMPETENCY_CACHE: dict[int, list[str]] = {}


def _competency_codes(region) -> list[str]:
    if region.id not in _COMPETENCY_CACHE:
        _COMPETENCY_CACHE[region.id] = sorted(db.session.scalars(
            db.select(Competency.code).where(Competency.region_id == region.id)).all())
    return _COMPETENCY_CACHE[region.id]


def _ensure_round(region, name, opens_at, closes_at) -> RegistrationRound:
    rnd = db.session.scalar(db.select(RegistrationRound).filter_by(region_id=region.id, name=name))
    if rnd is None:
        rnd = RegistrationRound(region_id=region.id, name=name, opens_at=opens_at, closes_at=closes_at)
        db.session.add(rnd)
        db.session.flush()
    return rnd


def _seats(key_functions, codes_to_ids, per_key, extra):
    seats = {f.id: per_key for f in key_functions if f.code != "CACO"}
    for code, n in extra.items():
        if code in codes_to_ids:
            seats[codes_to_ids[code]] = n
    return seats


def _rank_requests(rnd, people, rng, share, max_items=4) -> None:
    """Demo people rank a few activities of the round (only where their function has seats)."""
    for user in people:
        if rng.random() > share:
            continue
        options = [a for a in rnd.activities if registration.seat_for(user, a) is not None and not a.unannounced]
        if not options:
            continue
        chosen = rng.sample(options, min(len(options), rng.randint(2, max_items)))
        for rank, activity in enumerate(chosen, start=1):
            if registration.registration_of(user, activity) is None:
                db.session.add(Registration(user_id=user.id, activity_id=activity.id, rank=rank,
                                            status="requested", function_id=registration.seat_for(user, activity).function_id))
        if len(chosen) > 2 and rng.random() < 0.4 and db.session.scalar(
                db.select(RoundPreference).filter_by(round_id=rnd.id, user_id=user.id)) is None:
            db.session.add(RoundPreference(round_id=rnd.id, user_id=user.id, max_seats=2))
    db.session.flush()


def seed_activities(region) -> int:
    rng = random.Random(7)
    today = date.today()
    now = base.local_now()
    key_functions = _key_functions(region)
    codes_to_ids = {f.code: f.id for f in db.session.scalars(
        db.select(Function).where(Function.region_id == region.id))}
    created = 0

    # Weekly Thursday operational briefings, first come first served.
    day = date(2026, 9, 3)
    while day <= date(2027, 8, 26):
        _, new = _ensure_activity(region, f"Operationele briefing week {day.isocalendar().week}", "ops_briefing",
                                  datetime.combine(day, time(19, 30)), 1.5,
                                  _seats(key_functions, codes_to_ids, 3, {}), rng=rng,
                                  competencies=["gedeeld-situationeel-bewustzijn"])
        created += new
        day += timedelta(days=7)

    autumn = _ensure_round(region, "Najaar 2026", datetime(2026, 6, 15, 9), datetime(2026, 8, 20, 17))
    spring = _ensure_round(region, "Voorjaar 2027", datetime.combine(today - timedelta(days=14), time(9)),
                           datetime.combine(today + timedelta(days=10), time(17)))
    for rnd, plan in ((autumn, AUTUMN), (spring, SPRING)):
        for title, kind, on, hour, hours, per_key, extra in plan:
            _, new = _ensure_activity(region, title, kind, datetime.combine(on, time(hour)), hours,
                                      _seats(key_functions, codes_to_ids, per_key, extra), rnd=rnd, rng=rng)
            created += new
    # The yearly unannounced system test: hidden from functionaries until it happens.
    _, new = _ensure_activity(region, "Onaangekondigde systeemoefening", "system_exercise",
                              datetime(2027, 3, 2, 14), 4, _seats(key_functions, codes_to_ids, 2, {"BGM": 2}),
                              unannounced=True, rng=rng, competencies=["crisissensitiviteit", "flexibele-crisisorganisatie"])
    created += new
    db.session.commit()
    db.session.refresh(autumn)
    db.session.refresh(spring)

    people = db.session.scalars(db.select(User).where(User.region_id == region.id, User.active.is_(True))
                                .order_by(User.id)).all()
    functionaries = [u for u in people if u.has_role("functionary") and u.functions]
    demo_person = next((u for u in functionaries if u.email == "functionaris@demo.paraat.nl"), None)

    if autumn.ran_at is None:
        _rank_requests(autumn, functionaries, rng, share=0.9)
        db.session.commit()
        rounds.run_allocation(autumn, None, now=datetime(2026, 8, 20, 17, 0))
        # Attendance for what already happened.
        for activity in autumn.activities:
            if activity.ends_at < now:
                regs = management.attendance_list(activity)
                present = {r.user_id for i, r in enumerate(regs) if i % 5 != 4}
                management.record_attendance(activity, present, None, now=now)
        # One cancellation after the allocation: the seat is offered to the first on the waitlist.
        _demo_cancellation(autumn, now, getattr(demo_person, "id", 0))

    if spring.state(now) == "open" and not db.session.scalar(
            db.select(Registration.id).join(Activity).where(Activity.round_id == spring.id).limit(1)):
        others = [u for u in functionaries if u is not demo_person]
        _rank_requests(spring, others, rng, share=0.7)
    db.session.commit()
    return created


def _demo_cancellation(rnd, now, keep_user_id) -> None:
    """One seat holder withdraws after the allocation, so the demo shows a waitlist offer."""
    for activity in [a for a in rnd.activities if a.starts_at > now]:
        for holder in db.session.scalars(db.select(Registration).where(
                Registration.activity_id == activity.id, Registration.status == "assigned",
                Registration.user_id != keep_user_id).order_by(Registration.id)).all():
            waiting = db.session.scalar(db.select(Registration.id).where(
                Registration.activity_id == activity.id, Registration.status == "waitlisted",
                Registration.function_id == holder.function_id).limit(1))
            if waiting is not None:
                registration.cancel_registration(holder.user, holder, now=now)
                return
