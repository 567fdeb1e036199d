"""What a person is registered for but has not done yet, from whichever feature knows it.

Norm forecasts ("met de 2 oefeningen waarvoor je bent ingeschreven haal je de norm") need the
registrations without the norms code importing the activities feature: activities registers a
provider `fn(user, start: date, end: date) -> list[Planned]`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable

from flask import Flask, current_app


@dataclass(frozen=True)
class Planned:
    activity_kind: str   # ActivityKind.code
    on: date
    title: str
    ref: str = ""        # e.g. the activity id


def register_planned_provider(app: Flask, provider: Callable) -> None:
    app.extensions.setdefault("paraat_planned_providers", []).append(provider)


def planned_for(user, start: date, end: date) -> list[Planned]:
    planned = []
    for provider in current_app.extensions.get("paraat_planned_providers", []):
        planned.extend(provider(user, start, end))
    return sorted(planned, key=lambda p: p.on)
