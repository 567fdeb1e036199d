"""Monitoring rules on hand-made data: bulk norm status, ratings, obligations, next activity, supply."""
import random
from collections import Counter
from datetime import date, datetime
from types import SimpleNamespace

import pytest

from app.extensions import db
from app.models import AuditLog, ModuleRead, ObligationFulfilment, OrganisationObligation
from app.monitor import obligations, status, views
from app.monitor.status import FunctionOverview, NormSummary, PersonStatus, Thresholds
from app.norms.services import progress
from tests import factories
from tests.monitor.data import activity, choose, entry, register

TODAY = date(2026, 6, 30)   # just under half of 2026 has passed
NOW = datetime(2026, 6, 30, 12, 0)


@pytest.fixture
def ol_norms(app):
    factories.norm("OL", "multi_exercise", 2026, "per_year", 2)
    factories.norm("OL", "icr", 2026, "once", 1)
    factories.norm("OL", "ops_briefing", 2026, "when_on_duty", None)
    return factories.region()


def people_by_name(region, year=2026, today=TODAY, **kw):
    (fo,) = status.overview(region.id, year, today, **kw)
    return fo, {p.name: p for p in fo.people}


def test_status_per_person_and_counts_per_norm(app, ol_norms):
    done, risk, behind, planned = (factories.user(name=n) for n in ("Done", "Risk", "Behind", "Planned"))
    for person in (done, risk, behind, planned):
        entry(person, "icr", date(2019, 5, 1))          # once: older history counts
    entry(done, "multi_exercise", date(2026, 3, 1))
    entry(done, "multi_exercise", date(2026, 5, 1))
    entry(risk, "multi_exercise", date(2026, 4, 1))      # 1 of 2 before two thirds of the year: at risk
    entry(behind, "multi_exercise", date(2025, 11, 1))   # last year does not count: 0 of 2 → behind
    for month in (9, 11):                                # 0 done but 2 seats ahead: at risk
        register(planned, activity(starts=datetime(2026, month, 3, 19)))
    fo, people = people_by_name(ol_norms)
    assert {n: p.statuses["multi_exercise"] for n, p in people.items()} == {
        "Done": "done", "Risk": "at_risk", "Behind": "behind", "Planned": "at_risk"}
    assert {n: p.overall for n, p in people.items()} == {
        "Done": "done", "Risk": "at_risk", "Behind": "behind", "Planned": "at_risk"}
    assert people["Behind"].missing == {"multi_exercise": 2}
    multi = next(s for s in fo.norms if s.kind == "multi_exercise")
    assert (multi.counts["done"], multi.counts["at_risk"], multi.counts["behind"]) == (1, 2, 1)
    briefing = next(s for s in fo.norms if s.kind == "ops_briefing")
    assert not briefing.counted                          # "bij dienst" is informational only
    assert fo.overall == Counter({"done": 1, "at_risk": 2, "behind": 1})


def test_past_year_is_measured_on_31_december(app, ol_norms):
    factories.norm("OL", "multi_exercise", 2025, "per_year", 2)
    factories.norm("OL", "icr", 2025, "once", 1)
    person = factories.user(name="Vorig jaar")
    entry(person, "icr", date(2024, 1, 1))
    entry(person, "multi_exercise", date(2025, 3, 1))
    entry(person, "multi_exercise", date(2025, 12, 30))
    entry(person, "multi_exercise", date(2026, 1, 2))    # next year: not for 2025
    _, people = people_by_name(ol_norms, year=2025)
    assert people["Vorig jaar"].statuses["multi_exercise"] == "done"
    _, people = people_by_name(ol_norms, year=2026)
    assert people["Vorig jaar"].statuses["multi_exercise"] == "at_risk"


def test_only_active_people_of_the_region(app, ol_norms):
    factories.user(name="Hier")
    factories.user(name="Weg", active=False)
    other = factories.region("ijsselland")
    factories.user(name="Elders", reg=other)
    _, people = people_by_name(ol_norms)
    assert set(people) == {"Hier"}


