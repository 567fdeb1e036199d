"""Mail delivery against a real SMTP server (aiosmtpd, fixture `smtp`): prompt after commit, the
`mail deliver` sweeper with claiming, failure isolation, backoff and giving up, one-line subjects."""
import re
import threading
import time
from datetime import timedelta

from app import mail
from app.extensions import db
from app.models import OutboxMessage
from app.models.core import utcnow
from tests import factories

LINK = re.compile(r"https://paraat\.example\.test(/\S+)")


def _row(to):
    db.session.commit()  # a fresh snapshot: the background thread wrote in its own session
    return db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.to == to))


def _wait_sent(to, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = _row(to)
        if row is not None and row.sent_at is not None:
            return row
        time.sleep(0.05)
    raise AssertionError(f"outbox row for {to} not marked sent")


def test_password_reset_mail_arrives_promptly_with_a_link_from_public_url(app, client, smtp):
    factories.user(email="vergeten@example.nl", name="Vera")
    response = client.post("/account/forgot", data={"email": "vergeten@example.nl"},
                           headers={"Host": "evil.example"})
    assert response.status_code == 302
    [message] = smtp.wait_for(1)
    assert message["To"] == "vergeten@example.nl"
    assert message["Subject"] == "Kies je wachtwoord voor Paraat"
    body = message.get_content()
    assert "evil.example" not in body and "localhost" not in body
    path = LINK.search(body).group(1)
    assert path.startswith("/account/set-password/")
    page = client.get(path)
    assert page.status_code == 200 and "Wachtwoord kiezen" in page.get_data(as_text=True)
    assert _wait_sent("vergeten@example.nl").tries == 1


def test_the_request_does_not_wait_for_a_slow_smtp_server(app, client, smtp):
    factories.user(email="traag@example.nl")
    smtp.gate.clear()  # the server accepts the connection but hangs in DATA
    assert client.post("/account/forgot", data={"email": "traag@example.nl"}).status_code == 302
    assert smtp.messages == []
    smtp.gate.set()
    smtp.wait_for(1)
    row = _wait_sent("traag@example.nl")
    assert row.error is None and row.tries == 1


def test_nothing_is_sent_when_the_transaction_rolls_back(app, smtp):
    from app.auth.reset import send_set_password_link
    person = factories.user(email="link@example.nl")
    db.session.commit()
    mail.send("terug@example.nl", "Teruggedraaid", "x")
    send_set_password_link(person)   # queues in the caller's transaction, never commits it
    db.session.rollback()
    mail.send("wel@example.nl", "Wel", "x")
    db.session.commit()
    smtp.wait_for(1)
    mail.wait_for_background()
    assert [m["To"] for m in smtp.messages] == ["wel@example.nl"]


def _queue(*rows):
    """Rows written as another process would: the background thread is not woken."""
    for to, subject in rows:
        db.session.add(OutboxMessage(to=to, subject=subject, body=f"Bericht voor {to}"))
    db.session.commit()


def test_deliver_isolates_a_bad_message_retries_with_backoff_and_gives_up(app, runner, smtp):
    app.config["MAIL_MAX_TRIES"] = 2
    smtp.refuse.add("weg@example.nl")
    _queue(("een@example.nl", "Eerste"), ("weg@example.nl", "Komt niet aan"),
           ("twee@example.nl", "Oud onderwerp\r\nBcc: iedereen@example.nl"))
    result = runner.invoke(args=["mail", "deliver"])
    assert result.exit_code == 1
    assert "2 verstuurd, 1 later opnieuw, 0 mislukt." in result.output
    received = smtp.wait_for(2)
    assert sorted(m["To"] for m in received) == ["een@example.nl", "twee@example.nl"]
    assert smtp.to("twee@example.nl")[0]["Subject"] == "Oud onderwerp Bcc: iedereen@example.nl"
    assert smtp.to("twee@example.nl")[0]["Bcc"] is None
    bad = _row("weg@example.nl")
    assert bad.tries == 1 and bad.sent_at is None and bad.failed_at is None and "550" in bad.error
    assert bad.next_attempt_at > utcnow() + timedelta(seconds=30)

    again = runner.invoke(args=["mail", "deliver"])  # not due yet: nothing happens, nothing resent
    assert again.exit_code == 0 and "0 verstuurd, 0 later opnieuw, 0 mislukt." in again.output
    bad.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    last = runner.invoke(args=["mail", "deliver"])
    assert last.exit_code == 1 and "0 verstuurd, 0 later opnieuw, 1 mislukt." in last.output
    bad = _row("weg@example.nl")
    assert bad.tries == 2 and bad.failed_at is not None
    assert len(smtp.messages) == 2


def test_deliver_without_mail_server_leaves_the_outbox(app, runner):
    _queue(("een@example.nl", "Eerste"))
    result = runner.invoke(args=["mail", "deliver"])
    assert result.exit_code == 0 and "MAIL_SERVER is niet ingesteld" in result.output
    assert _row("een@example.nl").sent_at is None


def test_parallel_deliverers_send_every_message_exactly_once(app, smtp):
    _queue(*((f"p{i}@example.nl", f"Bericht {i}") for i in range(30)))
    start = threading.Barrier(4)
    errors = []

    def deliver():
        try:
            with app.app_context():
                start.wait()
                mail.deliver_pending()
                db.session.remove()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    smtp.wait_for(30)
    time.sleep(0.2)  # a duplicate would arrive right behind
    assert sorted(m["Subject"] for m in smtp.messages) == sorted(f"Bericht {i}" for i in range(30))
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count()).where(OutboxMessage.sent_at.is_not(None))) == 30


def test_subjects_are_one_line_and_fit_the_column(app):
    message = mail.send("a@example.nl", "Geannuleerd: " + "x" * 250 + "\r\nBcc: b@example.nl", "x")
    db.session.commit()
    assert len(message.subject) == 200 and message.subject.endswith("…")
    assert "\n" not in message.subject and "\r" not in message.subject
    assert mail.clean_header("Regel\r\nnog een\tregel") == "Regel nog een regel"


def test_backoff_grows_and_is_capped():
    assert [mail.backoff(n) for n in (1, 2, 3)] == [timedelta(minutes=1), timedelta(minutes=2),
                                                    timedelta(minutes=4)]
    assert mail.backoff(30) == timedelta(hours=6)
