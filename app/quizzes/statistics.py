"""Item statistics for authors and coordinators: aggregates only, and only from enough people."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from app.extensions import db
from app.models import QuizAnswer, QuizAttempt, User
from app.quizzes.loader import Question, get_quiz
from app.quizzes.scoring import format_number, normalise_text

MIN_PEOPLE_FOR_STATISTICS = 5


@dataclass
class ItemStatistics:
    question_id: str
    question_text: str
    question_type: str
    people: int                      # distinct people who answered
    shown: bool                      # False below MIN_PEOPLE_FOR_STATISTICS: nothing else is filled in
    attempts: int | None = None      # answers in attempts
    first_try_correct: float | None = None    # share (0..1) of people right at the first try of their first answer
    mean_tries: float | None = None           # tries needed on average (questions with hints), else None
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
                       QuizAnswer.answered_at, QuizAnswer.id, QuizAnswer.first_correct, QuizAnswer.tries,
                       QuizAnswer.settled)
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
                first.setdefault(a.user_id, a.first_correct)
            item.attempts = len(answers)
            item.first_try_correct = sum(first.values()) / len(first)
            settled = [a.tries for a in answers if a.settled]
            if question.hints and settled:
                item.mean_tries = sum(settled) / len(settled)
            item.most_chosen_wrong, item.most_chosen_wrong_count = _most_chosen_wrong(question, answers)
        stats.append(item)
    return stats


def _most_chosen_wrong(question: Question, answers) -> tuple[str | None, int | None]:
    """The wrong answer given most often, and how often.

    A typed number or word can be as personal as a name ("17", someone's own station), so a typed
    value is only shown when at least MIN_PEOPLE_FOR_STATISTICS different people gave it.
    """
    counts: Counter = Counter()
    typed_people: dict[str, set] = {}
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
        elif question.type in ("numeric", "text"):
            value = format_number(a.response) if question.type == "numeric" else normalise_text(str(a.response))
            counts[value] += 1
            typed_people.setdefault(value, set()).add(a.user_id)
        elif question.type == "match":
            rights = question.rights
            for (left, right), chosen in zip(question.pairs, a.response or []):
                if isinstance(chosen, int) and chosen < len(rights) and rights[chosen] != right:
                    counts[f"{left} → {rights[chosen]}"] += 1
    if question.type in ("numeric", "text"):
        counts = Counter({value: n for value, n in counts.items()
                          if len(typed_people[value]) >= MIN_PEOPLE_FOR_STATISTICS})
    if not counts:
        return None, None
    value, count = counts.most_common(1)[0]
    if question.type in ("single", "multiple"):
        option = next((o for o in question.options if o.index == value), None)
        return (option.text if option else None), count
    return str(value), count