def test_bulk_status_agrees_with_the_personal_norm_page(app):
    """Same rules as norms.progress for every norm kind, on random evidence (no per-person queries)."""
    factories.norm("OL", "multi_exercise", 2026, "per_year", 2)
    factories.norm("OL", "icr", 2026, "once", 1)
    factories.norm("OL", "ops_briefing", 2026, "every_weeks", 1, weeks=5, or_when_on_duty=True)
    factories.norm("OL", "masterclass", 2026, "per_two_years", 1)
    factories.norm("OL", "competence", 2026, "per_year", 1)
    factories.norm("BA", "knowledge_day", 2026, "per_year", 1)
    rng = random.Random(8)
    people = [factories.user(functions=rng.choice([("OL",), ("BA",), ("OL", "BA")]), on_duty=rng.random() < .2)
              for _ in range(14)]
    kinds = ["multi_exercise", "icr", "ops_briefing", "masterclass", "knowledge_day"]
    for person in people:
        for _ in range(rng.randint(0, 6)):
            entry(person, rng.choice(kinds), date(2025, 1, 1) + (date(2026, 12, 31) - date(2025, 1, 1)) * rng.random())
        if rng.random() < .5:
            choose(person, 2026)
        if rng.random() < .4:
            register(person, activity(kind=rng.choice(kinds), starts=datetime(2026, rng.randint(7, 12), 2, 19)))
    region = factories.region()
    for today in (date(2026, 2, 10), TODAY, date(2026, 11, 20)):
        overview = status.overview(region.id, 2026, today)
        for fo in overview:
            for p in fo.people:
                person = db.session.get(type(people[0]), p.user_id)
                expected = {s.kind: s.status for s in progress(person, today)
                            if s.function_code == fo.function.code}
                assert p.statuses == expected, (today, fo.function.code, person.name)


