"""The yearly development plan: learning goals and chosen competencies."""
from flask import Blueprint

bp = Blueprint("plan", __name__)
