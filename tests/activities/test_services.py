"""Activity rules without HTTP: seats, waitlists, offers, the frozen allocation, attendance, reminders."""
import json
from datetime import date, datetime, timedelta

import pytest

from app.activities import base, management, registration, rounds
from app.allocation import solve, validate
from app.auth import access
from app.extensions import db
from app.models import ActivitySeat, AuditLog, OutboxMessage, PortfolioEntry, Registration
from tests import factories
from tests.activities.conftest import NOW, make_activity, make_round


def statuses(activity):
    return {r.user_id: r.status for r in db.session.scalars(
        db.select(Registration).where(Registration.activity_id == activity.id))}


def taken(activity):
    db.session.expire_all()
    return sum(s.seats_taken for s in db.session.scalars(
        db.select(ActivitySeat).where(ActivitySeat.activity_id == activity.id)))


# --- first come, first served and waitlists ---------------------------------------------------

def test_register_takes_free_seats_then_waitlists(app):
    activity = make_activity(seats={"OL": 1})
    first, second, third = (factories.user() for _ in range(3))
    reg, message = registration.register(first, activity, NOW)
    assert reg.status == "assigned" and "ingeschreven" in message
    reg2, message2 = registration.register(second, activity, NOW)
    reg3, _ = registration.register(third, activity, NOW)
    assert reg2.status == "waitlisted" and "wachtlijst, plaats 1" in message2
    assert registration.waitlist_rank(reg3) == 2
    assert taken(activity) == 1


def test_register_twice_is_one_registration(app):
    activity = make_activity(seats={"OL": 2})
    person = factories.user()
    registration.register(person, activity, NOW)
    _, message = registration.register(person, activity, NOW)
    assert "al ingeschreven" in message
    assert db.session.scalar(db.select(db.func.count(Registration.id))) == 1 and taken(activity) == 1


def test_no_seats_for_function_and_round_activities_refuse_direct_registration(app):
    ba_only = make_activity(seats={"BA": 3})
    with pytest.raises(base.RegistrationError, match="geen plaatsen voor jouw functie"):
        registration.register(factories.user(), ba_only, NOW)
    in_round = make_activity(rnd=make_round())
    with pytest.raises(base.RegistrationError, match="ranglijst"):
        registration.register(factories.user(), in_round, NOW)


def test_cancellation_offers_seat_to_first_on_waitlist_then_expiry_moves_on(app):
    app.config["OFFER_HOURS"] = 24
    activity = make_activity(seats={"OL": 1})
    holder, first, second = (factories.user() for _ in range(3))
    held, _ = registration.register(holder, activity, NOW)
    registration.register(first, activity, NOW)
    registration.register(second, activity, NOW)
    registration.cancel_registration(holder, held, NOW)
    assert statuses(activity) == {holder.id: "cancelled", first.id: "offered", second.id: "waitlisted"}
    offer = registration.registration_of(first, activity)
    assert offer.offer_expires_at == NOW + timedelta(hours=24)
    assert taken(activity) == 1   # the seat is held for the offer, not free for anyone
    assert db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.to == first.email))
    assert registration.expire_offers(NOW + timedelta(hours=23)) == 0
    assert registration.expire_offers(NOW + timedelta(hours=25)) == 1
    assert statuses(activity)[first.id] == "declined" and statuses(activity)[second.id] == "offered"
    second_offer = registration.registration_of(second, activity)
    registration.accept_offer(second, second_offer, NOW + timedelta(hours=26))
    assert statuses(activity)[second.id] == "assigned" and taken(activity) == 1


def test_declined_offer_with_empty_waitlist_frees_the_seat(app):
    activity = make_activity(seats={"OL": 1})
    holder, waiting = factories.user(), factories.user()
    held, _ = registration.register(holder, activity, NOW)
    registration.register(waiting, activity, NOW)
    registration.cancel_registration(holder, held, NOW)
    registration.decline_offer(waiting, registration.registration_of(waiting, activity), NOW)
    assert taken(activity) == 0
    newcomer = factories.user()
    assert registration.register(newcomer, activity, NOW)[0].status == "assigned"


def test_expired_offer_cannot_be_accepted(app):
    activity = make_activity(seats={"OL": 1})
    holder, waiting = factories.user(), factories.user()
    held, _ = registration.register(holder, activity, NOW)
    registration.register(waiting, activity, NOW)
    registration.cancel_registration(holder, held, NOW)
    with pytest.raises(base.RegistrationError, match="verlopen"):
        registration.accept_offer(waiting, registration.registration_of(waiting, activity), NOW + timedelta(days=3))


