"""Coordinator monitoring per system, team and individual."""
from flask import Blueprint

bp = Blueprint("monitor", __name__)
