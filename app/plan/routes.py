"""Development plan pages: the plan per year, norm progress, approvals and the yearly review."""
from __future__ import annotations

import secrets
from datetime import date, timedelta

from flask import flash, redirect, request, url_for
from flask_login import current_user, login_required

from app import audit
from app.auth import access
from app.auth.permissions import role_required
from app.competencies import region_competencies
from app.extensions import db
from app.models import PlanCompetency, PlanGoal, User
from app.models.plan import GOAL_MAX_LENGTH, LEVELS
from app.norms import services as norms
from app.norms.roster import duty_of
from app.plan import bp, services
from app.portfolio import services as portfolio
from app.web import confirm_step, confirmed, is_htmx, render


def _year_arg(value) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return date.today().year
    return year if 2000 <= year <= 2100 else date.today().year


def _norm_statuses(user: User, year: int):
    today = date.today()
    if year == today.year:
        return norms.progress(user, today)
    if year < today.year:
        return norms.progress(user, date(year, 12, 31), planned=[])
    return []


def plan_context(user: User, year: int, errors: dict | None = None, values: dict | None = None,
                 message: str | None = None, message_at: str | None = None,
                 error_fields: dict | None = None) -> dict:
    plan = services.get_plan(user, year)
    years = sorted(set(services.plan_years(user)) | {date.today().year, year})
    statuses = _norm_statuses(user, year)
    return {
        "person": user, "year": year, "plan": plan, "years": years, "statuses": statuses,
        "summary": norms.summary(statuses), "status_rules": norms.STATUS_RULES, "plan_rules": norms.PLAN_RULES,
        "duty": duty_of(user, since=date.today() - timedelta(days=90)),
        "competencies": region_competencies(user.region_id), "levels": LEVELS,
        "goal_max": GOAL_MAX_LENGTH, "history": services.history(plan) if plan else [],
        "change_labels": services.CHANGE_LABELS, "goal_status_labels": services.GOAL_STATUS_LABELS,
        "errors": errors or {}, "values": values or {}, "message": message, "message_at": message_at,
        "error_fields": error_fields or {},
        "nonce": secrets.token_urlsafe(16), "today": date.today(),
        "has_next": (year + 1) in services.plan_years(user),
    }


def _show(year: int, status: int = 200, **kwargs):
    return render("plan/index.html", "plan/_plan.html", status=status, **plan_context(current_user, year, **kwargs))


def _done(year: int, message: str, anchor: str | None = None):
    """After a successful POST: the fresh fragment for htmx with the message in the changed section
    (focused, so the page keeps the person's place), else redirect with a flash to that section (PRG)."""
    if is_htmx():
        return _show(year, message=message, message_at=anchor)
    flash(message, "success")
    return redirect(url_for("plan.index", year=year) + (f"#{anchor}" if anchor else ""))


def _failed(year: int, form: str, error: Exception, values: dict | None = None):
    return _show(year, status=422, errors={form: str(error)}, values={form: values or {}},
                 error_fields={form: getattr(error, "field", None)})


@bp.route("/plan")
@login_required
def index():
    return _show(_year_arg(request.args.get("year")))


@bp.route("/plan/<year:year>/goals", methods=["POST"])
@login_required
def add_goal(year):
    values = {"text": request.form.get("text", ""), "competency": request.form.get("competency", "")}
    try:
        services.add_goal(current_user, year, values["text"], values["competency"] or None,
                          nonce=request.form.get("nonce"))
    except services.DuplicateSubmission as exc:
        return _done(year, str(exc), "leerdoelen")
    except services.PlanError as exc:
        return _failed(year, "goal", exc, values)
    return _done(year, "Leerdoel toegevoegd.", "leerdoelen")


def _own_goal(goal_id: int) -> PlanGoal:
    return access.get_or_404(PlanGoal, goal_id)


