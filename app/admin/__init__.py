"""Administration: accounts (web and `flask users …`) and the region's norms per year."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from app.admin import routes  # noqa: E402,F401


def init_app(app):
    from app.admin.cli import privacy_cli, users_cli
    app.cli.add_command(users_cli)
    app.cli.add_command(privacy_cli)
