"""Who commits: the request, CLI command or job that called the services, once, at its end.

Services add, change and flush; they never commit or roll back the session. A request is one unit
of work: `commit_request` commits it after the view returned an answer below 400 and rolls it back
otherwise (a 4xx form error or refusal stores nothing of the request's changes; an exception is
rolled back by the error pages before they render). A CLI command commits when its work is done;
a job over many independent items (reminders, due rounds, offers) commits after each item, so one
bad item does not undo the others. The few writes that must be kept whatever the request does
(the audit trail of a refusal, a session's last-seen time) use `own_transaction()`; README
("Who commits") names each of them.
"""
import logging
from contextlib import contextmanager

from flask import Flask, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from app.extensions import db

log = logging.getLogger(__name__)


@event.listens_for(Engine, "savepoint")
def _sqlite_savepoint_inside_the_transaction(connection, name):
    """SQLite (pysqlite) opens its transaction only before the first INSERT, UPDATE or DELETE; a SAVEPOINT
    issued before that starts the transaction itself, and its RELEASE commits everything so far. Begin
    the request's transaction first, so a SAVEPOINT only ever undoes or keeps its own step, as on PostgreSQL."""
    if connection.dialect.name == "sqlite" and not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN")


def insert_once(obj) -> bool:
    """Insert `obj` in a SAVEPOINT of its own. False, and `obj` discarded, when a unique constraint
    says it is already there (a double tap or a parallel request won); the request goes on.

    The SAVEPOINT is opened before `obj` joins the session: begin_nested() flushes what is pending
    first, and `obj` must not be part of that flush or its IntegrityError would escape the SAVEPOINT.
    """
    savepoint = db.session.begin_nested()
    db.session.add(obj)
    try:
        db.session.flush()
    except IntegrityError:
        savepoint.rollback()
        return False
    savepoint.commit()
    return True


@contextmanager
def own_transaction():
    """A short transaction of its own, on a connection of its own, committed when the block ends:
    what it writes is kept whatever the request does next (a 4xx answer rolls the request back).

    Only for the writes README names under "Who commits". Use it before the request has written
    anything itself: on SQLite the request's own pending write would lock this connection out.
    """
    with db.engine.begin() as connection:
        yield connection


def init_app(app: Flask) -> None:
    # Registered last in create_app(), so it runs first of the after_request functions: headers and
    # compression see the outcome, and a failing commit becomes the Dutch 500 page.
    @app.after_request
    def commit_request(response):
        if response.status_code >= 400:
            db.session.rollback()
            return response
        try:
            db.session.commit()
        except Exception:  # noqa: BLE001 - a commit that fails (a lost race, a broken session): nothing is kept
            log.exception("commit failed on %s %s", request.method, request.path)
            from app.errors import server_error_page
            return server_error_page()
        return response


def claim_submission(user_id: int, purpose: str, nonce: str | None):
    """Claim one copy of a form by its nonce (the idempotency key). Returns (row, first):
    first=True the first time, so the caller creates its object and sets `row.object_id`;
    first=False for a repeat (a double tap, a resend), whose row names what the first one made.
    A parallel copy waits on the unique key until the first one commits (PostgreSQL), so the
    repeat sees its `object_id`. Without a nonce there is nothing to recognise: (None, True).
    """
    from app.models import FormSubmission

    if not nonce:
        return None, True
    row = FormSubmission(user_id=user_id, purpose=purpose, nonce=nonce[:64])
    if insert_once(row):
        return row, True
    return db.session.scalar(db.select(FormSubmission).filter_by(
        user_id=user_id, purpose=purpose, nonce=nonce[:64])), False
