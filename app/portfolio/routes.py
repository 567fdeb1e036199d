"""Portfolio pages: entries, feedup and reflection, peer observation, privacy toggle, export and print."""
from __future__ import annotations

import json
from datetime import date, timedelta

from flask import Response, abort, flash, redirect, request, url_for
from flask_login import current_user, login_required

from app.auth import access
from app.competencies import region_competencies
from app.extensions import db
from app.models import PeerObservation, PortfolioEntry, User
from app.norms.loader import ACTIVITY_KINDS
from app.norms.planned import planned_for
from app.portfolio import bp, services
from app.portfolio.forms import (ActivityFeedupForm, EntryForm, InviteForm, LinksForm, ShareForm, TextsForm,
                                 observation_form)
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


def _failed(form, exc: services.PortfolioError) -> None:
    """A service's refusal shown like the form's own errors: under its field, or for the whole form."""
    if exc.field and exc.field in form:
        form[exc.field].errors = [*form[exc.field].errors, str(exc)]
    else:
        form.form_errors.append(str(exc))


def _entry_form(**kwargs) -> EntryForm:
    return EntryForm(competencies=region_competencies(current_user.region_id),
                     goals=_year_goals(date.today().year), **kwargs)


@bp.route("/portfolio/new", methods=["GET", "POST"])
@login_required
def new():
    if request.method == "GET":
        kind = request.args.get("kind")
        form = _entry_form(data={"kind": kind if kind in services.MANUAL_KINDS else "activity",
                                 "occurred_on": date.today()})
        return render("portfolio/new.html", "portfolio/_new_form.html", form=form)
    form = _entry_form()
    if form.validate():
        try:
            entry, created = services.add_manual_entry(
                current_user, form.kind.data, form.occurred_on.data, form.title.data, nonce=form.nonce.data,
                activity_kind=form.activity_kind.data or None, notes=form.notes.data,
                incident_type=form.incident_type.data, role=form.role.data, grip_level=form.grip_level.data or None,
                competency_codes=form.competencies.data, goal_ids=form.goals.data)
        except services.PortfolioError as exc:
            _failed(form, exc)
        else:
            flash("Toegevoegd aan je portfolio." if created
                  else "Dit stond al in je portfolio; het is één keer opgeslagen.", "success")
            target = url_for("portfolio.entry", entry_id=entry.id)
            if is_htmx():
                return "", 204, {"HX-Redirect": target}
            return redirect(target)
    return render("portfolio/new.html", "portfolio/_new_form.html", status=422, form=form)


def _entry_forms(entry, goals, competencies) -> dict:
    """The entry page's forms as stored (a posted form that failed replaces its own, as typed)."""
    texts = services.texts_for_entry(current_user, entry)
    feedup, reflection = texts["feedup"], texts["reflection"]
    linked_competencies, linked_goals = services.entry_links(entry)
    return {
        "texts": TextsForm(formdata=None, goals=goals, data={
            "learn": feedup.learn if feedup else "",
            "went_well": reflection.went_well if reflection else "",
            "to_develop": reflection.to_develop if reflection else "",
            "goal_id": str(reflection.goal_id) if reflection and reflection.goal_id else ""}),
        "links": LinksForm(formdata=None, competencies=competencies, goals=goals, data={
            "competencies": [c.code for c in linked_competencies], "goals": [str(g.id) for g in linked_goals]}),
        "invite": InviteForm(formdata=None, colleagues=services.colleagues_for(current_user)),
    }


def entry_context(entry, form=None, form_name=None, delete_error=None, message=None, message_at=None):
    goals, competencies = _year_goals(entry.occurred_on.year), region_competencies(current_user.region_id)
    forms = _entry_forms(entry, goals, competencies)
    if form is not None:
        forms[form_name] = form
    received = services.observations_received(current_user, entry)
    return {"entry": entry, "texts": services.texts_for_entry(current_user, entry), "forms": forms,
            "observations": received, "notes_by_obs": {o.id: services.observation_notes(o) for o in received},
            "observer_names": dict(db.session.execute(db.select(User.id, User.name).where(User.region_id == current_user.region_id)).all()),
            "kind_labels": services.KIND_LABELS, "activity_kind_names": ACTIVITY_KINDS,
            "delete_error": delete_error, "message": message, "message_at": message_at}


def _entry_page(entry, status=200, **kwargs):
    return render("portfolio/entry.html", "portfolio/_entry.html", status=status, **entry_context(entry, **kwargs))


def _entry_done(entry, message, anchor=None):
    """Saved: the fresh fragment with the message in the changed section (focused there), or a
    redirect to that section without JavaScript."""
    if is_htmx():
        return _entry_page(entry, message=message, message_at=anchor)
    flash(message, "success")
    return redirect(url_for("portfolio.entry", entry_id=entry.id) + (f"#{anchor}" if anchor else ""))


