"""Attempts at a quiz: starting, answering one question at a time, finishing, the summary.

Scoring is in `scoring` (pure), spaced review in `review` (FSRS), item statistics in `statistics`.
No request, session or templates here: routes, CLI commands and tests call these alike. They add and
flush; the request that called them commits (README, "Who commits").
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime

from app.extensions import db
from app.models import QuizAnswer, QuizAttempt
from app.models.core import utcnow
from app.quizzes.loader import Question, Quiz
from app.quizzes.review import SLOW_SECONDS, rating_for, record_review
from app.quizzes.scoring import Feedback, TamperedAnswer, feedback_for, score
from app.transactions import insert_once


def start_attempt(user, quiz: Quiz) -> QuizAttempt:
    attempt = QuizAttempt(user_id=user.id, quiz_slug=quiz.slug, seed=secrets.randbelow(2**31))
    db.session.add(attempt)
    db.session.flush()   # the caller links to the attempt by its id
    return attempt


def open_attempt(user, quiz: Quiz) -> QuizAttempt | None:
    return db.session.scalar(db.select(QuizAttempt).filter_by(user_id=user.id, quiz_slug=quiz.slug,
                                                              finished_at=None)
                             .order_by(QuizAttempt.id.desc()).limit(1))


def answers_by_question(attempt: QuizAttempt) -> dict[str, QuizAnswer]:
    """Every answer row of the attempt, also one still waiting for another try (settled=False)."""
    return {a.question_id: a for a in attempt.answers}


def next_question(quiz: Quiz, attempt: QuizAttempt) -> Question | None:
    """The first question without a settled answer (one being retried after a hint comes first)."""
    answered = answers_by_question(attempt)
    return next((q for q in quiz.questions if q.id not in answered or not answered[q.id].settled), None)


def pending_hint(question: Question, answer: QuizAnswer | None) -> str | None:
    """The hint to show while a question waits for another try (after try n: hint n)."""
    if answer is None or answer.settled or not question.hints:
        return None
    return question.hints[min(answer.tries, len(question.hints)) - 1]


def mark_shown(attempt: QuizAttempt, question: Question, now: datetime | None = None) -> None:
    """Remember since when the question is on screen (once: a reload does not restart the clock)."""
    if attempt.shown_question_id != question.id:
        attempt.shown_question_id = question.id
        attempt.shown_at = now or utcnow()


@dataclass
class AnswerResult:
    answer: QuizAnswer
    feedback: Feedback | None       # None while the question waits for another try
    replay: bool = False            # the question had been answered already: nothing was stored
    finished: bool = False
    hint: str | None = None         # a wrong try of a question with hints: show this, then try again


def answer_question(user, quiz: Quiz, attempt: QuizAttempt, question_id: str, response, *,
                    certainty: str | None = None, changed: bool = False, now: datetime | None = None,
                    today: date | None = None) -> AnswerResult:
    """Store a try at a question; once it is settled, update its review card and maybe finish.

    Without hints the first answer settles the question. With hints a wrong try returns the next
    hint (never the right answer) and waits for another try; a right try, or a wrong one after the
    last hint, settles it. An answer to a settled question stores nothing and returns the stored
    one (replay=True). `response` and `certainty` come from `forms.AnswerForm` (already validated);
    the certainty is kept from the first try only.
    """
    now = now or utcnow()
    question = quiz.question(question_id or "")
    if question is None:
        raise TamperedAnswer("Deze vraag hoort niet bij deze oefentoets.")
    existing = answers_by_question(attempt).get(question.id)
    if existing is not None and existing.settled:
        return AnswerResult(existing, feedback_for(question, existing.response, attempt.seed), replay=True)
    if attempt.finished_at is not None:
        raise TamperedAnswer("Deze oefentoets is al afgerond.")
    correct = score(question, response)
    if existing is None:   # certainty is asked once, with the first try
        answer = QuizAnswer(attempt_id=attempt.id, question_id=question.id, response=response,
                            correct=correct, answered_at=now, tries=1, first_correct=correct,
                            certainty=certainty, settled=correct or not question.hints)
        stored = insert_once(answer)
        db.session.expire(attempt, ["answers"])   # read again, with this answer or the one that won
        if not stored:  # a double tap that raced the first: keep the first
            existing = answers_by_question(attempt)[question.id]
            return AnswerResult(existing, feedback_for(question, existing.response, attempt.seed)
                                if existing.settled else None, replay=True,
                                hint=pending_hint(question, existing))
    else:
        answer = existing
        answer.tries += 1
        answer.response, answer.correct, answer.answered_at = response, correct, now
        answer.settled = correct or answer.tries > len(question.hints)
    if not answer.settled:
        return AnswerResult(answer, None, hint=pending_hint(question, answer))
    # Hesitation is judged on the first try only (its clock started when the question was shown).
    slow = (answer.tries == 1 and attempt.shown_question_id == question.id and attempt.shown_at is not None
            and (now - attempt.shown_at).total_seconds() > SLOW_SECONDS)
    rating = rating_for(correct, slow=slow, changed=changed, tries=answer.tries,
                        confident_wrong=answer.certainty == "heel" and not answer.first_correct)
    record_review(user, quiz.slug, question.id, rating, now=now, today=today)
    finished = next_question(quiz, attempt) is None
    if finished:
        finish_attempt(user, quiz, attempt, now=now)
    return AnswerResult(answer, feedback_for(question, response, attempt.seed), finished=finished)


def finish_attempt(user, quiz: Quiz, attempt: QuizAttempt, now: datetime | None = None) -> None:
    """Close the attempt and record it in the portfolio (idempotent)."""
    from app.portfolio.services import record_entry

    if attempt.finished_at is None:
        attempt.finished_at = now or utcnow()
    record_entry(user.id, "quiz", attempt.finished_at.date(), f"Oefentoets: {quiz.title}",
                 source="quiz", source_ref=str(attempt.id))


@dataclass
class SummaryRow:
    question: Question
    answered: bool
    correct: bool                   # right at the first try
    tries: int = 0
    settled_correct: bool = False   # right in the end (after a hint)
    certainty: str | None = None


def summary(quiz: Quiz, attempt: QuizAttempt) -> list[SummaryRow]:
    answered = {qid: a for qid, a in answers_by_question(attempt).items() if a.settled}
    rows = []
    for q in quiz.questions:
        a = answered.get(q.id)
        rows.append(SummaryRow(q, a is not None, bool(a and a.first_correct), a.tries if a else 0,
                               bool(a and a.correct), a.certainty if a else None))
    return rows


@dataclass
class Calibration:
    """How sure the learner was against how it went: for the end screen of a quiz with certainty."""
    sure: int                       # questions answered "heel zeker"
    sure_wrong: int                 # ... of which not right at the first try
    guessed_right: int              # "gok" but right at the first try


def calibration(rows: list[SummaryRow]) -> Calibration:
    sure = [r for r in rows if r.certainty == "heel"]
    return Calibration(sure=len(sure), sure_wrong=sum(not r.correct for r in sure),
                       guessed_right=sum(r.certainty == "gok" and r.correct for r in rows))


def modules_for(competency_codes) -> list[tuple[str, str]]:
    """The published modules to read up on for these competencies, each module once.

    An empty list means: link the catalogue instead.
    """
    from app.content import get_catalogue

    by_competency = get_catalogue().by_competency
    modules: dict[str, str] = {}
    for code in competency_codes:
        for module in by_competency.get(code, []):
            modules.setdefault(module.slug, module.title)
    return list(modules.items())
