"""Activity pages over HTTP: page and htmx fragment, permissions per role, object checks, iCal, CLI."""
import json
import re
from datetime import datetime, timedelta

import pytest
from icalendar import Calendar

from app.extensions import db
from app.models import Activity, AuditLog, OutboxMessage, Registration, RegistrationRound
from tests import factories
from tests.activities.conftest import NOW, make_activity, make_round
from tests.conftest import HTMX


@pytest.fixture
def person(app, auth, clock):
    user = factories.user(email="ol@example.nl", functions=("OL",))
    auth.login("ol@example.nl")
    return user


@pytest.fixture
def coordinator(app, auth, clock):
    user = factories.user(email="coord@example.nl", roles=("coordinator",), functions=())
    auth.login("coord@example.nl")
    return user


def text(response):
    return response.get_data(as_text=True)


def no_digest(page):
    """No hex digest (lottery ticket) in what the person reads: the page's <main>, not asset URLs."""
    main = page[page.index("<main"):page.index("</main>")]
    return not re.search(r"[0-9a-f]{10}", main)


# --- catalogue and detail ----------------------------------------------------------------------

def test_catalogue_as_page_and_fragment_with_need_labels(client, person, needs):
    make_activity("Multi Dinkel", competencies=["leiderschap"])
    make_activity("Alleen voor BA", seats={"BA": 2})
    needs.deficit[person.id] = {"multi_exercise": 1}
    needs.plan[person.id] = ["leiderschap"]
    page = client.get("/activities")
    assert page.status_code == 200 and "<html" in text(page) and "HX-Request" in page.headers["Vary"]
    assert "Multi Dinkel" in text(page) and "Alleen voor BA" not in text(page)
    assert "telt voor je norm" in text(page) and "past bij je competentie" in text(page)
    fragment = text(client.get("/activities?kind=knowledge_day", headers=HTMX))
    assert "<html" not in fragment and "Geen activiteiten gevonden" in fragment


def test_detail_renders_sanitised_markdown_and_checks_region(client, person):
    activity = make_activity()
    page = text(client.get(f"/activities/{activity.id}"))
    assert "<strong>Vet</strong>" in page and "<script>alert" not in page
    other = make_activity(reg=factories.region("ijsselland"), seats={})
    assert client.get(f"/activities/{other.id}").status_code == 404


def test_unannounced_is_404_for_functionaries_until_it_starts(app, client, person, clock):
    hidden = make_activity("Onaangekondigde systeemoefening", kind="system_exercise", unannounced=True)
    assert client.get(f"/activities/{hidden.id}").status_code == 404
    assert "Onaangekondigde" not in text(client.get("/activities"))
    clock["now"] = hidden.starts_at + timedelta(minutes=5)
    assert client.get(f"/activities/{hidden.id}").status_code == 200


def test_coordinator_sees_unannounced(client, coordinator):
    hidden = make_activity("Onaangekondigde systeemoefening", kind="system_exercise", unannounced=True)
    assert client.get(f"/activities/{hidden.id}").status_code == 200


def test_cancelled_activity_shows_as_cancelled(client, person):
    activity = make_activity()
    activity.cancelled_at = NOW
    db.session.commit()
    assert "Geannuleerd." in text(client.get(f"/activities/{activity.id}"))


# --- registering ---------------------------------------------------------------------------------

def test_register_without_js_redirects_with_message(client, person):
    activity = make_activity(seats={"OL": 1})
    response = client.post(f"/activities/{activity.id}/register")
    assert response.status_code == 302
    page = text(client.get(response.location))
    assert "Je bent ingeschreven voor Multi-oefening." in page and "Afmelden" in page


def test_register_with_htmx_returns_fragment_and_double_tap_is_friendly(client, person):
    activity = make_activity(seats={"OL": 1})
    first = client.post(f"/activities/{activity.id}/register", headers=HTMX)
    assert first.status_code == 200 and "<html" not in text(first) and 'data-status="Je bent ingeschreven' in text(first)
    second = client.post(f"/activities/{activity.id}/register", headers=HTMX)
    assert "Je bent al ingeschreven" in text(second)
    assert db.session.scalar(db.select(db.func.count(Registration.id))) == 1


