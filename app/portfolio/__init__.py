"""The portfolio: exercises, deployments, reflections, peer observations."""
from flask import Blueprint

bp = Blueprint("portfolio", __name__)


def init_app(app):
    from app.main.cards import register_card
    from app.portfolio.cards import reflections_card

    register_card(app, "reflections", "Feedup en reflectie", "portfolio/_reflections_card.html", 45,
                  reflections_card)


from app.portfolio import routes  # noqa: E402,F401
