"""Monitor pages and exports: who may see them, page and htmx fragment, CSV, privacy, audit."""
import re
from datetime import date, datetime

import pytest

from app.extensions import db
from app.models import (AuditLog, ObservationNote, OrganisationObligation, PeerObservation, PlanGoal,
                        QuizAnswer, QuizAttempt, Reflection)
from app.models.monitor import ObligationFulfilment
from app.monitor import routes
from tests import factories
from tests.conftest import HTMX
from tests.monitor.data import activity, choose, entry, register

pytestmark = pytest.mark.postgresql  # the monitor reads with dialect-sensitive SQL: pages on both databases

NOW = datetime(2026, 6, 30, 12, 0)
PRIVATE = "GEHEIM-7f3a9c"        # must never reach a coordinator
SHARED = "GEDEELD-51b2e8"        # shared for the reflection conversation: must reach them


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch):
    monkeypatch.setattr(routes, "_now", lambda: NOW)


@pytest.fixture
def region_data(app):
    factories.norm("OL", "multi_exercise", 2026, "per_year", 2)
    factories.norm("OL", "icr", 2026, "once", 1)
    people = [factories.user(name=n, functions=("OL",)) for n in ("Anna Achter", "Bert Bijna", "Cor Compleet")]
    for p in people:
        entry(p, "icr", date(2020, 1, 1))
    entry(people[1], "multi_exercise", date(2026, 3, 1))
    entry(people[2], "multi_exercise", date(2026, 3, 1))
    entry(people[2], "multi_exercise", date(2026, 5, 1))
    obligation = OrganisationObligation(region_id=factories.region().id, position=0,
                                        text="Jaarlijks één onverwachte systeemoefening")
    db.session.add(obligation)
    db.session.commit()
    return {"people": people, "obligation": obligation}


@pytest.fixture
def coordinator(app, auth):
    person = factories.user(email="coord@example.nl", name="Coco Ordinator", roles=("coordinator",), functions=())
    auth.login("coord@example.nl")
    return person


def urls(data):
    person = data["people"][0]
    return [
        "/monitor", "/monitor?year=2025", "/monitor.csv", "/monitor/functions/OL", "/monitor/functions/OL.csv",
        f"/monitor/people/{person.id}", f"/monitor/people/{person.id}.csv", "/monitor/learning",
        "/monitor/learning.csv", "/monitor/report", "/monitor/report?year=2025",
        f"/monitor/obligations/{data['obligation'].id}",
    ]


@pytest.mark.parametrize("role", ["functionary", "author"])
def test_functionaries_and_authors_get_403(app, client, auth, region_data, role):
    factories.user(email="x@example.nl", roles=(role,))
    auth.login("x@example.nl")
    for url in urls(region_data):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/monitor/obligations/{region_data['obligation'].id}", data={}).status_code == 403
    assert client.post("/monitor/fulfilments/1/delete").status_code == 403


def test_anonymous_is_sent_to_login(app, client, region_data):
    for url in urls(region_data):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.location, url


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_coordinator_and_admin_see_every_view_as_page_and_fragment(app, client, auth, region_data, role):
    factories.user(email="c@example.nl", roles=(role,), functions=())
    auth.login("c@example.nl")
    for url in urls(region_data):
        full = client.get(url)
        assert full.status_code == 200, url
        if ".csv" in url:
            continue
        fragment = client.get(url, headers=HTMX)
        assert fragment.status_code == 200
        assert "<html" in full.get_data(as_text=True) and "<html" not in fragment.get_data(as_text=True), url
        assert "HX-Request" in full.headers["Vary"]


def test_system_view_counts_people_per_norm(app, client, coordinator, region_data):
    page = client.get("/monitor").get_data(as_text=True)
    assert "Monitor 2026" in page and 'role="img"' in page
    # Anna: 0 of 2 exercises at the end of June → achter; Bert 1 of 2 → risico; Cor → op norm.
    # (the test factory names activity kinds by their code)
    assert "multi_exercise: 1 op norm, 1 let op, 1 achter" in page
    assert "icr: 3 op norm, 0 let op, 0 achter" in page
    assert "/monitor/functions/OL" in page


def test_function_view_sorts_without_javascript(app, client, coordinator, region_data):
    by_name = client.get("/monitor/functions/OL?sort=name").get_data(as_text=True)
    assert by_name.index("Anna Achter") < by_name.index("Bert Bijna") < by_name.index("Cor Compleet")
    by_status = client.get("/monitor/functions/OL?sort=status").get_data(as_text=True)
    assert by_status.index("Anna Achter") < by_status.index("Bert Bijna") < by_status.index("Cor Compleet")
    fragment = client.get("/monitor/functions/OL?sort=missing", headers=HTMX).get_data(as_text=True)
    assert "<html" not in fragment and "grootste tekort eerst" in fragment
    assert client.get("/monitor/functions/NOPE").status_code == 404


