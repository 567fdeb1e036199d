"""Activity pages: catalogue, detail, registration rounds, my registrations, coordinator tools, iCal feed."""
from __future__ import annotations

from datetime import date, timedelta

from flask import Response, abort, flash, redirect, request, url_for
from flask_login import current_user, login_required

from app.activities import base, bp, calendar, management, registration, rounds
from app.activities.forms import ActivityForm, RoundForm
from app.auth import access
from app.auth.permissions import role_required
from app.extensions import db
from app.csv_export import csv_response
from app.models import Activity, Registration, RegistrationRound, User
from app.urls import public_url
from app.web import confirm_step, confirmed, is_htmx, render

STATUS_LABELS = {"requested": "op je ranglijst", "assigned": "ingeschreven", "waitlisted": "wachtlijst",
                 "offered": "plaats aangeboden", "declined": "afgeslagen", "cancelled": "afgemeld",
                 "attended": "aanwezig geweest", "no_show": "niet aanwezig"}
ROUND_STATES = {"upcoming": "nog niet open", "open": "open", "closed": "gesloten, toewijzing volgt",
                "allocated": "toegewezen"}


@bp.app_template_filter("wall_nl")
def wall_nl(value, fmt="d MMMM yyyy HH:mm"):
    """Activity and round times are stored as Europe/Amsterdam wall-clock times: format, don't convert."""
    from flask_babel import format_datetime
    return format_datetime(value, fmt, rebase=False) if value else ""


@bp.app_context_processor
def labels():
    return {"registration_labels": STATUS_LABELS, "round_state_labels": ROUND_STATES,
            "now_local": base.local_now(), "cancel_consequence": CANCEL_CONSEQUENCE}


def _activity(activity_id: int) -> Activity:
    return access.get_or_404(Activity, activity_id)


def _round(round_id: int) -> RegistrationRound:
    return access.get_or_404(RegistrationRound, round_id)


def _back(default: str):
    target = request.form.get("next", "")
    # Only local paths: never an open redirect.
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(default)


# --- Catalogue and detail ------------------------------------------------------------------------

@bp.route("/activities")
@login_required
def index():
    kind = request.args.get("kind", "")[:40] or None
    competency = request.args.get("competency", "")[:60] or None
    month = request.args.get("month", "")[:7] or None
    items = registration.catalogue(current_user, kind, competency, month)
    # The kind filter offers only kinds that upcoming activities have (not norm-only kinds such as
    # a peer observation), plus the one chosen.
    offered = set(db.session.scalars(db.select(Activity.kind).distinct().where(
        Activity.region_id == current_user.region_id, Activity.cancelled_at.is_(None),
        Activity.starts_at > base.local_now())))
    kinds = {code: name for code, name in base.kind_names(current_user.region_id).items()
             if code in offered or code == kind}
    return render("activities/index.html", "activities/_list.html", items=items, kinds=kinds,
                  competencies=base.competency_names(current_user.region_id),
                  months=[(m, date(int(m[:4]), int(m[5:]), 1)) for m in registration.catalogue_months(current_user)],
                  filters={"kind": kind or "", "competency": competency or "", "month": month or ""},
                  rounds=rounds.open_rounds(current_user))


@bp.route("/activities/<int:activity_id>")
@login_required
def detail(activity_id):
    activity = _activity(activity_id)
    return _detail(activity)


def _detail(activity, status=200, message=None):
    from app.markdown import render as markdown

    reg = registration.registration_of(current_user, activity)
    return render("activities/detail.html", "activities/_registration.html", status=status,
                  activity=activity, reg=reg, seat=registration.seat_for(current_user, activity),
                  state=registration.registration_state(activity), message=message, is_error=status == 422,
                  waitlist_rank=registration.waitlist_rank(reg) if reg else None,
                  description=markdown(activity.description or ""),
                  kinds=base.kind_names(activity.region_id),
                  competencies=base.competency_names(activity.region_id),
                  priority_text=rounds.priority_text)


@bp.route("/activities/<int:activity_id>/register", methods=["POST"])
@login_required
def register(activity_id):
    activity = _activity(activity_id)
    try:
        _reg, message = registration.register(current_user, activity)
        category, status = "success", 200
    except base.RegistrationError as exc:
        message, category, status = str(exc), "error", 422
    db.session.expire_all()
    if is_htmx():
        return _detail(db.session.get(Activity, activity_id), status=status, message=message)
    flash(message, category)
    return redirect(url_for("activities.detail", activity_id=activity_id))


@bp.route("/activities/registrations/<int:registration_id>/<any(cancel, accept, decline):action>",
          methods=["POST"])
