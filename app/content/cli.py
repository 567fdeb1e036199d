"""`flask content ...`: check modules and quizzes before committing them."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

content_cli = AppGroup("content", help="Microlearnings en quizzen controleren.")


@content_cli.command("check")
def check() -> None:
    """Controleer alle modules (CONTENT_DIR) en quizzen (QUIZ_DIR); exit 1 bij een probleem."""
    from app.content import display_path, run_checks
    from app.content.catalogue import get_catalogue

    problems = run_checks(current_app)
    for problem in problems:
        click.echo(str(problem))
    if problems:
        count = len(problems)
        click.echo(f"{count} {'probleem' if count == 1 else 'problemen'} gevonden.", err=True)
        raise SystemExit(1)
    catalogue = get_catalogue()
    click.echo(f"Geen problemen: {len(catalogue.modules)} modules in {display_path(catalogue.root)} "
               f"en de quizzen in {display_path(current_app.config['QUIZ_DIR'])} zijn in orde.")
