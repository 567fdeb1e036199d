"""Admin services change and audit; the request or command that called them commits."""
from datetime import date

from app.admin import services
from app.extensions import db
from app.models import AuditLog
from tests import factories


def test_admin_services_leave_the_commit_to_their_caller(app):
    admin = factories.user(roles=("admin",))
    person = factories.user(name="Oud", email="oud@example.nl", functions=("OL",))
    ba = factories.function("BA")
    db.session.commit()
    ol_id = person.function_rows[0].function_id
    services.set_details(person, "Nieuw", "nieuw@example.nl", actor=admin)
    services.set_since(person, {ol_id: "2024-01-01"}, actor=admin, today=date(2026, 1, 1))
    services.set_functions(person, [ol_id, ba.id], [ba.id], actor=admin)
    db.session.rollback()
    assert (person.name, person.email, person.function_codes) == ("Oud", "oud@example.nl", ["OL"])
    assert person.function_rows[0].since is None
    assert db.session.scalar(db.select(db.func.count(AuditLog.id))) == 0