def test_region_status_equals_the_plan_page_and_norms_evaluate(app):
    """The region overview, the person's plan page (`progress`) and `flask norms evaluate` give every person
    the same status and deficit per norm: the real norms file, piket rosters, newcomers, briefings held,
    seats held and chosen competencies, on random data at several dates (the report's run, with shares
    of the year on rolling norms, gives the same statuses)."""
    from datetime import timedelta

    from app.models import DutyPeriod
    from app.norms.cli import evaluate_case
    from app.norms.loader import TWENTE_NORMS, load_norms, read_norms_file

    region = factories.region()
    load_norms(region, read_norms_file(TWENTE_NORMS), [2025, 2026])
    db.session.commit()
    rng = random.Random(18)
    kinds = ["multi_exercise", "icr", "crisis_competence_scan", "ops_briefing", "knowledge_day", "peer_observation",
             "startup_exercise", "masterclass", "table_exercise_4h", "system_exercise"]
    for day in range(0, 700, 7):    # the region's Thursday briefings, as activities (briefings held)
        if rng.random() < .9:
            activity("ops_briefing", datetime(2025, 1, 2, 19) + timedelta(days=day))
    cases = []
    for _ in range(24):
        codes = rng.choice([("OL",), ("BA",), ("SCA",), ("CACO",), ("OL", "SCA"), ("BGM",)])
        person = factories.user(functions=codes, on_duty=rng.random() < .5)
        since = None if rng.random() < .6 else date(2025, 6, 1) + timedelta(days=rng.randint(0, 500))
        for row in person.function_rows:
            row.since = since
        duty = []
        if rng.random() < .5:
            start = date(2024, 11, 1) + timedelta(days=rng.randint(0, 30))
            while start < date(2027, 3, 1):
                duty.append((start, start + timedelta(days=rng.choice([0, 6, 6, 13]))))
                start += timedelta(weeks=rng.randint(4, 9))
            db.session.add_all(DutyPeriod(user_id=person.id, start=s, end=e) for s, e in duty)
        db.session.commit()
        evidence = []
        for _ in range(rng.randint(0, 25)):
            kind = rng.choice(kinds + ["ops_briefing"] * 4)
            on = date(2023, 1, 1) + timedelta(days=rng.randint(0, 1430))
            entry(person, kind, on)
            evidence.append({"kind": kind, "date": on.isoformat()})
        planned = []
        for _ in range(rng.randint(0, 3)):
            kind = rng.choice(["multi_exercise", "ops_briefing", "knowledge_day", "masterclass", "icr"])
            starts = datetime(2026, 1, 5, 19) + timedelta(days=rng.randint(0, 400))   # inside the 2-year horizon
            register(person, activity(kind, starts))
            planned.append({"kind": kind, "date": starts.date().isoformat()})
        chosen = {}
        if rng.random() < .6:
            year = rng.choice([2025, 2026])
            choose(person, year)
            chosen[str(year)] = ["crisisdiagnose"]
        cases.append((person, {"id": person.id, "functions": list(codes), "since": since and since.isoformat(),
                               "duty": [{"start": s.isoformat(), "end": e.isoformat()} for s, e in duty],
                               "evidence": evidence, "planned": planned, "plan_competencies": chosen}))
    codes = {f.id: f.code for f in db.session.scalars(db.select(status.Function))}
    reasons = set()
    for today in (date(2025, 3, 3), date(2026, 2, 10), date(2026, 6, 30), date(2026, 12, 28)):
        region_view = {}
        for fo in status.overview(region.id, today.year, today, shares=True):
            for p in fo.people:
                for s in fo.norms:
                    if s.kind in p.statuses:
                        region_view[p.user_id, fo.function.code, s.kind] = (
                            p.statuses[s.kind], p.missing.get(s.kind, 0))
                        if s.kind in p.shares:     # not for a newcomer who started after `today`
                            assert s.norm.period in ("every_weeks", "per_two_years") and 0 <= p.shares[s.kind] <= 1
        plan_page, evaluated = {}, {}
        for person, case in cases:
            for n in progress(person, today):
                plan_page[person.id, n.function_code, n.kind] = (n.status, n.missing)
                reasons.add(n.reason)
        for found in evaluate_case({"region": region.code, "today": today.isoformat(),
                                    "people": [case for _, case in cases]})["people"]:
            for row in found["norms"]:
                evaluated[found["id"], row["function"], row["kind"]] = (row["status"], row["missing"])
        assert len(region_view) > 100 and set(codes.values()) >= {code for _, code, _ in region_view}
        assert region_view == plan_page, today
        assert region_view == evaluated, today
    assert {"duty_missed", "duty_kept", "newcomer", "overdue", "pace_lost", "planned", "done"} <= reasons, reasons


# --- Ratings -------------------------------------------------------------------------------------

def fo_of(statuses: list[str], is_key=True, evidence=10, once_missing=False):
    """A function overview with one person per status; one norm of kind `once` when asked."""
    people = []
    for i, status in enumerate(statuses):
        p = PersonStatus(i, f"P{i}", False, statuses={"multi_exercise": status})
        people.append(p)
    norms = [NormSummary(SimpleNamespace(period="per_year"), "multi_exercise", "Multi", "per jaar", 2,
                         Counter(statuses))]
    if once_missing:
        norms.append(NormSummary(SimpleNamespace(period="once"), "icr", "ICR", "eenmalig", 1,
                                 Counter({"done": len(statuses) - 1, "behind": 1})))
    return FunctionOverview(SimpleNamespace(is_key=is_key, code="OL", name="OL"), norms, people, evidence=evidence)


def test_a_seat_held_for_a_once_only_norm_is_planned_not_risky():
    fo = fo_of(["done"] * 5)
    fo.norms.append(NormSummary(SimpleNamespace(period="once"), "crisis_competence_scan", "Scan", "eenmalig", 1,
                                Counter({"done": 4, "at_risk": 1})))    # one person holds a seat
    assert status.rate(fo)[0] == "ok"
    fo.norms[-1].counts = Counter({"done": 4, "behind": 1})              # one has neither done nor a seat
    assert status.rate(fo)[0] == "risky"


