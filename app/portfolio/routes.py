"""Portfolio pages: entries, feedup and reflection, peer observation, privacy toggle, export and print."""
from __future__ import annotations

import json
import secrets
from datetime import date, timedelta

from flask import Response, abort, flash, redirect, request, url_for
from flask_login import current_user, login_required

from app.auth import access
from app.competencies import region_competencies
from app.extensions import db
from app.models import GRIP_LEVELS, PeerObservation, PortfolioEntry, User
from app.norms.loader import ACTIVITY_KINDS
from app.norms.planned import planned_for
from app.portfolio import bp, services
from app.web import confirm_step, confirmed, is_htmx, render, year_arg


def _own(entry_id: int):
    return access.get_or_404(PortfolioEntry, entry_id)


def _year_goals(year: int):
    plan = services.year_plan(current_user, year)
    return plan.goals if plan else []


@bp.route("/portfolio")
@login_required
def index():
    kind = request.args.get("kind") or None
    if kind not in services.KIND_LABELS:
        kind = None
    entries = services.list_entries(current_user, kind=kind)
    return render("portfolio/index.html", "portfolio/_entries.html", entries=entries, kind=kind,
                  kind_labels=services.KIND_LABELS,
                  invitations=[o for o in services.observations_to_give(current_user) if o.status == "invited"])


def _new_context(values=None, errors=None):
    today = date.today()
    return {"values": values or {}, "errors": errors or {}, "nonce": secrets.token_urlsafe(16),
            "manual_kinds": [(k, services.KIND_LABELS[k]) for k in services.MANUAL_KINDS],
            "exercise_kinds": [(k, ACTIVITY_KINDS.get(k, k)) for k in services.EXERCISE_KINDS],
            "grip_levels": GRIP_LEVELS, "competencies": region_competencies(current_user.region_id),
            "goals": _year_goals(today.year), "today": today}


@bp.route("/portfolio/new", methods=["GET", "POST"])
@login_required
def new():
    if request.method == "GET":
        values = {"kind": request.args.get("kind", "activity"), "occurred_on": date.today().isoformat()}
        return render("portfolio/new.html", "portfolio/_new_form.html", **_new_context(values))
    form = request.form
    values = {k: form.get(k, "") for k in ("kind", "activity_kind", "occurred_on", "title", "notes",
                                            "incident_type", "role", "grip_level", "nonce")}
    values["competencies"], values["goals"] = form.getlist("competencies"), form.getlist("goals")
    try:
        occurred_on = date.fromisoformat(values["occurred_on"])
    except ValueError:
        occurred_on = None
    try:
        entry, created = services.add_manual_entry(
            current_user, values["kind"], occurred_on, values["title"], nonce=values["nonce"],
            activity_kind=values["activity_kind"] or None, notes=values["notes"],
            incident_type=values["incident_type"], role=values["role"], grip_level=values["grip_level"] or None,
            competency_codes=values["competencies"], goal_ids=values["goals"])
    except services.PortfolioError as exc:
        context = _new_context(values, exc.errors)
        context["nonce"] = values["nonce"] or context["nonce"]
        return render("portfolio/new.html", "portfolio/_new_form.html", status=422, **context)
    flash("Toegevoegd aan je portfolio." if created else "Dit stond al in je portfolio; het is één keer opgeslagen.",
          "success")
    target = url_for("portfolio.entry", entry_id=entry.id)
    if is_htmx():
        return "", 204, {"HX-Redirect": target}
    return redirect(target)


def entry_context(entry, errors=None, values=None, message=None, message_at=None):
    texts = services.texts_for_entry(current_user, entry)
    competencies, goals = services.entry_links(entry)
    return {"entry": entry, "texts": texts, "linked_competencies": competencies, "linked_goals": goals,
            "observations": services.observations_received(current_user, entry),
            "notes_by_obs": {o.id: services.observation_notes(o) for o in services.observations_received(
                current_user, entry)},
            "observer_names": dict(db.session.execute(db.select(User.id, User.name).where(User.region_id == current_user.region_id)).all()),
            "goals": _year_goals(entry.occurred_on.year), "competencies": region_competencies(
                current_user.region_id), "colleagues": services.colleagues_for(current_user),
            "kind_labels": services.KIND_LABELS, "activity_kind_names": ACTIVITY_KINDS,
            "errors": errors or {}, "values": values or {}, "message": message, "message_at": message_at,
            "nonce": secrets.token_urlsafe(16)}


