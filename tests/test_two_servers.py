"""Issue 15.8: two gunicorn app servers on different ports against one PostgreSQL and one Redis.

A session made on one is valid on the other, logout on one ends it on both, the login rate limit
counts across both, and `allocation close-due` and `mail deliver` started on both servers' command
lines at once do everything exactly once (each person gets one outcome mail at the SMTP server).
Runs when TEST_DATABASE_URL and TEST_REDIS_URL are set (CI sets both).
"""
import http.client
import os
import re
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest

from app.activities.base import local_now
from app.activities import rounds
from app.extensions import db
from app.models import AuditLog, OutboxMessage, Registration, RegistrationRound
from tests import factories
from tests.activities.conftest import make_activity, make_round
from tests.mailserver import free_port

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(not (os.environ.get("TEST_DATABASE_URL") and REDIS_URL),
                                reason="needs TEST_DATABASE_URL and TEST_REDIS_URL (CI sets both)")
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Browser:
    """One person's browser: its cookies go to whichever server the load balancer picks."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, port, method, path, form=None):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"User-Agent": "Mozilla/5.0 (Linux; Android 14) Chrome/131.0 Mobile"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        page = response.read().decode()
        for header in response.msg.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value in ("", '""') or "01 Jan 1970" in header:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        conn.close()
        return response.status, page

    def post(self, port, path, form, token_from="/login"):
        _, page = self.request(port, "GET", token_from)
        return self.request(port, "POST", path, {**form, "csrf_token": CSRF.search(page).group(1)})


def _env(app, smtp):
    env = {k: v for k, v in os.environ.items() if k not in ("APP_ENV",)}
    env.update(DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], SECRET_KEY="two-servers-secret",
               RATELIMIT_STORAGE_URI=REDIS_URL, LOGIN_RATE_LIMIT="5 per minute", PUBLIC_URL="https://paraat.example.test",
               MAIL_SERVER="127.0.0.1", MAIL_PORT=str(smtp.port), FORGOT_MIN_SECONDS="0")
    return env


@pytest.fixture
def servers(app, smtp, tmp_path):
    if app.config["DB_BACKEND"] != "postgresql":
        pytest.skip("two servers share PostgreSQL")
    prefix = f"two-servers-{uuid.uuid4()}"  # a fresh rate-limit counter in the shared Redis
    env = _env(app, smtp)
    ports, procs = [free_port(), free_port()], []
    for port in ports:
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}",
             f"app:create_app({{'RATELIMIT_KEY_PREFIX': '{prefix}'}})"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=(tmp_path / f"gunicorn-{port}.log").open("w")))
    try:
        for port, proc in zip(ports, procs):
            deadline = time.monotonic() + 60
            while True:
                try:
                    if Browser().request(port, "GET", "/healthz")[0] == 200:
                        break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"gunicorn on {port} did not start: "
                                         f"{(tmp_path / f'gunicorn-{port}.log').read_text()[-2000:]}")
                time.sleep(0.2)
        yield ports
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(30)
        for port in ports:  # shown by pytest when the test failed
            print((tmp_path / f"gunicorn-{port}.log").read_text()[-3000:])


def test_sessions_logout_and_the_login_limit_are_shared_by_both_servers(app, servers):
    a, b = servers
    factories.user(email="ol@example.nl")
    browser = Browser()
    status, _ = browser.post(a, "/login", {"email": "ol@example.nl", "password": factories.PASSWORD})
    assert status == 302
    assert browser.request(b, "GET", "/account")[0] == 200          # made on A, valid on B
    copied = Browser()
    copied.cookies = dict(browser.cookies)                           # e.g. a second tab, or a thief
    assert copied.request(a, "GET", "/account")[0] == 200
    assert browser.post(b, "/logout", {}, token_from="/account")[0] == 302   # logout on B …
    assert copied.request(a, "GET", "/account")[0] == 302            # … ends it on A too
    assert copied.request(b, "GET", "/account")[0] == 302

    # The login limit (5 per minute per address) counts posts on both servers together (the
    # successful login above was the first).
    wrong = {"email": "ol@example.nl", "password": "fout wachtwoord"}
    statuses = [Browser().post(port, "/login", wrong)[0] for port in (a, b, a, b, a)]
    assert statuses == [422, 422, 422, 422, 429]


def _cli(env, *args):
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_close_due_and_mail_deliver_on_both_servers_do_everything_once(app, smtp, servers):
    now = local_now()
    rnd = make_round("Najaar", opens_at=now - timedelta(days=7), closes_at=now - timedelta(hours=1))
    activity = make_activity("Oefening Twee Servers", starts_at=now + timedelta(days=30), seats={"OL": 2}, rnd=rnd)
    people = [factories.user(email=f"p{i}@example.nl") for i in range(6)]
    for person in people:
        rounds.add_to_ranking(person, rnd, activity, now - timedelta(days=1))
    for i in range(10):  # mail the app could not send at once, for the two sweepers
        db.session.add(OutboxMessage(to=f"wacht{i}@example.nl", subject=f"Wachtend {i}", body="x"))
    db.session.commit()

    env = _env(app, smtp)
    jobs = [_cli(env, "allocation", "close-due"), _cli(env, "allocation", "close-due"),
            _cli(env, "mail", "deliver"), _cli(env, "mail", "deliver")]
    outputs = [job.communicate(timeout=120) for job in jobs]
    assert [job.returncode for job in jobs] == [0, 0, 0, 0], outputs
    assert sorted(out for out, _ in outputs[:2]) == ["0 ronde(s) toegewezen.\n",
                                                     "Najaar: toegewezen met lot " f"najaar-{rnd.id}\n1 ronde(s) toegewezen.\n"]

    expected = {p.email for p in people} | {f"wacht{i}@example.nl" for i in range(10)}
    smtp.wait_for(len(expected))
    time.sleep(1)  # a duplicate would arrive right behind
    received = sorted(m["To"] for m in smtp.messages)
    assert received == sorted(expected)                                # every message exactly once
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count()).where(AuditLog.action == "allocation_run")) == 1
    assert db.session.get(RegistrationRound, rnd.id).ran_at is not None
    statuses = db.session.scalars(db.select(Registration.status)).all()
    assert sorted(statuses) == ["assigned"] * 2 + ["waitlisted"] * 4
    assert db.session.scalar(db.select(db.func.count()).where(OutboxMessage.sent_at.is_(None))) == 0
