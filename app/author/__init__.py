"""Pages for content authors: module problems, previews, quiz statistics."""
from flask import Blueprint

bp = Blueprint("author", __name__)

# Route modules of this blueprint; other features add theirs below (e.g. quiz_routes).
from app.author import routes  # noqa: E402,F401
from app.author import quiz_routes  # noqa: E402,F401


def init_app(app):
    from app.main.cards import register_card

    register_card(app, "author", "Voor auteurs", "author/_card.html", 6, author_card)


def author_card(user) -> dict | None:
    """Start-page card for authors: modules that do not show, modules with problems, what is unpublished."""
    if not user.has_role("author", "admin"):
        return None
    from app.author.routes import _rows
    from app.content.catalogue import get_catalogue
    rows = _rows(get_catalogue())
    return {"broken": sum(1 for r in rows if r["module"] is None),
            "with_problems": sum(1 for r in rows if r["problems"]),
            "unpublished": sum(1 for r in rows if r["module"] is not None and not r["module"].published),
            "modules": len(rows)}
