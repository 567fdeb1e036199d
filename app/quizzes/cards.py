"""The start-page card "Oefenvragen": how many questions are due for review."""
from __future__ import annotations

from app.quizzes import review


def reviews_card(user) -> dict | None:
    cards = review.overview(user)
    due = len(cards.due_ids)
    return {
        "due": due,
        "session": min(due, review.REVIEW_SESSION_SIZE),
        # The questions of one session, each on its own page: what a phone keeps for offline review.
        "card_ids": cards.due_ids[:review.REVIEW_SESSION_SIZE],
        "next": None if due else cards.next_at,
        "has_cards": cards.has_cards,
    }