def test_function_view_names_the_next_activity_that_helps(app, client, coordinator, region_data):
    activity(starts=datetime(2026, 9, 10, 19), title="Multi Hengelo", seats={"OL": (4, 0)})
    page = client.get("/monitor/functions/OL").get_data(as_text=True)
    assert page.count("Multi Hengelo") == 2              # Anna and Bert, not Cor


def test_system_csv(app, client, coordinator, region_data):
    response = client.get("/monitor.csv?year=2026")
    assert response.headers["Content-Disposition"] == 'attachment; filename="paraat-monitor-2026.csv"'
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeffJaar;Functie;Functienaam;Sleutelfunctie;Norm;Periode;Mensen;Op norm;Let op;Achter;Oordeel\r\n")
    lines = text.splitlines()
    assert any(line.startswith("2026;OL;") and ";Alle normen;;3;1;1;1;" in line for line in lines)


def test_function_and_person_csv(app, client, coordinator, region_data):
    text = client.get("/monitor/functions/OL.csv").get_data().decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("Naam;Totaal;")
    assert any(line.startswith("Anna Achter;Achter;") for line in lines)
    anna = region_data["people"][0]
    response = client.get(f"/monitor/people/{anna.id}.csv")
    assert f'filename="paraat-monitor-persoon-{anna.id}-2026.csv"' in response.headers["Content-Disposition"]
    assert "Onderdeel;Omschrijving;Datum;Status;Toelichting" in response.get_data().decode("utf-8-sig")


def test_people_of_other_regions_are_404_and_logged(app, client, coordinator, region_data):
    stranger = factories.user(name="Vreemde", reg=factories.region("ijsselland"))
    assert client.get(f"/monitor/people/{stranger.id}").status_code == 404
    assert client.get(f"/monitor/people/{stranger.id}.csv").status_code == 404
    assert client.get("/monitor/people/999999").status_code == 404
    refused = db.session.scalars(db.select(AuditLog).filter_by(action="access_refused")).all()
    assert len(refused) == 3 and all(r.actor_id == coordinator.id for r in refused)


def test_every_individual_view_is_audit_logged(app, client, coordinator, region_data):
    anna = region_data["people"][0]
    client.get(f"/monitor/people/{anna.id}")
    client.get(f"/monitor/people/{anna.id}?year=2025", headers=HTMX)
    client.get(f"/monitor/people/{anna.id}.csv")
    rows = db.session.scalars(db.select(AuditLog).where(AuditLog.action.like("monitor_%"))
                              .order_by(AuditLog.id)).all()
    assert [(r.action, r.actor_id, r.object_id) for r in rows] == [
        ("monitor_view_person", coordinator.id, str(anna.id)),
        ("monitor_view_person", coordinator.id, str(anna.id)),
        ("monitor_export_person", coordinator.id, str(anna.id))]
    assert rows[1].detail == "jaar 2025"


def test_private_text_never_reaches_a_coordinator_but_shared_text_does(app, client, coordinator, region_data):
    anna, bert = region_data["people"][:2]
    private = entry(anna, "multi_exercise", date(2026, 2, 1), title="Oefening A")
    private.notes = f"notitie {PRIVATE}"
    db.session.add_all([
        Reflection(user_id=anna.id, kind="feedup", entry_id=private.id, learn=f"leren {PRIVATE}"),
        Reflection(user_id=anna.id, kind="reflection", entry_id=private.id, went_well=f"goed {PRIVATE}",
                   to_develop=f"ontwikkelen {PRIVATE}"),
        Reflection(user_id=anna.id, kind="feedup", activity_id=4242, learn=f"activiteit {PRIVATE}"),
    ])
    observation = PeerObservation(observed_id=anna.id, observer_id=bert.id, entry_id=private.id, title="Waarneming",
                                  occurred_on=date(2026, 2, 1), status="done", general=f"algemeen {PRIVATE}")
    db.session.add(observation)
    db.session.flush()
    db.session.add(ObservationNote(observation_id=observation.id, goal_text="doel", text=f"noot {PRIVATE}"))
    attempt = QuizAttempt(user_id=anna.id, quiz_slug="crisisdiagnose-basis")
    db.session.add(attempt)
    db.session.flush()
    db.session.add(QuizAnswer(attempt_id=attempt.id, question_id="q1", response=PRIVATE, correct=False))
    shared = entry(anna, "multi_exercise", date(2026, 3, 1), title="Gedeelde oefening", shared=True)
    db.session.add(Reflection(user_id=anna.id, kind="reflection", entry_id=shared.id, went_well=f"goed {SHARED}"))
    db.session.commit()

    responses = {}
    for url in urls(region_data) + ["/monitor/functions/OL?sort=name", "/monitor/learning?quiz=crisisdiagnose-basis"]:
        for headers in ({}, HTMX):
            response = client.get(url, headers=headers)
            assert response.status_code == 200, url
            responses[(url, bool(headers))] = response.get_data().decode("utf-8-sig")
    leaks = [key for key, body in responses.items() if PRIVATE in body]
    assert leaks == []
    person_page = responses[(f"/monitor/people/{anna.id}", False)]
    assert SHARED in person_page and "Gedeelde oefening" in person_page
    assert SHARED in responses[(f"/monitor/people/{anna.id}.csv", False)]


