"""The yearly development plan: learning goals and chosen competencies."""
from flask import Blueprint

bp = Blueprint("plan", __name__)


def init_app(app):
    from app.demo.seed import register_seeder
    from app.plan.demo import seed_plans

    register_seeder(app, 60, "ontwikkelplannen en portfolio's", seed_plans)


from app.plan import routes  # noqa: E402,F401
