"""Notifications: every message goes to the outbox table, and by SMTP when MAIL_SERVER is set."""
import logging
import smtplib
from email.message import EmailMessage

from flask import current_app

from app.extensions import db
from app.models import OutboxMessage
from app.models.core import utcnow

log = logging.getLogger(__name__)


def send(to: str, subject: str, body: str, user=None) -> OutboxMessage:
    """Queue a message in the caller's transaction; deliver_pending() sends it after commit."""
    message = OutboxMessage(to=to, subject=subject, body=body, user_id=getattr(user, "id", None))
    db.session.add(message)
    log.info("outbox: to=%s subject=%s", to, subject)
    return message


def deliver_pending(limit: int = 100) -> int:
    """Send unsent outbox messages by SMTP; without MAIL_SERVER they stay in the outbox."""
    server = current_app.config.get("MAIL_SERVER")
    if not server:
        return 0
    sent = 0
    pending = db.session.scalars(
        db.select(OutboxMessage).where(OutboxMessage.sent_at.is_(None), OutboxMessage.error.is_(None))
        .order_by(OutboxMessage.id).limit(limit)
    ).all()
    for message in pending:
        email = EmailMessage()
        email["From"] = current_app.config["MAIL_FROM"]
        email["To"] = message.to
        email["Subject"] = message.subject
        email.set_content(message.body)
        try:
            with smtplib.SMTP(server, current_app.config["MAIL_PORT"], timeout=10) as smtp:
                smtp.send_message(email)
            message.sent_at = utcnow()
            sent += 1
        except (OSError, smtplib.SMTPException) as exc:
            message.error = str(exc)[:500]
            log.warning("outbox: sending %s failed: %s", message.id, exc)
    db.session.commit()
    return sent
