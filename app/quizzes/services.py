"""Quiz rules: reading answers, scoring, attempts, spaced review (FSRS) and item statistics.

No request, session or templates here: routes, CLI commands and tests call these alike.
"""
from __future__ import annotations

import hashlib
import random
import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from flask import current_app
from fsrs import Card, Rating, Scheduler
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import QuizAnswer, QuizAttempt, ReviewCard
from app.models.core import utcnow
from app.quizzes.loader import Question, Quiz, QuizSet, load_dir

SLOW_SECONDS = 30          # a right answer after longer than this counts as hesitant (Rating.Hard)
REVIEW_SESSION_SIZE = 10
PLANNED_HORIZON_DAYS = 30
MIN_PEOPLE_FOR_STATISTICS = 5
# No minute-level learning steps: a formative quiz comes back after days, not after 10 minutes.
# No fuzzing: the same answers give the same due dates (predictable for learners and tests).
SCHEDULER = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)


class AnswerError(ValueError):
    """The submitted answer cannot be used; the message is Dutch and meant for the learner."""


class TamperedAnswer(AnswerError):
    """The form was not one we sent (unknown option, other quiz's question): nothing is stored."""


# ---------------------------------------------------------------- quizzes from files

def quiz_set() -> QuizSet:
    return load_dir(current_app.config["QUIZ_DIR"])


def get_quiz(slug: str) -> Quiz | None:
    return quiz_set().quizzes.get(slug)


def is_broken(slug: str) -> bool:
    return slug in quiz_set().broken_slugs


# ---------------------------------------------------------------- shuffling and scoring

def shuffled_options(question: Question, seed: int | str):
    """The options in this attempt's order: the same seed and question always give the same order."""
    digest = hashlib.sha256(f"{seed}:{question.id}".encode()).digest()
    options = list(question.options)
    random.Random(int.from_bytes(digest[:8], "big")).shuffle(options)
    return options


def parse_response(question: Question, form) -> object:
    """Turn the posted form (a MultiDict) into the stored response; raises AnswerError."""
    indices = {str(o.index): o.index for o in question.options}
    if question.type == "single":
        value = form.get("option")
        if value is None or value == "":
            raise AnswerError("Kies een antwoord.")
        if value not in indices:
            raise TamperedAnswer("Dit antwoord hoort niet bij deze vraag.")
        return indices[value]
    if question.type == "multiple":
        values = form.getlist("option")
        if not values:
            raise AnswerError("Kies minstens één antwoord.")
        if any(v not in indices for v in values):
            raise TamperedAnswer("Dit antwoord hoort niet bij deze vraag.")
        return sorted({indices[v] for v in values})
    if question.type == "truefalse":
        value = form.get("answer")
        if value is None or value == "":
            raise AnswerError("Kies juist of onjuist.")
        if value not in ("true", "false"):
            raise TamperedAnswer("Dit antwoord hoort niet bij deze vraag.")
        return value == "true"
    if question.type == "numeric":
        value = (form.get("answer") or "").strip()
        if not value:
            raise AnswerError("Vul een getal in.")
        number = parse_number(value)
        if number is None:
            raise AnswerError("Vul een getal in, bijvoorbeeld 5 of 2,5.")
        return number
    if question.type == "order":
        positions = []
        n = len(question.options)
        for option in question.options:
            value = form.get(f"position-{option.index}")
            if value is None or value == "":
                raise AnswerError("Kies voor elke stap een plaats.")
            if not value.isdigit() or not 1 <= int(value) <= n:
                raise TamperedAnswer("Dit antwoord hoort niet bij deze vraag.")
            positions.append(int(value))
        if len(set(positions)) != n:
            raise AnswerError("Geef elke plaats maar één keer.")
        return positions
    raise TamperedAnswer("Onbekend vraagtype.")


def parse_number(value: str) -> float | None:
    """'2,5', '2.5', ' 1 000 ' → a float; both decimal comma and point are accepted."""
    text = value.strip().replace(" ", "").replace("\u00a0", "")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


