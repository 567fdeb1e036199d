"""Account rules without HTTP: hashing, authentication, creation, revocation."""
import pytest

from app.auth import services, sessions
from app.extensions import db
from app.auth.passwords import hash_password, verify_password
from app.models import AuditLog, User
from tests import factories


def test_hash_is_argon2id_and_verifies():
    hashed = hash_password("een lang wachtwoord")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "een lang wachtwoord")
    assert not verify_password(hashed, "iets anders")
    assert not verify_password(None, "iets anders")


def test_production_hashes_at_rfc_9106_cost_and_upgrades_cheap_test_hashes(app):
    """Tests hash cheaply (TESTING); the same code outside testing uses the full argon2id cost."""
    assert "$m=8,t=1,p=1$" in hash_password("een lang wachtwoord")
    person = factories.user(email="a@example.nl")
    app.testing = False
    try:
        assert "$argon2id$v=19$m=65536,t=3,p=4$" in hash_password("een lang wachtwoord")
        assert services.authenticate("a@example.nl", factories.PASSWORD) == person
        assert "$m=65536,t=3,p=4$" in person.password_hash  # rehashed at production cost on login
    finally:
        app.testing = True


def test_authenticate_accepts_right_password_and_logs(app):
    person = factories.user(email="a@example.nl")
    assert services.authenticate("A@Example.nl ", factories.PASSWORD) == person
    assert app.extensions["sqlalchemy"].session.scalar(
        AuditLog.__table__.select().with_only_columns(AuditLog.action).where(AuditLog.action == "login")) == "login"


@pytest.mark.parametrize("email,password", [("a@example.nl", "fout wachtwoord"), ("onbekend@example.nl", "x")])
def test_authenticate_refuses_wrong_password_or_unknown_email(app, email, password):
    factories.user(email="a@example.nl")
    assert services.authenticate(email, password) is None


def test_authenticate_refuses_inactive_user(app):
    factories.user(email="a@example.nl", active=False)
    assert services.authenticate("a@example.nl", factories.PASSWORD) is None


def test_create_user_with_roles_and_functions(app):
    factories.function("OL")
    factories.function("AC-IM")
    person = services.create_user("nieuw@example.nl", "Nieuwe Persoon", ["functionary", "author"],
                                  ["OL", "AC-IM"], password="een lang wachtwoord")
    assert person.roles == {"functionary", "author"}
    assert person.function_codes == ["AC-IM", "OL"]


@pytest.mark.parametrize("kwargs,message", [
    ({"email": "geen-adres"}, "geldig e-mailadres"),
    ({"name": ""}, "naam"),
    ({"name": "x" * 121}, "naam"),
    ({"roles": ["baas"]}, "Onbekende rol"),
    ({"function_codes": ["XX"]}, "Onbekende functiecode: XX"),
    ({"password": "kort"}, "minstens 10 tekens"),
])
def test_create_user_refuses_bad_input_without_writing(app, kwargs, message):
    factories.function("OL")
    args = {"email": "nieuw@example.nl", "name": "Nieuw", "roles": ["functionary"],
            "function_codes": ["OL"], "password": None} | kwargs
    with pytest.raises(services.AccountError, match=message):
        services.create_user(**args)
    app.extensions["sqlalchemy"].session.rollback()
    assert services.find_by_email("nieuw@example.nl") is None


def test_create_user_refuses_duplicate_email(app):
    factories.user(email="dubbel@example.nl")
    with pytest.raises(services.AccountError, match="bestaat al"):
        services.create_user("Dubbel@example.nl", "Ander", ["functionary"], [])


def test_password_change_and_deactivation_invalidate_sessions(app):
    person = factories.user()
    old_session, key = person.get_id(), sessions.start(person)
    assert services.load_session_user(old_session, key) == person
    services.change_password(person, factories.PASSWORD, "een nieuw lang wachtwoord")
    assert services.load_session_user(old_session, key) is None
    current, key = person.get_id(), sessions.start(person)
    assert services.load_session_user(current, key) == person
    services.set_active(person, False)
    assert services.load_session_user(current, key) is None


def test_change_password_requires_current_password(app):
    person = factories.user()
    with pytest.raises(services.AccountError, match="huidige wachtwoord"):
        services.change_password(person, "niet het goede", "een nieuw lang wachtwoord")


@pytest.mark.parametrize("session_id", ["", "abc", "1", "1:2:3", None])
def test_load_session_user_ignores_garbage(app, session_id):
    person = factories.user()
    assert services.load_session_user(session_id, sessions.start(person)) is None


def test_load_session_user_needs_the_live_session_of_the_key(app):
    person, other = factories.user(), factories.user()
    key = sessions.start(person)
    assert services.load_session_user(person.get_id(), key) == person
    assert services.load_session_user(person.get_id(), None) is None
    assert services.load_session_user(person.get_id(), "x" + key) is None
    assert services.load_session_user(other.get_id(), key) is None  # another person's session
    sessions.end(key)
    assert services.load_session_user(person.get_id(), key) is None


def test_user_model_function_helpers(app):
    person = factories.user(functions=("OL", "BA"))
    assert isinstance(person, User)
    assert person.function_codes == ["BA", "OL"]
    assert person.has_role("functionary") and not person.has_role("admin")


def test_account_services_leave_the_commit_to_their_caller(app):
    """README, "Who commits": what a service did is gone after a rollback, so only its caller commits."""
    admin = factories.user(roles=("admin",), email="admin@example.nl")
    person = factories.user(email="p@example.nl")
    sessions.start(person)
    db.session.commit()
    assert services.authenticate("p@example.nl", factories.PASSWORD) == person
    services.create_user("nieuw@example.nl", "Nieuw", ["functionary"], ["OL"], actor=admin)
    services.change_password(person, factories.PASSWORD, "een nieuw lang wachtwoord")
    services.set_roles(person, ["functionary", "author"], actor=admin)
    services.set_active(person, False, actor=admin)
    db.session.rollback()
    assert services.find_by_email("nieuw@example.nl") is None
    assert person.active and person.roles == {"functionary"} and len(sessions.active(person)) == 1
    assert services.authenticate("p@example.nl", factories.PASSWORD) == person   # the old password
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(AuditLog.id))) == 0


def test_a_refused_login_and_a_wrong_current_password_are_audited_on_their_own(app):
    """Their pages answer 422, which rolls the request back: the trail of a guessing attempt stays."""
    person = factories.user(email="p@example.nl")
    assert services.authenticate("p@example.nl", "niet het goede") is None
    assert services.authenticate("niemand@example.nl", "niet het goede") is None
    with pytest.raises(services.WrongPassword):
        services.change_password(person, "niet het goede", "een nieuw lang wachtwoord")
    db.session.rollback()
    rows = db.session.execute(db.select(AuditLog.action, AuditLog.actor_id, AuditLog.detail)
                              .order_by(AuditLog.id)).all()
    assert rows == [("login_failed", person.id, "p@example.nl"), ("login_failed", None, "niemand@example.nl"),
                    ("password_change_refused", person.id, None)]
