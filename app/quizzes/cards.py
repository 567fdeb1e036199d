"""The start-page card "Oefenvragen": how many questions are due for review."""
from __future__ import annotations

from app.extensions import db
from app.models import ReviewCard
from app.quizzes import services


def reviews_card(user) -> dict | None:
    has_cards = db.session.scalar(db.select(ReviewCard.id).where(ReviewCard.user_id == user.id).limit(1))
    due = len(services.due_questions(user)) if has_cards else 0
    return {
        "due": due,
        "session": min(due, services.REVIEW_SESSION_SIZE),
        "next": services.next_review_at(user) if has_cards and not due else None,
        "has_cards": bool(has_cards),
    }
