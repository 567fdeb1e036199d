"""Coordinator monitoring per system, team and individual."""
from flask import Blueprint

bp = Blueprint("monitor", __name__)


def init_app(app):
    from app.norms.cli import norms_cli, roster_cli

    app.cli.add_command(norms_cli)
    app.cli.add_command(roster_cli)


from app.models import monitor as _models  # noqa: E402,F401  (ObligationFulfilment, for db.create_all)
from app.monitor import routes  # noqa: E402,F401
