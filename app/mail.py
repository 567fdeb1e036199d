"""Notifications: every message goes to the outbox table, and by SMTP when MAIL_SERVER is set.

`send()` queues a message in the caller's transaction. When that transaction commits, a background
thread of this process delivers what is due (the request never waits on the SMTP server);
`flask --app wsgi mail deliver` (a scheduled job) sweeps up what is left and retries failures.

Delivery claims each row with a conditional UPDATE (a lease in `claimed_until`) before sending, so two
deliverers in parallel, in one process or on two servers, never send one message twice. A message that
fails is retried with backoff and marked failed after MAIL_MAX_TRIES tries; one bad message never
stops the others.
"""
from __future__ import annotations

import atexit
import logging
import re
import smtplib
import threading
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import event, or_, update
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import OutboxMessage
from app.models.core import utcnow

log = logging.getLogger(__name__)

SUBJECT_MAX = OutboxMessage.subject.type.length
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
LEASE = timedelta(minutes=5)
_PENDING_KEY = "paraat_mail_app"


def clean_header(value: str, limit: int | None = None) -> str:
    """One line: CR, LF and other control characters become a space; too long ends in an ellipsis."""
    value = " ".join(_CONTROL.sub(" ", value or "").split())
    if limit and len(value) > limit:
        value = value[: limit - 1].rstrip() + "…"
    return value


def send(to: str, subject: str, body: str, user=None) -> OutboxMessage:
    """Queue a message in the caller's transaction; it is delivered after that transaction commits."""
    message = OutboxMessage(to=clean_header(to, 254), subject=clean_header(subject, SUBJECT_MAX), body=body,
                            user_id=getattr(user, "id", None))
    db.session.add(message)
    if current_app.config.get("MAIL_SERVER"):
        db.session.info[_PENDING_KEY] = current_app._get_current_object()
    log.info("outbox: to=%s subject=%s", message.to, message.subject)
    return message


# --- Prompt delivery after commit --------------------------------------------------------------

@event.listens_for(Session, "after_commit")
def _deliver_after_commit(session):
    app = session.info.pop(_PENDING_KEY, None)
    if app is not None:
        _worker_for(app).wake()


@event.listens_for(Session, "after_soft_rollback")
def _forget_after_rollback(session, _previous_transaction):
    if not session.in_transaction():
        session.info.pop(_PENDING_KEY, None)


@dataclass
class _Worker:
    """At most one delivery thread per app and process; a wake-up during a run makes it run again."""

    app: object
    lock: threading.Lock = field(default_factory=threading.Lock)
    thread: threading.Thread | None = None
    again: bool = False

    def wake(self) -> None:
        with self.lock:
            if self.thread is not None and self.thread.is_alive():
                self.again = True
                return
            self.again = False
            self.thread = threading.Thread(target=self._run, name="paraat-mail", daemon=True)
            self.thread.start()

    def _run(self) -> None:
        while True:
            try:
                with self.app.app_context():
                    deliver_pending()
            except Exception:  # the sweeper retries; a thread must never die with a trace on stderr
                log.exception("outbox: background delivery failed")
            with self.lock:
                if not self.again:
                    self.thread = None
                    return
                self.again = False

    def join(self, timeout: float) -> None:
        thread = self.thread
        if thread is not None:
            thread.join(timeout)


_workers: dict[int, _Worker] = {}
_workers_lock = threading.Lock()


def _worker_for(app) -> _Worker:
    with _workers_lock:
        worker = _workers.get(id(app))
        if worker is None or worker.app is not app:
            worker = _workers[id(app)] = _Worker(app)
        return worker


def wait_for_background(timeout: float = 10.0) -> None:
    """Let running background deliveries finish (at exit of a command, and in tests)."""
    for worker in list(_workers.values()):
        worker.join(timeout)


atexit.register(wait_for_background)


# --- Delivery ---------------------------------------------------------------------------------