def _entry_failed(entry, form, form_name):
    """422 (the request rolls back): the page with this form's errors and what was typed."""
    return _entry_page(entry, status=422, form=form, form_name=form_name)


@bp.route("/portfolio/<int:entry_id>")
@login_required
def entry(entry_id):
    return _entry_page(_own(entry_id))


@bp.route("/portfolio/<int:entry_id>/share", methods=["POST"])
@login_required
def share(entry_id):
    item = _own(entry_id)
    form = ShareForm()
    if not form.validate():
        return _entry_failed(item, form, "share")
    shared = form.shared.data == "1"
    services.set_shared(current_user, item, shared)
    return _entry_done(item, "Gedeeld met je coördinator." if shared else "Niet meer gedeeld: alleen jij ziet dit.",
                       "delen")


@bp.route("/portfolio/<int:entry_id>/texts", methods=["POST"])
@login_required
def texts(entry_id):
    """Feedup and reflection are one form with one save: saving one never wipes the other's text."""
    item = _own(entry_id)
    form = TextsForm(goals=_year_goals(item.occurred_on.year))
    if form.validate():
        try:
            services.save_texts(current_user, item, form.learn.data, form.went_well.data, form.to_develop.data,
                                form.goal)
        except services.PortfolioError as exc:
            _failed(form, exc)
        else:
            return _entry_done(item, "Je teksten zijn opgeslagen.", "teksten")
    return _entry_failed(item, form, "texts")


@bp.route("/portfolio/<int:entry_id>/links", methods=["POST"])
@login_required
def links(entry_id):
    item = _own(entry_id)
    form = LinksForm(competencies=region_competencies(current_user.region_id),
                     goals=_year_goals(item.occurred_on.year))
    if form.validate():
        try:
            services.set_links(current_user, item, form.competencies.data, form.goals.data)
        except services.PortfolioError as exc:
            _failed(form, exc)
        else:
            return _entry_done(item, "Koppelingen opgeslagen.", "koppelingen")
    return _entry_failed(item, form, "links")


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
        return _entry_page(item, status=422, delete_error=str(exc))
    flash("Verwijderd uit je portfolio.", "success")
    if is_htmx():
        return "", 204, {"HX-Redirect": url_for("portfolio.index")}
    return redirect(url_for("portfolio.index"))


@bp.route("/portfolio/<int:entry_id>/observers", methods=["POST"])
@login_required
def invite(entry_id):
    item = _own(entry_id)
    form = InviteForm(colleagues=services.colleagues_for(current_user))
    if form.validate():
        try:
            obs, created = services.invite_observer(current_user, int(form.colleague.data), entry=item,
                                                    nonce=form.nonce.data)
        except services.PortfolioError as exc:
            _failed(form, exc)
        else:
            return _entry_done(item, "Uitnodiging verstuurd." if created else "Deze uitnodiging was al verstuurd.",
                               "waarnemingen")
    return _entry_failed(item, form, "invite")


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
    if request.method == "GET":
        existing = services.text_for_activity(current_user, "feedup", activity_id)
        form = ActivityFeedupForm(data={"learn": existing.learn if existing else ""})
    else:
        form = ActivityFeedupForm()
        if form.validate():
            try:
                services.save_feedup(current_user, form.learn.data, activity_id=activity_id, title=planned.title)
            except services.PortfolioError as exc:
                _failed(form, exc)
            else:
                flash("Feedup opgeslagen. Na afloop vragen we je om een reflectie.", "success")
                if is_htmx():
                    return "", 204, {"HX-Redirect": url_for("main.home")}
                return redirect(url_for("main.home"))
    return render("portfolio/activity.html", "portfolio/_activity_form.html",
                  status=422 if request.method == "POST" else 200,
                  planned=planned, activity_id=activity_id, form=form)


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
    if request.method == "GET":
        form = observation_form(goals, data={
            "general": obs.general or "",
            **{f"goal-{n.goal_id}": n.text for n in services.observation_notes(obs)}})
    else:
        form = observation_form(goals)
        if form.validate():
            try:
                services.record_observation(current_user, obs, form.notes, form.general.data)
            except services.PortfolioError as exc:
                _failed(form, exc)
            else:
                flash("Je waarneming is opgeslagen en zichtbaar voor je collega.", "success")
                if is_htmx():
                    return "", 204, {"HX-Redirect": url_for("portfolio.observations")}
                return redirect(url_for("portfolio.observations"))
    observed = db.session.get(User, obs.observed_id)
    return render("portfolio/observe.html", "portfolio/_observe_form.html",
                  status=422 if request.method == "POST" else 200, obs=obs, observed=observed, form=form)


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