def test_person_view_shows_plan_norms_and_attendance(app, client, coordinator, region_data):
    anna = region_data["people"][0]
    pc = choose(anna, 2026, "leiderschap")
    db.session.add(PlanGoal(plan_id=pc.plan_id, text="Beter voorzitten onder tijdsdruk"))
    db.session.commit()
    register(anna, activity(starts=datetime(2026, 4, 1, 19), title="Oefening april"), status="attended")
    page = client.get(f"/monitor/people/{anna.id}").get_data(as_text=True)
    for text in ("Anna Achter in 2026", "Beter voorzitten onder tijdsdruk", "Leiderschap", "Oefening april",
                 "Aanwezig", "multi_exercise", "0 van 2"):
        assert text in page


def test_link_an_activity_to_an_obligation_and_remove_it(app, client, coordinator, region_data):
    item = region_data["obligation"]
    past = activity(kind="system_exercise", starts=datetime(2026, 3, 3, 20), title="Systeemtest maart")
    response = client.post(f"/monitor/obligations/{item.id}?year=2026",
                           data={"year": "2026", "activity_id": str(past.id), "note": "hele hoofdstructuur",
                                 "covers_all": "y"})
    assert response.status_code == 302
    page = client.get("/monitor").get_data(as_text=True)
    assert "voldaan door Systeemtest maart" in page
    assert db.session.scalar(db.select(AuditLog).filter_by(action="obligation_linked")).actor_id == coordinator.id
    link = db.session.scalar(db.select(ObligationFulfilment))
    assert client.post(f"/monitor/fulfilments/{link.id}/delete").status_code == 302
    assert db.session.scalar(db.select(ObligationFulfilment)) is None
    assert "nog niet" in client.get("/monitor").get_data(as_text=True)


def test_linking_a_future_or_unknown_activity_explains_why(app, client, coordinator, region_data):
    item = region_data["obligation"]
    future = activity(starts=datetime(2026, 10, 3, 20), title="Nog niet geweest")
    response = client.post(f"/monitor/obligations/{item.id}?year=2026",
                           data={"year": "2026", "activity_id": str(future.id)})
    assert response.status_code == 422
    response = client.post(f"/monitor/obligations/{item.id}?year=2026",
                           data={"year": "2026", "activity_id": "abc"})
    assert response.status_code == 422 and "Kies een activiteit uit de lijst." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(ObligationFulfilment)) is None


def test_obligations_and_links_of_other_regions_are_404(app, client, coordinator, region_data):
    other = factories.region("vnog")
    item = OrganisationObligation(region_id=other.id, position=0, text="Elders")
    db.session.add(item)
    db.session.commit()
    link = ObligationFulfilment(obligation_id=item.id, year=2026, activity_id=None, activity_title="x")
    db.session.add(link)
    db.session.commit()
    assert client.get(f"/monitor/obligations/{item.id}").status_code == 404
    assert client.post(f"/monitor/fulfilments/{link.id}/delete").status_code == 404
    assert db.session.get(ObligationFulfilment, link.id) is not None


def test_report_states_the_rules_and_rates_each_function(app, client, coordinator, region_data):
    page = client.get("/monitor/report?year=2026").get_data(as_text=True)
    for label in ("Op orde", "Voor verbetering vatbaar", "Onvoldoende gegevens", "Risicovol"):
        assert label in page
    assert "minstens 80% van de mensen is op schema" in page
    # OL: 3 people, Anna behind → 67% op schema → voor verbetering vatbaar.
    assert "67% op schema." in page


def test_learning_view_and_csv(app, client, coordinator, region_data):
    page = client.get("/monitor/learning").get_data(as_text=True)
    assert "Bereik van microlearnings per functie" in page and "minstens 5 mensen" in page
    text = client.get("/monitor/learning.csv").get_data().decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Onderdeel;Code;Naam;Mensen;Lezers")
    assert "Bereik per functie;OL;" in text


def test_bad_year_falls_back_to_this_year(app, client, coordinator, region_data):
    assert "Monitor 2026" in client.get("/monitor?year=%27;drop").get_data(as_text=True)


