"""`flask content ...`: check modules and quizzes before committing them."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

content_cli = AppGroup("content", help="Microlearnings en oefentoetsen controleren.")


@content_cli.command("check")
def check() -> None:
    """Controleer alle modules (CONTENT_DIR) en oefentoetsen (QUIZ_DIR); exit 1 bij een probleem."""
    from app.content import display_path, run_checks
    from app.content.catalogue import get_catalogue

    found = run_checks(current_app)
    problems = [p for p in found if not p.warning]
    warnings = [p for p in found if p.warning]   # shown, but they do not fail the check
    for problem in problems:
        click.echo(str(problem))
    if problems:
        for warning in warnings:
            click.echo(str(warning))
        count = len(problems)
        click.echo(f"{count} {'probleem' if count == 1 else 'problemen'} gevonden.", err=True)
        raise SystemExit(1)
    catalogue = get_catalogue()
    note = f" ({len(warnings)} {'waarschuwing' if len(warnings) == 1 else 'waarschuwingen'} hieronder)" if warnings else ""
    click.echo(f"Geen problemen: {len(catalogue.modules)} modules in {display_path(catalogue.root)} "
               f"en de oefentoetsen in {display_path(current_app.config['QUIZ_DIR'])} zijn in orde{note}.")
    for warning in warnings:
        click.echo(str(warning))


@content_cli.command("sync")
def sync_command() -> None:
    """Haal CONTENT_BRANCH van CONTENT_REPO op, controleer en publiceer alleen zonder problemen."""
    from app.content.sync import SyncError, sync

    try:
        result = sync(current_app)
    except SyncError as exc:
        click.echo(f"fout: {exc}", err=True)
        raise SystemExit(2)
    for line in result.problems:
        click.echo(line)
    click.echo(result.message, err=result.result in ("held", "error"))
    raise SystemExit(result.exit_code)