def score(question: Question, response) -> bool:
    """Is this response right? Responses come from `parse_response` (or the database)."""
    if question.type == "single":
        return any(o.index == response and o.correct for o in question.options)
    if question.type == "multiple":
        return set(response or []) == {o.index for o in question.options if o.correct}
    if question.type == "truefalse":
        return response is question.answer or response == question.answer
    if question.type == "numeric":
        try:
            return abs(float(response) - float(question.answer)) <= question.tolerance + 1e-9
        except (TypeError, ValueError):
            return False
    if question.type == "order":
        return list(response or []) == list(range(1, len(question.options) + 1))
    return False


@dataclass
class OptionFeedback:
    option: object
    chosen: bool
    correct: bool          # the option is right (single/multiple) or at its right place (order)
    feedback: str
    position: int | None = None     # order: the place the learner gave


@dataclass
class Feedback:
    question: Question
    response: object
    correct: bool
    options: list[OptionFeedback] = field(default_factory=list)
    message: str = ""               # truefalse/numeric: feedback_right or feedback_wrong
    right_answer: str = ""          # truefalse/numeric/order: what would have been right


def feedback_for(question: Question, response, seed: int | str) -> Feedback:
    correct = score(question, response)
    result = Feedback(question=question, response=response, correct=correct)
    if question.type in ("single", "multiple"):
        chosen = {response} if question.type == "single" else set(response or [])
        result.options = [OptionFeedback(o, o.index in chosen, o.correct, o.feedback)
                          for o in shuffled_options(question, seed)]
    elif question.type == "order":
        positions = list(response or [])
        result.options = [OptionFeedback(o, True, positions[o.index] == o.index + 1 if o.index < len(positions) else False,
                                         o.feedback, positions[o.index] if o.index < len(positions) else None)
                          for o in question.options]
    elif question.type == "truefalse":
        result.right_answer = "Juist" if question.answer else "Onjuist"
    elif question.type == "numeric":
        result.right_answer = format_number(question.answer) + (
            f" (marge {format_number(question.tolerance)})" if question.tolerance else "")
    if question.type in ("truefalse", "numeric"):
        result.message = question.feedback_right if correct else question.feedback_wrong
    return result


def format_number(value) -> str:
    if value is None:
        return ""
    value = float(value)
    text = str(int(value)) if value.is_integer() else f"{value:g}"
    return text.replace(".", ",")


def describe_response(question: Question, response) -> str:
    """The learner's answer as text (for the feedback page)."""
    if question.type == "truefalse":
        return "Juist" if response else "Onjuist"
    if question.type == "numeric":
        return format_number(response)
    return ""


