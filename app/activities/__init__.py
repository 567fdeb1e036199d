"""Activity catalogue, registration rounds, allocation, waitlists and calendars."""
from flask import Blueprint

bp = Blueprint("activities", __name__)
