"""Activity catalogue, registration rounds, allocation, waitlists and calendars."""
import os

from flask import Blueprint

bp = Blueprint("activities", __name__)


def init_app(app):
    from app.activities import registration
    from app.activities.cli import activities_cli, allocation_cli
    from app.norms.planned import register_planned_provider

    app.config.setdefault("OFFER_HOURS", int(os.environ.get("OFFER_HOURS", "48")))
    app.cli.add_command(allocation_cli)
    app.cli.add_command(activities_cli)
    register_planned_provider(app, registration.planned_provider)


from app.activities import routes  # noqa: E402,F401
