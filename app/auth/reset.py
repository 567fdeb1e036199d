"""Set-password links: signed, expiring, and single-use (they carry the session version)."""
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app import mail
from app.extensions import db
from app.models import User
from app.urls import public_url

MAX_AGE = 3 * 24 * 3600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="paraat-set-password")


def make_token(user: User) -> str:
    return _serializer().dumps({"u": user.id, "v": user.session_version})


def user_for_token(token: str) -> User | None:
    """The user a valid, unused, unexpired token belongs to; None otherwise."""
    try:
        data = _serializer().loads(token, max_age=MAX_AGE)
    except (BadSignature, SignatureExpired):
        return None
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or not user.active or user.session_version != data.get("v"):
        return None
    return user


def send_set_password_link(user: User) -> None:
    link = public_url("auth.set_password", token=make_token(user))
    mail.send(user.email, "Kies je wachtwoord voor Paraat",
              f"Hallo {user.name},\n\nKies met deze link een wachtwoord voor Paraat (3 dagen geldig, "
              f"één keer te gebruiken):\n\n{link}\n\nHeb je dit niet aangevraagd? Dan kun je dit bericht negeren.",
              user=user)
