"""`flask users create|deactivate|activate`, `flask privacy purge`: account management for operators.

Each command commits once, when its work is done (README, "Who commits")."""
import sys

import click
from flask.cli import AppGroup

from app.auth import services
from app.extensions import db
from app.models import ROLES

users_cli = AppGroup("users", help="Accounts beheren.")


def _fail(message: str) -> None:
    click.echo(f"fout: {message}", err=True)
    sys.exit(1)


@users_cli.command("create")
@click.option("--email", required=True, help="E-mailadres (inlognaam).")
@click.option("--name", required=True, help="Volledige naam.")
@click.option("--function", "functions", multiple=True,
              help="Functiecode, bv. OL; herhaal voor meer functies of scheid met komma's.")
@click.option("--role", "roles", multiple=True, default=("functionary",), show_default=True,
              type=click.Choice(ROLES), help="Rol; herhaal voor meer rollen.")
@click.option("--since", "since_text", metavar="JJJJ-MM-DD",
              help="In functie sinds (voor alle opgegeven functies); leeg: al lang in functie.")
@click.option("--password-stdin", is_flag=True, help="Lees het wachtwoord van stdin.")
def create(email, name, functions, roles, since_text, password_stdin):
    """Maak een account aan."""
    try:
        since = services.parse_since(since_text)
    except services.AccountError as exc:
        _fail(f"--since: {exc}")
    codes = [c.strip() for value in functions for c in value.split(",") if c.strip()]
    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
        if not password:
            _fail("geen wachtwoord op stdin ontvangen.")
    try:
        user = services.create_user(email, name, list(roles), codes, password=password, since=since)
    except services.AccountError as exc:
        _fail(str(exc))
    if password is None:
        from app.auth.reset import send_set_password_link
        send_set_password_link(user)
    db.session.commit()
    if password is None:
        click.echo(f"Account {user.email} aangemaakt; een link om het wachtwoord te kiezen staat in de outbox.")
    else:
        click.echo(f"Account {user.email} aangemaakt.")


def _user_or_fail(email):
    user = services.find_by_email(email)
    if user is None:
        _fail(f"geen account met e-mailadres {email}.")
    return user


@users_cli.command("deactivate")
@click.argument("email")
def deactivate(email):
    """Zet een account op non-actief; alle sessies eindigen direct."""
    services.set_active(_user_or_fail(email), False)
    db.session.commit()
    click.echo(f"Account {email} is op non-actief gezet; alle sessies zijn beëindigd.")


@users_cli.command("activate")
@click.argument("email")
def activate(email):
    """Activeer een account opnieuw."""
    services.set_active(_user_or_fail(email), True)
    db.session.commit()
    click.echo(f"Account {email} is weer actief.")


privacy_cli = AppGroup("privacy", help="Bewaartermijnen.")


@privacy_cli.command("purge")
@click.option("--days", type=int, default=None, help="Bewaartermijn in dagen (standaard PORTFOLIO_RETENTION_DAYS).")
@click.option("--dry-run", is_flag=True, help="Alleen tellen, niets verwijderen.")
def purge(days, dry_run):
    """Verwijder gegevens van accounts die langer dan de bewaartermijn op non-actief staan."""
    from flask import current_app

    from app.admin.retention import purge as run_purge
    if days is not None and days < 0:
        _fail("--days moet 0 of groter zijn.")
    counts = run_purge(days if days is not None else current_app.config["PORTFOLIO_RETENTION_DAYS"],
                       dry_run=dry_run)
    if not dry_run:
        db.session.commit()
    verb = "zou verwijderen" if dry_run else "verwijderd"
    click.echo(f"{counts['user']} accounts {verb}; rijen: " +
               ", ".join(f"{t} {n}" for t, n in sorted(counts.items()) if t != "user" and n))
