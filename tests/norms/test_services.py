"""Norm progress for every norm kind: periods, year boundaries, rolling windows, duty, several functions."""
from datetime import date, datetime

import pytest

from app.extensions import db
from app.models import DevelopmentPlan, DutyPeriod, PlanCompetency
from app.norms import services as norms
from app.norms.planned import Planned, register_planned_provider
from app.portfolio.services import record_entry
from tests import factories

_ref = iter(range(1, 10_000))


def entry(user, kind, on, entry_kind="activity"):
    return record_entry(user.id, entry_kind, on, f"{kind} {on}", activity_kind=kind, source="test",
                        source_ref=str(next(_ref)))


def status_of(user, kind, today, function="OL", planned=None):
    found = [s for s in norms.progress(user, today, planned=planned) if s.kind == kind and s.function_code == function]
    assert len(found) == 1
    return found[0]


@pytest.fixture
def ol(app):
    factories.norm("OL", "multi_exercise", 2026, "per_year", 2)
    factories.norm("OL", "ops_briefing", 2026, "every_weeks", 1, weeks=5, or_when_on_duty=True)
    return factories.user(functions=("OL",))


def test_per_year_counts_only_this_calendar_year(app, ol):
    entry(ol, "multi_exercise", date(2025, 12, 31))
    entry(ol, "multi_exercise", date(2026, 1, 1))
    s = status_of(ol, "multi_exercise", date(2026, 3, 1))
    assert (s.done, s.required, s.status) == (1, 2, "at_risk")
    assert [e.occurred_on for e in s.counted] == [date(2026, 1, 1)]
    entry(ol, "multi_exercise", date(2026, 6, 1))
    assert status_of(ol, "multi_exercise", date(2026, 6, 2)).status == "done"


def test_per_year_behind_when_pace_lost_and_future_entries_not_counted(app, ol):
    entry(ol, "multi_exercise", date(2026, 9, 1))  # after "today": not done yet
    s = status_of(ol, "multi_exercise", date(2026, 5, 15))  # past a third of the year with 0 of 2
    assert s.done == 0 and s.status == "behind" and s.missing == 2
    assert "Nog 2 oefeningen nodig" in s.forecast
    # Early in the year nothing done is still on pace (at risk, not behind).
    assert status_of(ol, "multi_exercise", date(2026, 2, 1)).status == "at_risk"


def test_forecast_with_planned_activities(app, ol):
    planned = [Planned("multi_exercise", date(2026, 9, 10), "Oefening A", "1"),
               Planned("multi_exercise", date(2026, 11, 5), "Oefening B", "2"),
               Planned("multi_exercise", date(2027, 2, 1), "Volgend jaar", "3")]
    s = status_of(ol, "multi_exercise", date(2026, 8, 1), planned=planned)
    assert s.status == "at_risk"
    assert s.forecast == "Met de 2 oefeningen waarvoor je bent ingeschreven haal je de norm."
    assert [p.title for p in s.planned] == ["Oefening A", "Oefening B"]
    s = status_of(ol, "multi_exercise", date(2026, 8, 1), planned=planned[:1])
    assert s.status == "behind" and "heb je er nog 1 nodig" in s.forecast


def test_planned_provider_is_used_by_default(app, ol):
    register_planned_provider(app, lambda user, start, end: [Planned("multi_exercise", date(2026, 10, 1), "X", "9")]
                              if start <= date(2026, 10, 1) <= end else [])
    entry(ol, "multi_exercise", date(2026, 3, 1))
    s = status_of(ol, "multi_exercise", date(2026, 9, 1))
    assert s.status == "at_risk" and "Met de 1 oefening waarvoor" in s.forecast


