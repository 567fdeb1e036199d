"""The start page's cards: each feature's card function, called in a fixed order.

A card's context function gets the user and returns a dict for its template, or None to hide it.
The start page sits above the features: it imports them, they never import it.

What more than one card shows is read once per request here and handed to each (the norms and the
reflections card both need the person's planned activities and portfolio entries). Nothing is kept
beyond the request: every figure on the page is read for it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable

from app.activities.rounds import start_card
from app.author.cards import author_card
from app.learn.services import start_page_pick
from app.monitor.inbox import inbox_card
from app.norms.services import planned_ahead
from app.plan.cards import norms_card
from app.portfolio.cards import reflections_card
from app.portfolio.services import entries_until
from app.quizzes.cards import reviews_card


@dataclass(frozen=True)
class Card:
    key: str
    title: str
    template: str
    context: Callable
    shared: bool = False   # takes today, planned and entries (read once for every card that does)


CARDS = (
    Card("inbox", "Wacht op jou", "monitor/_inbox_card.html", inbox_card),
    Card("author", "Voor auteurs", "author/_card.html", author_card),
    Card("briefing_module", "Microlearning van de week", "learn/_card.html", start_page_pick),
    Card("reviews", "Oefenvragen", "quizzes/_reviews_card.html", reviews_card),
    Card("registrations", "Open inschrijvingen", "activities/_card.html", start_card),
    Card("norms", "Voortgang op je normen", "plan/_norms_card.html", norms_card, shared=True),
    Card("reflections", "Feedup en reflectie", "portfolio/_reflections_card.html", reflections_card, shared=True),
)


def cards_for(user) -> list[tuple[Card, dict]]:
    today = date.today()
    shared = {}
    if user.function_rows:  # the cards that share reads are for functionaries only
        shared = {"today": today, "planned": planned_ahead(user, today), "entries": entries_until(user, today)}
    shown = []
    for card in CARDS:
        context = card.context(user, **shared) if card.shared and shared else card.context(user)
        if context is not None:
            shown.append((card, context))
    return shown