@pytest.mark.parametrize("statuses,kwargs,expected", [
    (["done", "done"], {}, "insufficient"),                                    # fewer than 3 people
    (["done", "done", "done"], {"evidence": 0}, "insufficient"),               # nothing recorded this year
    (["done", "behind", "behind", "behind", "done"], {}, "risky"),             # 40% op schema
    (["done"] * 5, {"once_missing": True}, "risky"),                           # key function: not startbekwaam
    (["done"] * 5, {"once_missing": True, "is_key": False}, "ok"),             # ... only for key functions
    (["done", "at_risk", "done", "behind", "behind"], {}, "improve"),          # 60%
    (["done", "done", "at_risk", "done", "behind"], {}, "ok"),                 # 80% is op orde
    (["at_risk"] * 4, {}, "ok"),                                               # risico counts as op schema
    (["done", "behind"] * 2, {}, "improve"),                                   # exactly 50%
])
def test_rating_rules(statuses, kwargs, expected):
    code, reason = status.rate(fo_of(statuses, **kwargs))
    assert code == expected and reason


def test_rating_rules_are_stated_for_every_rating():
    rules = Thresholds().rules()
    assert [code for code, _ in rules] == ["insufficient", "risky", "improve", "ok"]
    assert all(text.startswith(status.RATING_LABELS[code]) for code, text in rules)


def test_rating_thresholds_come_from_the_region(app):
    region = factories.region()
    region.rating_min_people, region.rating_ok_percent, region.rating_improve_percent = 2, 90, 60
    thresholds = Thresholds.of(region)
    assert "minstens 90%" in dict(thresholds.rules())["ok"]
    assert status.rate(fo_of(["done"] * 8 + ["behind"] * 2), thresholds)[0] == "improve"   # 80% < 90%
    assert status.rate(fo_of(["done", "done"]), thresholds)[0] == "ok"                    # 2 people suffice
    assert status.rate(fo_of(["done"] * 8 + ["behind"] * 2))[0] == "ok"                   # default 80%


# --- Obligations -----------------------------------------------------------------------------------

def obligation(text, position=0):
    item = OrganisationObligation(region_id=factories.region().id, position=position, text=text)
    db.session.add(item)
    db.session.commit()
    return item


def test_window_of_obligations_from_their_text_and_the_policy_period(app):
    region = factories.region()
    assert obligations.window("Jaarlijks één onverwachte systeemoefening", 2026, region) == (2026, 2026, False)
    assert obligations.window("Tunneloefening eens per vier jaar", 2026, region) == (2023, 2026, False)
    assert obligations.window("Minstens eens per beleidsperiode oefenen met VNOG", 2026, region) == (2023, 2026, False)
    region.policy_start, region.policy_end = 2026, 2029
    assert obligations.window("Minstens eens per beleidsperiode oefenen met VNOG", 2027, region) == (2026, 2029, True)
    assert obligations.window("Minstens eens per beleidsperiode oefenen met VNOG", 2030, region) == (2027, 2030, False)


def coded(text, code, position=0):
    item = obligation(text, position)
    item.code = code
    db.session.commit()
    return item


def test_unannounced_activity_counts_for_the_system_exercise_or_the_test_never_both(app):
    coordinator = factories.user(roles=("coordinator",), functions=())
    exercise = coded("Jaarlijks één onverwachte systeemoefening (deelnemers niet vooraf geïnformeerd)",
                     "system_exercise")
    test = coded("Jaarlijkse onverwachte systeemtest van de hoofdstructuur (Bvr art. 2.5.1)", "system_test", 1)
    other = obligation("Tunneloefening eens per vier jaar", 2)
    activity(kind="system_exercise", starts=datetime(2026, 7, 15, 20), unannounced=True, title="Later")
    activity(kind="system_exercise", starts=datetime(2026, 3, 3, 20), unannounced=True, cancelled=True)
    found = {s.obligation.id: s for s in obligations.obligations(factories.region().id, 2026, NOW)}
    assert found[exercise.id].status == "open"          # the July one has not happened yet
    night = activity(kind="system_exercise", starts=datetime(2026, 4, 2, 20), unannounced=True, title="Nachtalarm")
    found = {s.obligation.id: s for s in obligations.obligations(factories.region().id, 2026, NOW)}
    assert [a.title for a in found[exercise.id].automatic] == ["Nachtalarm"]
    assert found[exercise.id].status == "done" and found[test.id].status == "open"
    assert found[other.id].status == "open"
    # The coordinator says it was the system test: then it no longer counts for the exercise.
    obligations.link_activity(coordinator, test, 2026, night.id, "", True, NOW)
    found = {s.obligation.id: s for s in obligations.obligations(factories.region().id, 2026, NOW)}
    assert found[test.id].status == "done" and found[exercise.id].status == "open"
    with pytest.raises(obligations.MonitorError, match="óf"):
        obligations.link_activity(coordinator, exercise, 2026, night.id, "", True, NOW)


