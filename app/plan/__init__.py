"""The yearly development plan: learning goals and chosen competencies."""
from flask import Blueprint

bp = Blueprint("plan", __name__)


from app.plan import routes  # noqa: E402,F401
