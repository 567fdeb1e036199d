"""Start-page cards: each feature registers a card; the start page shows them in order.

A card's context function gets the user and returns a dict for its template, or None to hide it.
Registering a key again replaces the earlier card (features replace the foundation's placeholders).
"""
from dataclasses import dataclass
from typing import Callable

from flask import Flask, current_app


@dataclass(frozen=True)
class Card:
    key: str
    title: str
    template: str
    order: int
    context: Callable


def register_card(app: Flask, key: str, title: str, template: str, order: int, context: Callable) -> None:
    app.extensions.setdefault("paraat_cards", {})[key] = Card(key, title, template, order, context)


def cards_for(user) -> list[tuple[Card, dict]]:
    shown = []
    for card in sorted(current_app.extensions.get("paraat_cards", {}).values(), key=lambda c: c.order):
        context = card.context(user)
        if context is not None:
            shown.append((card, context))
    return shown
