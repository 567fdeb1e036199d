"""The migrations build exactly the schema the models describe, on SQLite and on PostgreSQL (production).

From an empty database to head, then one step down and up again: after each, alembic's autogenerate
comparison finds no difference with the models (no model change without a migration).
On PostgreSQL the migrations run in a schema of their own inside TEST_DATABASE_URL's database, so
they never touch the tables the other tests use.
"""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app, init_migrations
from app.extensions import db
from tests.conftest import BACKENDS, PG_URL

SCHEMA = "paraat_migrations"


def _database(backend, tmp_path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'migrated.db'}"
    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{SCHEMA}"'))
    engine.dispose()
    url = make_url(PG_URL)
    return url.update_query_dict({"options": f"-csearch_path={SCHEMA}"}).render_as_string(hide_password=False)


def _differences(url: str) -> list:
    engine = create_engine(url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"render_as_batch": True, "compare_type": True})
        diff = compare_metadata(context, db.metadata)
    engine.dispose()
    return diff


def _current(url: str) -> str | None:
    engine = create_engine(url)
    with engine.connect() as conn:
        revision = MigrationContext.configure(conn).get_current_revision()
    engine.dispose()
    return revision


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrade_from_empty_to_head_then_one_down_and_up_matches_the_models(backend, tmp_path):
    url = _database(backend, tmp_path)
    migrated = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url})
    init_migrations(migrated)
    with migrated.app_context():
        script = ScriptDirectory.from_config(migrated.extensions["migrate"].migrate.get_config())
        heads = script.get_heads()
        assert len(heads) == 1, f"more than one alembic head: {heads} (set down_revision to main's newest)"
        previous = script.get_revision(heads[0]).down_revision

        upgrade()
        assert _current(url) == heads[0]
        assert _differences(url) == []

        downgrade(revision="-1")
        assert _current(url) == previous
        upgrade()
        assert _current(url) == heads[0]
        assert _differences(url) == []
        db.engine.dispose()
    if backend == "postgresql":
        engine = create_engine(PG_URL)
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{SCHEMA}" CASCADE'))
        engine.dispose()
