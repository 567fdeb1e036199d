"""Development plan pages: the plan per year, norm progress, approvals and the yearly review."""
from __future__ import annotations

from datetime import date, timedelta

from flask import flash, redirect, request, session, url_for
from flask_login import current_user, login_required

from app import audit
from app.auth import access
from app.auth.permissions import role_required
from app.competencies import region_competencies
from app.extensions import db
from app.models import PlanCompetency, PlanGoal, User
from app.norms import services as norms
from app.norms.roster import duty_of
from app.plan import bp, forms, services
from app.portfolio import services as portfolio
from app.web import confirm_step, confirmed, is_htmx, render, year_arg


SAVED = "plan_saved"   # session key: the message of a save without JavaScript, shown once in its section


def _norm_statuses(user: User, year: int):
    today = date.today()
    if year == today.year:
        return norms.progress(user, today)
    if year < today.year:
        return norms.progress(user, date(year, 12, 31), planned=[])
    return []


def plan_context(user: User, year: int, posted: dict | None = None, errors: dict | None = None,
                 message: str | None = None, message_at: str | None = None) -> dict:
    """`posted`: the form of this request that was refused (its errors and the person's input), by name
    (goal_form, competency_form, proposal_form, next_form); the page's other forms start empty.
    `errors`: a section's message (`goals`, `competencies`) when removing something was refused."""
    plan = services.get_plan(user, year)
    plan_years = services.plan_years(user)
    years = sorted(set(plan_years) | {date.today().year, year})
    statuses = _norm_statuses(user, year)
    competencies = region_competencies(user.region_id)
    page_forms = {"goal_form": forms.goal_form(user.region_id, competencies),
                  "competency_form": forms.competency_form(user.region_id, competencies),
                  "proposal_form": forms.proposal_form(), "next_form": forms.next_year_form()}
    page_forms.update(posted or {})
    return {
        "person": user, "year": year, "plan": plan, "years": years, "statuses": statuses,
        "summary": norms.summary(statuses), "status_rules": norms.STATUS_RULES, "plan_rules": norms.PLAN_RULES,
        "duty": duty_of(user, since=date.today() - timedelta(days=90)),
        "history": services.history(plan) if plan else [],
        "change_labels": services.CHANGE_LABELS, "errors": errors or {}, "message": message, "message_at": message_at,
        "today": date.today(), "has_next": year + 1 in plan_years,
        **page_forms,
    }


def _show(year: int, status: int = 200, **kwargs):
    return render("plan/index.html", "plan/_plan.html", status=status, **plan_context(current_user, year, **kwargs))


def _done(year: int, message: str, anchor: str | None = None):
    """After a successful POST the message appears in the section that changed: for htmx in the fresh
    fragment (focused, so the page keeps the person's place), else after a redirect to that section (PRG)."""
    if is_htmx():
        return _show(year, message=message, message_at=anchor)
    return redirect(_saved_url(year, message, anchor))


def _saved_url(year: int, message: str, anchor: str | None) -> str:
    """The plan page that shows `message` once, in the section `anchor` it opens at. (A flash would
    show at the top of the page, out of sight of the section the person is looking at.)"""
    session[SAVED] = [anchor, message]
    return url_for("plan.index", year=year) + (f"#{anchor}" if anchor else "")


def _refused(form, error: services.PlanError) -> None:
    """A rule only the service could check (a closed year, a plan that is not there): its message on
    the field it names, else on the form; the page then answers 422 and nothing is stored."""
    if error.field and error.field in form:
        form[error.field].errors.append(str(error))
    else:
        form.form_errors.append(str(error))


def _refused_plan(year: int, name: str, form):
    return _show(year, status=422, posted={name: form})


def _add(year: int, form, name: str, anchor: str, save, success: str):
    """A new item on the plan from `form` (posted as `name`): save() stores it; a double tap (where the
    service recognises one) shows what the first tap stored, a refusal the form again with its
    message (422)."""
    if form.validate():
        try:
            save()
        except services.DuplicateSubmission as exc:
            return _done(year, str(exc), anchor)
        except services.PlanError as exc:
            _refused(form, exc)
        else:
            return _done(year, success, anchor)
    return _refused_plan(year, name, form)


