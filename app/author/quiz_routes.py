"""Quiz pages for authors: which quiz files have problems, and per question how it goes (aggregates only).

No page here shows an individual's answers: statistics appear only once at least five people
answered a question (app.quizzes.statistics.item_statistics).
"""
from flask import abort

from app.auth.permissions import role_required
from app.author import bp
from app.quizzes import loader, statistics
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