def test_someone_elses_registration_is_404_and_logged(app, client, person):
    activity = make_activity(seats={"OL": 2})
    other = factories.user()
    from app.activities import management, registration, rounds
    reg, _ = registration.register(other, activity, NOW)
    db.session.commit()   # the caller commits (README, "Who commits")
    response = client.post(f"/activities/registrations/{reg.id}/cancel")
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Registration, reg.id).status == "assigned"
    assert db.session.scalar(db.select(AuditLog).filter_by(action="access_refused", object_id=str(reg.id)))


def test_afmelden_asks_first_and_says_the_seat_goes_to_the_waitlist(client, person):
    from app.activities import registration
    activity = make_activity(seats={"OL": 1})
    reg, _ = registration.register(person, activity, NOW)
    page = text(client.get(f"/activities/{activity.id}"))
    assert "data-confirm=\"Afmelden voor" in page and "Je plaats gaat naar de volgende op de wachtlijst" in page
    # Without JavaScript the first post is the confirm step; nothing changes yet.
    response = client.post(f"/activities/registrations/{reg.id}/cancel",
                           data={"from": "detail", "next": f"/activities/{activity.id}"})
    body = text(response)
    assert response.status_code == 200 and "Afmelden voor" in body and "volgende op de wachtlijst" in body
    assert 'name="next"' in body and 'name="confirmed" value="1"' in body
    db.session.expire_all()
    assert db.session.get(Registration, reg.id).status == "assigned"
    response = client.post(f"/activities/registrations/{reg.id}/cancel",
                           data={"from": "detail", "next": f"/activities/{activity.id}", "confirmed": "1"})
    assert response.status_code == 302 and response.location.endswith(f"/activities/{activity.id}")
    db.session.expire_all()
    assert db.session.get(Registration, reg.id).status == "cancelled"


def test_offer_accept_from_my_registrations(client, person):
    from app.activities import management, registration, rounds
    activity = make_activity(seats={"OL": 1})
    holder = factories.user()
    held, _ = registration.register(holder, activity, NOW)
    registration.register(person, activity, NOW)
    registration.cancel_registration(holder, held, NOW)
    db.session.commit()   # the caller commits (README, "Who commits")
    page = text(client.get("/activities/mine"))
    assert "Plaats aangeboden" in page
    reg = registration.registration_of(person, activity)
    response = client.post(f"/activities/registrations/{reg.id}/accept")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Registration, reg.id).status == "assigned"


# --- the round ranking -------------------------------------------------------------------------

def test_ranking_add_move_remove_and_limit_without_js(client, person):
    rnd = make_round()
    a = make_activity("Oefening A", rnd=rnd)
    b = make_activity("Oefening B", rnd=rnd, starts_at=NOW + timedelta(days=40))
    base = f"/activities/rounds/{rnd.id}/ranking"
    assert client.post(f"{base}/add", data={"activity_id": a.id}).status_code == 302
    client.post(f"{base}/add", data={"activity_id": b.id})
    client.post(f"{base}/up", data={"activity_id": b.id})
    page = text(client.get(f"/activities/rounds/{rnd.id}"))
    assert "Oefening B staat nu op plaats 1." in page   # flashed after the redirect
    ranking = page[page.index('<ol class="ranking"'):]
    assert ranking.index("Oefening B") < ranking.index("Oefening A")
    client.post(f"{base}/limit", data={"max_seats": "2"})
    client.post(f"{base}/remove", data={"activity_id": b.id})
    regs = db.session.scalars(db.select(Registration).where(Registration.user_id == person.id)).all()
    assert [(r.activity_id, r.rank) for r in regs] == [(a.id, 1)]
    assert 'value="2" selected' in text(client.get(f"/activities/rounds/{rnd.id}"))