@bp.route("/plan/goals/<int:goal_id>", methods=["GET", "POST"])
@login_required
def edit_goal(goal_id):
    goal = _own_goal(goal_id)
    year = goal.plan.year
    error = None
    values = {"text": goal.text, "competency": goal.competency.code if goal.competency else "",
              "status": goal.status}
    if request.method == "POST":
        values = {k: request.form.get(k, "") for k in ("text", "competency", "status")}
        try:
            services.update_goal(current_user, goal, values["text"], values["competency"] or None,
                                 values["status"])
        except services.PlanError as exc:
            error = str(exc)
        else:
            flash("Leerdoel opgeslagen.", "success")
            target = url_for("plan.index", year=year) + f"#leerdoel-{goal.id}"
            if is_htmx():  # a swap of the whole page into the form would be wrong: navigate instead
                return "", 204, {"HX-Redirect": target}
            return redirect(target)
    return render("plan/goal.html", "plan/_goal_form.html", status=422 if error else 200, goal=goal,
                  values=values, error=error, competencies=region_competencies(current_user.region_id),
                  goal_max=GOAL_MAX_LENGTH, goal_status_labels=services.GOAL_STATUS_LABELS)


@bp.route("/plan/goals/<int:goal_id>/delete", methods=["POST"])
@login_required
def remove_goal(goal_id):
    goal = _own_goal(goal_id)
    year = goal.plan.year
    if not confirmed():
        return confirm_step("Dit leerdoel verwijderen?", f"“{goal.text}” verdwijnt uit je plan van {year}.",
                            "Ja, leerdoel verwijderen", url_for("plan.index", year=year) + "#leerdoelen")
    try:
        services.remove_goal(current_user, goal)
    except services.PlanError as exc:
        return _failed(year, "goals", exc)
    return _done(year, "Leerdoel verwijderd.", "leerdoelen")


@bp.route("/plan/<year:year>/competencies", methods=["POST"])
@login_required
def choose_competency(year):
    values = {"code": request.form.get("code", ""), "level": request.form.get("level", "basis")}
    try:
        services.choose_competency(current_user, year, values["code"], values["level"])
    except services.PlanError as exc:
        return _failed(year, "competency", exc, values)
    return _done(year, "Crisiscompetentie opgeslagen.", "competenties")


@bp.route("/plan/competencies/<int:pc_id>/delete", methods=["POST"])
@login_required
def remove_competency(pc_id):
    pc = access.get_or_404(PlanCompetency, pc_id)
    year = pc.plan.year
    if not confirmed():
        return confirm_step("Deze competentie uit je plan halen?", f"{pc.name} (niveau {pc.level}) verdwijnt uit je plan van {year}.",
                            "Ja, competentie verwijderen", url_for("plan.index", year=year) + "#competenties")
    try:
        services.remove_competency(current_user, pc)
    except services.PlanError as exc:
        return _failed(year, "competencies", exc)
    return _done(year, "Crisiscompetentie verwijderd.", "competenties")


@bp.route("/plan/<year:year>/proposals", methods=["POST"])
@login_required
def propose(year):
    values = {k: request.form.get(k, "") for k in ("name", "motivation", "level")}
    try:
        services.propose_competency(current_user, year, values["name"], values["motivation"],
                                    values["level"] or "basis", nonce=request.form.get("nonce"))
    except services.DuplicateSubmission as exc:
        return _done(year, str(exc), "competenties")
    except services.PlanError as exc:
        return _failed(year, "proposal", exc, values)
    return _done(year, "Voorstel verstuurd. Je coördinator beslist erover; je krijgt bericht.", "competenties")


@bp.route("/plan/<year:year>/next", methods=["POST"])
@login_required
def start_next(year):
    try:
        services.start_next_year(current_user, year, nonce=request.form.get("nonce"))
    except services.DuplicateSubmission:
        pass   # a double tap: the first one started the plan; show it
    except services.PlanError as exc:
        return _failed(year, "next", exc)
    message = f"Je plan voor {year + 1} is gestart met de open leerdoelen en competenties van {year}."
    if is_htmx():
        return _show(year + 1, message=message)
    flash(message, "success")
    return redirect(url_for("plan.index", year=year + 1))


