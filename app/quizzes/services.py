"""Attempts at a quiz: starting, answering one question at a time, finishing, the summary.

Scoring is in `scoring` (pure), spaced review in `review` (FSRS), item statistics in `statistics`.
No request, session or templates here: routes, CLI commands and tests call these alike.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import QuizAnswer, QuizAttempt
from app.models.core import utcnow
from app.quizzes.loader import Question, Quiz
from app.quizzes.review import SLOW_SECONDS, rating_for, record_review
from app.quizzes.scoring import Feedback, TamperedAnswer, feedback_for, parse_response, score


def start_attempt(user, quiz: Quiz) -> QuizAttempt:
    attempt = QuizAttempt(user_id=user.id, quiz_slug=quiz.slug, seed=secrets.randbelow(2**31))
    db.session.add(attempt)
    db.session.commit()
    return attempt


def open_attempt(user, quiz: Quiz) -> QuizAttempt | None:
    return db.session.scalar(db.select(QuizAttempt).filter_by(user_id=user.id, quiz_slug=quiz.slug,
                                                              finished_at=None)
                             .order_by(QuizAttempt.id.desc()).limit(1))


def attempt_for(user, attempt_id: int, slug: str) -> QuizAttempt | None:
    """The attempt only when it is this person's own and of this quiz (else None → 404)."""
    attempt = db.session.get(QuizAttempt, attempt_id)
    if attempt is None or attempt.user_id != user.id or attempt.quiz_slug != slug:
        return None
    return attempt


def answers_by_question(attempt: QuizAttempt) -> dict[str, QuizAnswer]:
    return {a.question_id: a for a in attempt.answers}


def next_question(quiz: Quiz, attempt: QuizAttempt) -> Question | None:
    answered = answers_by_question(attempt)
    return next((q for q in quiz.questions if q.id not in answered), None)


def mark_shown(attempt: QuizAttempt, question: Question, now: datetime | None = None) -> None:
    """Remember since when the question is on screen (once: a reload does not restart the clock)."""
    if attempt.shown_question_id != question.id:
        attempt.shown_question_id = question.id
        attempt.shown_at = now or utcnow()
        db.session.commit()


@dataclass
class AnswerResult:
    answer: QuizAnswer
    feedback: Feedback
    replay: bool = False            # the question had been answered already: nothing was stored
    finished: bool = False


def answer_question(user, quiz: Quiz, attempt: QuizAttempt, question_id: str, form, *,
                    changed: bool = False, now: datetime | None = None,
                    today: date | None = None) -> AnswerResult:
    """Store the first answer to a question, update its review card, finish the attempt at the end.

    A second answer to the same question stores nothing and returns the first one (replay=True).
    """
    now = now or utcnow()
    question = quiz.question(question_id or "")
    if question is None:
        raise TamperedAnswer("Deze vraag hoort niet bij deze oefentoets.")
    existing = answers_by_question(attempt).get(question.id)
    if existing is not None:
        return AnswerResult(existing, feedback_for(question, existing.response, attempt.seed), replay=True)
    if attempt.finished_at is not None:
        raise TamperedAnswer("Deze oefentoets is al afgerond.")
    response = parse_response(question, form)
    correct = score(question, response)
    answer = QuizAnswer(attempt_id=attempt.id, question_id=question.id, response=response,
                        correct=correct, answered_at=now)
    db.session.add(answer)
    try:
        db.session.flush()
    except IntegrityError:  # a double tap that raced the first: keep the first
        db.session.rollback()
        db.session.refresh(attempt)
        existing = answers_by_question(attempt)[question.id]
        return AnswerResult(existing, feedback_for(question, existing.response, attempt.seed), replay=True)
    slow = (attempt.shown_question_id == question.id and attempt.shown_at is not None
            and (now - attempt.shown_at).total_seconds() > SLOW_SECONDS)
    record_review(user, quiz.slug, question.id, rating_for(correct, slow=slow, changed=changed), now=now,
           today=today, commit=False)
    db.session.refresh(attempt)
    finished = next_question(quiz, attempt) is None
    if finished:
        finish_attempt(user, quiz, attempt, now=now, commit=False)
    db.session.commit()
    return AnswerResult(answer, feedback_for(question, response, attempt.seed), finished=finished)


def finish_attempt(user, quiz: Quiz, attempt: QuizAttempt, now: datetime | None = None,
                   commit: bool = True) -> None:
    """Close the attempt and record it in the portfolio (idempotent)."""
    from app.portfolio.services import record_entry

    if attempt.finished_at is None:
        attempt.finished_at = now or utcnow()
    record_entry(user.id, "quiz", attempt.finished_at.date(), f"Oefentoets: {quiz.title}",
                 source="quiz", source_ref=str(attempt.id), commit=False)
    if commit:
        db.session.commit()


@dataclass
class SummaryRow:
    question: Question
    answered: bool
    correct: bool


def summary(quiz: Quiz, attempt: QuizAttempt) -> list[SummaryRow]:
    answered = answers_by_question(attempt)
    return [SummaryRow(q, q.id in answered, bool(answered.get(q.id) and answered[q.id].correct))
            for q in quiz.questions]


def modules_for(competency_codes) -> list[dict]:
    """Per competency the published modules to read up on, from the learn catalogue when available.

    Returns [{"code", "modules": [(slug, title)]}]; an empty list means: link the catalogue filter.
    """
    try:  # the micro-learning catalogue is another feature; use it when it is there
        from app.content import get_catalogue
        by_competency = get_catalogue().by_competency
    except Exception:  # noqa: BLE001 (not installed, or its files cannot be read right now)
        by_competency = {}
    return [{"code": code, "modules": [(m.slug, m.title) for m in by_competency.get(code, [])]}
            for code in competency_codes]
