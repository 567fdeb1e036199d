"""The start-page card "Oefenvragen": how many questions are due for review."""
from __future__ import annotations

from app.extensions import db
from app.models import ReviewCard
from app.quizzes import review


def reviews_card(user) -> dict | None:
    has_cards = db.session.scalar(db.select(ReviewCard.id).where(ReviewCard.user_id == user.id).limit(1))
    due = review.due_questions(user) if has_cards else []
    return {
        "due": len(due),
        "session": min(len(due), review.REVIEW_SESSION_SIZE),
        # The questions of one session, each on its own page: what a phone keeps for offline review.
        "card_ids": [item.card.id for item in due[:review.REVIEW_SESSION_SIZE]],
        "next": review.next_review_at(user) if has_cards and not due else None,
        "has_cards": bool(has_cards),
    }