# --- coordinator: approvals and the yearly review ----------------------------------------------

def _approvals_context(errors=None, values=None, message=None, year=None):
    year = year or date.today().year
    proposals = services.pending_proposals(current_user.region_id)
    names = dict(db.session.execute(db.select(User.id, User.name).where(
        User.id.in_([pc.plan.user_id for pc in proposals]))).all()) if proposals else {}
    return {"proposals": proposals, "names": names, "errors": errors or {},
            "values": values or {}, "message": message, "year": year,
            "people": services.people_for_review(current_user.region_id, year), "today": date.today()}


@bp.route("/plan/approvals")
@role_required("coordinator", "admin")
def approvals():
    return render("plan/approvals.html", "plan/_approvals.html",
                  **_approvals_context(year=_year_arg(request.args.get("year"))))


@bp.route("/plan/approvals/<int:pc_id>", methods=["POST"])
@role_required("coordinator", "admin")
def decide(pc_id):
    pc = access.get_or_404(PlanCompetency, pc_id, "decide")
    decision = request.form.get("decision")
    comment = request.form.get("comment", "")
    try:
        if decision not in ("approve", "decline"):
            raise services.PlanError("Kies goedkeuren of afwijzen.")
        services.decide_proposal(current_user, pc, decision == "approve", comment)
    except services.DuplicateSubmission as exc:
        message = str(exc)
    except services.PlanError as exc:
        return render("plan/approvals.html", "plan/_approvals.html", status=422,
                      **_approvals_context(errors={pc_id: str(exc)}, values={pc_id: comment}))
    else:
        message = "Voorstel goedgekeurd." if decision == "approve" else "Voorstel afgewezen."
    if is_htmx():
        return render("plan/approvals.html", "plan/_approvals.html", **_approvals_context(message=message))
    flash(message, "success")
    return redirect(url_for("plan.approvals"))


def _person_in_region(user_id: int) -> User:
    return access.get_or_404(User, user_id)


@bp.route("/plan/review/<int:user_id>/reopen", methods=["POST"])
@role_required("coordinator", "admin")
def reopen_review(user_id):
    person = _person_in_region(user_id)
    year = _year_arg(request.form.get("year"))
    try:
        services.reopen_review(current_user, person, year, request.form.get("reason", ""))
    except services.PlanError as exc:
        flash(str(exc), "error")
    else:
        flash(f"Het plan {year} van {person.name} is weer open.", "success")
    return redirect(url_for("plan.review", user_id=person.id, year=year))


@bp.route("/plan/review/<int:user_id>", methods=["GET", "POST"])
@role_required("coordinator", "admin")
def review(user_id):
    """The yearly review of one person: norm status, counts, what they shared; sign it off."""
    person = _person_in_region(user_id)
    year = _year_arg(request.values.get("year"))
    error = None
    if request.method == "POST":
        try:
            held_on = date.fromisoformat(request.form.get("held_on", ""))
        except ValueError:
            error = "Vul de datum van het gesprek in (dd-mm-jjjj)."
        else:
            try:
                services.sign_off_review(current_user, person, year, held_on, request.form.get("note", ""))
            except services.PlanError as exc:
                error = str(exc)
            else:
                flash(f"Reflectiegesprek {year} met {person.name} vastgelegd; het plan is nu afgesloten.", "success")
                return redirect(url_for("plan.review", user_id=person.id, year=year))
    else:
        audit.record(current_user, "review_viewed", person, detail=str(year))
    plan = services.get_plan(person, year)
    entries = portfolio.list_entries(person, year=year)
    counts: dict[str, int] = {}
    for entry in entries:
        counts[entry.kind] = counts.get(entry.kind, 0) + 1
    return render("plan/review.html", "plan/_review.html", status=422 if error else 200, person=person,
                  year=year, plan=plan, statuses=_norm_statuses(person, year), counts=counts,
                  kind_labels=portfolio.KIND_LABELS, shared=portfolio.shared_entries_for_coordinator(person),
                  error=error, today=date.today())
