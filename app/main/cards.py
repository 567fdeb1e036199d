"""The start page's cards: each feature's card function, called in a fixed order.

A card's context function gets the user and returns a dict for its template, or None to hide it.
The start page sits above the features: it imports them, they never import it.

What more than one card shows is read once per request here and handed to each card that names it
in `shared` (the norms and the reflections card both need the person's planned activities and
portfolio entries; the norms and the learning card the approved competencies of the plan). Nothing
is kept beyond the request: every figure on the page is read for it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable

from app.activities.rounds import start_card
from app.author.cards import author_card
from app.learn.services import start_page_pick
from app.monitor.inbox import inbox_card
from app.norms.services import approved_competencies, planned_ahead
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
    shared: tuple = ()     # keyword arguments it takes from the shared reads (functionaries only)


CARDS = (
    Card("inbox", "Wacht op jou", "monitor/_inbox_card.html", inbox_card),
    Card("author", "Voor auteurs", "author/_card.html", author_card),
    Card("briefing_module", "Microlearning van de week", "learn/_card.html", start_page_pick,
         shared=("today", "approved")),
    Card("reviews", "Oefenvragen", "quizzes/_reviews_card.html", reviews_card),
    Card("registrations", "Open inschrijvingen", "activities/_card.html", start_card),
    Card("norms", "Voortgang op je normen", "plan/_norms_card.html", norms_card,
         shared=("today", "planned", "entries", "approved")),
    Card("reflections", "Feedup en reflectie", "portfolio/_reflections_card.html", reflections_card,
         shared=("today", "planned", "entries")),
)


def cards_for(user) -> list[tuple[Card, dict]]:
    today = date.today()
    shared = {}
    if user.function_rows:  # the norms and reflections cards are for functionaries only
        shared = {"today": today, "planned": planned_ahead(user, today), "entries": entries_until(user, today),
                  "approved": approved_competencies(user, today.year)}
    shown = []
    for card in CARDS:
        context = card.context(user, **{name: shared[name] for name in card.shared if name in shared})
        if context is not None:
            shown.append((card, context))
    return shown
