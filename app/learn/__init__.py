"""Micro-learnings: the catalogue of markdown modules and reading them."""
from flask import Blueprint

bp = Blueprint("learn", __name__)

from app.learn import routes  # noqa: E402,F401


def init_app(app):
    from app import content
    from app.demo.seed import register_seeder
    from app.learn.demo import seed_reads
    from app.learn.services import start_page_pick
    from app.main.cards import register_card

    content.init_app(app)
    register_card(app, "briefing_module", "Microlearning van de week", "learn/_card.html", 10,
                  lambda user: start_page_pick(user))
    register_seeder(app, 60, "gelezen microlearnings", seed_reads)
