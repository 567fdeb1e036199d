"""Coordinator monitoring per system, team and individual."""
from flask import Blueprint

bp = Blueprint("monitor", __name__)

from app.models import monitor as _models  # noqa: E402,F401  (ObligationFulfilment, for db.create_all)
from app.monitor import routes  # noqa: E402,F401
