"""PostgreSQL for parallel test runs: each pytest-xdist worker gets a database of its own."""
import psycopg
from sqlalchemy.engine import make_url


def database_per_worker(url: str, worker: str) -> str:
    """`url` with the worker's name added to the database name; the database is created when missing."""
    base = make_url(url)
    name = f"{base.database}_{worker}"
    with psycopg.connect(base.set(drivername="postgresql").render_as_string(hide_password=False),
                         autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')
    return base.set(database=name).render_as_string(hide_password=False)
