"""security.txt per RFC 9116, the service worker and offline page, and the reverse-proxy mode."""
import re
from datetime import datetime, timedelta, timezone

import pytest

from app import create_app
from tests import factories

URI = re.compile(r"^(mailto:[^@\s]+@[^@\s]+|https://\S+|tel:\+?[\d-]+)$")


def _fields(body: str) -> list[tuple[str, str]]:
    fields = []
    for line in body.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, sep, value = line.partition(": ")
        assert sep and re.fullmatch(r"[A-Za-z-]+", name), f"not a field line: {line!r}"
        fields.append((name.lower(), value.strip()))
    return fields


def test_security_txt_follows_rfc_9116(client):
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    fields = _fields(response.get_data(as_text=True))
    names = [n for n, _ in fields]
    contacts = [v for n, v in fields if n == "contact"]
    assert contacts and all(URI.match(c) for c in contacts)
    assert names.count("expires") == 1  # MUST appear exactly once
    expires = datetime.fromisoformat(dict(fields)["expires"].replace("Z", "+00:00"))
    now = datetime.now(timezone.utc)
    assert now < expires <= now + timedelta(days=366)  # in the future, less than a year away (2.5.5)
    assert dict(fields)["canonical"] == "http://127.0.0.1:5000/.well-known/security.txt"  # PUBLIC_URL
    assert names.count("canonical") == 1
    assert dict(fields)["canonical"].endswith("/.well-known/security.txt")
    for name in names:
        assert name in {"contact", "expires", "canonical", "preferred-languages", "encryption",
                        "acknowledgments", "hiring", "policy", "csaf"}


def test_legacy_security_txt_redirects(client):
    response = client.get("/security.txt")
    assert response.status_code == 301 and response.location.endswith("/.well-known/security.txt")


def test_behind_a_proxy_links_come_from_public_url_and_the_client_ip_is_the_real_one(tmp_path, monkeypatch):
    monkeypatch.setenv("PROXY_FIX", "1")
    monkeypatch.setenv("PUBLIC_URL", "https://paraat.vrtwente.nl")
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}"})
    headers = {"X-Forwarded-Proto": "http", "X-Forwarded-Host": "proxy.intern",
               "X-Forwarded-For": "203.0.113.9"}

    @app.get("/_ip")
    def _ip():
        from flask import request
        return request.remote_addr

    body = app.test_client().get("/.well-known/security.txt", headers=headers).get_data(as_text=True)
    assert "Canonical: https://paraat.vrtwente.nl/.well-known/security.txt" in body
    assert app.test_client().get("/_ip", headers=headers).get_data(as_text=True) == "203.0.113.9"


def test_without_proxy_fix_forwarded_headers_are_ignored(client):
    body = client.get("/.well-known/security.txt", headers={"X-Forwarded-Proto": "https",
                                                            "X-Forwarded-Host": "evil.example"}).get_data(as_text=True)
    assert "evil.example" not in body


@pytest.mark.parametrize("logged_in", [False, True])
def test_service_worker_is_served_at_the_root_with_the_fingerprinted_shell(app, client, auth, logged_in):
    if logged_in:
        factories.user(email="sw@example.nl")
        auth.login("sw@example.nl")
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert re.search(r"no-cache|no-store", response.headers["Cache-Control"])
    source = response.get_data(as_text=True)
    shell = re.search(r"const SHELL = (\[.*?\]);", source).group(1)
    assert re.search(r'"/static/css/app\.css\?v=\w+"', shell) and '"/offline"' in shell
    assert re.search(r'"/static/js/app\.js\?v=\w+"', shell)


def test_offline_page_is_public_and_explains(client):
    response = client.get("/offline")
    assert response.status_code == 200 and "Geen verbinding" in response.get_data(as_text=True)


def test_start_page_names_only_the_week_module_and_due_reviews_for_offline(app, client, auth):
    factories.user(email="ol@example.nl")
    auth.login("ol@example.nl")
    page = client.get("/").get_data(as_text=True)
    match = re.search(r'data-offline-urls="([^"]*)"', page)
    urls = match.group(1).split() if match else []
    # The briefing flow's first step (this week's module, read inline) is kept too.
    assert all(re.fullmatch(r"/learn/[^/]+|/quizzes/review(/\d+)?|/briefing/1", u) for u in urls), urls
    assert any(u.startswith("/learn/") for u in urls)  # the repository's content has modules for OL


def test_security_txt_expires_comes_from_configuration(app, client):
    app.config["SECURITY_TXT_EXPIRES"] = "2027-06-30"
    assert "Expires: 2027-06-30T23:59:59Z" in client.get("/.well-known/security.txt").get_data(as_text=True)