# --- catalogue -------------------------------------------------------------------------------

def test_catalogue_shows_own_functions_needs_first_and_hides_unannounced(app, needs):
    person = factories.user(functions=("OL",))
    plain = make_activity("Kennisdag", kind="knowledge_day", starts_at=NOW + timedelta(days=1))
    match = make_activity("Leiderschapsdag", kind="knowledge_day", starts_at=NOW + timedelta(days=2),
                          competencies=["leiderschap"])
    norm = make_activity("Multi", kind="multi_exercise", starts_at=NOW + timedelta(days=3))
    make_activity("Alleen BA", seats={"BA": 2})
    hidden = make_activity("Systeemtest", kind="system_exercise", unannounced=True)
    needs.deficit[person.id] = {"multi_exercise": 1}
    needs.plan[person.id] = ["leiderschap"]
    items = registration.catalogue(person, now=NOW)
    assert [i.activity for i in items] == [norm, match, plain]  # not BA's, not the unannounced one
    assert [i.labels for i in items] == [["telt voor je norm"], ["past bij je competentie"], []]
    assert not access.allowed(person, hidden, now=NOW)
    assert access.allowed(person, hidden, now=hidden.starts_at + timedelta(minutes=1))
    assert access.allowed(factories.user(roles=("coordinator",)), hidden, now=NOW)
    assert [i.activity for i in registration.catalogue(person, kind="knowledge_day", now=NOW)] == [match, plain]
    assert [i.activity for i in registration.catalogue(person, competency="leiderschap", now=NOW)] == [match]


def test_adapter_uses_the_real_norm_and_plan_services(app):
    from app.models import DevelopmentPlan, PlanCompetency

    person = factories.user(functions=("OL",))
    factories.norm("OL", "multi_exercise", year=2027, count_=2)
    assert base.deficits_for([person.id], 2027) == {person.id: {"multi_exercise": 2}}
    assert base.plan_competencies(person, 2027) == []
    plan = DevelopmentPlan(user_id=person.id, year=2027)
    db.session.add(plan)
    db.session.flush()
    db.session.add(PlanCompetency(plan_id=plan.id, competency_id=factories.competency("leiderschap").id,
                                  status="approved"))
    db.session.commit()
    assert base.plan_competencies(person, 2027) == ["leiderschap"]


def test_instance_carries_rule_level_and_plan_levels_from_the_real_plan(app):
    from app.plan import services as plans

    factories.competency("crisisdiagnose")
    factories.competency("leiderschap")
    rnd = make_round()
    training = make_activity("Training crisisdiagnose", kind="knowledge_day", rnd=rnd, level="gevorderd",
                             starts_at=datetime(2027, 4, 2, 9), competencies=["crisisdiagnose"])
    exercise = make_activity("Multi", rnd=rnd, starts_at=datetime(2027, 4, 9, 9), priority="plan")
    person = factories.user(functions=("OL",))
    plans.choose_competency(person, 2027, "crisisdiagnose", "gevorderd")
    plans.add_goal(person, 2027, "Leiding geven aan het ROT", "leiderschap")
    rounds.add_to_ranking(person, rnd, training, NOW)
    instance = rounds.build_instance(rnd)
    validate(instance)
    acts = {a["title"]: a for a in instance["activities"]}
    assert (acts["Training crisisdiagnose"]["priority"], acts["Training crisisdiagnose"]["level"]) == ("plan", "gevorderd")
    assert acts["Multi"]["priority"] == "plan"       # the coordinator's choice beats the kind's default
    assert exercise.kind == "multi_exercise"
    [entry] = instance["people"]
    assert entry["plan_competencies"] == {"crisisdiagnose": "gevorderd", "leiderschap": None}


# --- the frozen allocation -------------------------------------------------------------------

def _round_with_requests():
    rnd = make_round()
    a = make_activity("Oefening A", starts_at=datetime(2027, 3, 11, 13), seats={"OL": 1}, rnd=rnd,
                      competencies=["leiderschap"])
    b = make_activity("Oefening B", starts_at=datetime(2027, 4, 8, 13), seats={"OL": 1}, rnd=rnd)
    people = [factories.user(name=f"Persoon {i}") for i in range(3)]
    for person in people:
        rounds.add_to_ranking(person, rnd, a, NOW)
        rounds.add_to_ranking(person, rnd, b, NOW)
    return rnd, a, b, people


