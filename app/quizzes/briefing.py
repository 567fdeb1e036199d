"""The briefing flow: this week's module, its quiz and up to five due review questions, one after another.

Which steps there are is worked out here (no request); app/quizzes/briefing_routes.py shows them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.quizzes import loader, review

REVIEWS_IN_FLOW = 5


@dataclass
class BriefingStep:
    kind: str           # "module" | "quiz" | "review"
    title: str


@dataclass
class BriefingPlan:
    module: object | None           # app.content Module
    quiz: object | None             # Quiz
    reviews: int                    # due review questions, at most REVIEWS_IN_FLOW
    steps: list[BriefingStep]


def briefing_plan(user, today: date | None = None) -> BriefingPlan:
    from app.learn.services import start_page_pick

    pick = start_page_pick(user, today) or {}
    module = pick.get("briefing")
    quiz = loader.get_quiz(module.quiz) if module is not None and module.quiz else None
    reviews = len(review.due_questions(user, limit=REVIEWS_IN_FLOW))
    steps = []
    if module is not None:
        steps.append(BriefingStep("module", f"Lees: {module.title}"))
    if quiz is not None:
        steps.append(BriefingStep("quiz", f"Oefen: {quiz.title}"))
    if reviews:
        steps.append(BriefingStep("review", f"Herhaal {reviews} {'vraag' if reviews == 1 else 'vragen'}"))
    return BriefingPlan(module, quiz, reviews, steps)
