"""The author page: every module with its problems, and a preview of any module (also unpublished)."""
from flask import abort, current_app

from app.auth.permissions import role_required
from app.author import bp
from app.author.services import module_rows, row_counts
from app.content import run_checks
from app.content import sync as content_sync
from app.content.catalogue import get_catalogue
from app.learn.views import module_context
from app.web import render

AUTHOR_ROLES = ("author", "admin")


@bp.route("/author")
@role_required(*AUTHOR_ROLES)
def index():
    catalogue = get_catalogue(force=True)
    module_paths = {f.display for f in catalogue.files}
    other_problems = [p for p in run_checks(current_app) if p.path not in module_paths]
    rows = module_rows(catalogue)
    return render("author/index.html", rows=rows, other_problems=other_problems,
                  sync=content_sync.status(current_app),
                  shown=lambda path: content_sync.repository_path(current_app, path), **row_counts(rows))


@bp.route("/author/preview/<slug>")
@role_required(*AUTHOR_ROLES)
def preview(slug):
    catalogue = get_catalogue()
    module = catalogue.get(slug, include_unpublished=True)
    if module is None:
        abort(404)
    return render("author/preview.html", problems=catalogue.problems_for(module.display),
                  **module_context(catalogue, module))