@login_required
def registration_action(registration_id, action):
    reg = access.get_or_404(Registration, registration_id)
    if action == "cancel" and not confirmed():
        return _confirm_cancel(reg)
    fn = {"cancel": registration.cancel_registration, "accept": registration.accept_offer,
          "decline": registration.decline_offer}[action]
    try:
        message, category = fn(current_user, reg), "success"
    except base.RegistrationError as exc:
        message, category = str(exc), "error"
    db.session.expire_all()
    if is_htmx() and request.form.get("from") == "detail":
        return _detail(db.session.get(Activity, reg.activity_id), message=message)
    flash(message, category)
    return _back(url_for("activities.mine"))


CANCEL_CONSEQUENCE = {
    "assigned": "Je plaats gaat naar de volgende op de wachtlijst, of komt vrij voor een ander. "
                "Wil je later toch, dan kan dat alleen als er dan nog een plaats is.",
    "waitlisted": "Je plaats op de wachtlijst vervalt. Wil je later toch, dan sluit je achteraan aan.",
}


def _confirm_cancel(reg):
    """Afmelden gives a seat away: ask first (the same words as the dialog with JavaScript)."""
    question = ("Afmelden voor " if reg.status == "assigned" else "Van de wachtlijst af voor ") + f"{reg.activity.title}?"
    return confirm_step(question, CANCEL_CONSEQUENCE.get(reg.status, ""),
                        "Ja, afmelden" if reg.status == "assigned" else "Ja, van de wachtlijst af",
                        url_for("activities.detail", activity_id=reg.activity_id))


@bp.route("/activities/mine")
@login_required
def mine():
    return render("activities/mine.html", registrations=registration.my_registrations(current_user),
                  waitlist_rank=registration.waitlist_rank)


# --- Registration rounds ------------------------------------------------------------------------

def _round_context(rnd, message=None):
    ctx = {"rnd": rnd, "state": rnd.state(base.local_now()), "message": message,
           "kinds": base.kind_names(rnd.region_id), "competencies": base.competency_names(rnd.region_id),
           "priority_short": rounds.priority_short}
    if ctx["state"] == "open":
        ctx.update(ranking=rounds.ranking(current_user, rnd),
                   candidates=rounds.round_candidates(current_user, rnd),
                   limit=rounds.limit_choice(current_user, rnd),
                   max_choices=rounds.MAX_SEATS_CHOICES)
    if ctx["state"] == "allocated":
        ctx["outcome"] = rounds.outcome_for(current_user, rnd)
        ctx["outcome_limit"] = rounds.frozen_limit(current_user, rnd)
    if base.is_coordinator(current_user):
        ctx["people_count"] = len({r.user_id for a in rnd.activities for r in _round_regs(a)})
        ctx["overview"] = rounds.allocation_overview(rnd)
    return ctx


def _round_regs(activity):
    from app.models import Registration
    return db.session.scalars(db.select(Registration).where(Registration.activity_id == activity.id,
                                                            Registration.rank.is_not(None))).all()


@bp.route("/activities/rounds/<int:round_id>")
@login_required
def round_page(round_id):
    rnd = _round(round_id)
    ctx = _round_context(rnd)
    return render("activities/round.html", "activities/_ranking.html" if ctx["state"] == "open" else None, **ctx)


@bp.route("/activities/rounds/<int:round_id>/ranking/<any(add, remove, up, down, limit):action>",
          methods=["POST"])
@login_required
def ranking_action(round_id, action):
    rnd = _round(round_id)
    try:
        activity_id = int(request.form.get("activity_id", "0") or 0)
        if action == "add":
            message = rounds.add_to_ranking(current_user, rnd, _activity(activity_id))
        elif action == "remove":
            message = rounds.remove_from_ranking(current_user, rnd, activity_id)
        elif action in ("up", "down"):
            message = rounds.move_in_ranking(current_user, rnd, activity_id, -1 if action == "up" else 1)
        else:
            message = rounds.set_max_seats(current_user, rnd, int(request.form.get("max_seats", "0") or 0))
        category, status = "success", 200
    except ValueError as exc:   # RegistrationError, or a malformed number
        message = str(exc) if isinstance(exc, base.RegistrationError) else "Kies een geldig aantal."
        category, status = "error", 422
    if is_htmx():
        return render("activities/round.html", "activities/_ranking.html", status=status,
                      **_round_context(rnd, message))
    flash(message, category)
    # Without JavaScript the page reloads: land on the moved item (or the form used), not at the top.
    anchor = {"up": f"rang-{activity_id}", "down": f"rang-{activity_id}", "limit": "max-seats",
              "remove": "ranking-heading", "add": "ranking-heading"}[action]
    return redirect(url_for("activities.round_page", round_id=rnd.id, _anchor=anchor))


