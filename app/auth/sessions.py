"""Server-side sessions: one row per login, so logout ends a session everywhere and a person sees
(and can end) all their sessions. No request here: the caller passes the key from the cookie.

A new or ended session is written with the request that starts or ends it (committed before the
response, and so its cookie, leaves). Only the last-seen time is written on its own (README, "Who
commits"): it is the login's bookkeeping, not the request's work, and a row lock held for the whole
request would make a person's parallel requests wait on each other."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import bindparam, update

from app.extensions import db
from app.models import User, UserSession
from app.models.core import utcnow
from app.transactions import own_transaction

TOUCH_EVERY = timedelta(minutes=1)  # last_seen is written at most once a minute per session


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _idle() -> timedelta:
    return timedelta(seconds=int(current_app.config["PERMANENT_SESSION_LIFETIME"]))


def _max_age() -> timedelta:
    return timedelta(hours=int(current_app.config["SESSION_MAX_HOURS"]))


def start(user: User, user_agent: str = "") -> str:
    """A new session for `user`; returns the key for the cookie (only its hash is stored)."""
    key = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.execute(db.delete(UserSession).where(  # forget this person's long-gone sessions
        UserSession.user_id == user.id, UserSession.last_seen_at < now - _max_age() - timedelta(days=30)))
    db.session.add(UserSession(key_hash=_hash(key), user_id=user.id, created_at=now, last_seen_at=now,
                               user_agent=(user_agent or "")[:300]))
    return key


# A live session: not ended, used within the idle limit, started within the absolute limit. On bound
# values, so a statement built once (the user loader's, run on every request) can use them too.
LIVE = (UserSession.ended_at.is_(None), UserSession.last_seen_at > bindparam("idle_since"),
        UserSession.created_at > bindparam("started_since"))
OF_KEY = UserSession.key_hash == bindparam("key_hash")


def live_params(now, key: str | None = None) -> dict:
    """The values for LIVE (and OF_KEY, given the cookie's key) at `now`."""
    params = {"idle_since": now - _idle(), "started_since": now - _max_age()}
    if key is not None:
        params["key_hash"] = _hash(key)
    return params


def current(user_id: int, key: str | None) -> UserSession | None:
    """The live session of this key and user, its last_seen brought up to date; None when it ended."""
    if not key or not isinstance(key, str):
        return None
    now = utcnow()
    row = db.session.scalar(db.select(UserSession).where(UserSession.user_id == user_id, OF_KEY, *LIVE),
                            live_params(now, key))
    if row is not None:
        touch(row.id, row.last_seen_at, now)
    return row


def touch(session_id: int, last_seen_at, now) -> None:
    """Bring last_seen up to date, at most once a minute, in a transaction of its own."""
    if last_seen_at < now - TOUCH_EVERY:
        with own_transaction() as connection:
            connection.execute(update(UserSession).where(UserSession.id == session_id).values(last_seen_at=now))


def end(key: str | None) -> None:
    if key and isinstance(key, str):
        db.session.execute(update(UserSession).where(UserSession.key_hash == _hash(key),
                                                     UserSession.ended_at.is_(None)).values(ended_at=utcnow()))


def end_all(user: User) -> int:
    """End every session of `user` (logout everywhere, password change, deactivation)."""
    return db.session.execute(update(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None)).values(ended_at=utcnow())).rowcount


def active(user: User) -> list[UserSession]:
    return db.session.scalars(db.select(UserSession).where(UserSession.user_id == user.id, *LIVE)
                              .order_by(UserSession.last_seen_at.desc()), live_params(utcnow())).all()


_BROWSERS = (("Edg/", "Edge"), ("Firefox/", "Firefox"), ("SamsungBrowser/", "Samsung Internet"),
             ("Chrome/", "Chrome"), ("Chromium/", "Chromium"), ("Safari/", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
            ("Mac OS X", "Mac"), ("Linux", "Linux"))


def device(user_agent: str) -> str:
    """'Chrome op Android' from a User-Agent; 'Onbekend apparaat' when it says nothing we know."""
    browser = next((name for token, name in _BROWSERS if token in user_agent), None)
    system = next((name for token, name in _SYSTEMS if token in user_agent), None)
    if browser and system:
        return f"{browser} op {system}"
    return browser or system or "Onbekend apparaat"