# ---------------------------------------------------------------- attempts

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
    review(user, quiz.slug, question.id, rating_for(correct, slow=slow, changed=changed), now=now,
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


# ---------------------------------------------------------------- spaced review

def rating_for(correct: bool, *, slow: bool = False, changed: bool = False) -> Rating:
    if not correct:
        return Rating.Again
    if slow or changed:
        return Rating.Hard
    return Rating.Good


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def review(user, quiz_slug: str, question_id: str, rating: Rating, *, now: datetime | None = None,
           today: date | None = None, commit: bool = True) -> ReviewCard:
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
    if commit:
        db.session.commit()
    return row


def _card_id(user_id: int, quiz_slug: str, question_id: str) -> int:
    # Deterministic id (fsrs otherwise sleeps 1 ms to make a unique timestamp).
    return int.from_bytes(hashlib.sha256(f"{user_id}:{quiz_slug}:{question_id}".encode()).digest()[:6], "big")


def due_before_planned(user, fsrs_due: datetime, *, now: datetime, today: date) -> datetime:
    """FSRS's due date, or the start of the day before the next planned activity if that is earlier.

    Activities today or tomorrow are skipped: the answer just given is the person's fresh review.
    """
    from app.norms.planned import planned_for

    try:
        planned = planned_for(user, today, today + timedelta(days=PLANNED_HORIZON_DAYS))
    except Exception:  # noqa: BLE001 (a provider failing must not lose the answer)
        current_app.logger.exception("planned-activity provider failed; using FSRS due date")
        planned = []
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


def next_review_at(user) -> datetime | None:
    quizzes = quiz_set().quizzes
    rows = db.session.execute(db.select(ReviewCard.quiz_slug, ReviewCard.question_id, ReviewCard.due)
                              .where(ReviewCard.user_id == user.id).order_by(ReviewCard.due)).all()
    for slug, question_id, due in rows:
        if slug in quizzes and quizzes[slug].question(question_id):
            return due
    return None


def review_card_for(user, card_id: int) -> DueQuestion | None:
    """The person's own card with its (still existing) question, else None → 404."""
    row = db.session.get(ReviewCard, card_id)
    if row is None or row.user_id != user.id:
        return None
    quiz = get_quiz(row.quiz_slug)
    question = quiz.question(row.question_id) if quiz else None
    return DueQuestion(row, quiz, question) if question else None


def answer_review(user, item: DueQuestion, form, *, changed: bool = False, slow: bool = False,
                  now: datetime | None = None, today: date | None = None) -> Feedback:
    response = parse_response(item.question, form)
    correct = score(item.question, response)
    seed = review_seed(item.card)  # the order the person saw, before the review count moves on
    review(user, item.quiz.slug, item.question.id, rating_for(correct, slow=slow, changed=changed),
           now=now, today=today)
    return feedback_for(item.question, response, seed)


def review_seed(card: ReviewCard) -> str:
    return f"review-{card.id}-{card.reviews}"


# ---------------------------------------------------------------- statistics for authors

@dataclass
class ItemStatistics:
    question_id: str
    question_text: str
    question_type: str
    people: int                      # distinct people who answered
    shown: bool                      # False below MIN_PEOPLE_FOR_STATISTICS: nothing else is filled in
    attempts: int | None = None      # answers in attempts
    first_try_correct: float | None = None    # share (0..1) of people right at their first answer
    most_chosen_wrong: str | None = None      # text of the wrong option chosen most often
    most_chosen_wrong_count: int | None = None


def item_statistics(quiz_slug: str) -> list[ItemStatistics]:
    """Per question of the quiz: only aggregates, and only when at least 5 people answered it."""
    quiz = get_quiz(quiz_slug)
    if quiz is None:
        return []
    rows = db.session.execute(
        db.select(QuizAnswer.question_id, QuizAttempt.user_id, QuizAnswer.correct, QuizAnswer.response,
                  QuizAnswer.answered_at, QuizAnswer.id)
        .join(QuizAttempt, QuizAnswer.attempt_id == QuizAttempt.id)
        .where(QuizAttempt.quiz_slug == quiz_slug)
        .order_by(QuizAnswer.answered_at, QuizAnswer.id)).all()
    by_question: dict[str, list] = {}
    for row in rows:
        by_question.setdefault(row.question_id, []).append(row)
    stats = []
    for question in quiz.questions:
        answers = by_question.get(question.id, [])
        people = {a.user_id for a in answers}
        item = ItemStatistics(question.id, question.text, question.type, len(people),
                              shown=len(people) >= MIN_PEOPLE_FOR_STATISTICS)
        if item.shown:
            first: dict[int, bool] = {}
            for a in answers:
                first.setdefault(a.user_id, a.correct)
            item.attempts = len(answers)
            item.first_try_correct = sum(first.values()) / len(first)
            item.most_chosen_wrong, item.most_chosen_wrong_count = _most_chosen_wrong(question, answers)
        stats.append(item)
    return stats


def _most_chosen_wrong(question: Question, answers) -> tuple[str | None, int | None]:
    counts: Counter = Counter()
    for a in answers:
        if a.correct:
            continue
        if question.type == "single":
            counts[a.response] += 1
        elif question.type == "multiple":
            for index in a.response or []:
                if not question.options[index].correct if index < len(question.options) else False:
                    counts[index] += 1
        elif question.type == "truefalse":
            counts["Juist" if a.response else "Onjuist"] += 1
        elif question.type == "numeric":
            counts[format_number(a.response)] += 1
    if not counts:
        return None, None
    value, count = counts.most_common(1)[0]
    if question.type in ("single", "multiple"):
        option = next((o for o in question.options if o.index == value), None)
        return (option.text if option else None), count
    return str(value), count