def test_limit_without_choice_is_what_the_norm_needs(app, needs):
    rnd, a, b, (p0, p1, p2) = _round_with_requests()
    needs.deficit[p2.id] = {"multi_exercise": 2}
    rounds.run_allocation(rnd, None, NOW + timedelta(days=11))
    limits = {p["id"]: p["limit"] for p in json.loads(rnd.instance_json)["people"]}
    assert limits == {rounds.person_key(p0.id): 1, rounds.person_key(p1.id): 1, rounds.person_key(p2.id): 2}
    assert statuses(a)[p2.id] == "assigned" and statuses(b)[p2.id] == "assigned"


def test_allocation_from_database_gives_priority_to_deficit_then_competency(app, needs):
    rnd, a, b, (p0, p1, p2) = _round_with_requests()
    needs.deficit[p2.id] = {"multi_exercise": 2}
    needs.plan[p1.id] = ["leiderschap"]
    rounds.set_max_seats(p2, rnd, 1, NOW)     # chosen; without it p2's norm would ask for both
    result = rounds.run_allocation(rnd, None, NOW + timedelta(days=11))
    assert statuses(a) == {p2.id: "assigned", p0.id: "waitlisted", p1.id: "waitlisted"}
    # B has no competency: between p0 and p1 the published lottery decides (p2 holds A, limit 1).
    from app.allocation import lottery
    winner = min((p0, p1), key=lambda p: lottery(rnd.seed, f"P{p.id}"))
    assert [uid for uid, s in statuses(b).items() if s == "assigned"] == [winner.id]
    assert rnd.seed == f"voorjaar-2027-{rnd.id}" and rnd.frozen
    assert taken(a) == 1 and taken(b) == 1
    # Waitlist of A: p1 (competency match) before p0.
    reg_p1 = registration.registration_of(p1, a)
    assert reg_p1.waitlist_position == 1 and registration.waitlist_rank(reg_p1) == 1
    assert result["waitlists"][f"A{a.id}/OL"] == [f"P{p1.id}", f"P{p0.id}"]
    mails = db.session.scalars(db.select(OutboxMessage.subject)).all()
    assert mails.count("Uitslag inschrijving Voorjaar 2027") == 3
    assert db.session.scalar(db.select(AuditLog).filter_by(action="allocation_run"))


def test_stored_instance_is_valid_and_rerunning_gives_the_stored_result(app, needs):
    rnd, a, b, people = _round_with_requests()
    rounds.set_max_seats(people[0], rnd, 2, NOW)
    rounds.move_in_ranking(people[1], rnd, b.id, -1, NOW)
    rounds.run_allocation(rnd, None, NOW + timedelta(days=11))
    instance = json.loads(rnd.instance_json)
    validate(instance)
    by_id = {p["id"]: p for p in instance["people"]}
    assert by_id[f"P{people[0].id}"]["limit"] == 2
    assert by_id[f"P{people[1].id}"]["requests"] == [f"A{b.id}", f"A{a.id}"]
    assert solve(instance) == json.loads(rnd.result_json)


def test_second_run_refuses_and_ranking_is_frozen(app, needs):
    rnd, a, _, people = _round_with_requests()
    rounds.run_allocation(rnd, None, NOW)
    with pytest.raises(rounds.AllocationRefused):
        rounds.run_allocation(rnd, None, NOW)
    with pytest.raises(base.RegistrationError, match="niet open"):
        rounds.add_to_ranking(factories.user(), rnd, a, NOW)
    assert rounds.close_due_rounds(NOW + timedelta(days=30)) == []


def test_close_due_runs_only_rounds_whose_window_closed(app, needs):
    rnd, *_ = _round_with_requests()
    assert rounds.close_due_rounds(NOW) == []
    assert rounds.close_due_rounds(NOW + timedelta(days=10, minutes=1)) == [rnd]
    assert rnd.frozen


def test_integration_invariants_on_a_busy_round(app, needs):
    import random
    rng = random.Random(5)
    rnd = make_round()
    days = [datetime(2027, 3, 1, 9) + timedelta(days=d) for d in (0, 0, 1, 2, 3)]
    acts = [make_activity(f"Act {i}", starts_at=d, seats={"OL": rng.randint(0, 2), "BA": rng.randint(1, 2)},
                          rnd=rnd, competencies=["leiderschap"] if i % 2 else [])
            for i, d in enumerate(days)]
    people = [factories.user(functions=(rng.choice(["OL", "BA"]),)) for _ in range(14)]
    for person in people:
        needs.deficit[person.id] = {"multi_exercise": rng.randint(0, 2)}
        needs.plan[person.id] = ["leiderschap"] if rng.random() < .5 else []
        wanted = [a for a in rng.sample(acts, 3) if registration.seat_for(person, a)]
        for a in wanted:
            rounds.add_to_ranking(person, rnd, a, NOW)
        if rng.random() < .5:
            rounds.set_max_seats(person, rnd, 2, NOW)
    rounds.run_allocation(rnd, None, NOW)
    regs = db.session.scalars(db.select(Registration)).all()
    for a in acts:
        for seat in a.seat_rows:
            holders = [r for r in regs if r.activity_id == a.id and r.function_id == seat.function_id
                       and r.status == "assigned"]
            assert len(holders) <= seat.seats
    for person in people:
        mine = [r for r in regs if r.user_id == person.id and r.status == "assigned"]
        assert len(mine) <= rounds.max_seats(person, rnd)
        assert len({r.activity.starts_at.date() for r in mine}) == len(mine)
        assert all(r.rank is not None for r in mine)   # only what they asked for
    assert {r.status for r in regs} <= {"assigned", "waitlisted"}


