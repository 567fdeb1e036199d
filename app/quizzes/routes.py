"""Quiz pages: start, one question at a time with instant feedback, summary, and the review session."""
from __future__ import annotations

from datetime import datetime

from flask import abort, current_app, flash, redirect, request, send_from_directory, session, url_for
from flask_login import current_user, login_required

from app.auth import access
from app.models import QuizAttempt, ReviewCard
from app.models.core import utcnow
from app.quizzes import bp, loader, scoring, services
from app.quizzes.forms import answer_form
from app.quizzes import review as spaced_review
from app.web import is_htmx, render

REVIEW_KEY = "quiz_review"
BRIEFING_NEXT = "briefing_next"     # the briefing flow's next step, shown at the end of a quiz or review


def _quiz_or_404(slug: str):
    quiz = loader.get_quiz(slug)
    if quiz is None:
        if loader.is_broken(slug):
            # A file broken after deploy: a clear message; the rest of the site keeps working.
            abort(render("errors/error.html", "errors/_error.html", status=404, code=404,
                         title="Oefentoets niet beschikbaar",
                         message="Deze oefentoets is tijdelijk niet beschikbaar. De auteurs zijn op de hoogte; "
                                 "probeer het later opnieuw."))
        abort(404)
    return quiz


def _attempt_or_404(slug: str, attempt_id: int):
    attempt = access.get_or_404(QuizAttempt, attempt_id)
    if attempt.quiz_slug != slug:
        abort(404)
    return attempt


@bp.route("/quizzes")
@login_required
def index():
    return render("quizzes/index.html", quizzes=list(loader.quiz_set().quizzes.values()))


@bp.route("/quizzes/<slug>")
@login_required
def quiz(slug):
    quiz = _quiz_or_404(slug)
    return render("quizzes/quiz.html", quiz=quiz, open_attempt=services.open_attempt(current_user, quiz))


@bp.route("/quizzes/media/<slug>/<name>")
@login_required
def media(slug, name):
    """An image imported with a quiz (Moodle XML files), from QUIZ_DIR/<slug>/; image types only."""
    from pathlib import Path

    from app.quizzes.moodle_xml import IMAGE_TYPES
    extension = name[name.rfind("."):].lower() if "." in name else ""
    if loader.get_quiz(slug) is None or extension not in IMAGE_TYPES:
        abort(404)
    return send_from_directory(Path(current_app.config["QUIZ_DIR"]) / slug, name, mimetype=IMAGE_TYPES[extension])


@bp.route("/quizzes/<slug>/attempts", methods=["POST"])
@login_required
def start(slug):
    quiz = _quiz_or_404(slug)
    attempt = services.start_attempt(current_user, quiz)
    if request.form.get("next_step", "").startswith("/briefing/"):   # started from the briefing flow
        session[BRIEFING_NEXT] = request.form["next_step"]
    else:   # a quiz of its own: the end screen offers no briefing step
        session.pop(BRIEFING_NEXT, None)
    return redirect(url_for("quizzes.attempt", slug=quiz.slug, attempt_id=attempt.id))


def _step(quiz, attempt, *, question=None, feedback=None, error=None, status=200, hint=None, moved=None,
          moved_up=False):
    """The attempt page (or, for htmx, the #quiz-step fragment): a question, its feedback, or the summary."""
    context = dict(quiz=quiz, attempt=attempt, number=_number(quiz, question or (feedback and feedback.question)),
                   total=len(quiz.questions), error=error)
    if feedback is not None:
        context.update(feedback=feedback, has_next=services.next_question(quiz, attempt) is not None)
    elif question is not None:
        pending = services.answers_by_question(attempt).get(question.id)
        options, moved_index = moved or (scoring.shuffled_options(question, attempt.seed), None)
        context.update(question=question, options=options, moved=moved_index,
                       moved_up=moved_up,
                       action=url_for("quizzes.answer", slug=quiz.slug, attempt_id=attempt.id),
                       hint=hint or services.pending_hint(question, pending),
                       ask_certainty=quiz.certainty and pending is None, certainty_choices=scoring.CERTAINTY)
    else:
        rows = services.summary(quiz, attempt)
        calibration = services.calibration(rows) if quiz.certainty else None
        needs_reading = any(r.answered and not r.correct for r in rows)
        context.update(rows=rows, right=sum(r.correct for r in rows), calibration=calibration,
                       modules=services.modules_for(quiz.competencies) if needs_reading else [],
                       review_dates=spaced_review.quiz_review_dates(current_user, quiz),
                       briefing_next=session.get(BRIEFING_NEXT))
    return render("quizzes/attempt.html", "quizzes/_step.html", status=status, **context)


def _number(quiz, question):
    if question is None:
        return None
    return next((i for i, q in enumerate(quiz.questions, start=1) if q.id == question.id), None)


