"""Entry point for `flask --app wsgi` and WSGI servers (`gunicorn wsgi:app`)."""
import sys

from sqlalchemy.exc import OperationalError

from app import create_app
from app.config import ConfigError


def _one_line_database_errors(kind, value, traceback):
    """On the command line an unreachable database is one line, not a stack trace."""
    if isinstance(value, OperationalError):
        reason = str(value.orig).strip().splitlines()[0] if value.orig else str(value)
        print(f"fout: de database is niet bereikbaar ({reason}). Controleer DATABASE_URL.", file=sys.stderr)
        sys.exit(1)
    sys.__excepthook__(kind, value, traceback)


sys.excepthook = _one_line_database_errors

try:
    app = create_app()
except ConfigError as exc:
    print(f"Configuratiefout: {exc}", file=sys.stderr)
    sys.exit(2)