def test_ranking_with_htmx_swaps_the_fragment_and_announces(client, person):
    rnd = make_round()
    a = make_activity("Oefening A", rnd=rnd)
    response = client.post(f"/activities/rounds/{rnd.id}/ranking/add", data={"activity_id": a.id}, headers=HTMX)
    body = text(response)
    assert response.status_code == 200 and "<html" not in body
    assert 'data-status="Oefening A staat nu op plaats 1 van je ranglijst."' in body
    assert "Jouw ranglijst" in body
    bad = client.post(f"/activities/rounds/{rnd.id}/ranking/limit", data={"max_seats": "99"}, headers=HTMX)
    assert bad.status_code == 422 and "Kies een aantal van 1 tot en met 10" in text(bad)


def test_round_of_other_region_is_404(client, person):
    rnd = make_round(reg=factories.region("ijsselland"))
    assert client.get(f"/activities/rounds/{rnd.id}").status_code == 404


def test_outcome_page_explains_in_dutch_and_publishes_seed(app, client, person, needs):
    from app.activities import management, registration, rounds
    rnd = make_round()
    factories.activity_kind("multi_exercise", name="Multidisciplinaire oefening")
    a = make_activity("Oefening A", rnd=rnd, seats={"OL": 1})
    rival = factories.user()
    for user in (person, rival):
        rounds.add_to_ranking(user, rnd, a, NOW)
    needs.deficit[rival.id] = {"multi_exercise": 2}
    rounds.run_allocation(rnd, None, NOW)
    db.session.commit()   # the caller commits (README, "Who commits")
    page = text(client.get(f"/activities/rounds/{rnd.id}"))
    assert ("Deze activiteit ging eerst naar wie het meest achterloopt op de norm voor multidisciplinaire "
            "oefening. Jij had geen achterstand; de laatste plaats ging naar iemand met een achterstand van 2.") in page
    assert f"voorjaar-2027-{rnd.id}" in page and "wachtlijst plaats 1" in page
    assert no_digest(page) and "flask" not in page
    assert client.get(f"/activities/rounds/{rnd.id}/instance.json").status_code == 403


def test_plan_rule_training_goes_to_the_plan_match_and_says_so(app, client, person, needs):
    # The case: two people chose crisisdiagnose; someone with a knowledge-day deficit and
    # no plan match asks for the one seat too and loses it on a plan-rule training.
    from app.activities import rounds
    rnd = make_round()
    factories.activity_kind("knowledge_day", name="Kennis- of trainingsdag")
    factories.competency("crisisdiagnose", name="Crisisdiagnose")
    training = make_activity("Training crisisdiagnose", kind="knowledge_day", rnd=rnd, seats={"OL": 1},
                             competencies=["crisisdiagnose"])
    assert training.priority_rule == "plan"           # the kind's default
    page = text(client.get(f"/activities/{training.id}"))
    assert ("Voorrang voor wie Crisisdiagnose in het ontwikkelplan heeft; daarna voor wie het meest "
            "achterloopt op de norm voor kennis- of trainingsdag; daarna beslist een loting.") in page
    assert "Voorrang: wie Crisisdiagnose in het ontwikkelplan heeft" in text(client.get(f"/activities/rounds/{rnd.id}"))
    chose = [factories.user(), factories.user()]
    for user in (person, *chose):
        rounds.add_to_ranking(user, rnd, training, NOW)
    needs.deficit[person.id] = {"knowledge_day": 1}
    for user in chose:
        needs.plan[user.id] = {"crisisdiagnose": "basis"}
    result = rounds.run_allocation(rnd, None, NOW)
    winner = result["assignments"][0]["person"]
    assert winner in {rounds.person_key(u.id) for u in chose}
    page = text(client.get(f"/activities/rounds/{rnd.id}"))
    assert ("Deze activiteit ging eerst naar wie Crisisdiagnose in het ontwikkelplan heeft. Jij had dat niet; "
            "de laatste plaats ging naar iemand die het wel had.") in page
    assert no_digest(page)


