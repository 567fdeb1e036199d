"""Formative quizzes with instant feedback and spaced review."""
from flask import Blueprint

bp = Blueprint("quizzes", __name__)

from app.quizzes import briefing_routes, routes  # noqa: E402,F401


def init_app(app):
    _register_content_tools(app)


def _register_content_tools(app):
    """Quiz checks and GIFT commands join the `flask content` group of the content feature."""
    import click
    from flask.cli import AppGroup

    from app.quizzes.gift_cli import export_gift, export_moodle_xml, import_gift, import_moodle_xml

    try:
        from app.content import Problem, register_checker
    except ImportError:  # content feature not installed: still offer the commands on their own
        Problem = register_checker = None
    if register_checker is not None:
        def check_quizzes():
            from flask import current_app

            from app.content import display_path
            from app.quizzes.validate import quiz_warnings, validate_quiz_dir
            directory = current_app.config["QUIZ_DIR"]
            return ([Problem(display_path(path), line, message)
                     for path, line, message in validate_quiz_dir(directory)]
                    + [Problem(display_path(path), line, message, warning=True)
                       for path, line, message in quiz_warnings(directory)])
        register_checker(app, check_quizzes)
    group = app.cli.commands.get("content")
    if group is None:
        try:
            from app.content.cli import content_cli as group
        except ImportError:
            group = AppGroup("content", help="Microlearnings en oefentoetsen controleren.")
        app.cli.add_command(group)
    if isinstance(group, click.Group):
        for command in (import_gift, export_gift, import_moodle_xml, export_moodle_xml):
            group.add_command(command)
