"""Pages for content authors: module problems, previews, quiz statistics."""
from flask import Blueprint

bp = Blueprint("author", __name__)
