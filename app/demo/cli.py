"""`flask demo seed`: fill an empty or partly seeded database with the demo region, idempotently."""
import sys

import click
from flask import current_app
from flask.cli import AppGroup

demo_cli = AppGroup("demo", help="Demoregio.")


@demo_cli.command("seed")
def seed():
    """Vul de database met de demoregio (Twente). Een tweede keer verandert niets."""
    from app.demo.seed import seed_demo

    if current_app.config["APP_ENV"] == "production":
        click.echo("fout: demo seed is uitgeschakeld als APP_ENV=production.", err=True)
        sys.exit(1)
    summary = seed_demo()
    click.echo("Demoregio klaar: " + ", ".join(f"{k} {v}" for k, v in summary.items()))
