"""Micro-learnings: the catalogue of markdown modules and reading them."""
from flask import Blueprint

bp = Blueprint("learn", __name__)

from app.learn import routes  # noqa: E402,F401


def init_app(app):
    from app import content
    from app.demo.seed import register_seeder
    from app.learn.demo import seed_reads

    content.init_app(app)
    register_seeder(app, 60, "gelezen microlearnings", seed_reads)
