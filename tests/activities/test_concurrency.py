"""No overbooking: 200 people at once for the last seats, against the real database (SQLite file, PostgreSQL)."""
import threading

from app.activities import registration
from app.extensions import db
from app.models import Activity, ActivitySeat, Registration, User
from tests import factories
from tests.activities.conftest import NOW, make_activity

THREADS = 200
LAST_SEATS = 5


def _hammer(app, jobs):
    """Run jobs (user_id, activity_id) in threads that start together; returns results and errors."""
    barrier = threading.Barrier(len(jobs))
    results, errors = [], []

    def work(user_id, activity_id):
        try:
            with app.app_context():
                barrier.wait(timeout=60)
                user, activity = db.session.get(User, user_id), db.session.get(Activity, activity_id)
                reg, _message = registration.register(user, activity, NOW)
                status = reg.status
                db.session.commit()   # what the request does after the service (README, "Who commits")
                results.append((user_id, status))
                db.session.remove()
        except Exception as exc:  # any leak is a failure of the test, reported below
            errors.append(repr(exc))

    threads = [threading.Thread(target=work, args=job) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results, errors


def test_200_simultaneous_registrations_fill_exactly_the_last_seats(app):
    activity = make_activity(seats={"OL": 40})
    seat = activity.seat_rows[0]
    seat.seats_taken = 40 - LAST_SEATS   # all but the last seats went earlier
    db.session.commit()
    people = [factories.user(email=f"race{i}@example.nl") for i in range(THREADS)]
    jobs = [(p.id, activity.id) for p in people]
    db.session.remove()

    results, errors = _hammer(app, jobs)

    assert errors == []
    assert len(results) == THREADS
    assigned = db.session.scalar(db.select(db.func.count(Registration.id)).where(
        Registration.activity_id == activity.id, Registration.status == "assigned"))
    waitlisted = db.session.scalar(db.select(db.func.count(Registration.id)).where(
        Registration.activity_id == activity.id, Registration.status == "waitlisted"))
    assert assigned == LAST_SEATS and waitlisted == THREADS - LAST_SEATS
    positions = db.session.scalars(db.select(Registration.waitlist_position).where(
        Registration.activity_id == activity.id, Registration.status == "waitlisted")).all()
    assert sorted(positions) == list(range(1, waitlisted + 1))   # every waitlist place given once
    assert sum(1 for _, status in results if status == "assigned") == LAST_SEATS
    assert db.session.get(ActivitySeat, seat.id).seats_taken == 40


def test_double_tap_creates_one_registration(app):
    activity = make_activity(seats={"OL": 3})
    person_id, activity_id = factories.user().id, activity.id
    db.session.remove()

    results, errors = _hammer(app, [(person_id, activity_id)] * 20)

    assert errors == []
    regs = db.session.scalars(db.select(Registration).where(Registration.user_id == person_id)).all()
    assert [r.status for r in regs] == ["assigned"]
    seat = db.session.scalar(db.select(ActivitySeat).where(ActivitySeat.activity_id == activity_id))
    assert seat.seats_taken == 1
    assert {status for _, status in results} == {"assigned"}
