"""The migrations build exactly the schema the models describe (no model change without a migration)."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine

from app import create_app
from app.extensions import db


@pytest.mark.sqlite_only
def test_migrations_match_models(app, tmp_path):
    url = f"sqlite:///{tmp_path / 'migrated.db'}"
    fresh = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url})
    with fresh.app_context():
        upgrade()
    engine = create_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"render_as_batch": True}), db.metadata)
    engine.dispose()
    assert diff == []
