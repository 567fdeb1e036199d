"""Admin: failed and pending mail of the region, and the audit log with filters on person and action."""
from datetime import datetime

import pytest

from app.extensions import db
from app.models import AuditLog, OutboxMessage
from tests import factories


@pytest.fixture
def admin(app, auth):
    person = factories.user(email="admin@example.nl", name="Ada Beheer", roles=("admin",), functions=())
    auth.login("admin@example.nl")
    return person


def test_mail_page_shows_failed_and_pending_mail_of_the_region_only(app, client, admin):
    own = factories.user(email="eigen@example.nl")
    other = factories.user(email="ander@example.nl", reg=factories.region("ijsselland"))
    db.session.add_all([
        OutboxMessage(to=own.email, subject="Kies je wachtwoord", body="x", user_id=own.id, tries=6,
                      error="SMTPRecipientsRefused: 550 mailbox unavailable", failed_at=datetime(2026, 11, 30)),
        OutboxMessage(to=own.email, subject="Morgen: Oefening", body="x", user_id=own.id, tries=1,
                      error="ConnectionRefusedError: [Errno 111]"),
        OutboxMessage(to=own.email, subject="Al verstuurd", body="x", user_id=own.id, sent_at=datetime(2026, 11, 30)),
        OutboxMessage(to=other.email, subject="Andere regio", body="x", user_id=other.id, tries=6,
                      failed_at=datetime(2026, 11, 30))])
    db.session.commit()
    page = client.get("/admin/mail").get_data(as_text=True)
    assert "Mislukt (1)" in page and "Wacht op verzending (1)" in page
    assert "550 mailbox unavailable" in page and "Kies je wachtwoord" in page and "Morgen: Oefening" in page
    assert "Al verstuurd" not in page and "Andere regio" not in page


def test_audit_log_filters_on_person_and_action(app, client, admin):
    colleague = factories.user(name="Cor Collega", roles=("coordinator",))
    db.session.add_all([AuditLog(actor_id=colleague.id, action="activity_cancelled", detail="Oefening X"),
                        AuditLog(actor_id=colleague.id, action="roles_changed", detail="admin"),
                        AuditLog(actor_id=factories.user(reg=factories.region("ijsselland")).id,
                                 action="activity_cancelled", detail="Elders")])
    db.session.commit()
    page = client.get("/admin/audit?person=cor&action=activity_cancelled").get_data(as_text=True)
    assert "Oefening X" in page and "roles_changed</td>" not in page and "Elders" not in page
    fragment = client.get("/admin/audit?person=cor", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and "Oefening X" in fragment and "roles_changed" in fragment


@pytest.mark.parametrize("path", ["/admin/mail", "/admin/audit"])
def test_only_admins(app, client, auth, path):
    factories.user(email="coord@example.nl", roles=("coordinator",))
    auth.login("coord@example.nl")
    assert client.get(path).status_code == 403