def _entry_page(entry, status=200, **kwargs):
    return render("portfolio/entry.html", "portfolio/_entry.html", status=status, **entry_context(entry, **kwargs))


def _entry_done(entry, message, anchor=None):
    """Saved: the fresh fragment with the message in the changed section (focused there), or a
    redirect to that section without JavaScript."""
    if is_htmx():
        return _entry_page(entry, message=message, message_at=anchor)
    flash(message, "success")
    return redirect(url_for("portfolio.entry", entry_id=entry.id) + (f"#{anchor}" if anchor else ""))


def _entry_failed(entry, form, exc, values=None):
    """422 (the request rolls back) with the form's errors and the user's input."""
    return _entry_page(entry, status=422, errors={form: exc.errors}, values={form: values or {}})


@bp.route("/portfolio/<int:entry_id>")
@login_required
def entry(entry_id):
    return _entry_page(_own(entry_id))


@bp.route("/portfolio/<int:entry_id>/share", methods=["POST"])
@login_required
def share(entry_id):
    item = _own(entry_id)
    shared = request.form.get("shared") == "1"
    services.set_shared(current_user, item, shared)
    return _entry_done(item, "Gedeeld met je coördinator." if shared else "Niet meer gedeeld: alleen jij ziet dit.",
                       "delen")


@bp.route("/portfolio/<int:entry_id>/texts", methods=["POST"])
@login_required
def texts(entry_id):
    """Feedup and reflection are one form with one save: saving one never wipes the other's text."""
    item = _own(entry_id)
    values = {k: request.form.get(k, "") for k in ("learn", "went_well", "to_develop", "goal_id")}
    try:
        services.save_texts(current_user, item, values["learn"], values["went_well"], values["to_develop"],
                            int(values["goal_id"]) if values["goal_id"].isdigit() else None)
    except services.PortfolioError as exc:
        return _entry_failed(item, "texts", exc, values)
    return _entry_done(item, "Je teksten zijn opgeslagen.", "teksten")


@bp.route("/portfolio/<int:entry_id>/links", methods=["POST"])
@login_required
def links(entry_id):
    item = _own(entry_id)
    try:
        services.set_links(current_user, item, request.form.getlist("competencies"), request.form.getlist("goals"))
    except services.PortfolioError as exc:
        return _entry_failed(item, "links", exc)
    return _entry_done(item, "Koppelingen opgeslagen.", "koppelingen")


@bp.route("/portfolio/<int:entry_id>/delete", methods=["POST"])
@login_required
def delete(entry_id):
    item = _own(entry_id)
    if not confirmed():
        return confirm_step("Dit item verwijderen?", f"“{item.title}” en je feedup en reflectie erbij verdwijnen uit je portfolio.",
                            "Ja, verwijderen", url_for("portfolio.entry", entry_id=item.id))
    try:
        services.remove_manual_entry(current_user, item)
    except services.PortfolioError as exc:
        return _entry_failed(item, "delete", exc)
    flash("Verwijderd uit je portfolio.", "success")
    if is_htmx():
        return "", 204, {"HX-Redirect": url_for("portfolio.index")}
    return redirect(url_for("portfolio.index"))


@bp.route("/portfolio/<int:entry_id>/observers", methods=["POST"])
@login_required
def invite(entry_id):
    item = _own(entry_id)
    colleague = request.form.get("colleague", "")
    try:
        if not colleague.isdigit():
            raise services.PortfolioError("Kies een collega met dezelfde functie.",
                                          errors={"colleague": "Kies een collega met dezelfde functie."})
        obs, created = services.invite_observer(current_user, int(colleague), entry=item,
                                                nonce=request.form.get("nonce"))
    except services.PortfolioError as exc:
        return _entry_failed(item, "invite", exc)
    return _entry_done(item, "Uitnodiging verstuurd." if created else "Deze uitnodiging was al verstuurd.",
                       "waarnemingen")


