"""Micro-learnings: the catalogue of markdown modules and reading them."""
from flask import Blueprint

bp = Blueprint("learn", __name__)

from app.learn import routes  # noqa: E402,F401


def init_app(app):
    from app import content

    content.init_app(app)