def test_outcome_explains_in_dutch(app, needs):
    rnd, a, b, (p0, p1, p2) = _round_with_requests()
    needs.deficit[p2.id] = {"multi_exercise": 2}
    needs.deficit[p0.id] = {"multi_exercise": 1}
    rounds.run_allocation(rnd, None, NOW)
    rows = rounds.outcome_for(p0, rnd)
    assert rows[0]["activity"] == a and not rows[0]["granted"]
    assert rows[0]["why"] == ("Deze activiteit ging eerst naar wie het meest achterloopt op de norm voor "
                              "multi_exercise. Jij had een achterstand van 1; de laatste plaats ging naar iemand "
                              "met een achterstand van 2.")
    assert rows[0]["waitlist_position"] == 1


def test_cancelled_activity_notifies_everyone_and_frees_seats(app):
    activity = make_activity(seats={"OL": 1})
    holder, waiting = factories.user(), factories.user()
    registration.register(holder, activity, NOW)
    registration.register(waiting, activity, NOW)
    coordinator = factories.user(roles=("coordinator",), functions=())
    assert management.cancel_activity(activity, coordinator, NOW) == 2
    assert set(statuses(activity).values()) == {"cancelled"} and taken(activity) == 0
    subjects = db.session.scalars(db.select(OutboxMessage.subject)).all()
    assert subjects.count("Geannuleerd: Multi-oefening") == 2
    assert db.session.scalar(db.select(AuditLog).filter_by(action="activity_cancelled"))


def test_attendance_feeds_the_portfolio_and_unticking_removes_it(app):
    activity = make_activity("Briefing week 48", kind="ops_briefing", starts_at=NOW - timedelta(hours=3),
                             seats={"OL": 3})
    people = [factories.user() for _ in range(2)]
    for person in people:
        db.session.add(Registration(user_id=person.id, activity_id=activity.id, status="assigned",
                                    function_id=activity.seat_rows[0].function_id))
    db.session.commit()
    coordinator = factories.user(roles=("coordinator",), functions=())
    assert management.record_attendance(activity, {people[0].id}, coordinator, NOW) == (1, 1)
    entry = db.session.scalar(db.select(PortfolioEntry))
    assert (entry.user_id, entry.kind, entry.activity_kind, entry.source, entry.source_ref) == \
        (people[0].id, "briefing", "ops_briefing", "attendance", str(activity.id))
    management.record_attendance(activity, {people[1].id}, coordinator, NOW)
    assert [e.user_id for e in db.session.scalars(db.select(PortfolioEntry))] == [people[1].id]
    assert statuses(activity) == {people[0].id: "no_show", people[1].id: "attended"}


def test_reminder_the_day_before_once_with_feedup_prompt(app):
    activity = make_activity(starts_at=datetime(2026, 11, 24, 19, 30))
    person = factories.user()
    registration.register(person, activity, NOW)
    assert registration.send_reminders(date(2026, 11, 23)) == 1
    assert registration.send_reminders(date(2026, 11, 23)) == 0
    body = db.session.scalar(db.select(OutboxMessage.body).where(OutboxMessage.subject.like("Morgen:%")))
    assert "Wat wil je hier leren? Schrijf je feedup in je portfolio" in body


def test_planned_provider_lists_assigned_upcoming(app):
    from app.norms.planned import planned_for

    activity = make_activity(starts_at=datetime(2027, 1, 14, 13))
    person = factories.user()
    registration.register(person, activity, NOW)
    planned = planned_for(person, date(2027, 1, 1), date(2027, 12, 31))
    assert [(p.activity_kind, p.on, p.ref) for p in planned] == \
        [("multi_exercise", date(2027, 1, 14), str(activity.id))]
    assert planned_for(person, date(2027, 2, 1), date(2027, 12, 31)) == []
