"""The benchmarks' PostgreSQL: a database of their own on the local server, created when missing."""
from __future__ import annotations

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"


def ensure_database(name: str) -> str | None:
    """SQLAlchemy URL of database `name` on 127.0.0.1:5432, or None (with the reason) if unreachable."""
    try:
        import psycopg
        with psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=3) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
    except Exception as exc:  # no PostgreSQL here: the caller measures SQLite only and says so
        print(f"PostgreSQL not reachable ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})")
        return None
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
