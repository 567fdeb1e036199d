"""Formative quizzes with instant feedback and spaced review."""
from flask import Blueprint

bp = Blueprint("quizzes", __name__)

from app.quizzes import briefing_routes, routes  # noqa: E402,F401


def init_app(app):
    """Quiz checks and the GIFT and Moodle XML commands join `flask content` of the content feature."""
    from app.content import checking
    from app.content.cli import content_cli
    from app.quizzes.gift_cli import export_gift, export_moodle_xml, import_gift, import_moodle_xml
    from app.quizzes.validate import content_problems

    checking.connect(content_problems)   # once per process: connecting the same receiver again changes nothing
    for command in (import_gift, export_gift, import_moodle_xml, export_moodle_xml):
        content_cli.add_command(command)
