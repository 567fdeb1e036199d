"""Micro-learnings: the catalogue of markdown modules and reading them."""
from flask import Blueprint

bp = Blueprint("learn", __name__)
