"""Demo quiz history: enough people answered a few quizzes that author statistics show, and the
demo functionary has questions due for review."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from app.extensions import db
from app.models import User
from app.models.quizzes import QuizAttempt, QuizAnswer
from app.quizzes import loader, review, scoring, services

DEMO_QUIZZES = 3          # the first quizzes in slug order
PEOPLE_PER_QUIZ = 8       # above the threshold of 5 for item statistics


def _response(question, correct: bool, rng: random.Random):
    """A stored response of the same shape the quiz form produces, right or typically wrong."""
    options = question.options
    if question.type == "single":
        pool = [o.index for o in options if o.correct == correct] or [options[0].index]
        return rng.choice(pool[:2])  # wrong answers cluster, as in real groups
    if question.type == "multiple":
        right = sorted(o.index for o in options if o.correct)
        return right if correct else right[:-1] or [o.index for o in options if not o.correct][:1]
    if question.type == "truefalse":
        return question.answer if correct else not question.answer
    if question.type == "numeric":
        return float(question.answer) if correct else float(question.answer) + question.tolerance + 1
    if question.type == "match":
        right = scoring.right_choices(question)
        return right if correct else right[1:] + right[:1]
    if question.type == "text":
        return question.accept[0] if correct else "weet ik niet"
    positions = list(range(1, len(options) + 1))
    return positions if correct else positions[1:] + positions[:1]


def _attempt(user: User, quiz, when: datetime, rng: random.Random, skill: float) -> None:
    attempt = QuizAttempt(user_id=user.id, quiz_slug=quiz.slug, started_at=when, seed=rng.randrange(10**6))
    db.session.add(attempt)
    db.session.flush()
    for question in quiz.questions:
        correct = rng.random() < skill
        response = _response(question, correct, rng)
        right = scoring.score(question, response)
        db.session.add(QuizAnswer(attempt_id=attempt.id, question_id=question.id, response=response,
                                  correct=right, first_correct=right, answered_at=when))
        review.record_review(user, quiz.slug, question.id, review.rating_for(right), now=when)
    services.finish_attempt(user, quiz, attempt, now=when + timedelta(minutes=4))


def seed_quiz_history(region) -> int:
    quizzes = sorted(loader.quiz_set().quizzes.values(), key=lambda q: q.slug)[:DEMO_QUIZZES]
    if not quizzes or db.session.scalar(db.select(QuizAttempt.id).limit(1)) is not None:
        return 0
    rng = random.Random(49)
    people = db.session.scalars(
        db.select(User).where(User.region_id == region.id, User.email.like("%.%@demo.paraat.nl"))
        .order_by(User.id)).all()
    sanne = db.session.scalar(db.select(User).filter_by(email="functionaris@demo.paraat.nl"))
    now = datetime.now().replace(microsecond=0)
    created = 0
    for quiz in quizzes:
        for person in rng.sample(people, min(PEOPLE_PER_QUIZ, len(people))):
            _attempt(person, quiz, now - timedelta(days=rng.randint(3, 40)), rng, skill=rng.uniform(.4, .95))
            created += 1
    if sanne is not None:
        # Some weeks ago, with a few misses: those questions are due again now.
        _attempt(sanne, quizzes[0], now - timedelta(days=21), rng, skill=0.5)
        created += 1
    return created
