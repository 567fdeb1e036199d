"""Browser tests: the demo region served by a real server thread, driven by Debian's chromium."""
import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-quic", "--no-first-run", "--disable-sync"]
PHONE = {"width": 360, "height": 740}
DEMO_PASSWORD = "paraat-demo"


# `pytest -n N --dist loadgroup` gives each group to one worker, which starts one chromium and one demo
# server for it. Two groups of about equal time let the two cores of CI each run half of the browser
# tests (together they were the longest path of the suite). xdist hands out the biggest groups first,
# so the two go to different workers.
SWEEPS = ("test_every_page.py", "test_accessibility.py")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "browser" in str(item.fspath):
            group = "browser-sweeps" if item.fspath.basename in SWEEPS else "browser-journeys"
            item.add_marker(pytest.mark.xdist_group(group))
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return
    if os.environ.get("CI"):
        return  # in CI a missing browser must fail loudly, not skip
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not installed (make test installs it)")
    for item in items:
        if "browser" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """The demo region in its own SQLite file; shared by all browser tests of a run."""
    path = tmp_path_factory.mktemp("live") / "live.db"
    # Every browser test logs in from 127.0.0.1, dozens a minute. Flask-Limiter's `enabled` flag lives
    # on the one process-wide limiter, so the next app a test in this worker creates switches it back
    # on; the login limit itself is read from this app's config, so lift it here instead.
    application = create_app({"TESTING": True, "SECRET_KEY": "browser-tests",
                              "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                              "RATELIMIT_ENABLED": False, "LOGIN_RATE_LIMIT": "10000 per minute",
                              "DEMO_PASSWORD": DEMO_PASSWORD})
    with application.app_context():
        db.create_all()
        from app.demo.seed import seed_demo
        seed_demo()
    return application


@pytest.fixture(scope="session")
def live_server(live_app):
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def phone(browser, live_server):
    """A fresh phone-sized page; `phone.login(email)` logs in through the real form."""
    context = browser.new_context(viewport=PHONE, locale="nl-NL", base_url=live_server)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    def login(email, password=DEMO_PASSWORD):
        page.goto("/login")
        page.get_by_label("E-mailadres").fill(email)
        page.get_by_label("Wachtwoord", exact=True).fill(password)
        page.get_by_role("button", name="Inloggen").click()
        page.wait_for_url(f"{live_server}/")

    def logout():
        """Log out through the menu, as a person does. (Clearing cookies is not enough: a request the
        service worker still has in flight can bring the session cookie back.)"""
        page.get_by_text("Menu").click()
        page.get_by_role("button", name="Uitloggen").click()
        page.wait_for_url("**/login**")

    page.login = login
    page.logout = logout
    page.js_errors = errors
    yield page
    context.close()