@bp.route("/activities/rounds/<int:round_id>/run", methods=["POST"])
@role_required("coordinator", "admin")
def run_round(round_id):
    rnd = _round(round_id)
    try:
        result = rounds.run_allocation(rnd, current_user)
        n = len(result["assignments"])
        flash(f"Toewijzing uitgevoerd: {n} {'plaats' if n == 1 else 'plaatsen'} verdeeld, lot {rnd.seed}. "
              "Het overzicht staat hieronder.", "success")
    except base.RegistrationError as exc:
        flash(str(exc), "error")
    return redirect(url_for("activities.round_page", round_id=round_id))


@bp.route("/activities/rounds/<int:round_id>/overview.csv")
@role_required("coordinator", "admin")
def round_overview_csv(round_id):
    rnd = _round(round_id)
    overview = rounds.allocation_overview(rnd)
    if overview is None:
        abort(404)
    return csv_response(f"verdeling-{rnd.seed or rnd.id}", rounds.OVERVIEW_CSV_HEADER,
                        rounds.overview_csv_rows(overview))


@bp.route("/activities/rounds/<int:round_id>/<any(instance, result):what>.json")
@role_required("coordinator", "admin")
def round_json(round_id, what):
    rnd = _round(round_id)
    body = rnd.instance_json if what == "instance" else rnd.result_json
    if not body:
        abort(404)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="{rnd.seed or rnd.id}-{what}.json"'})


@bp.route("/activities/rounds/new", methods=["GET", "POST"])
@role_required("coordinator", "admin")
def new_round():
    form = RoundForm()
    if form.validate_on_submit():
        try:
            rnd = management.create_round(current_user.region_id, form.name.data, form.opens_at.data,
                                          form.closes_at.data, current_user, nonce=form.nonce.data)
            flash(f"Inschrijfronde {rnd.name} aangemaakt.", "success")
            return redirect(url_for("activities.manage"))
        except base.RegistrationError as exc:
            form.form_errors.append(str(exc))
    status = 422 if request.method == "POST" else 200
    return render("activities/round_form.html", status=status, form=form)


# --- Coordinator: activities --------------------------------------------------------------------

@bp.route("/activities/manage")
@role_required("coordinator", "admin")
def manage():
    activities = db.session.scalars(db.select(Activity).where(Activity.region_id == current_user.region_id)
                                    .order_by(Activity.starts_at)).all()
    show_past = request.args.get("past") == "1"
    now = base.local_now()
    if not show_past:
        activities = [a for a in activities if a.ends_at >= now - timedelta(days=14)]
    return render("activities/manage.html", activities=activities, now=now, show_past=show_past,
                  rounds=management.region_rounds(current_user.region_id),
                  kinds=base.kind_names(current_user.region_id))


def _activity_form(activity=None):
    form = ActivityForm(obj=activity)
    region_id = current_user.region_id
    form.kind.choices = [(c, n) for c, n in sorted(base.kind_names(region_id).items(), key=lambda kv: kv[1])]
    form.competencies.choices = sorted(base.competency_names(region_id).items(), key=lambda kv: kv[1])
    form.round_id.choices = [("", "Direct inschrijven (wie het eerst komt)")] + [
        (str(r.id), f"Inschrijfronde {r.name}") for r in management.region_rounds(region_id) if not r.frozen
        or (activity is not None and activity.round_id == r.id)]
    if request.method == "GET" and activity is not None:
        form.round_id.data = str(activity.round_id or "")
    # Null in the database (and a field left out of a post) is the "" choice: kind default, any level.
    form.priority.data, form.level.data = form.priority.data or "", form.level.data or ""
    return form


def _seat_inputs(activity):
    functions = base.region_functions(current_user.region_id)
    current = {s.function_id: s.seats for s in activity.seat_rows} if activity else {}
    rows, errors, seats = [], [], {}
    for f in functions:
        raw = request.form.get(f"seats-{f.id}", "") if request.method == "POST" else str(current.get(f.id, 0))
        value = raw.strip() or "0"
        if not value.isdigit() or int(value) > 999:
            errors.append(f"{f.code}: vul een aantal plaatsen van 0 tot 999 in.")
        else:
            seats[f.id] = int(value)
        rows.append({"function": f, "value": raw})
    return rows, errors, seats


def _edit(activity):
    form = _activity_form(activity)
    seat_rows, seat_errors, seats = _seat_inputs(activity)
    if request.method == "POST":
        if form.validate_on_submit() and not seat_errors:
            data = {k: getattr(form, k).data for k in ("kind", "title", "starts_at", "ends_at", "unannounced")}
            data.update(description=form.description.data or "", location=form.location.data or "",
                        organiser=form.organiser.data or "", competencies=list(form.competencies.data or []),
                        round_id=int(form.round_id.data) if form.round_id.data else None,
                        priority=form.priority.data or None, level=form.level.data or None)
            try:
                saved = management.save_activity(activity, current_user.region_id, data, seats, current_user,
                                                 nonce=form.nonce.data)
                flash(f"{saved.title} is opgeslagen.", "success")
                for warning in management.activity_warnings(data, seats, base.local_now()):
                    flash(warning, "warning")
                return redirect(url_for("activities.detail", activity_id=saved.id))
            except base.RegistrationError as exc:
                db.session.rollback()
                form.form_errors.append(str(exc))
        form.form_errors.extend(seat_errors)
    status = 422 if request.method == "POST" else 200
    return render("activities/edit.html", status=status, form=form, activity=activity, seat_rows=seat_rows,
                  seat_errors=seat_errors)


