"""Account rules: authenticate, create, change password, deactivate. No request or session here.

Like every service these add and change; the request or CLI command that called them commits
(README, "Who commits"). The audit row of a refused login or password change is the exception:
written on its own (`audit.record_kept`), so the trail of a guessing attempt survives the 422.
"""
from __future__ import annotations

import re
import secrets
from datetime import date

from sqlalchemy import bindparam
from sqlalchemy.orm import joinedload

from app import audit
from app.auth import sessions
from app.auth.passwords import MAX_LENGTH, MIN_LENGTH, hash_password, needs_rehash, verify_password
from app.extensions import db
from app.models import ROLES, Function, Region, User, UserFunction, UserRole, UserSession
from app.models.core import utcnow


class AccountError(ValueError):
    """A rule about accounts was broken; the message is Dutch and safe to show."""


class WrongPassword(AccountError):
    """The current password given to confirm a change is wrong (rate-limited like a login)."""


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_by_email(email: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with this email and password, else None; logs the attempt."""
    user = find_by_email(email)
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.active:
        audit.record_kept(user, "login_failed", object_type="user", object_id=user.id if user else None,
                          detail=normalise_email(email)[:120])
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    audit.record(user, "login", user)
    return user


def check_password_rules(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise AccountError(f"Het wachtwoord moet minstens {MIN_LENGTH} tekens hebben.")
    if len(password) > MAX_LENGTH:
        raise AccountError(f"Het wachtwoord mag hoogstens {MAX_LENGTH} tekens hebben.")


def change_password(user: User, current: str, new: str) -> None:
    """Set a new password and end every other session of this user."""
    if not verify_password(user.password_hash, current):
        audit.record_kept(user, "password_change_refused", user)
        raise WrongPassword("Het huidige wachtwoord klopt niet.")
    check_password_rules(new)
    set_password(user, new)
    audit.record(user, "password_changed", user)


def set_password(user: User, password: str) -> None:
    """New password: every session of this user ends."""
    user.password_hash = hash_password(password)
    user.session_version += 1
    sessions.end_all(user)


def parse_since(text: str | None, today: date | None = None) -> date | None:
    """"In functie sinds": empty is None (long ago); otherwise a real date as jjjj-mm-dd, not in the future.
    Raises AccountError (Dutch)."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError
        day = date.fromisoformat(text)
    except ValueError:
        raise AccountError(f"'{text[:20]}' is geen datum; geef 'in functie sinds' als jjjj-mm-dd, "
                           "bv. 2026-09-01.") from None
    if day > (today or date.today()):
        raise AccountError(f"'In functie sinds' ({day:%d-%m-%Y}) ligt in de toekomst; geef de dag waarop "
                           "de functie begon.")
    return day


def create_user(email: str, name: str, roles: list[str], function_codes: list[str],
                password: str | None = None, region: Region | None = None, actor=None,
                since: date | None = None) -> User:
    """Create an account (holding its functions since `since`, None = long ago); raises AccountError
    (Dutch) on any invalid input, writing nothing."""
    email = normalise_email(email)
    name = (name or "").strip()
    if not email or "@" not in email or len(email) > 254:
        raise AccountError("Geef een geldig e-mailadres.")
    if not name or len(name) > 120:
        raise AccountError("Geef een naam van 1 tot 120 tekens.")
    unknown_roles = [r for r in roles if r not in ROLES]
    if unknown_roles or not roles:
        raise AccountError(f"Onbekende rol: {', '.join(unknown_roles) or '(geen)'}. "
                           f"Kies uit: {', '.join(ROLES)}.")
    if find_by_email(email):
        raise AccountError(f"Er bestaat al een account met e-mailadres {email}.")
    region = region or db.session.scalar(db.select(Region).order_by(Region.id))
    if region is None:
        raise AccountError("Er is nog geen regio. Voer eerst 'flask demo seed' uit of maak een regio aan.")
    functions = []
    for code in function_codes:
        function = db.session.scalar(
            db.select(Function).where(Function.region_id == region.id, Function.code == code))
        if function is None:
            raise AccountError(f"Onbekende functiecode: {code}.")
        functions.append(function)
    if password is not None:
        check_password_rules(password)
    user = User(email=email, name=name, region=region,
                password_hash=hash_password(password) if password else None)
    user.role_rows = [UserRole(role=r) for r in dict.fromkeys(roles)]
    user.function_rows = [UserFunction(function=f, since=since) for f in functions]
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user_created", user, detail=f"roles={','.join(roles)}")
    return user


def set_active(user: User, active: bool, actor=None) -> None:
    """Deactivating ends all of the user's sessions at once (the session version changes)."""
    if user.active == active:
        return
    user.active = active
    user.deactivated_at = None if active else utcnow()
    user.session_version += 1
    sessions.end_all(user)
    audit.record(actor, "user_activated" if active else "user_deactivated", user)


def set_roles(user: User, roles: list[str], actor=None) -> None:
    if not roles or any(r not in ROLES for r in roles):
        raise AccountError("Kies minstens één geldige rol.")
    user.role_rows = [UserRole(role=r) for r in dict.fromkeys(roles)]
    audit.record(actor, "roles_changed", user, detail=",".join(roles))


# Built once: every request runs it, and a statement made once skips being built and hashed again.
_SESSION_USER = (db.select(User, UserSession.id, UserSession.last_seen_at)
                 .join(UserSession, UserSession.user_id == User.id)
                 .where(User.id == bindparam("user_id"), sessions.OF_KEY, *sessions.LIVE)
                 .options(joinedload(User.role_rows), joinedload(User.function_rows)))


def load_session_user(session_id: str, key: str | None) -> User | None:
    """Flask-Login's loader: `id:version` and the session key of the cookie. None for a stale version,
    an inactive user or a session that ended (logout, idle, too old)."""
    try:
        user_id, version = (int(part) for part in session_id.split(":"))
    except (ValueError, AttributeError):
        return None
    if not key or not isinstance(key, str):
        return None
    now = utcnow()
    # One round trip per request: the user with roles and functions, and the live session of the key.
    found = db.session.execute(_SESSION_USER, {"user_id": user_id, **sessions.live_params(now, key)}).unique().first()
    if found is None:
        return None
    user, session_row_id, last_seen_at = found
    if not user.active or user.session_version != version:
        return None
    sessions.touch(session_row_id, last_seen_at, now)
    return user


def new_calendar_token(user: User) -> str:
    user.calendar_token = secrets.token_urlsafe(24)
    return user.calendar_token