@bp.route("/quizzes/<slug>/attempts/<int:attempt_id>")
@login_required
def attempt(slug, attempt_id):
    quiz = _quiz_or_404(slug)
    attempt = _attempt_or_404(slug, attempt_id)
    question = None if attempt.finished_at else services.next_question(quiz, attempt)
    if question is None:
        if attempt.finished_at is None:  # questions were removed since: the attempt is complete
            services.finish_attempt(current_user, quiz, attempt)
        return _step(quiz, attempt)
    services.mark_shown(attempt, question)
    return _step(quiz, attempt, question=question)


@bp.route("/quizzes/<slug>/attempts/<int:attempt_id>", methods=["POST"])
@login_required
def answer(slug, attempt_id):
    quiz = _quiz_or_404(slug)
    attempt = _attempt_or_404(slug, attempt_id)
    question_id = request.form.get("question_id", "")
    question = quiz.question(question_id)
    if question is None:   # a form that was not ours: nothing is stored, the next question is shown
        return _answer_refused(quiz, attempt, None, "Deze vraag hoort niet bij deze oefentoets.", tampered=True)
    pending = services.answers_by_question(attempt).get(question.id)
    form = answer_form(question, ask_certainty=quiz.certainty and pending is None)
    if form.moving:   # an up/down button of an order question
        try:
            moved = form.moved_options()
        except scoring.AnswerError as exc:
            return _step(quiz, attempt, question=question, error=str(exc), status=422)
        return _step(quiz, attempt, question=question, moved=moved, moved_up=form.moved_up)
    settled = pending is not None and pending.settled   # a replay: the stored answer is shown again
    if not settled and not form.validate():
        return _answer_refused(quiz, attempt, question, form.error, tampered=form.tampered)
    try:
        result = services.answer_question(current_user, quiz, attempt, question.id,
                                          None if settled else form.response, certainty=form.how_sure,
                                          changed=form.changed.data == "1")
    except scoring.AnswerError as exc:   # raised before anything is stored
        return _answer_refused(quiz, attempt, question, str(exc), tampered=isinstance(exc, scoring.TamperedAnswer))
    if result.hint is not None:   # a wrong try at a question with hints: the hint, and try again
        if not is_htmx():
            return redirect(url_for("quizzes.attempt", slug=slug, attempt_id=attempt.id))
        return _step(quiz, attempt, question=quiz.question(result.answer.question_id), hint=result.hint)
    if result.replay:
        message = "Deze vraag had je al beantwoord; je eerste antwoord blijft staan."
        if not is_htmx():
            flash(message, "info")
            return redirect(url_for("quizzes.feedback", slug=slug, attempt_id=attempt.id,
                                    question_id=result.answer.question_id))
        return _step(quiz, attempt, feedback=result.feedback, error=message, status=422)
    if not is_htmx():
        return redirect(url_for("quizzes.feedback", slug=slug, attempt_id=attempt.id,
                                question_id=result.answer.question_id))
    return _step(quiz, attempt, feedback=result.feedback)


def _answer_refused(quiz, attempt, question, error, *, tampered):
    """422 with the message; the same question again, or (a form that was not ours) the next one."""
    if tampered or question is None:
        question = services.next_question(quiz, attempt)
    if question is None:
        return _step(quiz, attempt, error=error, status=422)
    return _step(quiz, attempt, question=question, error=error, status=422)


@bp.route("/quizzes/<slug>/attempts/<int:attempt_id>/questions/<question_id>")
@login_required
def feedback(slug, attempt_id, question_id):
    quiz = _quiz_or_404(slug)
    attempt = _attempt_or_404(slug, attempt_id)
    question = quiz.question(question_id)
    stored = services.answers_by_question(attempt).get(question_id)
    if question is None or stored is None:
        abort(404)
    if not stored.settled:   # still trying: the feedback would give the answer away
        return redirect(url_for("quizzes.attempt", slug=slug, attempt_id=attempt.id))
    return _step(quiz, attempt, feedback=scoring.feedback_for(question, stored.response, attempt.seed))


# ---------------------------------------------------------------- review session

def _review_state() -> dict:
    state = session.get(REVIEW_KEY) or {}
    return {"done": int(state.get("done", 0)), "shown": state.get("shown"), "at": state.get("at"),
            "last": state.get("last"), "size": int(state.get("size") or spaced_review.REVIEW_SESSION_SIZE),
            "flow": state.get("flow")}   # the briefing flow's next step, when this session is part of it


def _save_review_state(state: dict) -> None:
    session[REVIEW_KEY] = state


@bp.route("/quizzes/review")
@login_required
def review():
    state = _review_state()
    size = state["size"]
    due = spaced_review.due_questions(current_user, limit=size + 1)
    context = dict(done=state["done"], size=size, due_count=len(due), total=min(size, state["done"] + len(due)),
                   next_review=spaced_review.next_review_at(current_user) if not due else None,
                   briefing_next=state["flow"])
    if due and state["done"] < size:
        item = due[0]
        if state["shown"] != item.card.id:
            state.update(shown=item.card.id, at=utcnow().isoformat())
            _save_review_state(state)
        context.update(item=item, question=item.question,
                       options=scoring.shuffled_options(item.question, spaced_review.review_seed(item.card)),
                       action=url_for("quizzes.review_answer", card_id=item.card.id))
    return render("quizzes/review.html", "quizzes/_review_step.html", **context)


