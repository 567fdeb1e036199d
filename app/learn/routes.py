"""Catalogue, module page, mark as read, module images."""
from __future__ import annotations

from pathlib import Path

from flask import abort, current_app, flash, redirect, request, send_file, url_for
from flask_login import current_user, login_required

from app.content.catalogue import get_catalogue
from app.content.modules import IMAGE_EXTENSIONS, LEVELS
from app.content.safety import inside
from app.learn import bp, services
from app.learn.views import module_context
from app.web import is_htmx, render


@bp.route("/learn")
@login_required
def catalogue():
    catalogue = get_catalogue()
    filters = services.Filters.from_args(request.args)
    results = services.filter_modules(catalogue, current_user.function_codes, filters,
                                      page_size=current_app.config.get("LEARN_PAGE_SIZE", services.PAGE_SIZE))
    names = services.competency_names(current_user.region_id)
    used = sorted(catalogue.by_competency, key=lambda c: services.competency_label(names, c).casefold())
    reads = services.read_times(current_user.id)
    updated = {m.slug for m in results.mine + results.others if services.updated_since_read(m, reads)}
    return render("learn/catalogue.html", "learn/_results.html", results=results, filters=filters,
                  names=names, label=services.competency_label, competencies=used, levels=LEVELS,
                  tags=catalogue.tags, reads=reads, updated=updated)


@bp.route("/learn/<slug>")
@login_required
def module(slug):
    catalogue = get_catalogue()
    found = catalogue.get(slug)
    if found is None:
        title = services.removed_title(slug)
        if title is None:
            abort(404)
        return render("learn/gone.html", "learn/_gone.html", status=410, module_title=title)
    read_at = services.read_time(current_user.id, slug)
    return render("learn/module.html", read_at=read_at,
                  updated=services.updated_since_read(found, {slug: read_at} if read_at else {}),
                  **module_context(catalogue, found))


@bp.route("/learn/<slug>/read", methods=["POST"])
@login_required
def mark_read(slug):
    found = get_catalogue().get(slug)
    if found is None:
        abort(404)
    row, created = services.mark_read(current_user, found)
    if is_htmx():
        return render("learn/_read_state.html", "learn/_read_state.html", module=found, read_at=row.read_at,
                      just_marked=True)
    flash("Gemarkeerd als gelezen." if created else "Je had deze module al als gelezen gemarkeerd.", "success")
    return redirect(url_for("learn.module", slug=slug))


@bp.route("/learn/media/<path:filename>")
@login_required
def media(filename):
    """Images from the modules' own folders; nothing else, nothing outside CONTENT_DIR."""
    if not filename.lower().endswith(IMAGE_EXTENSIONS) or any(part.startswith(".")
                                                              for part in Path(filename).parts):
        abort(404)
    # The real path must lie inside CONTENT_DIR, reached without following any symlink.
    found = inside(current_app.config["CONTENT_DIR"], filename)
    if found is None:
        abort(404)
    response = send_file(found, max_age=3600)
    # An SVG opened on its own must not run script or load anything.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return response