def test_rolling_briefing_deadline_across_new_year(app, ol):
    entry(ol, "ops_briefing", date(2025, 12, 18), "briefing")
    s = status_of(ol, "ops_briefing", date(2026, 1, 5))
    assert s.deadline == date(2026, 1, 22) and s.status == "done"  # 17 days left
    assert "22 januari 2026" in s.forecast
    s = status_of(ol, "ops_briefing", date(2026, 1, 10))
    assert s.status == "at_risk"  # 12 days left and no briefing planned
    s = status_of(ol, "ops_briefing", date(2026, 1, 10), planned=[Planned("ops_briefing", date(2026, 1, 15), "B")])
    assert s.status == "done"
    s = status_of(ol, "ops_briefing", date(2026, 1, 23))
    assert s.status == "behind" and s.missing == 1
    assert status_of(ol, "ops_briefing", date(2026, 1, 22)).status == "at_risk"  # deadline day itself is fine


def test_rolling_briefing_never_attended_is_behind(app, ol):
    assert status_of(ol, "ops_briefing", date(2026, 3, 1)).status == "behind"


def duty(person, *periods):
    for start, end in periods:
        db.session.add(DutyPeriod(user_id=person.id, start=start, end=end))
    db.session.commit()


def test_being_in_the_roster_is_never_attendance(app):
    factories.norm("OL", "ops_briefing", 2026, "every_weeks", 1, weeks=5, or_when_on_duty=True)
    person = factories.user(functions=("OL",), on_duty=True)
    s = status_of(person, "ops_briefing", date(2026, 3, 1))
    assert s.status == "behind" and s.missing == 1      # no duty periods recorded: the 5-week rule
    assert norms.deficits(person, date(2026, 3, 1)) == {"ops_briefing": 1}


def test_piket_every_past_duty_period_needs_a_briefing(app):
    factories.norm("OL", "ops_briefing", 2026, "every_weeks", 1, weeks=5, or_when_on_duty=True)
    person = factories.user(functions=("OL",), on_duty=True)
    duty(person, (date(2026, 2, 2), date(2026, 2, 8)), (date(2026, 4, 6), date(2026, 4, 12)),
         (date(2026, 6, 1), date(2026, 6, 7)))
    entry(person, "ops_briefing", date(2026, 2, 5), "briefing")
    # Two months after the last briefing the 5-week rule would say "achter"; the duty rule does not.
    s = status_of(person, "ops_briefing", date(2026, 3, 30))
    assert (s.status, s.reason, s.deadline) == ("done", "duty_kept", date(2026, 4, 12))
    s = status_of(person, "ops_briefing", date(2026, 4, 8))          # on duty, no briefing yet
    assert (s.status, s.deadline) == ("at_risk", date(2026, 4, 12)) and "dienst tot en met 12 april 2026" in s.forecast
    s = status_of(person, "ops_briefing", date(2026, 4, 20))         # the April duty passed without one
    assert s.status == "behind" and "6 april 2026 tot en met 12 april 2026" in s.forecast
    assert status_of(person, "ops_briefing", date(2026, 5, 20)).status == "behind"   # until a later duty
    entry(person, "ops_briefing", date(2026, 6, 4), "briefing")
    assert status_of(person, "ops_briefing", date(2026, 6, 10)).status == "done"


def test_piket_or_every_five_weeks_the_better_counts(app):
    factories.norm("OL", "ops_briefing", 2026, "every_weeks", 1, weeks=5, or_when_on_duty=True)
    person = factories.user(functions=("OL",), on_duty=True)
    duty(person, (date(2026, 2, 2), date(2026, 2, 8)))
    entry(person, "ops_briefing", date(2026, 2, 20), "briefing")     # missed the duty, but goes every 5 weeks
    s = status_of(person, "ops_briefing", date(2026, 3, 10))
    assert (s.status, s.deadline) == ("done", date(2026, 3, 27))
    assert status_of(person, "ops_briefing", date(2026, 3, 28)).reason == "duty_missed"


def test_piket_duty_period_without_any_briefing_held_is_skipped(app):
    from tests.monitor.data import activity
    factories.norm("OL", "ops_briefing", 2026, "every_weeks", 1, weeks=5, or_when_on_duty=True)
    person = factories.user(functions=("OL",), on_duty=True)
    duty(person, (date(2026, 2, 2), date(2026, 2, 8)), (date(2026, 7, 20), date(2026, 7, 26)))
    activity(kind="ops_briefing", starts=datetime(2026, 2, 5, 19), title="Briefing")   # summer: none held
    entry(person, "ops_briefing", date(2026, 2, 5), "briefing")
    assert status_of(person, "ops_briefing", date(2026, 8, 3)).status == "done"