def test_report_says_the_ratings_are_the_regions_yardstick_with_its_thresholds(app, client, coordinator, region_data):
    region = factories.region()
    region.rating_ok_percent = 90
    db.session.commit()
    page = client.get("/monitor/report?year=2026").get_data(as_text=True)
    assert "maatstaf van de regio" in page and "minstens 90% van de mensen is op schema" in page
    assert "regel van de regio" in page                 # the pace rule and the newcomer rule are the region's
    system = client.get("/monitor?year=2026").get_data(as_text=True)
    assert "maatstaf van de regio" in system and "minstens 90%" in system
    assert "Let op" in system and "Risico<" not in system


def test_yearly_report_shows_the_share_of_the_year_on_a_rolling_norm(app, client, coordinator):
    factories.norm("OL", "ops_briefing", 2025, "every_weeks", 1, weeks=5)
    person = factories.user(name="Elf Maanden", functions=("OL",))
    day = date(2025, 1, 2)
    while day < date(2025, 11, 25):                      # a briefing every four weeks until late November
        entry(person, "ops_briefing", day, "briefing")
        day = date.fromordinal(day.toordinal() + 28)
    page = client.get("/monitor/report?year=2025").get_data(as_text=True)
    row = page.split("Deel van 2025 op norm")[1].split("</tr>", 2)[1]
    assert ">OL<" in row
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)        # Norm, Mensen, share, behind
    share = int(cells[2].split("%")[0])
    assert 90 <= share <= 96                              # on norm until 5 weeks after the last, in December
    assert cells[3].startswith("1")                       # and behind on 31 December itself


def test_roster_upload_saves_duty_periods_and_refuses_a_bad_file_whole(app, client, coordinator):
    import io
    from app.models import DutyPeriod
    jan = factories.user(email="jan@example.nl", name="Jan Piket", functions=("OL",))
    factories.user(email="elders@example.nl", reg=factories.region("vnog"))
    good = "\ufeffe-mail;begin;eind\r\njan@example.nl;4-7-2026;10-7-2026\r\nJAN@example.nl;2026-09-07;2026-09-13\r\n"
    response = client.post("/monitor/roster", data={"roster": (io.BytesIO(good.encode()), "rooster.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    page = client.get("/monitor/roster").get_data(as_text=True)
    assert "2 dienstperiode(s) toegevoegd" in page and "Jan Piket" in page and "4 juli 2026" in page
    client.post("/monitor/roster", data={"roster": (io.BytesIO(good.encode()), "rooster.csv")},
                content_type="multipart/form-data")
    assert db.session.scalar(db.select(db.func.count()).select_from(DutyPeriod)) == 2   # idempotent
    bad = "jan@example.nl;1-10-2026;7-10-2026\nelders@example.nl;1-10-2026;7-10-2026\njan@example.nl;31-2-2026;1-3-2026\n"
    response = client.post("/monitor/roster", data={"roster": (io.BytesIO(bad.encode()), "fout.csv")},
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Er is niets ingelezen" in page
    assert "fout.csv:2: onbekend e-mailadres &#39;elders@example.nl&#39; in deze regio." in page
    assert "fout.csv:3: ongeldige datum" in page
    assert db.session.scalar(db.select(db.func.count()).select_from(DutyPeriod)) == 2   # nothing of it saved
    assert {p.user_id for p in db.session.scalars(db.select(DutyPeriod))} == {jan.id}


def test_roster_is_for_coordinators_only(app, client, auth):
    factories.user(email="f@example.nl", functions=("OL",))
    auth.login("f@example.nl")
    assert client.get("/monitor/roster").status_code == 403


def test_report_time_is_amsterdam_wall_clock_not_converted_twice(app, client, coordinator, region_data, monkeypatch):
    monkeypatch.setattr(routes, "_now", lambda: datetime(2026, 3, 12, 4, 0))  # Amsterdam wall clock
    page = client.get("/monitor/report?year=2026").get_data(as_text=True)
    assert "Opgesteld 12 maart 2026 04:00" in page


def test_coordinator_reads_about_the_person_and_the_functionary_is_still_addressed(app, client, auth, coordinator,
                                                                                    region_data):
    """Coordinator pages speak about the person ("Heeft nog 2 oefeningen nodig"); the functionary's
    own /plan keeps speaking to them ("Nog 2 oefeningen nodig")."""
    anna = region_data["people"][0]
    for url in (f"/monitor/people/{anna.id}", f"/plan/review/{anna.id}?year=2026"):
        page = client.get(url).get_data(as_text=True)
        assert "Heeft nog 2 oefeningen nodig" in page, url
        assert ">Nog 2 oefeningen nodig" not in page and not re.search(r"\bje raakt\b", page), url
    client.post("/logout")
    auth.login(anna.email)
    own = client.get("/plan?year=2026").get_data(as_text=True)
    assert "Nog 2 oefeningen nodig" in own and "Heeft nog" not in own
