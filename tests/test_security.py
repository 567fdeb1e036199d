"""Cross-cutting security: headers on every response, CSRF, error pages without stack traces."""
import pytest
from flask import abort

from tests import factories
from tests.conftest import HTMX

PUBLIC = ["/login", "/toegankelijkheid", "/privacy", "/.well-known/security.txt",
          "/manifest.webmanifest", "/healthz", "/bestaat-niet"]


@pytest.mark.parametrize("path", PUBLIC)
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_personal_pages_are_not_cached(app, client, auth):
    factories.user(email="ol@example.nl")
    auth.login("ol@example.nl")
    assert client.get("/").headers["Cache-Control"] == "no-store"


def test_hsts_and_host_cookie_only_in_production(tmp_path, monkeypatch):
    from app import create_app
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("PUBLIC_URL", "https://paraat.vrtwente.nl")
    prod = create_app({"TESTING": True, "SECRET_KEY": "x",
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}"})
    response = prod.test_client().get("/login")
    assert "max-age=" in response.headers["Strict-Transport-Security"]
    cookie = response.headers.get("Set-Cookie", "")
    assert cookie.startswith("__Host-paraat=") and "Secure" in cookie and "HttpOnly" in cookie


def test_fingerprinted_static_is_cached_for_a_year(client):
    page = client.get("/login").get_data(as_text=True)
    import re
    css = re.search(r'href="(/static/css/app\.css\?v=\w+)"', page).group(1)
    response = client.get(css)
    assert response.status_code == 200
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert "immutable" in response.headers["Cache-Control"]


@pytest.mark.csrf
def test_login_without_csrf_token_is_refused_in_dutch(app, client):
    factories.user(email="ol@example.nl")
    response = client.post("/login", data={"email": "ol@example.nl", "password": factories.PASSWORD})
    assert response.status_code == 400
    assert "formulier was verlopen" in response.get_data(as_text=True)


@pytest.mark.csrf
def test_htmx_request_with_csrf_header_is_accepted(app, client):
    import re
    factories.user(email="ol@example.nl")
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    ok = client.post("/login", data={"email": "ol@example.nl", "password": factories.PASSWORD},
                     headers={"X-CSRFToken": token})
    assert ok.status_code == 302


def test_unhandled_error_shows_dutch_page_without_traceback(app, client):
    @app.route("/_boom")
    def boom():
        raise RuntimeError("secret internal detail")

    response = client.get("/_boom")
    text = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Er ging iets mis" in text
    assert "secret internal detail" not in text and "Traceback" not in text


@pytest.mark.parametrize("code,words", [(403, "Geen toegang"), (404, "niet gevonden"), (405, "Niet toegestaan")])
def test_error_pages_dutch_full_and_htmx(app, client, code, words):
    @app.route(f"/_err{code}")
    def err():
        abort(code)

    full = client.get(f"/_err{code}")
    fragment = client.get(f"/_err{code}", headers=HTMX)
    assert full.status_code == fragment.status_code == code
    assert words in full.get_data(as_text=True) and "<html" in full.get_data(as_text=True)
    assert words in fragment.get_data(as_text=True) and "<html" not in fragment.get_data(as_text=True)
    assert "HX-Request" in full.headers["Vary"]


def test_no_inline_script_style_or_handlers_in_templates():
    import pathlib
    import re
    root = pathlib.Path(__file__).parents[1] / "app" / "templates"
    offenders = []
    for path in root.rglob("*.html"):
        text = path.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)", text) or re.search(r"\son[a-z]+\s*=", text) \
                or re.search(r"\sstyle\s*=", text) or "<style" in text or "hx-on" in text:
            offenders.append(str(path.relative_to(root)))
    assert offenders == []
