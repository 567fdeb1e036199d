"""Norm progress for every norm kind: periods, year boundaries, rolling windows, duty, several functions."""
from datetime import date

import pytest

from app.extensions import db
from app.models import DevelopmentPlan, PlanCompetency
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


def test_rolling_briefing_on_duty_is_satisfied_by_duty(app):
    factories.norm("OL", "ops_briefing", 2026, "every_weeks", 1, weeks=5, or_when_on_duty=True)
    person = factories.user(functions=("OL",), on_duty=True)
    s = status_of(person, "ops_briefing", date(2026, 3, 1))
    assert s.status == "done" and s.via_duty and s.status_label == "Voldaan via piket"
    assert norms.deficits(person, date(2026, 3, 1)) == {}


def test_once_counts_any_year(app):
    factories.norm("OL", "icr", 2026, "once", 1)
    person = factories.user(functions=("OL",))
    assert status_of(person, "icr", date(2026, 5, 1)).status == "behind"
    entry(person, "icr", date(2019, 4, 1))
    assert status_of(person, "icr", date(2026, 5, 1)).status == "done"


def test_per_two_years_window_is_this_and_previous_year(app):
    factories.norm("BGM", "masterclass", 2026, "per_two_years", 1)
    person = factories.user(functions=("BGM",))
    entry(person, "masterclass", date(2024, 12, 31))
    s = status_of(person, "masterclass", date(2026, 3, 1), "BGM")
    # 2024 is outside the window; 0 of 1 after more than half of the two years: behind
    assert s.done == 0 and (s.start, s.end) == (date(2025, 1, 1), date(2026, 12, 31)) and s.status == "behind"
    entry(person, "masterclass", date(2025, 1, 1))
    assert status_of(person, "masterclass", date(2026, 12, 31), "BGM").status == "done"
    # The same masterclass no longer counts once its year falls out of the window.
    factories.norm("BGM", "masterclass", 2027, "per_two_years", 1)
    assert status_of(person, "masterclass", date(2027, 1, 2), "BGM").done == 0


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
    assert "ops_briefing" not in bulk[d.id]


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
