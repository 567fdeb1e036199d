"""The briefing flow pages: /briefing/<step> with "Stap 2 van 3", and /briefing/klaar at the end."""
from __future__ import annotations

from flask import abort, redirect, session, url_for
from flask_login import current_user, login_required

from app.quizzes import bp, briefing, review
from app.quizzes.routes import BRIEFING_NEXT, REVIEW_KEY
from app.web import render


def _next_url(plan, step: int) -> str:
    return url_for("quizzes.briefing_step", step=step + 1) if step < len(plan.steps) else url_for("quizzes.briefing_done")


@bp.route("/briefing")
@login_required
def briefing_start():
    return redirect(url_for("quizzes.briefing_step", step=1))


@bp.route("/briefing/<int:step>")
@login_required
def briefing_step(step):
    plan = briefing.briefing_plan(current_user)
    if not plan.steps:
        return redirect(url_for("quizzes.briefing_done"))
    if not 1 <= step <= len(plan.steps):
        abort(404)
    current = plan.steps[step - 1]
    next_url = _next_url(plan, step)
    context = dict(plan=plan, step=step, current=current, next_url=next_url)
    if current.kind == "module":
        from app.content import get_catalogue
        context["body"] = get_catalogue().html(plan.module)
    if current.kind == "review":
        # The review session of this flow stops after these few questions and leads back here. (The
        # module step changes nothing: the service worker may fetch it in the background.)
        session[REVIEW_KEY] = {"done": 0, "size": plan.reviews, "flow": next_url}
    return render("quizzes/briefing.html", **context)


@bp.route("/briefing/<int:step>", methods=["POST"])
@login_required
def briefing_read(step):
    """'Gelezen': the module step marks the module read and goes on to the next step."""
    from app.learn.services import mark_read

    plan = briefing.briefing_plan(current_user)
    if not 1 <= step <= len(plan.steps) or plan.steps[step - 1].kind != "module":
        abort(404)
    mark_read(current_user, plan.module)
    return redirect(_next_url(plan, step))


@bp.route("/briefing/klaar")
@login_required
def briefing_done():
    session.pop(BRIEFING_NEXT, None)
    plan = briefing.briefing_plan(current_user)
    dates = review.quiz_review_dates(current_user, plan.quiz) if plan.quiz else []
    return render("quizzes/briefing_done.html", plan=plan, dates=dates,
                  next_review=review.next_review_at(current_user))
