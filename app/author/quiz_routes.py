"""Quiz pages for authors: which quiz files have problems, and per question how it goes (aggregates only).

No page here shows an individual's answers: statistics appear only once at least five people
answered a question (app.quizzes.statistics.item_statistics).
"""
from flask import abort, request, url_for

from app.auth.permissions import role_required
from app.author import bp
from app.quizzes import loader, scoring, statistics
from app.quizzes.forms import answer_form
from app.web import render


@bp.route("/author/quizzes")
@role_required("author", "admin")
def quiz_index():
    from app.quizzes.validate import quiz_warnings, validate_quiz_dir
    from flask import current_app

    quiz_set = loader.quiz_set()
    problems = validate_quiz_dir(current_app.config["QUIZ_DIR"]) + quiz_warnings(current_app.config["QUIZ_DIR"])
    return render("author/quiz_index.html", quizzes=list(quiz_set.quizzes.values()), problems=problems,
                  minimum=statistics.MIN_PEOPLE_FOR_STATISTICS)


@bp.route("/author/quizzes/<slug>")
@role_required("author", "admin")
def quiz_statistics(slug):
    quiz = loader.get_quiz(slug)
    if quiz is None:
        abort(404)
    return render("author/quiz_statistics.html", "author/_quiz_statistics_table.html", quiz=quiz,
                  stats=statistics.item_statistics(slug), minimum=statistics.MIN_PEOPLE_FOR_STATISTICS)


@bp.route("/author/quizzes/<slug>/preview", methods=["GET", "POST"])
@role_required("author", "admin")
def quiz_preview(slug):
    """Any quiz as a learner sees it, hints and all, one question at a time; nothing is stored.

    The question number and the tries so far travel in the URL and the form, not in the database.
    """
    quiz = loader.get_quiz(slug)
    if quiz is None:
        abort(404)
    number = request.args.get("n", "1")
    if not number.isdigit() or not 1 <= int(number) <= len(quiz.questions):
        abort(404)
    number = int(number)
    question = quiz.questions[number - 1]
    tries = int(request.form.get("tries", "0")) if request.form.get("tries", "0").isdigit() else 0
    context = dict(quiz=quiz, number=number, total=len(quiz.questions), question=question,
                   options=scoring.shuffled_options(question, "preview"),
                   action=url_for("author.quiz_preview", slug=slug, n=number), tries=tries,
                   certainty_choices=scoring.CERTAINTY, ask_certainty=quiz.certainty and tries == 0,
                   next_url=url_for("author.quiz_preview", slug=slug, n=number + 1)
                   if number < len(quiz.questions) else None)
    if request.method == "GET":
        return render("author/quiz_preview.html", **context)
    form = answer_form(question, ask_certainty=quiz.certainty and tries == 0)
    if form.moving:   # an up/down button of an order question
        try:
            moved = form.moved_options()
        except scoring.AnswerError:
            abort(422)
        if moved:
            context.update(options=moved[0], moved=moved[1], moved_up=form.moved_up)
        return render("author/quiz_preview.html", **context)
    if not form.validate():
        return render("author/quiz_preview.html", status=422, error=form.error, **context)
    response = form.response
    correct = scoring.score(question, response)
    if not correct and tries < len(question.hints):
        context.update(hint=question.hints[tries], tries=tries + 1, ask_certainty=False)
        return render("author/quiz_preview.html", **context)
    return render("author/quiz_preview.html", feedback=scoring.feedback_for(question, response, "preview"), **context)
