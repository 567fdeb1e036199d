"""Admin pages: only admins, only their region, every change audited."""
import pytest

from app.extensions import db
from app.models import AuditLog
from tests import factories
from tests.conftest import HTMX


@pytest.fixture
def admin(app, auth):
    person = factories.user(email="admin@example.nl", roles=("admin",), functions=())
    auth.login("admin@example.nl")
    return person


@pytest.mark.parametrize("role", ["functionary", "author", "coordinator"])
def test_non_admins_get_403(app, client, auth, role):
    other = factories.user()
    factories.user(email="x@example.nl", roles=(role,))
    auth.login("x@example.nl")
    for path in ["/admin", "/admin/users/new", f"/admin/users/{other.id}"]:
        assert client.get(path).status_code == 403
    assert client.post(f"/admin/users/{other.id}/active", data={"active": "0"}).status_code == 403


def test_anonymous_is_sent_to_login(client):
    assert "/login" in client.get("/admin").location


def test_user_list_and_search_as_page_and_fragment(app, client, admin):
    factories.user(name="Jan Ensink")
    factories.user(name="Piet Pool")
    page = client.get("/admin?q=ensink").get_data(as_text=True)
    assert "Jan Ensink" in page and "Piet Pool" not in page and "<html" in page
    fragment = client.get("/admin?q=pool", headers=HTMX).get_data(as_text=True)
    assert "Piet Pool" in fragment and "<html" not in fragment
    assert "1 account voor" in fragment and "1 accounts" not in fragment


def test_admin_creates_account_and_link_is_sent(app, client, admin):
    factories.function("OL")
    ol = factories.function("OL")
    response = client.post("/admin/users/new", data={"email": "nieuw@example.nl", "name": "Nieuw",
                                                      "roles": ["functionary"], "functions": [str(ol.id)]})
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "Nieuw" in page and "Account voor Nieuw aangemaakt" in page


def test_admin_create_duplicate_shows_error(app, client, admin):
    response = client.post("/admin/users/new", data={"email": "admin@example.nl", "name": "Dubbel",
                                                      "roles": ["functionary"]})
    assert response.status_code == 422 and "bestaat al" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(AuditLog.id)).filter_by(action="user_created")) == 0


def test_admin_changes_roles_functions_and_duty(app, client, admin):
    person = factories.user(functions=("OL",))
    ba = factories.function("BA")
    response = client.post(f"/admin/users/{person.id}", data={
        "roles": ["functionary", "coordinator"], "functions": [str(ba.id)], "on_duty": [str(ba.id)]})
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.roles == {"functionary", "coordinator"}
    assert [(r.function.code, r.on_duty) for r in person.function_rows] == [("BA", True)]
    actions = set(db.session.scalars(db.select(AuditLog.action)).all())
    assert {"roles_changed", "functions_changed"} <= actions


def test_admin_deactivates_and_cannot_deactivate_self(app, client, admin):
    person = factories.user()
    client.post(f"/admin/users/{person.id}/active", data={"active": "0"})
    db.session.refresh(person)
    assert not person.active
    client.post(f"/admin/users/{admin.id}/active", data={"active": "0"})
    db.session.refresh(admin)
    assert admin.active


def test_admin_cannot_touch_other_regions(app, client, admin):
    stranger = factories.user(reg=factories.region("ijsselland"))
    assert client.get(f"/admin/users/{stranger.id}").status_code == 404
    assert client.post(f"/admin/users/{stranger.id}/active", data={"active": "0"}).status_code == 404
    assert client.get("/admin/users/999999").status_code == 404