@bp.route("/plan")
@login_required
def index():
    anchor, message = session.pop(SAVED, None) or (None, None)
    return _show(year_arg(request.args.get("year"), date.today().year), message=message, message_at=anchor)


@bp.route("/plan/<year:year>/goals", methods=["POST"])
@login_required
def add_goal(year):
    form = forms.goal_form(current_user.region_id, region_competencies(current_user.region_id), posted=True)
    return _add(year, form, "goal_form", "leerdoelen", lambda: services.add_goal(
        current_user, year, form.text.data, form.competency.data or None, nonce=form.nonce.data),
        "Leerdoel toegevoegd.")


def _own_goal(goal_id: int) -> PlanGoal:
    return access.get_or_404(PlanGoal, goal_id)


@bp.route("/plan/goals/<int:goal_id>", methods=["GET", "POST"])
@login_required
def edit_goal(goal_id):
    goal = _own_goal(goal_id)
    year = goal.plan.year
    form = forms.goal_form(current_user.region_id, region_competencies(current_user.region_id), goal=goal)
    if request.method == "POST" and form.validate():
        try:
            services.update_goal(current_user, goal, form.text.data, form.competency.data or None, form.status.data)
        except services.PlanError as exc:
            _refused(form, exc)
        else:
            target = _saved_url(year, "Leerdoel opgeslagen.", f"leerdoel-{goal.id}")
            if is_htmx():  # a swap of the whole page into the form would be wrong: navigate instead
                return "", 204, {"HX-Redirect": target}
            return redirect(target)
    return render("plan/goal.html", "plan/_goal_form.html", status=422 if request.method == "POST" else 200,
                  goal=goal, form=form)


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
        return _show(year, status=422, errors={"goals": str(exc)})
    return _done(year, "Leerdoel verwijderd.", "leerdoelen")


@bp.route("/plan/<year:year>/competencies", methods=["POST"])
@login_required
def choose_competency(year):
    form = forms.competency_form(current_user.region_id, region_competencies(current_user.region_id), posted=True)
    return _add(year, form, "competency_form", "competenties", lambda: services.choose_competency(
        current_user, year, form.code.data, form.level.data), "Crisiscompetentie opgeslagen.")


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
        return _show(year, status=422, errors={"competencies": str(exc)})
    return _done(year, "Crisiscompetentie verwijderd.", "competenties")


@bp.route("/plan/<year:year>/proposals", methods=["POST"])
@login_required
def propose(year):
    form = forms.proposal_form(posted=True)
    return _add(year, form, "proposal_form", "competenties", lambda: services.propose_competency(
        current_user, year, form.name.data, form.motivation.data, form.level.data, nonce=form.nonce.data),
        "Voorstel verstuurd. Je coördinator beslist erover; je krijgt bericht.")


@bp.route("/plan/<year:year>/next", methods=["POST"])
@login_required
def start_next(year):
    form = forms.next_year_form(posted=True)
    try:
        services.start_next_year(current_user, year, nonce=form.nonce.data)
    except services.DuplicateSubmission:
        pass   # a double tap: the first one started the plan; show it
    except services.PlanError as exc:
        _refused(form, exc)
        return _refused_plan(year, "next_form", form)
    return _done(year + 1, f"Je plan voor {year + 1} is gestart met de open leerdoelen en competenties van {year}.")


# --- coordinator: approvals and the yearly review ----------------------------------------------