def test_ba_briefing_has_no_duty_rule(app):
    factories.norm("BA", "ops_briefing", 2026, "every_weeks", 1, weeks=5)
    person = factories.user(functions=("BA",), on_duty=True)
    duty(person, (date(2026, 2, 2), date(2026, 2, 8)))
    entry(person, "ops_briefing", date(2026, 2, 5), "briefing")
    s = status_of(person, "ops_briefing", date(2026, 3, 20), "BA")
    assert (s.status, s.reason, s.deadline) == ("behind", "overdue", date(2026, 3, 12))


def test_once_counts_any_year(app):
    factories.norm("OL", "icr", 2026, "once", 1)
    person = factories.user(functions=("OL",))
    assert status_of(person, "icr", date(2026, 5, 1)).status == "behind"
    entry(person, "icr", date(2019, 4, 1))
    assert status_of(person, "icr", date(2026, 5, 1)).status == "done"


def test_per_two_years_is_rolling(app):
    factories.norm("BGM", "masterclass", 2026, "per_two_years", 1)
    factories.norm("BGM", "masterclass", 2027, "per_two_years", 1)
    person = factories.user(functions=("BGM",))
    entry(person, "masterclass", date(2025, 10, 2))
    # A masterclass 15 months ago: not behind on 4 January 2027; the next is due two years after it.
    s = status_of(person, "masterclass", date(2027, 1, 4), "BGM")
    assert (s.status, s.done, s.deadline) == ("done", 1, date(2027, 10, 2))
    assert status_of(person, "masterclass", date(2027, 8, 1), "BGM").status == "at_risk"   # due within 3 months
    s = status_of(person, "masterclass", date(2027, 10, 3), "BGM")
    assert (s.status, s.done) == ("behind", 0)


def test_newcomer_is_not_behind_before_the_norms_own_period(app):
    from app.models import UserFunction
    factories.norm("OL", "multi_exercise", 2026, "per_year", 2)
    factories.norm("OL", "ops_briefing", 2026, "every_weeks", 1, weeks=5, or_when_on_duty=True)
    factories.norm("OL", "icr", 2026, "once", 1)
    person = factories.user(functions=("OL",))
    db.session.execute(db.update(UserFunction).where(UserFunction.user_id == person.id)
                       .values(since=date(2026, 9, 1)))
    db.session.commit()
    db.session.expire_all()
    s = status_of(person, "ops_briefing", date(2026, 9, 20))
    assert (s.status, s.reason, s.regional) == ("at_risk", "newcomer", True) and "regel van de regio" in s.forecast
    assert status_of(person, "ops_briefing", date(2026, 10, 7)).status == "behind"   # 5 weeks have passed
    s = status_of(person, "multi_exercise", date(2026, 12, 1))
    assert (s.required, s.status) == (1, "at_risk")      # 2 x 122/365 rounded up; a year to get there
    assert status_of(person, "icr", date(2026, 9, 20)).status == "behind"   # the entry requirement


def test_when_on_duty_and_unstated_count_are_informational(app):
    factories.norm("CACO", "ops_briefing", 2026, "when_on_duty", None)
    factories.norm("CACO", "council_training", 2026, "per_year", None)
    person = factories.user(functions=("CACO",))
    statuses = norms.progress(person, date(2026, 12, 1))
    assert {s.status for s in statuses} == {"info"}
    assert norms.deficits(person, date(2026, 12, 1)) == {}
    assert any("Doorlopend" in s.forecast for s in statuses)


def test_competence_counts_approved_plan_competency(app):
    factories.norm("OL", "competence", 2026, "per_year", 1)
    person = factories.user(functions=("OL",))
    comp = factories.competency("leiderschap")
    assert status_of(person, "competence", date(2026, 9, 1)).status == "behind"
    plan = DevelopmentPlan(user_id=person.id, year=2026)
    db.session.add(plan)
    db.session.flush()
    db.session.add(PlanCompetency(plan_id=plan.id, proposed_name="Iets nieuws", status="pending"))
    db.session.commit()
    assert status_of(person, "competence", date(2026, 9, 1)).status == "behind"  # pending does not count
    db.session.add(PlanCompetency(plan_id=plan.id, competency_id=comp.id, status="approved"))
    db.session.commit()
    assert status_of(person, "competence", date(2026, 9, 1)).status == "done"
    assert status_of(person, "competence", date(2027, 1, 5)).done == 0  # a new year needs a new choice