@bp.route("/activities/new", methods=["GET", "POST"])
@role_required("coordinator", "admin")
def create():
    return _edit(None)


@bp.route("/activities/<int:activity_id>/edit", methods=["GET", "POST"])
@role_required("coordinator", "admin")
def edit(activity_id):
    return _edit(_activity(activity_id))


@bp.route("/activities/<int:activity_id>/cancel", methods=["POST"])
@role_required("coordinator", "admin")
def cancel(activity_id):
    activity = _activity(activity_id)
    try:
        told = management.cancel_activity(activity, current_user)
        flash(f"{activity.title} is geannuleerd; {told} ingeschrevenen kregen bericht.", "success")
    except base.RegistrationError as exc:
        flash(str(exc), "error")
    return redirect(url_for("activities.detail", activity_id=activity_id))


@bp.route("/activities/<int:activity_id>/duplicate", methods=["POST"])
@role_required("coordinator", "admin")
def duplicate(activity_id):
    copy = management.duplicate_activity(_activity(activity_id), current_user)
    flash("Kopie gemaakt. Pas datum en titel aan.", "success")
    return redirect(url_for("activities.edit", activity_id=copy.id))


@bp.route("/activities/<int:activity_id>/attendance", methods=["GET", "POST"])
@role_required("coordinator", "admin")
def attendance(activity_id):
    activity = _activity(activity_id)
    status = 200
    if request.method == "POST":
        ticked = {int(v) for v in request.form.getlist("attended") if v.isdigit()}
        try:
            present, absent = management.record_attendance(activity, ticked, current_user)
            flash(f"Aanwezigheid opgeslagen: {present} aanwezig, {absent} afwezig.", "success")
            return redirect(url_for("activities.attendance", activity_id=activity_id))
        except base.RegistrationError as exc:
            flash(str(exc), "error")
            status = 422
    return render("activities/attendance.html", status=status, activity=activity,
                  registrations=management.attendance_list(activity),
                  walk_ins=management.walk_in_candidates(activity),
                  started=activity.starts_at <= base.local_now())


@bp.route("/activities/<int:activity_id>/attendance/walk-in", methods=["POST"])
@role_required("coordinator", "admin")
def attendance_walk_in(activity_id):
    activity = _activity(activity_id)
    person_id = request.form.get("person", "")
    try:
        person = management.add_walk_in(activity, int(person_id) if person_id.isdigit() and len(person_id) < 10 else 0,
                                        current_user)
        flash(f"{person.name} staat erbij als aanwezig.", "success")
    except base.RegistrationError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    return redirect(url_for("activities.attendance", activity_id=activity_id))


# --- Calendar feed ------------------------------------------------------------------------------

@bp.route("/activities/calendar")
@login_required
def calendar_page():
    feed_url = public_url("activities.calendar_feed", token=current_user.calendar_token)
    # webcal:// makes phones and desktop calendars offer to subscribe instead of downloading once.
    return render("activities/calendar.html", feed_url=feed_url,
                  webcal_url="webcal://" + feed_url.split("://", 1)[1])


@bp.route("/activities/<int:activity_id>.ics")
@login_required
def activity_ics(activity_id):
    """One activity as a calendar file (any calendar app opens it)."""
    activity = _activity(activity_id)
    body = calendar.single(activity, public_url("activities.detail", activity_id=activity.id))
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="paraat-activiteit-{activity.id}.ics"'
    return response


@bp.route("/activities/calendar/new-link", methods=["POST"])
@login_required
def calendar_new_link():
    from app.auth.services import new_calendar_token

    new_calendar_token(current_user)
    flash("Je hebt een nieuwe agendalink. De oude link werkt niet meer.", "success")
    return redirect(url_for("activities.calendar_page"))


@bp.route("/calendar/<token>.ics")
def calendar_feed(token):
    user = db.session.scalar(db.select(User).where(User.calendar_token == token, User.active.is_(True))) \
        if 16 <= len(token) <= 64 else None
    if user is None:
        abort(404)
    body = calendar.feed(user, registration.calendar_registrations(user),
                         lambda a: public_url("activities.detail", activity_id=a.id))
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="paraat.ics"'
    response.cache_control.private = True
    response.cache_control.max_age = 900
    return response