def test_linking_activities_full_partial_and_period(app):
    coordinator = factories.user(roles=("coordinator",), functions=())
    scenarios = obligation("Generieke scenario's jaarlijks beoefend: brand, toxische wolk")
    tunnel = obligation("Tunneloefening eens per vier jaar", 1)
    toxic = activity(starts=datetime(2026, 2, 2, 19), title="Toxische wolk Hengelo")
    obligations.link_activity(coordinator, scenarios, 2026, toxic.id, "toxische wolk", False, NOW)
    old_tunnel = activity(starts=datetime(2023, 5, 5, 19), title="Tunnel 2023")
    obligations.link_activity(coordinator, tunnel, 2023, old_tunnel.id, "", True, NOW)
    region_id = factories.region().id
    status = {s.obligation.id: s for s in obligations.obligations(region_id, 2026, NOW)}
    assert status[scenarios.id].status == "partial"
    assert status[tunnel.id].status == "done"            # 2023 is within four years of 2026
    assert {s.obligation.id: s for s in obligations.obligations(region_id, 2027, NOW)}[tunnel.id].status == "open"
    # A second link of the same activity updates it instead of adding one.
    obligations.link_activity(coordinator, scenarios, 2026, toxic.id, "alle scenario's", True, NOW)
    status = {s.obligation.id: s for s in obligations.obligations(region_id, 2026, NOW)}
    assert status[scenarios.id].status == "done" and len(status[scenarios.id].links) == 1


def test_monitor_services_leave_the_commit_to_the_request(app):
    coordinator = factories.user(roles=("coordinator",), functions=())
    person = factories.user()
    item = obligation("Generieke scenario's jaarlijks beoefend")
    kept = obligations.link_activity(coordinator, item, 2026, activity(starts=datetime(2026, 2, 2, 19)).id, "",
                                     True, NOW)
    db.session.commit()
    obligations.link_activity(coordinator, item, 2026, activity(starts=datetime(2026, 3, 2, 19)).id, "", True, NOW)
    obligations.unlink(coordinator, kept)
    views.log_view(coordinator, person)
    db.session.rollback()
    assert [link.id for link in db.session.scalars(db.select(ObligationFulfilment))] == [kept.id]
    assert db.session.scalars(db.select(AuditLog.action)).all() == ["obligation_linked"]


@pytest.mark.parametrize("case", ["future", "cancelled", "other_region", "other_year", "missing"])
def test_linking_refuses_activities_that_cannot_count(app, case):
    coordinator = factories.user(roles=("coordinator",), functions=())
    item = obligation("Iedere gemeente jaarlijks één oefenactiviteit op crisisteamniveau")
    act = {
        "future": lambda: activity(starts=datetime(2026, 9, 1, 19)),
        "cancelled": lambda: activity(starts=datetime(2026, 2, 1, 19), cancelled=True),
        "other_region": lambda: activity(starts=datetime(2026, 2, 1, 19), reg=factories.region("vnog")),
        "other_year": lambda: activity(starts=datetime(2025, 2, 1, 19)),
        "missing": lambda: SimpleNamespace(id=0),
    }[case]()
    with pytest.raises(obligations.MonitorError):
        obligations.link_activity(coordinator, item, 2026, act.id, "", True, NOW)


# --- Team view: next activity, demand and supply ------------------------------------------------