def test_outcome_of_a_round_stored_before_the_priority_rule_still_displays(app, client, person, needs):
    # Stored results of old rounds have priorities as lists [deficit, match, lottery] and no rule.
    from app.activities import rounds
    rnd = make_round()
    a = make_activity("Oefening A", rnd=rnd, seats={"OL": 1})
    rounds.add_to_ranking(person, rnd, a, NOW)
    rounds.run_allocation(rnd, None, NOW)
    me = rounds.person_key(person.id)
    rnd.result_json = json.dumps({
        "assignments": [], "waitlists": {f"A{a.id}/OL": [me]}, "unassigned": [me],
        "explanations": {me: [{"activity": f"A{a.id}", "rank": 1, "your_priority": [0, True, "3fa9" * 16],
                               "cutoff": [1, False, "0b1c" * 16], "waitlist_position": 1,
                               "reason": "priority"}]}})
    db.session.commit()
    page = text(client.get(f"/activities/rounds/{rnd.id}"))
    assert "Jij had geen achterstand; de laatste plaats ging naar iemand met een achterstand van 1." in page
    assert "3fa9" not in page


# --- coordinator ---------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["functionary", "author"])
def test_coordinator_pages_refuse_other_roles(app, client, auth, clock, role):
    factories.user(email="x@example.nl", roles=(role,))
    auth.login("x@example.nl")
    activity = make_activity()
    rnd = make_round()
    for path in ["/activities/manage", "/activities/new", f"/activities/{activity.id}/edit",
                 f"/activities/{activity.id}/attendance", "/activities/rounds/new",
                 f"/activities/rounds/{rnd.id}/instance.json"]:
        assert client.get(path).status_code == 403, path
    for path in [f"/activities/{activity.id}/cancel", f"/activities/{activity.id}/duplicate",
                 f"/activities/rounds/{rnd.id}/run"]:
        assert client.post(path).status_code == 403, path


def test_anonymous_goes_to_login(client):
    assert "/login" in client.get("/activities").location


def test_coordinator_creates_activity_with_seats_per_function(client, coordinator):
    ol, ba = factories.function("OL"), factories.function("BA")
    factories.activity_kind("multi_exercise")
    factories.competency("leiderschap")
    response = client.post("/activities/new", data={
        "title": "Multi Twentekanaal", "kind": "multi_exercise", "starts_at": "2027-03-11T13:00",
        "ends_at": "2027-03-11T17:00", "location": "Hengelo", "organiser": "OTO", "description": "Tekst",
        "competencies": ["leiderschap"], "round_id": "", f"seats-{ol.id}": "2", f"seats-{ba.id}": "0"})
    assert response.status_code == 302
    activity = db.session.scalar(db.select(Activity))
    assert activity.seats_by_code == {"OL": 2} and activity.competencies == ["leiderschap"]
    assert (activity.priority, activity.priority_rule, activity.level) == (None, "norm", None)
    assert db.session.scalar(db.select(AuditLog).filter_by(action="activity_created"))


def test_coordinator_sees_and_changes_the_priority_rule_and_level(client, coordinator):
    factories.activity_kind("multi_exercise")
    factories.competency("leiderschap")
    activity = make_activity(competencies=["leiderschap"])
    form = text(client.get(f"/activities/{activity.id}/edit"))
    assert "Voorrang bij de verdeling" in form and "Standaard voor de soort" in form and "Niveau" in form
    ol = factories.function("OL")
    response = client.post(f"/activities/{activity.id}/edit", data={
        "title": "Multi met plan", "kind": "multi_exercise", "starts_at": "2027-03-11T13:00",
        "ends_at": "2027-03-11T17:00", "competencies": ["leiderschap"], "round_id": "",
        "priority": "plan", "level": "gevorderd", f"seats-{ol.id}": "2"})
    assert response.status_code == 302
    db.session.refresh(activity)
    assert (activity.priority_rule, activity.level) == ("plan", "gevorderd")
    form = text(client.get(f"/activities/{activity.id}/edit"))
    assert '<option selected value="plan">' in form or 'value="plan" selected' in form
    bad = client.post(f"/activities/{activity.id}/edit", data={
        "title": "X", "kind": "multi_exercise", "starts_at": "2027-03-11T13:00", "ends_at": "2027-03-11T17:00",
        "round_id": "", "priority": "loting", f"seats-{ol.id}": "2"})
    assert bad.status_code == 422


