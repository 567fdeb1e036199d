"""Pages for content authors: module problems, previews, quiz statistics."""
from flask import Blueprint

bp = Blueprint("author", __name__)

# Route modules of this blueprint; other features add theirs below (e.g. quiz_routes).
from app.author import routes  # noqa: E402,F401
from app.author import quiz_routes  # noqa: E402,F401
