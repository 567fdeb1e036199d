"""Fixtures built on the app factory: app, client, runner, demo (the seeded demo region) and a small
login helper.

Every test that uses `app` runs on SQLite. When TEST_DATABASE_URL is set it also runs on PostgreSQL,
unless it goes through HTTP (`client`, `auth`): a route's SQL comes from services that are tested on
both databases, so route tests and URL-map sweeps run on SQLite only. Mark a test (or a module, with
`pytestmark`) `postgresql` to run it on both anyway; `sqlite_only` keeps a test off PostgreSQL.
The SQLite schema is built once per run and copied per test.
"""
import os
import shutil

import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import inspect as sa_inspect, text

from app import create_app
from app.extensions import db, limiter
from app.mail import wait_for_background
from tests.app_reuse import reuse_engines, reuse_url_builders, shared_template_code

reuse_url_builders()
reuse_engines(db)

PG_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
if PG_URL and os.environ.get("PYTEST_XDIST_WORKER"):  # `pytest -n N`: a database per worker (test_gw0, ...)
    from tests.pg import database_per_worker
    PG_URL = database_per_worker(PG_URL, os.environ["PYTEST_XDIST_WORKER"])
_pg_schema_ready = False


def pytest_configure(config):
    config.addinivalue_line("markers", "csrf: run with CSRF protection on (off by default in tests)")
    config.addinivalue_line("markers", "sqlite_only: SQLite only (SQLite files, the embedded default, URL-map sweeps)")
    config.addinivalue_line("markers", "postgresql: run on PostgreSQL too, although the test uses `client`")


def pytest_generate_tests(metafunc):
    if "app" not in metafunc.fixturenames:
        return
    marked = metafunc.definition.get_closest_marker
    both = not marked("sqlite_only") and (marked("postgresql") or "client" not in metafunc.fixturenames)
    metafunc.parametrize("app", BACKENDS if both else BACKENDS[:1], indirect=True)


@pytest.fixture(scope="session")
def _sqlite_schema(tmp_path_factory):
    """An SQLite file with every table, made once; each test gets a copy (create_all costs ~0.1 s)."""
    path = tmp_path_factory.mktemp("schema") / "schema.db"
    application = create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                              "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with application.app_context():
        db.create_all()
        db.engine.dispose()
    return path


def _reset_postgres(app):
    """Create the schema once per run; empty every table before each test."""
    global _pg_schema_ready
    with app.app_context():
        if not _pg_schema_ready:
            db.drop_all()
            with db.engine.begin() as conn:  # tables from earlier runs that models no longer have
                for table in sa_inspect(conn).get_table_names():
                    conn.execute(text(f'DROP TABLE IF EXISTS "{table}" CASCADE'))
            db.create_all()
            _pg_schema_ready = True
        # One round trip of DELETEs (children first) and sequence resets: as clean as TRUNCATE ...
        # RESTART IDENTITY, which costs about a second for 30 tables (new files, fsync) against 10 ms.
        with db.engine.begin() as conn:
            conn.exec_driver_sql("".join(f'DELETE FROM "{t.name}";' for t in reversed(db.metadata.sorted_tables))
                                 + "SELECT setval(c.oid::regclass, 1, false) FROM pg_class c WHERE c.relkind = 'S'"
                                   " AND c.relnamespace = current_schema()::regnamespace")


@pytest.fixture(scope="session")
def _sqlite_path(tmp_path_factory):
    """One file name for every SQLite test of the process, so they share one engine (app_reuse)."""
    return tmp_path_factory.mktemp("db") / "test.db"


@pytest.fixture
def app(request, _sqlite_schema, _sqlite_path):
    backend = request.param
    if backend == "sqlite":
        _sqlite_path.unlink(missing_ok=True)  # a new inode: nothing of the previous test's file survives
        shutil.copyfile(_sqlite_schema, _sqlite_path)
    url = PG_URL if backend == "postgresql" else f"sqlite:///{_sqlite_path}"
    test_config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": bool(request.node.get_closest_marker("csrf")),
        "RATELIMIT_STORAGE_URI": "memory://",
        "DEMO_PASSWORD": "paraat-demo",
    }
    application = create_app(test_config)
    application.jinja_env.bytecode_cache = shared_template_code
    application.config["DB_BACKEND"] = backend
    application.test_client_class = Client
    if backend == "postgresql":
        _reset_postgres(application)
    limiter.reset()
    with application.app_context():
        yield application
        wait_for_background()  # a mail thread must not write into the next test's database
        db.session.remove()
        db.engine.dispose()


_demo_snapshots = {}   # backend -> the seeded demo region of this process (a file, or table copies)


@pytest.fixture
def demo(app, _sqlite_path, tmp_path_factory):
    """The demo region of `flask demo seed`, seeded once per process and database and restored for
    every later test that asks for it: a seed costs one to three seconds, a restore milliseconds.
    The tests of the seed itself run it again on top (idempotency)."""
    backend = app.config["DB_BACKEND"]
    db.session.remove()
    if backend in _demo_snapshots:
        _restore_demo(backend, _demo_snapshots[backend], _sqlite_path)
        return app
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    db.session.remove()
    if backend == "sqlite":
        db.engine.dispose()
        snapshot = tmp_path_factory.mktemp("demo") / "demo.db"
        shutil.copyfile(_sqlite_path, snapshot)
    else:
        with db.engine.connect() as conn:
            cursor = conn.connection.driver_connection.cursor()
            tables = {}
            for table in db.metadata.sorted_tables:
                with cursor.copy(f'COPY "{table.name}" TO STDOUT') as copy:
                    tables[table.name] = b"".join(bytes(block) for block in copy)
            sequences = cursor.execute("SELECT sequencename, last_value FROM pg_sequences WHERE "
                                       "schemaname = current_schema() AND last_value IS NOT NULL").fetchall()
        snapshot = (tables, sequences)
    _demo_snapshots[backend] = snapshot
    return app


def _restore_demo(backend, snapshot, sqlite_path):
    if backend == "sqlite":
        db.engine.dispose()
        sqlite_path.unlink()
        shutil.copyfile(snapshot, sqlite_path)
        return
    tables, sequences = snapshot   # the app fixture has just emptied every table
    with db.engine.begin() as conn:
        cursor = conn.connection.driver_connection.cursor()
        for name, rows in tables.items():   # parents first (metadata order)
            if rows:
                with cursor.copy(f'COPY "{name}" FROM STDIN') as copy:
                    copy.write(rows)
        for name, value in sequences:
            cursor.execute("SELECT setval(%s, %s)", (name, value))


class Client(FlaskClient):
    """Tests keep one app context open; production gets a fresh one (and fresh `g`) per request."""

    def open(self, *args, **kwargs):
        if has_app_context():
            g.pop("_login_user", None)
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email, password="correct horse battery"):
        return self._client.post("/login", data={"email": email, "password": password})

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


HTMX = {"HX-Request": "true"}


@pytest.fixture
def smtp(app):
    """A real SMTP server (aiosmtpd) on a free port; the app delivers to it, links start at PUBLIC_URL."""
    from tests.mailserver import MailServer

    server = MailServer()
    server.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_TIMEOUT=5,
                      PUBLIC_URL="https://paraat.example.test")
    yield server
    from app.mail import wait_for_background

    server.gate.set()
    wait_for_background()
    server.stop()
