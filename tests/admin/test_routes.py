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