# --- feedup/reflection on a registered activity (before there is an entry) ---------------------

def _planned_activity(activity_id: int):
    today = date.today()
    found = [p for p in planned_for(current_user, today - timedelta(days=60), today + timedelta(days=365))
             if p.ref == str(activity_id)]
    if not found:
        abort(404)
    return found[0]


@bp.route("/portfolio/activity/<int:activity_id>", methods=["GET", "POST"])
@login_required
def activity(activity_id):
    planned = _planned_activity(activity_id)
    errors, learn = {}, None
    if request.method == "POST":
        learn = request.form.get("learn", "")
        try:
            services.save_feedup(current_user, learn, activity_id=activity_id, title=planned.title)
        except services.PortfolioError as exc:
            errors = exc.errors
        else:
            flash("Feedup opgeslagen. Na afloop vragen we je om een reflectie.", "success")
            if is_htmx():
                return "", 204, {"HX-Redirect": url_for("main.home")}
            return redirect(url_for("main.home"))
    existing = services.text_for_activity(current_user, "feedup", activity_id)
    if learn is None:
        learn = existing.learn if existing else ""
    return render("portfolio/activity.html", "portfolio/_activity_form.html", status=422 if errors else 200,
                  planned=planned, activity_id=activity_id, learn=learn, errors=errors)


# --- peer observation -------------------------------------------------------------------------

@bp.route("/portfolio/observations")
@login_required
def observations():
    given = services.observations_to_give(current_user)
    received = [o for o in services.observations_received(current_user)]
    names = dict(db.session.execute(db.select(User.id, User.name).where(User.region_id == current_user.region_id)).all())
    return render("portfolio/observations.html", "portfolio/_observations.html", given=given, received=received,
                  names=names)


@bp.route("/portfolio/observations/<int:obs_id>", methods=["GET", "POST"])
@login_required
def observe(obs_id):
    obs = access.get_or_404(PeerObservation, obs_id, "observe")
    goals = services.observed_goals(obs)
    existing = {n.goal_id: n.text for n in services.observation_notes(obs)}
    values = {"general": obs.general or "", **{f"goal-{g}": t for g, t in existing.items()}}
    errors = {}
    if request.method == "POST":
        values = {"general": request.form.get("general", ""),
                  **{f"goal-{g.id}": request.form.get(f"goal-{g.id}", "") for g in goals}}
        try:
            services.record_observation(current_user, obs, {g.id: values[f"goal-{g.id}"] for g in goals},
                                        values["general"])
        except services.PortfolioError as exc:
            errors = exc.errors
        else:
            flash("Je waarneming is opgeslagen en zichtbaar voor je collega.", "success")
            if is_htmx():
                return "", 204, {"HX-Redirect": url_for("portfolio.observations")}
            return redirect(url_for("portfolio.observations"))
    observed = db.session.get(User, obs.observed_id)
    return render("portfolio/observe.html", "portfolio/_observe_form.html", status=422 if errors else 200,
                  obs=obs, observed=observed, goals=goals, values=values, errors=errors)


# --- export and print -------------------------------------------------------------------------

@bp.route("/portfolio/export.json")
@login_required
def export_json():
    data = services.export_data(current_user)
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="paraat-portfolio-{date.today():%Y%m%d}.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/portfolio/print")
@login_required
def print_view():
    from app.norms import services as norms
    year = year_arg(request.args.get("year"), date.today().year)
    plan = services.year_plan(current_user, year)
    entries = services.list_entries(current_user, year=year)
    texts = {e.id: services.texts_for_entry(current_user, e) for e in entries}
    statuses = (norms.progress(current_user) if year == date.today().year
                else norms.progress(current_user, date(year, 12, 31), planned=[]) if year < date.today().year else [])
    received = [o for o in services.observations_received(current_user)
                if o.occurred_on.year == year and o.status == "done"]
    return render("portfolio/print.html", year=year, plan=plan, entries=entries, texts=texts, statuses=statuses,
                  kind_labels=services.KIND_LABELS, received=received,
                  notes_by_obs={o.id: services.observation_notes(o) for o in received},
                  names=dict(db.session.execute(db.select(User.id, User.name).where(User.region_id == current_user.region_id)).all()))
