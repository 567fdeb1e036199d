"""Attempts without HTTP: storing answers once, finishing, feedback."""

import pytest

from app.extensions import db
from app.models import PortfolioEntry, QuizAnswer, QuizAttempt, ReviewCard
from app.quizzes import scoring, services
from tests import factories
from tests.quizzes.helpers import NOW, answer, quiz  # noqa: F401


# ---------------------------------------------------------------- attempts

def test_quiz_services_leave_the_commit_to_the_request(app, quiz):
    """Starting, answering and finishing only add and flush: rolled back, nothing is left."""
    user = factories.user()
    db.session.commit()
    attempt = services.start_attempt(user, quiz)
    assert attempt.id is not None   # flushed: the page links to it
    services.mark_shown(attempt, quiz.questions[0], now=NOW)
    for qid, values in (("s1", {"option": "0"}), ("m1", {"option": ["0", "1"]}), ("t1", {"answer": "true"}),
                        ("n1", {"answer": "2,5"})):
        answer(user, quiz, attempt, qid, **values)
    last = answer(user, quiz, attempt, "o1", **{"position-0": "1", "position-1": "2", "position-2": "3"})
    assert last.finished
    db.session.rollback()
    for model in (QuizAttempt, QuizAnswer, ReviewCard, PortfolioEntry):
        assert db.session.scalar(db.select(db.func.count()).select_from(model)) == 0, model


def test_answers_are_stored_once_and_the_attempt_finishes_into_the_portfolio(app, quiz):
    user = factories.user()
    attempt = services.start_attempt(user, quiz)
    first = answer(user, quiz, attempt, "s1", option="1")
    assert not first.feedback.correct and not first.replay
    again = answer(user, quiz, attempt, "s1", option="0")   # replay with another answer
    assert again.replay and again.answer.response == 1
    assert db.session.scalar(db.select(db.func.count(QuizAnswer.id))) == 1
    answer(user, quiz, attempt, "m1", option=["0", "1"])
    answer(user, quiz, attempt, "t1", answer="true")
    answer(user, quiz, attempt, "n1", answer="2,5")
    last = answer(user, quiz, attempt, "o1", **{"position-0": "1", "position-1": "2", "position-2": "3"})
    assert last.finished and attempt.finished_at == NOW
    entry = db.session.scalar(db.select(PortfolioEntry))
    assert (entry.kind, entry.title, entry.source, entry.source_ref, entry.occurred_on) == (
        "quiz", "Oefentoets: Alle vraagtypen", "quiz", str(attempt.id), NOW.date())
    rows = services.summary(quiz, attempt)
    assert [r.correct for r in rows] == [False, True, True, True, True]


def test_answer_for_a_question_of_another_quiz_is_refused(quiz):
    user = factories.user()
    attempt = services.start_attempt(user, quiz)
    with pytest.raises(scoring.TamperedAnswer):
        answer(user, quiz, attempt, "q-van-elders", option="0")


def test_feedback_lists_every_option_with_its_own_feedback(quiz):
    feedback = scoring.feedback_for(quiz.question("s1"), 1, seed=5)
    chosen = [f for f in feedback.options if f.chosen]
    assert len(feedback.options) == 3 and len(chosen) == 1 and not chosen[0].correct
    assert {f.feedback for f in feedback.options} >= {"Klopt.", "Dat is beeldvorming."}
    numeric = scoring.feedback_for(quiz.question("n1"), 7.0, seed=5)
    assert not numeric.correct and numeric.right_answer == "2,5 (marge 0,5)"
    tf = scoring.feedback_for(quiz.question("t1"), False, seed=5)
    assert tf.message == "Bij GRIP 2 komt het ROT bijeen."