def test_next_activity_is_the_first_that_still_counts_and_has_room(app):
    factories.function("BA")
    activity(starts=datetime(2026, 7, 1, 19), seats={"OL": (2, 0)}, unannounced=True, title="Onaangekondigd")
    activity(starts=datetime(2026, 7, 2, 19), seats={"OL": (2, 0)}, cancelled=True, title="Geannuleerd")
    activity(starts=datetime(2026, 7, 3, 19), seats={"BA": (2, 0)}, title="Alleen BA")
    activity(starts=datetime(2026, 7, 4, 19), seats={"OL": (2, 2)}, title="Vol")
    activity(starts=datetime(2026, 8, 4, 19), seats={"OL": (2, 1)}, title="Plaats vrij")
    activity(starts=datetime(2027, 1, 4, 19), seats={"OL": (2, 0)}, title="Volgend jaar")
    region, ol = factories.region(), factories.function("OL")
    found = views.next_activities(region.id, ol.id, {"multi_exercise": date(2026, 12, 31)}, NOW)
    assert found["multi_exercise"].title == "Plaats vrij"
    assert views.next_activities(region.id, ol.id, {"knowledge_day": None}, NOW) == {}


def test_next_activity_falls_back_to_a_full_one(app):
    activity(starts=datetime(2026, 7, 4, 19), seats={"OL": (2, 2)}, title="Vol")
    found = views.next_activities(factories.region().id, factories.function("OL").id,
                                     {"multi_exercise": None}, NOW)
    assert found["multi_exercise"].title == "Vol"


def test_demand_against_supply_per_competency(app):
    a, b = factories.user(functions=("OL",)), factories.user(functions=("OL",))
    c = factories.user(functions=("BA",))
    choose(a, 2026, "crisisdiagnose")
    choose(b, 2026, "crisisdiagnose")
    choose(b, 2025, "leiderschap")                       # last year's plan: not this year's demand
    choose(c, 2026, "leiderschap")                       # another function
    choose(a, 2026, "nafase", status="pending")          # not approved yet
    activity(starts=datetime(2026, 5, 1, 19), seats={"OL": (3, 0), "BA": (1, 0)},
             competencies=("crisisdiagnose", "leiderschap"))
    activity(starts=datetime(2026, 6, 1, 19), seats={"OL": (2, 0)}, competencies=("leiderschap",), cancelled=True)
    activity(starts=datetime(2027, 6, 1, 19), seats={"OL": (2, 0)}, competencies=("crisisdiagnose",))
    rows = {d.code: d for d in views.demand_supply(factories.region().id, factories.function("OL").id, 2026)}
    assert (rows["crisisdiagnose"].demand, rows["crisisdiagnose"].activities, rows["crisisdiagnose"].seats) == (2, 1, 3)
    assert (rows["leiderschap"].demand, rows["leiderschap"].seats) == (0, 3)
    assert rows["nafase"].demand == 0


# --- Learning ------------------------------------------------------------------------------------

def test_reach_per_function_counts_readers_in_the_year(app):
    a, b = factories.user(functions=("OL",)), factories.user(functions=("OL",))
    factories.user(functions=("BA",))
    db.session.add_all([ModuleRead(user_id=a.id, slug="m1", read_at=datetime(2026, 3, 1)),
                        ModuleRead(user_id=a.id, slug="m2", read_at=datetime(2026, 4, 1)),
                        ModuleRead(user_id=b.id, slug="m1", read_at=datetime(2025, 4, 1))])
    db.session.commit()
    reach = {r.function.code: r for r in views.learning_reach(factories.region().id, 2026)}
    assert (reach["OL"].people, reach["OL"].readers, reach["OL"].reads, reach["OL"].percent) == (2, 1, 2, 50)
    assert (reach["BA"].people, reach["BA"].readers) == (1, 0)
    assert [(slug, n) for slug, _, n in views.module_reach(factories.region().id, 2026)] == [("m1", 1), ("m2", 1)]


def test_year_parameter():
    assert status.parse_year("2025", TODAY) == 2025
    assert status.parse_year("abc", TODAY) == 2026
    assert status.parse_year("2031", TODAY) == 2026
    assert status.reference_date(2025, TODAY) == date(2025, 12, 31)
    assert status.reference_date(2026, TODAY) == TODAY