def test_coordinator_form_errors_are_422(client, coordinator):
    ol = factories.function("OL")
    factories.activity_kind("multi_exercise")
    response = client.post("/activities/new", data={
        "title": "", "kind": "multi_exercise", "starts_at": "2027-03-11T13:00", "ends_at": "2027-03-11T12:00",
        f"seats-{ol.id}": "veel"})
    assert response.status_code == 422
    assert "Vul een titel in." in text(response) and "OL: vul een aantal plaatsen van 0 tot 999 in." in text(response)


def test_coordinator_cancels_duplicates_and_cannot_touch_other_region(client, coordinator):
    from app.activities import management, registration, rounds
    activity = make_activity(seats={"OL": 2})
    registration.register(factories.user(), activity, NOW)
    db.session.commit()   # the caller commits (README, "Who commits")
    assert client.post(f"/activities/{activity.id}/cancel").status_code == 302
    assert db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.subject == "Geannuleerd: Multi-oefening"))
    response = client.post(f"/activities/{activity.id}/duplicate")
    assert response.status_code == 302 and "/edit" in response.location
    other = make_activity(reg=factories.region("ijsselland"), seats={})
    assert client.post(f"/activities/{other.id}/cancel").status_code == 404


def test_coordinator_runs_round_once_and_downloads_instance(app, client, coordinator, needs):
    from app.activities import management, registration, rounds
    rnd = make_round()
    a = make_activity("Oefening A", rnd=rnd, seats={"OL": 1})
    rounds.add_to_ranking(factories.user(), rnd, a, NOW)
    db.session.commit()   # the caller commits (README, "Who commits")
    response = client.post(f"/activities/rounds/{rnd.id}/run", follow_redirects=True)
    assert "Toewijzing uitgevoerd: 1 plaats verdeeld" in text(response)
    again = client.post(f"/activities/rounds/{rnd.id}/run", follow_redirects=True)
    assert "al uitgevoerd" in text(again)
    download = client.get(f"/activities/rounds/{rnd.id}/instance.json")
    assert download.mimetype == "application/json" and json.loads(download.data)["seed"] == f"voorjaar-2027-{rnd.id}"


def test_coordinator_sees_a_readable_allocation_overview_and_csv(app, client, coordinator, needs):
    from app.activities import rounds
    rnd = make_round()
    a = make_activity("Oefening A", rnd=rnd, seats={"OL": 1})
    winner, loser = factories.user(name="Anna Winst"), factories.user(name="Bram Wacht")
    needs.deficit[loser.id] = {"multi_exercise": 2}
    needs.deficit[winner.id] = {"multi_exercise": 3}
    for person in (winner, loser):
        rounds.add_to_ranking(person, rnd, a, NOW)
    client.post(f"/activities/rounds/{rnd.id}/run")
    page = text(client.get(f"/activities/rounds/{rnd.id}"))
    assert "Verdeling per activiteit en functie" in page and "1 van 1" in page
    assert "Zonder plaats (1)" in page and "Bram Wacht" in page
    response = client.get(f"/activities/rounds/{rnd.id}/overview.csv")
    assert response.mimetype == "text/csv" and response.headers["Content-Disposition"].startswith("attachment")
    lines = response.data.decode("utf-8-sig").split("\r\n")
    assert lines[0] == "Activiteit;Functie;Plaatsen;Bezet;Vrij;Wachtlijst (op volgorde)"
    assert lines[1] == "Oefening A;OL;1;1;0;Bram Wacht"
    assert lines[4].startswith("Naam;Functie") and lines[5].startswith("Bram Wacht;OL;")


def test_attendance_bulk_checkboxes(client, coordinator, clock):
    activity = make_activity(starts_at=NOW - timedelta(hours=5), seats={"OL": 3})
    people = [factories.user(name=f"Deelnemer {i}") for i in range(2)]
    for p in people:
        db.session.add(Registration(user_id=p.id, activity_id=activity.id, status="assigned",
                                    function_id=activity.seat_rows[0].function_id))
    db.session.commit()
    page = text(client.get(f"/activities/{activity.id}/attendance"))
    assert "Deelnemer 0" in page and 'type="checkbox"' in page
    response = client.post(f"/activities/{activity.id}/attendance", data={"attended": [str(people[1].id)]},
                           follow_redirects=True)
    assert "1 aanwezig, 1 afwezig" in text(response)