@bp.route("/quizzes/review/<int:card_id>")
@login_required
def review_question(card_id):
    """One due question on a page of its own, the page a phone keeps to answer it offline.

    Reading it changes nothing (the service worker fetches these pages in the background), so the
    answer is not timed as it is in the session at /quizzes/review.
    """
    item = spaced_review.review_card_for(current_user, access.get_or_404(ReviewCard, card_id).id)
    if item is None:   # the card's question is gone from the quiz
        abort(404)
    if item.card.due > utcnow():
        flash("Deze vraag had je al herhaald.", "info")
        return redirect(url_for("quizzes.review"))
    due = [d.card.id for d in spaced_review.due_questions(current_user, limit=spaced_review.REVIEW_SESSION_SIZE)]
    position = due.index(card_id) if card_id in due else len(due)
    return render("quizzes/review.html", "quizzes/_review_step.html", done=position,
                  size=max(spaced_review.REVIEW_SESSION_SIZE, position + 1), due_count=len(due), item=item,
                  total=max(len(due), position + 1),
                  question=item.question,
                  options=scoring.shuffled_options(item.question, spaced_review.review_seed(item.card)),
                  action=url_for("quizzes.review_answer", card_id=card_id))


@bp.route("/quizzes/review/restart", methods=["POST"])
@login_required
def review_restart():
    _save_review_state({"done": 0})
    return redirect(url_for("quizzes.review"))


@bp.route("/quizzes/review/<int:card_id>", methods=["POST"])
@login_required
def review_answer(card_id):
    item = spaced_review.review_card_for(current_user, access.get_or_404(ReviewCard, card_id).id)
    if item is None:   # the card's question is gone from the quiz
        abort(404)
    state = _review_state()
    if item.card.due > utcnow():  # answered already (double tap, back button): nothing stored twice
        flash("Deze vraag had je al herhaald.", "info")
        return redirect(url_for("quizzes.review"))
    slow = False
    if state["shown"] == card_id and state["at"]:
        slow = (utcnow() - datetime.fromisoformat(state["at"])).total_seconds() > spaced_review.SLOW_SECONDS
    seed = spaced_review.review_seed(item.card)  # the order the person saw, before the review moves it on
    form = answer_form(item.question)
    if form.moving:   # an up/down button of an order question: nothing is answered yet
        try:
            options, moved = form.moved_options() or (None, None)
        except scoring.AnswerError:
            abort(422)
        return render("quizzes/review.html", "quizzes/_review_step.html", done=state["done"],
                      size=spaced_review.REVIEW_SESSION_SIZE, due_count=1, item=item, question=item.question,
                      options=options or scoring.shuffled_options(item.question, seed), moved=moved,
                      moved_up=form.moved_up,
                      action=url_for("quizzes.review_answer", card_id=item.card.id))
    if not form.validate():
        return render("quizzes/review.html", "quizzes/_review_step.html", status=422,
                      done=state["done"], size=spaced_review.REVIEW_SESSION_SIZE, due_count=1, item=item,
                      question=item.question, error=form.error,
                      options=scoring.shuffled_options(item.question, seed),
                      action=url_for("quizzes.review_answer", card_id=item.card.id))
    result = spaced_review.answer_review(current_user, item, form.response, slow=slow,
                                         changed=form.changed.data == "1")
    state.update(done=state["done"] + 1, shown=None, at=None,
                 last={"card": card_id, "response": result.response, "seed": seed})
    _save_review_state(state)
    if not is_htmx():
        return redirect(url_for("quizzes.review_feedback"))
    return render("quizzes/review.html", "quizzes/_review_step.html", done=state["done"],
                  size=spaced_review.REVIEW_SESSION_SIZE, feedback=result)


@bp.route("/quizzes/review/feedback")
@login_required
def review_feedback():
    state = _review_state()
    last = state.get("last") or {}
    item = spaced_review.review_card_for(current_user, int(last.get("card") or 0))
    if item is None:
        return redirect(url_for("quizzes.review"))
    result = scoring.feedback_for(item.question, last.get("response"), last.get("seed", ""))
    return render("quizzes/review.html", "quizzes/_review_step.html", done=state["done"],
                  size=spaced_review.REVIEW_SESSION_SIZE, feedback=result)


@bp.app_template_filter("quiz_markdown")
def quiz_markdown(text):
    from app.markdown import render as render_markdown
    return render_markdown(text or "")


@bp.app_template_filter("quiz_inline")
def quiz_inline(text):
    from app.markdown import render_inline
    return render_inline(text or "")


@bp.app_template_filter("quiz_number")
def quiz_number(value):
    return scoring.format_number(value)
