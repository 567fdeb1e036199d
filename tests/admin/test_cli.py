"""`flask users …`: creating and deactivating accounts from the command line."""
from app.auth.services import find_by_email
from app.extensions import db
from app.models import OutboxMessage
from tests import factories


def test_users_create_with_password_stdin(app, runner):
    factories.function("OL")
    factories.function("BA")
    result = runner.invoke(args=["users", "create", "--email", "nieuw@example.nl", "--name", "Nieuwe Collega",
                                 "--function", "OL,BA", "--role", "functionary", "--role", "author",
                                 "--password-stdin"], input="een lang wachtwoord\n")
    assert result.exit_code == 0, result.output
    person = find_by_email("nieuw@example.nl")
    assert person.roles == {"functionary", "author"} and person.function_codes == ["BA", "OL"]
    assert app.test_client().post("/login", data={"email": "nieuw@example.nl",
                                                  "password": "een lang wachtwoord"}).status_code == 302


def test_users_create_without_password_sends_link(app, runner):
    factories.region()
    result = runner.invoke(args=["users", "create", "--email", "x@example.nl", "--name", "X"])
    assert result.exit_code == 0
    db.session.rollback()   # the command committed: account and link survive a rollback
    message = db.session.scalar(db.select(OutboxMessage))
    assert message.to == "x@example.nl" and "/account/set-password/" in message.body


def test_users_create_duplicate_email_fails_with_one_line(app, runner):
    factories.user(email="dubbel@example.nl")
    result = runner.invoke(args=["users", "create", "--email", "dubbel@example.nl", "--name", "Ander"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == ["fout: Er bestaat al een account met e-mailadres dubbel@example.nl."]


def test_users_create_unknown_function_writes_nothing(app, runner):
    factories.region()
    result = runner.invoke(args=["users", "create", "--email", "y@example.nl", "--name", "Y", "--function", "XX"])
    assert result.exit_code == 1 and "Onbekende functiecode: XX" in result.output
    assert find_by_email("y@example.nl") is None


def test_users_create_unknown_role_is_refused(app, runner):
    result = runner.invoke(args=["users", "create", "--email", "z@example.nl", "--name", "Z", "--role", "baas"])
    assert result.exit_code == 2


def test_users_deactivate_and_activate(app, runner):
    person = factories.user(email="weg@example.nl")
    assert runner.invoke(args=["users", "deactivate", "weg@example.nl"]).exit_code == 0
    db.session.rollback()   # the command committed
    assert not find_by_email("weg@example.nl").active
    assert runner.invoke(args=["users", "activate", "weg@example.nl"]).exit_code == 0
    assert find_by_email("weg@example.nl").active and person.session_version == 3
    missing = runner.invoke(args=["users", "deactivate", "niemand@example.nl"])
    assert missing.exit_code == 1 and "geen account" in missing.output


def test_users_create_with_since(app, runner):
    from datetime import date
    factories.function("OL")
    result = runner.invoke(args=["users", "create", "--email", "start@example.nl", "--name", "S",
                                 "--function", "OL", "--since", "2026-09-01"])
    assert result.exit_code == 0, result.output
    assert [r.since for r in find_by_email("start@example.nl").function_rows] == [date(2026, 9, 1)]


def test_users_create_bad_since_fails_with_one_dutch_line(app, runner):
    factories.function("OL")
    result = runner.invoke(args=["users", "create", "--email", "fout@example.nl", "--name", "F",
                                 "--function", "OL", "--since", "01-09-2026"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "fout: --since: '01-09-2026' is geen datum; geef 'in functie sinds' als jjjj-mm-dd, bv. 2026-09-01."]
    assert find_by_email("fout@example.nl") is None
