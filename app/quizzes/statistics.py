"""Item statistics for authors and coordinators: aggregates only, and only from enough people."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from app.extensions import db
from app.models import QuizAnswer, QuizAttempt, User
from app.quizzes.loader import Question, get_quiz
from app.quizzes.scoring import format_number

MIN_PEOPLE_FOR_STATISTICS = 5


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


def item_statistics(quiz_slug: str, region_id: int | None = None) -> list[ItemStatistics]:
    """Per question of the quiz: only aggregates, and only when at least 5 people answered it.

    Authors see every region together; a coordinator passes their `region_id` and sees only the
    answers of people in that region.
    """
    quiz = get_quiz(quiz_slug)
    if quiz is None:
        return []
    query = (db.select(QuizAnswer.question_id, QuizAttempt.user_id, QuizAnswer.correct, QuizAnswer.response,
                       QuizAnswer.answered_at, QuizAnswer.id)
             .join(QuizAttempt, QuizAnswer.attempt_id == QuizAttempt.id)
             .where(QuizAttempt.quiz_slug == quiz_slug)
             .order_by(QuizAnswer.answered_at, QuizAnswer.id))
    if region_id is not None:
        query = query.join(User, User.id == QuizAttempt.user_id).where(User.region_id == region_id)
    rows = db.session.execute(query).all()
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
    """The wrong answer given most often, and how often.

    A typed number can be as personal as a name ("17", someone's own station), so a numeric value is
    only shown when at least MIN_PEOPLE_FOR_STATISTICS different people gave it.
    """
    counts: Counter = Counter()
    numeric_people: dict[str, set] = {}
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
            numeric_people.setdefault(format_number(a.response), set()).add(a.user_id)
    if question.type == "numeric":
        counts = Counter({value: n for value, n in counts.items()
                          if len(numeric_people[value]) >= MIN_PEOPLE_FOR_STATISTICS})
    if not counts:
        return None, None
    value, count = counts.most_common(1)[0]
    if question.type in ("single", "multiple"):
        option = next((o for o in question.options if o.index == value), None)
        return (option.text if option else None), count
    return str(value), count
