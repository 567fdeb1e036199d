"""The author page: every module with its problems, and a preview of any module (also unpublished)."""
from flask import abort, current_app

from app.auth.permissions import role_required
from app.author import bp
from app.content import run_checks
from app.content import sync as content_sync
from app.content.catalogue import get_catalogue
from app.learn.views import module_context
from app.web import render

AUTHOR_ROLES = ("author", "admin")


def _rows(catalogue):
    """One row per module file: broken files (left out of the catalogue) and files with problems first."""
    by_path = {}
    for problem in catalogue.problems:
        by_path.setdefault(problem.path, []).append(problem)
    rows = [{"file": f, "module": f.module if f.listed else None, "problems": by_path.get(f.display, [])}
            for f in catalogue.files]
    rows.sort(key=lambda r: (r["module"] is not None, not r["problems"], r["file"].display))
    return rows


@bp.route("/author")
@role_required(*AUTHOR_ROLES)
def index():
    catalogue = get_catalogue(force=True)
    module_paths = {f.display for f in catalogue.files}
    other_problems = [p for p in run_checks(current_app) if p.path not in module_paths]
    rows = _rows(catalogue)
    return render("author/index.html", rows=rows, other_problems=other_problems,
                  sync=content_sync.status(current_app),
                  shown=lambda path: content_sync.repository_path(current_app, path),
                  broken=sum(1 for r in rows if r["module"] is None),
                  with_problems=sum(1 for r in rows if r["problems"]),
                  unpublished=sum(1 for r in rows if r["module"] is not None and not r["module"].published))


@bp.route("/author/preview/<slug>")
@role_required(*AUTHOR_ROLES)
def preview(slug):
    catalogue = get_catalogue()
    module = catalogue.get(slug, include_unpublished=True)
    if module is None:
        abort(404)
    return render("author/preview.html", problems=catalogue.problems_for(module.display),
                  **module_context(catalogue, module))