def _approvals_context(posted: tuple[int, forms.DecisionForm] | None = None, message=None, year=None):
    """`posted`: the proposal id and decision form of this request that was refused; the others start empty."""
    year = year or date.today().year
    proposals = services.pending_proposals(current_user.region_id)
    names = dict(db.session.execute(db.select(User.id, User.name).where(
        User.id.in_([pc.plan.user_id for pc in proposals]))).all()) if proposals else {}
    decision_forms = {pc.id: forms.decision_form(pc.id) for pc in proposals}
    if posted:
        decision_forms[posted[0]] = posted[1]
    return {"proposals": proposals, "names": names, "decision_forms": decision_forms, "message": message,
            "year": year, "people": services.people_for_review(current_user.region_id, year), "today": date.today()}


@bp.route("/plan/approvals")
@role_required("coordinator", "admin")
def approvals():
    return render("plan/approvals.html", "plan/_approvals.html",
                  **_approvals_context(year=year_arg(request.args.get("year"), date.today().year)))


@bp.route("/plan/approvals/<int:pc_id>", methods=["POST"])
@role_required("coordinator", "admin")
def decide(pc_id):
    pc = access.get_or_404(PlanCompetency, pc_id, "decide")
    form = forms.decision_form(pc_id, posted=True)
    if form.validate():
        try:
            services.decide_proposal(current_user, pc, form.approve, form.comment.data)
        except services.DuplicateSubmission as exc:
            message = str(exc)
        except services.PlanError as exc:
            _refused(form, exc)
        else:
            message = "Voorstel goedgekeurd." if form.approve else "Voorstel afgewezen."
    if form.errors:
        return render("plan/approvals.html", "plan/_approvals.html", status=422,
                      **_approvals_context(posted=(pc_id, form)))
    if is_htmx():
        return render("plan/approvals.html", "plan/_approvals.html", **_approvals_context(message=message))
    flash(message, "success")
    return redirect(url_for("plan.approvals"))


def _person_in_region(user_id: int) -> User:
    return access.get_or_404(User, user_id)


def _review_page(person: User, year: int, review_form=None, reopen_form=None, status: int = 200):
    plan = services.get_plan(person, year)
    counts: dict[str, int] = {}
    for entry in portfolio.list_entries(person, year=year):
        counts[entry.kind] = counts.get(entry.kind, 0) + 1
    return render("plan/review.html", "plan/_review.html", status=status, person=person, year=year, plan=plan,
                  statuses=_norm_statuses(person, year), counts=counts, kind_labels=portfolio.KIND_LABELS,
                  shared=portfolio.shared_entries_for_coordinator(person),
                  review_form=review_form or forms.review_form(), reopen_form=reopen_form or forms.reopen_form(year))


@bp.route("/plan/review/<int:user_id>/reopen", methods=["POST"])
@role_required("coordinator", "admin")
def reopen_review(user_id):
    person = _person_in_region(user_id)
    form = forms.reopen_form(None, posted=True)
    year = year_arg(form.year.data, date.today().year)
    if form.validate():
        try:
            services.reopen_review(current_user, person, year, form.reason.data)
        except services.PlanError as exc:
            _refused(form, exc)
        else:
            flash(f"Het plan {year} van {person.name} is weer open.", "success")
            return redirect(url_for("plan.review", user_id=person.id, year=year))
    return _review_page(person, year, reopen_form=form, status=422)


@bp.route("/plan/review/<int:user_id>", methods=["GET", "POST"])
@role_required("coordinator", "admin")
def review(user_id):
    """The yearly review of one person: norm status, counts, what they shared; sign it off."""
    person = _person_in_region(user_id)
    year = year_arg(request.values.get("year"), date.today().year)
    if request.method == "GET":
        audit.record(current_user, "review_viewed", person, detail=str(year))
        return _review_page(person, year)
    form = forms.review_form(posted=True)
    if form.validate():
        try:
            services.sign_off_review(current_user, person, year, form.held_on.data, form.note.data)
        except services.PlanError as exc:
            _refused(form, exc)
        else:
            flash(f"Reflectiegesprek {year} met {person.name} vastgelegd; het plan is nu afgesloten.", "success")
            return redirect(url_for("plan.review", user_id=person.id, year=year))
    return _review_page(person, year, review_form=form, status=422)
