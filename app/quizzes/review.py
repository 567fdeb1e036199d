"""Spaced review with FSRS: rating an answer, scheduling the person's card, the questions due now."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from fsrs import Card, Rating, Scheduler

from app.extensions import db
from app.models import ReviewCard
from app.models.core import utcnow
from app.quizzes.loader import Question, Quiz, get_quiz, quiz_set
from app.quizzes.scoring import Feedback, feedback_for, score

SLOW_SECONDS = 30          # a right answer after longer than this counts as hesitant (Rating.Hard)
REVIEW_SESSION_SIZE = 10
PLANNED_HORIZON_DAYS = 30
# No minute-level learning steps: a formative quiz comes back after days, not after 10 minutes.
# No fuzzing: the same answers give the same due dates (predictable for learners and tests).
SCHEDULER = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)


def rating_for(correct: bool, *, slow: bool = False, changed: bool = False, tries: int = 1,
               confident_wrong: bool = False) -> Rating:
    """Never right, or wrong while "heel zeker" → Again; right after a hint or hesitant → Hard; else Good."""
    if not correct or confident_wrong:
        return Rating.Again
    if tries > 1 or slow or changed:
        return Rating.Hard
    return Rating.Good


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def record_review(user, quiz_slug: str, question_id: str, rating: Rating, *, now: datetime | None = None,
                  today: date | None = None) -> ReviewCard:
    """Create or update the person's review card for a question and work out when it is due.

    The due date is FSRS's, brought forward to the day before the person's next planned activity
    (briefing, exercise ...) when that comes first: the question is fresh before it matters.
    """
    now = now or utcnow()
    today = today or now.date()
    row = db.session.scalar(db.select(ReviewCard).filter_by(user_id=user.id, quiz_slug=quiz_slug,
                                                            question_id=question_id))
    if row is None:
        card = Card(card_id=_card_id(user.id, quiz_slug, question_id), due=_aware(now))
    else:
        card = Card.from_json(row.card)
    card, _log = SCHEDULER.review_card(card, rating, review_datetime=_aware(now))
    # Planned-activity providers query the database: work out the date before adding a new row.
    due = due_before_planned(user, _naive(card.due), now=now, today=today)
    if row is None:
        row = ReviewCard(user_id=user.id, quiz_slug=quiz_slug, question_id=question_id)
        db.session.add(row)
    row.card = card.to_json()
    row.due = due
    row.last_reviewed_at = now
    row.reviews = (row.reviews or 0) + 1
    return row


def _card_id(user_id: int, quiz_slug: str, question_id: str) -> int:
    # Deterministic id (fsrs otherwise sleeps 1 ms to make a unique timestamp).
    return int.from_bytes(hashlib.sha256(f"{user_id}:{quiz_slug}:{question_id}".encode()).digest()[:6], "big")


def due_before_planned(user, fsrs_due: datetime, *, now: datetime, today: date) -> datetime:
    """FSRS's due date, or the start of the day before the next planned activity if that is earlier.

    Activities today or tomorrow are skipped: the answer just given is the person's fresh review.
    """
    from app.norms.planned import planned_for

    planned = planned_for(user, today, today + timedelta(days=PLANNED_HORIZON_DAYS))
    # A review today would be the answer just given: only days after today count.
    upcoming = [p for p in planned if p.on - timedelta(days=1) > today]
    if upcoming:
        day_before = datetime.combine(upcoming[0].on - timedelta(days=1), time.min)
        if day_before < fsrs_due:
            return day_before
    return fsrs_due


@dataclass
class DueQuestion:
    card: ReviewCard
    quiz: Quiz
    question: Question


def due_questions(user, now: datetime | None = None, limit: int | None = None) -> list[DueQuestion]:
    """Review cards due now whose quiz and question still exist (removed ones drop out silently)."""
    now = now or utcnow()
    quizzes = quiz_set().quizzes
    rows = db.session.scalars(db.select(ReviewCard).where(ReviewCard.user_id == user.id, ReviewCard.due <= now)
                              .order_by(ReviewCard.due, ReviewCard.id)).all()
    due = []
    for row in rows:
        quiz = quizzes.get(row.quiz_slug)
        question = quiz.question(row.question_id) if quiz else None
        if question is not None:
            due.append(DueQuestion(row, quiz, question))
            if limit and len(due) >= limit:
                break
    return due


@dataclass
class Overview:
    due_ids: list[int]          # cards due now whose question still exists, in review order
    next_at: datetime | None    # when the first card with an existing question is due
    has_cards: bool             # any card at all (also of a removed question)


def overview(user, now: datetime | None = None) -> Overview:
    """The start page's review figures in one read of the person's cards (ids and dates, no objects)."""
    now = now or utcnow()
    quizzes = quiz_set().quizzes
    rows = db.session.execute(db.select(ReviewCard.id, ReviewCard.quiz_slug, ReviewCard.question_id, ReviewCard.due)
                              .where(ReviewCard.user_id == user.id).order_by(ReviewCard.due, ReviewCard.id)).all()
    live = [r for r in rows if r.quiz_slug in quizzes and quizzes[r.quiz_slug].question(r.question_id)]
    return Overview(due_ids=[r.id for r in live if r.due <= now], next_at=live[0].due if live else None,
                    has_cards=bool(rows))


def next_review_at(user) -> datetime | None:
    """When the first card whose question still exists is due."""
    return overview(user).next_at


def quiz_review_dates(user, quiz: Quiz, limit: int = 3) -> list[tuple[date, int]]:
    """When this quiz's questions come back: the first few days with how many questions each."""
    rows = db.session.execute(db.select(ReviewCard.question_id, ReviewCard.due)
                              .where(ReviewCard.user_id == user.id, ReviewCard.quiz_slug == quiz.slug)
                              .order_by(ReviewCard.due)).all()
    days: dict[date, int] = {}
    for question_id, due in rows:
        if quiz.question(question_id) is not None:
            days[due.date()] = days.get(due.date(), 0) + 1
    return list(days.items())[:limit]


def review_card_for(user, card_id: int) -> DueQuestion | None:
    """The person's own card with its (still existing) question, else None → 404."""
    row = db.session.get(ReviewCard, card_id)
    if row is None or row.user_id != user.id:
        return None
    quiz = get_quiz(row.quiz_slug)
    question = quiz.question(row.question_id) if quiz else None
    return DueQuestion(row, quiz, question) if question else None


def answer_review(user, item: DueQuestion, response, *, changed: bool = False, slow: bool = False,
                  now: datetime | None = None, today: date | None = None) -> Feedback:
    correct = score(item.question, response)   # response: from forms.AnswerForm
    seed = review_seed(item.card)  # the order the person saw, before the review count moves on
    record_review(user, item.quiz.slug, item.question.id, rating_for(correct, slow=slow, changed=changed),
           now=now, today=today)
    return feedback_for(item.question, response, seed)


def review_seed(card: ReviewCard) -> str:
    return f"review-{card.id}-{card.reviews}"
