"""Flask extensions, created unbound; create_app() binds them with init_app.

Flask-Migrate is not among them: `app.init_migrations` loads it (and alembic) only for `flask db`."""
from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData

# Stable constraint names so Alembic migrations work the same on SQLite and PostgreSQL.
naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

class StaticCompressionCache:
    """Flask-Compress cache that keeps only static files (never personal pages), compressed once."""

    def __init__(self):
        self._store: dict[str, bytes] = {}

    def get(self, key: str):
        return self._store.get(key)

    def set(self, key: str, value: bytes) -> None:
        if ";static:" in key and len(self._store) < 256:
            self._store[key] = value


def compression_cache_key(request) -> str:
    return f"static:{request.full_path}" if request.endpoint == "static" else "page"


db = SQLAlchemy(metadata=MetaData(naming_convention=naming_convention))
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
babel = Babel()
compress = Compress()