def test_multiple_functions_both_sets_and_entries_count_for_both(app):
    factories.norm("OL", "multi_exercise", 2026, "per_year", 2)
    factories.norm("OL", "startup_exercise", 2026, "per_year", 2)
    factories.norm("BA", "multi_exercise", 2026, "per_year", 3)
    person = factories.user(functions=("OL", "BA"))
    entry(person, "multi_exercise", date(2026, 2, 1))
    statuses = norms.progress(person, date(2026, 3, 1))
    assert {(s.function_code, s.kind, s.done) for s in statuses} == {
        ("BA", "multi_exercise", 1), ("OL", "multi_exercise", 1), ("OL", "startup_exercise", 0)}
    assert norms.deficits(person, date(2026, 3, 1)) == {"multi_exercise": 2, "startup_exercise": 2}


def test_norms_of_latest_earlier_year_apply(app):
    factories.norm("OL", "multi_exercise", 2025, "per_year", 2)
    person = factories.user(functions=("OL",))
    assert [s.kind for s in norms.progress(person, date(2026, 3, 1))] == ["multi_exercise"]
    assert norms.progress(person, date(2024, 3, 1)) == []


def test_deficits_bulk_matches_per_person(app):
    factories.norm("OL", "multi_exercise", 2026, "per_year", 2)
    factories.norm("OL", "icr", 2026, "once", 1)
    factories.norm("OL", "ops_briefing", 2026, "every_weeks", 1, weeks=5, or_when_on_duty=True)
    factories.norm("OL", "competence", 2026, "per_year", 1)
    factories.norm("BA", "multi_exercise", 2026, "per_year", 3)
    factories.norm("BGM", "masterclass", 2026, "per_two_years", 1)
    a = factories.user(functions=("OL",))
    b = factories.user(functions=("OL", "BA"))
    c = factories.user(functions=("BGM",))
    d = factories.user(functions=("OL",), on_duty=True)
    entry(a, "multi_exercise", date(2026, 1, 10))
    entry(a, "icr", date(2020, 1, 1))
    entry(a, "ops_briefing", date(2026, 2, 20), "briefing")
    entry(b, "multi_exercise", date(2025, 5, 1))
    entry(c, "masterclass", date(2025, 6, 1))
    today = date(2026, 3, 1)
    bulk = norms.deficits_bulk([a.id, b.id, c.id, d.id], 2026, today=today)
    for person in (a, b, c, d):
        assert bulk[person.id] == norms.deficits(person, today)
    assert bulk[a.id] == {"multi_exercise": 1, "competence": 1}
    assert bulk[b.id]["multi_exercise"] == 3 and bulk[c.id] == {}
    assert bulk[d.id]["ops_briefing"] == 1              # in the roster, never at a briefing
    duty(d, (date(2026, 1, 5), date(2026, 1, 11)), (date(2026, 3, 2), date(2026, 3, 8)))
    entry(d, "ops_briefing", date(2026, 1, 8), "briefing")
    bulk = norms.deficits_bulk([d.id], 2026, today=today)
    assert bulk[d.id] == norms.deficits(d, today) and "ops_briefing" not in bulk[d.id]


def test_deficits_bulk_uses_few_queries(app):
    from sqlalchemy import event
    factories.norm("OL", "multi_exercise", 2026, "per_year", 2)
    ids = [factories.user(functions=("OL",)).id for _ in range(8)]
    statements = []
    listener = lambda conn, cur, stmt, *a: statements.append(stmt)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        result = norms.deficits_bulk(ids, 2026, today=date(2026, 3, 1))
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(statements) <= 6, statements
    assert all(result[i] == {"multi_exercise": 2} for i in ids)