def test_admin_edits_name_and_email_audited(app, client, admin):
    from app.models import AuditLog
    person = factories.user(email="oud@example.nl", name="Oude Naam")
    factories.user(email="bezet@example.nl")
    response = client.post(f"/admin/users/{person.id}/details", data={"name": "Nieuwe Naam", "email": " Nieuw@Example.nl "})
    assert response.status_code == 302 and response.location.endswith("#gegevens")
    db.session.refresh(person)
    assert (person.name, person.email) == ("Nieuwe Naam", "nieuw@example.nl")
    row = db.session.scalar(db.select(AuditLog).filter_by(action="details_changed"))
    assert "oud@example.nl → nieuw@example.nl" in row.detail and "Oude Naam → Nieuwe Naam" in row.detail
    page = client.post(f"/admin/users/{person.id}/details", data={"name": "X", "email": "bezet@example.nl"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Er bestaat al een account met e-mailadres bezet@example.nl." in page
    db.session.refresh(person)
    assert person.email == "nieuw@example.nl"
    other = factories.user(reg=factories.region("elders"))
    assert client.post(f"/admin/users/{other.id}/details", data={"name": "Y", "email": "y@example.nl"}).status_code == 404


def _briefing_status(person):
    from app.norms import services as norms
    db.session.refresh(person)
    return [s for s in norms.progress(person) if s.kind == "ops_briefing"][0]


def test_admin_sets_in_function_since_and_newcomer_is_not_behind(app, client, admin, auth):
    from datetime import date, timedelta
    factories.norm("OL", "ops_briefing", date.today().year, "every_weeks", 1, weeks=5)
    person = factories.user(email="nieuw@example.nl", functions=("OL",))
    fid = person.function_rows[0].function_id
    assert _briefing_status(person).status == "behind"          # never at a briefing, long in the function
    page = client.get(f"/admin/users/{person.id}").get_data(as_text=True)
    assert f'name="since-{fid}"' in page and "In functie sinds" in page
    start = date.today() - timedelta(days=10)
    response = client.post(f"/admin/users/{person.id}/since", data={f"since-{fid}": start.isoformat()})
    assert response.status_code == 302 and response.location.endswith("#sinds")
    status = _briefing_status(person)
    assert status.status != "behind" and status.reason == "newcomer"
    assert status.deadline == start + timedelta(weeks=5)
    row = db.session.scalar(db.select(AuditLog).filter_by(action="since_changed"))
    assert row.actor_id == admin.id and f"OL: — → {start.isoformat()}" in row.detail
    # saving roles and functions again keeps the start date
    client.post(f"/admin/users/{person.id}", data={"roles": ["functionary"], "functions": [str(fid)]})
    assert _briefing_status(person).reason == "newcomer"
    # the person sees the date on /plan
    auth.logout()
    auth.login("nieuw@example.nl")
    plan = client.get("/plan").get_data(as_text=True)
    assert "In functie sinds" in plan and str(start.year) in plan
    # emptying the field makes the person long in the function again
    auth.logout()
    auth.login("admin@example.nl")
    client.post(f"/admin/users/{person.id}/since", data={f"since-{fid}": ""})
    assert _briefing_status(person).status == "behind"


@pytest.mark.parametrize("value, message", [("2026-02-30", "is geen datum"), ("1-9-2026", "is geen datum"),
                                            ("2999-01-01", "ligt in de toekomst")])
def test_admin_bad_since_gives_422_and_stores_nothing(app, client, admin, value, message):
    person = factories.user(functions=("OL",))
    fid = person.function_rows[0].function_id
    response = client.post(f"/admin/users/{person.id}/since", data={f"since-{fid}": value})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page and 'aria-invalid="true"' in page
    assert f'value="{value}"' in page                             # what was typed stays in the field
    assert f'/admin/users/{person.id}/since#sinds"' in page          # the answer opens at the error, no JS
    db.session.refresh(person)
    assert person.function_rows[0].since is None
    assert db.session.scalar(db.select(AuditLog).filter_by(action="since_changed")) is None


def test_admin_cannot_set_since_in_other_region(app, client, admin):
    other = factories.user(reg=factories.region("ander"), email="ander@example.nl")
    assert client.post(f"/admin/users/{other.id}/since", data={}).status_code == 404