def test_round_creation(client, coordinator):
    response = client.post("/activities/rounds/new", data={"name": "Najaar 2027", "opens_at": "2027-05-01T09:00",
                                                            "closes_at": "2027-06-01T17:00"})
    assert response.status_code == 302
    assert db.session.scalar(db.select(RegistrationRound.name)) == "Najaar 2027"


# --- calendar ------------------------------------------------------------------------------------

def test_ical_feed_is_valid_and_has_required_properties(client, person):
    from app.activities import management, registration, rounds
    activity = make_activity(seats={"OL": 2}, starts_at=datetime(2027, 1, 14, 13))
    gone = make_activity("Gaat niet door", seats={"OL": 2}, starts_at=datetime(2027, 1, 21, 13))
    registration.register(person, activity, NOW)
    registration.register(person, gone, NOW)
    management.cancel_activity(gone, None, NOW)
    db.session.commit()   # the caller commits (README, "Who commits")
    response = client.get(f"/calendar/{person.calendar_token}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    cal = Calendar.from_ical(response.data)
    events = {str(e["summary"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {"Multi-oefening", "Gaat niet door"}
    event = events["Multi-oefening"]
    for prop in ("uid", "dtstamp", "dtstart", "dtend", "location", "url"):
        assert prop in event
    assert str(event["url"]) == f"http://127.0.0.1:5000/activities/{activity.id}"  # PUBLIC_URL, not Host
    assert event.decoded("dtstart").isoformat() == "2027-01-14T13:00:00+01:00"
    assert str(events["Gaat niet door"]["status"]) == "CANCELLED"
    uid = str(event["uid"])
    assert str(Calendar.from_ical(client.get(f"/calendar/{person.calendar_token}.ics").data)
               .walk("VEVENT")[0]["uid"]) in (uid, str(events["Gaat niet door"]["uid"]))


def test_ical_unknown_token_and_new_link(client, person):
    assert client.get("/calendar/onbekend-token-0123456789.ics").status_code == 404
    old = person.calendar_token
    assert old in text(client.get("/activities/calendar"))
    client.post("/activities/calendar/new-link")
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    db.session.refresh(person)
    assert client.get(f"/calendar/{person.calendar_token}.ics").status_code == 200


# --- start card ----------------------------------------------------------------------------------

def test_start_card_shows_open_round_and_offers(client, person):
    rnd = make_round(name="Voorjaar 2027")
    make_activity("Oefening A", rnd=rnd)
    page = text(client.get("/"))
    assert "Inschrijfronde <strong>Voorjaar 2027</strong> sluit" in page and "Op je ranglijst: 0 activiteiten" in page


# --- CLI -----------------------------------------------------------------------------------------

def test_cli_solve_invalid_json_exits_2_with_message(runner, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    result = runner.invoke(args=["allocation", "solve", str(bad)])
    assert result.exit_code == 2 and result.stdout == ""
    assert "invalid JSON" in result.stderr


def test_cli_solve_prints_result(runner, tmp_path):
    path = tmp_path / "ok.json"
    path.write_text(json.dumps({"seed": "s", "activities": [{"id": "A1", "kind": "multi_exercise", "seats": {"OL": 1}}],
                                "people": [{"id": "P1", "function": "OL", "requests": ["A1"]}]}))
    result = runner.invoke(args=["allocation", "solve", str(path)])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["assignments"] == [{"person": "P1", "activity": "A1", "function": "OL"}]


def test_cli_close_due_expire_and_remind(app, runner, clock, needs):
    from app.activities import management, registration, rounds
    rnd = make_round(closes_at=datetime.now() - timedelta(hours=1), opens_at=datetime.now() - timedelta(days=9))
    a = make_activity("Oefening A", rnd=rnd, starts_at=datetime.now() + timedelta(days=20))
    person = factories.user()
    db.session.add(Registration(user_id=person.id, activity_id=a.id, rank=1, status="requested",
                                function_id=a.seat_rows[0].function_id))
    db.session.commit()
    clock["now"] = datetime.now() + timedelta(hours=2)   # Amsterdam is ahead of UTC
    result = runner.invoke(args=["allocation", "close-due"])
    assert result.exit_code == 0 and "1 ronde(s) toegewezen" in result.output
    assert "0 ronde(s)" in runner.invoke(args=["allocation", "close-due"]).output
    assert runner.invoke(args=["activities", "expire-offers"]).exit_code == 0
    assert "herinnering" in runner.invoke(args=["activities", "remind"]).output
    assert registration.registration_of(person, a).status == "assigned"


def test_calendar_page_offers_webcal_subscription_and_copy(client, person):
    page = text(client.get("/activities/calendar"))
    assert f'href="webcal://127.0.0.1:5000/calendar/{person.calendar_token}.ics"' in page
    assert "Toevoegen aan agenda" in page and 'data-copy="feed-url" hidden' in page


def test_one_activity_as_ics_download(client, person):
    activity = make_activity("Kennisdag Nafase", seats={"OL": 2}, starts_at=datetime(2027, 2, 4, 9))
    assert f'href="/activities/{activity.id}.ics"' in text(client.get(f"/activities/{activity.id}"))
    response = client.get(f"/activities/{activity.id}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    (event,) = Calendar.from_ical(response.data).walk("VEVENT")
    assert str(event["summary"]) == "Kennisdag Nafase"
    assert event.decoded("dtstart").isoformat() == "2027-02-04T09:00:00+01:00"
    other = make_activity("Elders", reg=factories.region("elders"))
    assert client.get(f"/activities/{other.id}.ics").status_code == 404


def test_a_closed_round_says_it_closed(client, person):
    rnd = make_round("Najaar", opens_at=NOW - timedelta(days=30), closes_at=datetime(2026, 8, 20, 17))
    activity = make_activity(rnd=rnd)
    page = text(client.get(f"/activities/{activity.id}"))
    assert "sloot 20 augustus 2026 17:00" in page and "sluit 20 augustus" not in page


def test_registering_updates_the_seat_counts_on_the_page(client, person):
    activity = make_activity(seats={"OL": 2})
    assert "OL: 2 (2 vrij)" in text(client.get(f"/activities/{activity.id}"))
    body = text(client.post(f"/activities/{activity.id}/register", headers=HTMX))
    assert '<dd id="activity-seats" hx-swap-oob="true">' in body and "OL: 2 (1 vrij)" in body


def test_kind_filter_offers_only_kinds_of_upcoming_activities(client, person):
    make_activity(kind="multi_exercise")
    factories.activity_kind("peer_observation", name="Waarneming collega")
    page = text(client.get("/activities"))
    assert 'value="multi_exercise"' in page and 'value="peer_observation"' not in page


def test_a_past_activity_shows_no_waitlist_place(client, person, clock):
    activity = make_activity(seats={"OL": 1}, starts_at=NOW - timedelta(days=2))
    db.session.add(Registration(user_id=person.id, activity_id=activity.id, status="waitlisted",
                                waitlist_position=1))
    db.session.commit()
    assert "op de wachtlijst" not in text(client.get(f"/activities/{activity.id}"))
    assert "geen plaats vrijgekomen" in text(client.get("/activities/mine"))


def test_new_activity_warns_on_a_past_date_and_on_no_seats(client, coordinator):
    ol = factories.function("OL")
    factories.activity_kind("multi_exercise")
    data = {"title": "Oud", "kind": "multi_exercise", "starts_at": "2020-03-11T13:00", "ends_at": "2020-03-11T17:00",
            "round_id": "", f"seats-{ol.id}": "0"}
    page = text(client.post("/activities/new", data=data, follow_redirects=True))
    assert "Oud is opgeslagen." in page
    assert "begint in het verleden" in page and "voor geen enkele functie plaatsen" in page
    data.update(title="Nieuw", starts_at="2030-03-11T13:00", ends_at="2030-03-11T17:00", **{f"seats-{ol.id}": "2"})
    page = text(client.post("/activities/new", data=data, follow_redirects=True))
    assert "Nieuw is opgeslagen." in page and "Let op" not in page


def test_attendance_adds_a_walk_in(client, coordinator, clock):
    from app.models import PortfolioEntry
    activity = make_activity(starts_at=NOW - timedelta(hours=5), seats={"OL": 3})
    walker = factories.user(name="Wim Binnenloper")
    factories.user(name="Elders", reg=factories.region("elders"))
    page = text(client.get(f"/activities/{activity.id}/attendance"))
    assert "zonder inschrijving" in page and "Wim Binnenloper (OL)" in page and "Elders" not in page
    response = client.post(f"/activities/{activity.id}/attendance/walk-in", data={"person": str(walker.id)},
                           follow_redirects=True)
    assert "Wim Binnenloper staat erbij als aanwezig." in text(response)
    reg = db.session.scalar(db.select(Registration).filter_by(user_id=walker.id, activity_id=activity.id))
    assert reg.status == "attended"
    assert db.session.scalar(db.select(PortfolioEntry).filter_by(user_id=walker.id, source="attendance"))
    assert db.session.scalar(db.select(AuditLog).filter_by(action="attendance_walk_in"))
    bad = client.post(f"/activities/{activity.id}/attendance/walk-in", data={"person": "x"}, follow_redirects=True)
    assert "Kies iemand met een crisisfunctie uit je regio." in text(bad)


def test_limit_defaults_to_what_the_norms_need_and_moves_keep_the_place(client, person, needs):
    rnd = make_round()
    acts = [make_activity(f"Oefening {c}", rnd=rnd, starts_at=NOW + timedelta(days=30 + i))
            for i, c in enumerate("ABC")]
    needs.deficit[person.id] = {"multi_exercise": 2}
    base = f"/activities/rounds/{rnd.id}/ranking"
    page = text(client.get(f"/activities/rounds/{rnd.id}"))
    assert 'value="1" selected' in page                       # nothing ranked yet: at least 1
    for a in acts:
        client.post(f"{base}/add", data={"activity_id": a.id})
    page = text(client.get(f"/activities/rounds/{rnd.id}"))
    assert 'value="2" selected' in page                       # ranked 3, the norm needs 2
    assert "Voorgesteld: 2." in page and "nog 2 oefeningen nodig" in page
    ranking = page[page.index('<ol class="ranking"'):page.index("</ol>")]
    assert [ranking.index(f'<span class="visually-hidden">Plaats </span>{n}</span>') for n in (1, 2, 3)] \
        == sorted(ranking.index(f'<span class="visually-hidden">Plaats </span>{n}</span>') for n in (1, 2, 3))
    moved = client.post(f"{base}/down", data={"activity_id": acts[0].id})
    assert moved.status_code == 302 and moved.headers["Location"].endswith(f"#rang-{acts[0].id}")
    assert f'id="rang-{acts[0].id}"' in text(client.get(moved.headers["Location"]))
    limited = client.post(f"{base}/limit", data={"max_seats": "3"})
    assert limited.headers["Location"].endswith("#max-seats")
    assert "Je koos hoogstens 3." in text(client.get(f"/activities/rounds/{rnd.id}"))


def test_limit_default_never_above_what_was_ranked(client, person, needs):
    rnd = make_round()
    a = make_activity("Oefening A", rnd=rnd)
    needs.deficit[person.id] = {"multi_exercise": 4}
    client.post(f"/activities/rounds/{rnd.id}/ranking/add", data={"activity_id": a.id})
    assert 'value="1" selected' in text(client.get(f"/activities/rounds/{rnd.id}"))


def test_outcome_says_the_chosen_limit(client, person, needs):
    from app.activities import rounds
    rnd = make_round()
    acts = [make_activity(f"Oefening {c}", rnd=rnd, starts_at=NOW + timedelta(days=30 + i))
            for i, c in enumerate("ABC")]
    needs.deficit[person.id] = {"multi_exercise": 2}
    for a in acts:
        rounds.add_to_ranking(person, rnd, a, NOW)
    rounds.run_allocation(rnd, None, NOW)
    page = text(client.get(f"/activities/rounds/{rnd.id}"))
    assert "Je koos hoogstens 2 activiteiten; je kreeg er 2." in page
    assert "Je koos hoogstens 2 en kreeg ze al hoger op je ranglijst; je staat op de wachtlijst" in page
