"""The coordinator's start page is an inbox: the tasks that wait for a coordinator of the region.

Each item says what waits, how many, and links to the page where it is done. No item → no line;
nothing at all → the card says so. Request-free: the card context calls `inbox(user, now)`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from app.activities.base import local_now
from app.extensions import db
from app.models import Activity, OutboxMessage, PeerObservation, Registration, RegistrationRound, User
from app.models.core import utcnow
from app.plan import services as plans

ATTENDANCE_DAYS = 60   # activities that ended this many days ago or less still ask for attendance
MAIL_DAYS = 14         # failed mails of the last two weeks
OBSERVATION_DAYS = 14  # an observation still open this long after the activity needs a nudge


@dataclass(frozen=True)
class Task:
    count: int
    text: str
    endpoint: str | None = None     # where the task is done (the card builds the URL)
    args: tuple = ()


def _plural(n: int, one: str, more: str) -> str:
    return one if n == 1 else more


def inbox(user: User, now: datetime | None = None) -> list[Task]:
    """What waits for a coordinator of `user`'s region, most urgent first."""
    now = now or local_now()
    region = user.region_id
    tasks: list[Task] = []

    proposals = plans.pending_proposals(region)
    if proposals:
        n = len(proposals)
        tasks.append(Task(n, f"{n} {_plural(n, 'voorstel', 'voorstellen')} voor een competentie buiten de lijst "
                             f"{_plural(n, 'wacht', 'wachten')} op je besluit", "plan.approvals"))

    closed = db.session.scalars(db.select(RegistrationRound).where(
        RegistrationRound.region_id == region, RegistrationRound.ran_at.is_(None),
        RegistrationRound.closes_at <= now).order_by(RegistrationRound.closes_at)).all()
    for rnd in closed:
        tasks.append(Task(1, f"Inschrijfronde {rnd.name} is gesloten; de plaatsen zijn nog niet verdeeld",
                          "activities.round_page", (("round_id", rnd.id),)))

    unregistered = db.session.execute(
        db.select(Activity, db.func.count(Registration.id)).join(Registration, Registration.activity_id == Activity.id)
        .where(Activity.region_id == region, Activity.cancelled_at.is_(None), Activity.ends_at < now,
               Activity.ends_at >= now - timedelta(days=ATTENDANCE_DAYS), Registration.status == "assigned")
        .group_by(Activity.id).order_by(Activity.ends_at)).all()
    for activity, people in unregistered:
        tasks.append(Task(people, f"Aanwezigheid vastleggen: {activity.title} "
                                  f"({people} {_plural(people, 'persoon', 'mensen')} nog zonder registratie)",
                          "activities.attendance", (("activity_id", activity.id),)))

    expired = db.session.execute(
        db.select(Activity, db.func.count(Registration.id)).join(Registration, Registration.activity_id == Activity.id)
        .where(Activity.region_id == region, Registration.status == "offered", Registration.offer_expires_at < now)
        .group_by(Activity.id)).all()
    for activity, n in expired:
        tasks.append(Task(n, f"{n} {_plural(n, 'plaatsaanbieding', 'plaatsaanbiedingen')} voor {activity.title} "
                             f"{_plural(n, 'is', 'zijn')} verlopen zonder antwoord; de volgende geplande taak geeft "
                             f"{_plural(n, 'haar', 'ze')} door aan de wachtlijst",
                          "activities.detail", (("activity_id", activity.id),)))

    # Only a count: what the observer writes is between the two functionaries (region's own rule).
    stale = db.session.scalar(db.select(db.func.count(PeerObservation.id)).join(
        User, User.id == PeerObservation.observed_id).where(
        User.region_id == region, PeerObservation.status == "invited",
        PeerObservation.occurred_on <= (now - timedelta(days=OBSERVATION_DAYS)).date()))
    if stale:
        tasks.append(Task(stale, f"{stale} {_plural(stale, 'observatie', 'observaties')} (vakman herkent vakman) "
                                 f"{_plural(stale, 'is', 'zijn')} meer dan {OBSERVATION_DAYS} dagen na de activiteit "
                                 "nog niet ingevuld; herinner de waarnemers, bijvoorbeeld in het teamoverleg"))

    failed = db.session.scalar(db.select(db.func.count(OutboxMessage.id)).join(
        User, User.id == OutboxMessage.user_id).where(
        User.region_id == region, OutboxMessage.failed_at >= utcnow() - timedelta(days=MAIL_DAYS)))
    if failed:
        tasks.append(Task(failed, f"{failed} {_plural(failed, 'bericht kon', 'berichten konden')} de afgelopen "
                                  f"{MAIL_DAYS} dagen niet worden verstuurd; vraag je beheerder de mailinstellingen na te kijken"))
    return tasks


def inbox_card(user: User) -> dict | None:
    if not user.has_role("coordinator", "admin"):
        return None
    return {"tasks": inbox(user)}
