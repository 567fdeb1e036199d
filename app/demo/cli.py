"""`flask demo seed`: fill an empty or partly seeded database with the demo region, idempotently."""
import logging
import sys

import click
from flask import current_app
from flask.cli import AppGroup

demo_cli = AppGroup("demo", help="Demoregio.")


@demo_cli.command("seed")
@click.option("--if-empty", is_flag=True, help="Alleen als er nog geen accounts zijn (voor make run).")
def seed(if_empty):
    """Vul de database met de demoregio (Twente). Een tweede keer verandert niets."""
    from app.demo.seed import seed_demo
    from app.extensions import db
    from app.models import OutboxMessage, User

    if current_app.config["APP_ENV"] == "production":
        click.echo("fout: demo seed is uitgeschakeld als APP_ENV=production.", err=True)
        sys.exit(1)
    if if_empty and db.session.scalar(db.select(User.id).limit(1)) is not None:
        click.echo("Database bevat al gegevens; demo seed overgeslagen.")
        return
    # The demo's registration results mail dozens of people: one summary line, not a log line each.
    mail_log = logging.getLogger("app.mail")
    level = mail_log.level
    mail_log.setLevel(logging.WARNING)
    try:
        summary = seed_demo()
    finally:
        mail_log.setLevel(level)
    summary["berichten in de outbox"] = db.session.scalar(db.select(db.func.count(OutboxMessage.id)))
    click.echo("Demoregio klaar: " + ", ".join(f"{k} {v}" for k, v in summary.items()))
