"""Coordinator monitoring per system, team and individual."""
from flask import Blueprint

bp = Blueprint("monitor", __name__)


def init_app(app):
    from app.main.cards import register_card
    from app.monitor.inbox import inbox_card
    from app.norms.cli import norms_cli, roster_cli

    register_card(app, "inbox", "Wacht op jou", "monitor/_inbox_card.html", 5, inbox_card)
    app.cli.add_command(norms_cli)
    app.cli.add_command(roster_cli)


from app.models import monitor as _models  # noqa: E402,F401  (ObligationFulfilment, for db.create_all)
from app.monitor import routes  # noqa: E402,F401