@dataclass
class DeliveryResult:
    sent: int = 0
    retry: int = 0
    failed: int = 0

    @property
    def problems(self) -> int:
        return self.retry + self.failed


def backoff(tries: int) -> timedelta:
    """Wait before try number tries + 1: 1, 2, 4, 8 … minutes, at most 6 hours."""
    return min(timedelta(minutes=2 ** max(tries - 1, 0)), timedelta(hours=6))


def _due(now):
    return (OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None),
            or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))


def _claim(message_id: int) -> bool:
    """Take the row for LEASE; False when another deliverer has it or it is no longer due."""
    now = utcnow()
    claimed = db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id, *_due(now))
                                 .values(claimed_until=now + LEASE)
                                 .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return claimed == 1


def _email(message: OutboxMessage) -> EmailMessage:
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_FROM"]
    email["To"] = clean_header(message.to)
    email["Subject"] = clean_header(message.subject)
    email.set_content(message.body)
    return email


class _Connection:
    """One SMTP connection per delivery run, opened when needed and again after a failure."""

    def __init__(self, host: str, port: int):
        self.host, self.port, self.smtp = host, port, None

    def send(self, email: EmailMessage) -> None:
        if self.smtp is None:
            self.smtp = smtplib.SMTP(self.host, self.port, timeout=current_app.config["MAIL_TIMEOUT"])
        try:
            self.smtp.send_message(email)
        except (OSError, smtplib.SMTPServerDisconnected):
            self.close()
            raise

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self.smtp = None


def deliver_pending(limit: int = 500) -> DeliveryResult:
    """Send every due outbox message by SMTP; without MAIL_SERVER they stay in the outbox."""
    result = DeliveryResult()
    server = current_app.config.get("MAIL_SERVER")
    if not server:
        return result
    max_tries = int(current_app.config["MAIL_MAX_TRIES"])
    ids = db.session.scalars(db.select(OutboxMessage.id).where(*_due(utcnow()))
                             .order_by(OutboxMessage.id).limit(limit)).all()
    db.session.commit()
    connection = _Connection(server, int(current_app.config["MAIL_PORT"]))
    try:
        for message_id in ids:
            if not _claim(message_id):
                continue
            message = db.session.get(OutboxMessage, message_id)
            try:
                connection.send(_email(message))
            except Exception as exc:  # isolate: whatever one message does, the others still go
                message.tries += 1
                message.error = f"{type(exc).__name__}: {exc}"[:500]
                message.claimed_until = None
                if message.tries >= max_tries:
                    message.failed_at = utcnow()
                    result.failed += 1
                    log.error("outbox: message %s failed for good after %s tries: %s",
                              message_id, message.tries, exc)
                else:
                    message.next_attempt_at = utcnow() + backoff(message.tries)
                    result.retry += 1
                    log.warning("outbox: sending %s failed (try %s): %s", message_id, message.tries, exc)
            else:
                message.tries += 1
                message.sent_at = utcnow()
                message.error = None
                message.claimed_until = None
                result.sent += 1
            db.session.commit()
    finally:
        connection.close()
    return result


def init_app(app) -> None:
    import click

    @app.cli.group("mail", help="E-mail uit de outbox.")
    def mail_group():
        pass

    @mail_group.command("deliver", help="Verstuur alle wachtende berichten (veilig om parallel te draaien).")
    def deliver_command():
        if not app.config.get("MAIL_SERVER"):
            click.echo("MAIL_SERVER is niet ingesteld: berichten blijven in de outbox.")
            return
        total = DeliveryResult()
        while True:  # batch after batch until a batch sends nothing
            batch = deliver_pending()
            total.sent, total.retry, total.failed = (total.sent + batch.sent, total.retry + batch.retry,
                                                     total.failed + batch.failed)
            if batch.sent == 0:
                break
        click.echo(f"{total.sent} verstuurd, {total.retry} later opnieuw, {total.failed} mislukt.")
        if total.problems:
            raise SystemExit(1)
