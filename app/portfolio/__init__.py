"""The portfolio: exercises, deployments, reflections, peer observations."""
from flask import Blueprint

bp = Blueprint("portfolio", __name__)
