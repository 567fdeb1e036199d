"""Commands: `flask allocation solve|close-due` and `flask activities remind|expire-offers` (cron jobs)."""
import sys

import click
from flask.cli import AppGroup

allocation_cli = AppGroup("allocation", help="Verdeling van plaatsen over inschrijvingen.")
activities_cli = AppGroup("activities", help="Activiteiten: herinneringen en wachtlijstaanbiedingen.")


@allocation_cli.command("solve", context_settings={"ignore_unknown_options": True})
@click.argument("instance", required=False)
def solve(instance):
    """Verdeel plaatsen voor INSTANCE.json (CONTRACT sectie 5); de uitslag als JSON op stdout."""
    from app.allocation.cli import main

    sys.exit(main([instance] if instance is not None else []))


@allocation_cli.command("close-due")
def close_due():
    """Voer de toewijzing uit voor elke ronde waarvan de inschrijving gesloten is (cron)."""
    from app.activities import rounds

    done = rounds.close_due_rounds()
    for rnd in done:
        click.echo(f"{rnd.name}: toegewezen met lot {rnd.seed}")
    click.echo(f"{len(done)} ronde(s) toegewezen.")


@activities_cli.command("remind")
def remind():
    """Stuur de herinnering (met feedup-vraag) voor activiteiten van morgen (dagelijks via cron)."""
    from app.activities import registration

    click.echo(f"{registration.send_reminders()} herinnering(en) in de outbox.")


@activities_cli.command("expire-offers")
def expire_offers():
    """Verlopen wachtlijstaanbiedingen gaan naar de volgende op de wachtlijst (elk kwartier via cron)."""
    from app.activities import registration

    click.echo(f"{registration.expire_offers()} aanbieding(en) verlopen.")
