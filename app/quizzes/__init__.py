"""Formative quizzes with instant feedback and spaced review."""
from flask import Blueprint

bp = Blueprint("quizzes", __name__)
