"""The personal start page, account page and the public pages (accessibility, privacy, health)."""
from flask import Blueprint

bp = Blueprint("main", __name__)

from app.main import routes  # noqa: E402,F401

NAV = [
    # (endpoint, label, roles that see it; None = every logged-in user)
    ("main.home", "Start", None),
    ("learn.catalogue", "Leren", None),
    ("plan.index", "Ontwikkelplan", None),
    ("portfolio.index", "Portfolio", None),
    ("activities.index", "Activiteiten", None),
    ("plan.approvals", "Goedkeuringen", ("coordinator", "admin")),
    ("monitor.index", "Monitor", ("coordinator", "admin")),
    ("author.index", "Auteurs", ("author", "admin")),
    ("admin.index", "Beheer", ("admin",)),
]


@bp.app_context_processor
def navigation():
    from flask import request
    from flask_login import current_user

    if not current_user.is_authenticated:
        return {"nav_items": []}
    items = []
    # An item is current on its blueprint's pages, unless another item names that page exactly.
    named = {endpoint for endpoint, _label, _roles in NAV}
    own = {"plan.approvals": ("plan.approvals", "plan.review", "plan.reopen_review")}
    taken = {e for endpoints in own.values() for e in endpoints} | named
    for endpoint, label, roles in NAV:
        if roles and not current_user.has_role(*roles):
            continue
        blueprint = endpoint.split(".")[0]
        if endpoint in own:
            current = request.endpoint in own[endpoint]
        elif blueprint != "main":
            current = request.blueprint == blueprint and (request.endpoint == endpoint or request.endpoint not in taken)
        else:
            current = request.endpoint == endpoint
        items.append({"endpoint": endpoint, "label": label, "current": current})
    return {"nav_items": items}
