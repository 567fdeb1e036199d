"""The piket roster: duty periods per person, imported from CSV `email;start;end`.

The format is what Dutch Excel writes and opens (see app/csv_export.py): UTF-8 with or without a
byte-order mark, ';' as separator, an optional header row, dates as 2026-05-04 or 4-5-2026. A file
with any bad line saves nothing: every problem is reported as `name:line: message`. Importing the
same roster again adds nothing (a period with the same person, start and end exists once).
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from app import audit
from app.extensions import db
from app.models import DutyPeriod, User

MAX_DAYS = 62   # a duty period is days or weeks; a longer one is almost certainly a typing error


class RosterError(ValueError):
    """The roster cannot be imported; `problems` are lines `name:line: message` (Dutch)."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class RosterResult:
    added: int
    existing: int
    people: int


def _date(text: str) -> date | None:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def import_roster(text: str, name: str, region_id: int | None = None, actor=None) -> RosterResult:
    """Add the duty periods of a roster; `region_id`: only people of that region (a coordinator's upload)."""
    text = text.removeprefix("\ufeff")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    emails = {row[0].strip().lower() for row in rows if row and row[0].strip()}
    users = {u.email.lower(): u for u in db.session.scalars(
        db.select(User).where(db.func.lower(User.email).in_(emails)))} if emails else {}
    problems, periods = [], []
    for number, row in enumerate(rows, start=1):
        if not any(cell.strip() for cell in row):
            continue
        if number == 1 and row[0].strip().lower() in ("email", "e-mail", "e-mailadres"):
            continue
        where = f"{name}:{number}"
        if len(row) != 3:
            problems.append(f"{where}: verwacht 3 kolommen e-mail;begin;eind, gevonden {len(row)}.")
            continue
        email, start, end = (cell.strip() for cell in row)
        user = users.get(email.lower())
        if user is None or (region_id is not None and user.region_id != region_id):
            problems.append(f"{where}: onbekend e-mailadres {email!r}"
                            + (" in deze regio." if region_id is not None else "."))
            continue
        first, last = _date(start), _date(end)
        if first is None or last is None:
            bad = start if first is None else end
            problems.append(f"{where}: ongeldige datum {bad!r}; gebruik 2026-05-04 of 4-5-2026.")
            continue
        if last < first:
            problems.append(f"{where}: de einddatum {end} ligt voor de begindatum {start}.")
            continue
        if (last - first).days + 1 > MAX_DAYS:
            problems.append(f"{where}: een dienstperiode van meer dan {MAX_DAYS} dagen; klopt {start} – {end}?")
            continue
        periods.append((user, first, last))
    if problems:
        raise RosterError(problems)
    if not periods:
        raise RosterError([f"{name}:1: het rooster bevat geen dienstperiodes."])
    existing = {(p.user_id, p.start, p.end) for p in db.session.scalars(db.select(DutyPeriod).where(
        DutyPeriod.user_id.in_({u.id for u, _s, _e in periods})))}
    added = 0
    for user, first, last in periods:
        if (user.id, first, last) in existing:
            continue
        existing.add((user.id, first, last))
        db.session.add(DutyPeriod(user_id=user.id, start=first, end=last))
        added += 1
    audit.record(actor, "roster_imported", None, object_type="duty_period",
                 detail=f"{name}: {added} nieuw, {len(periods) - added} al bekend")
    return RosterResult(added, len(periods) - added, len({u.id for u, _s, _e in periods}))


def duty_of(user: User, since: date | None = None) -> list[DutyPeriod]:
    """A person's own duty periods (from `since` on), in order."""
    query = db.select(DutyPeriod).where(DutyPeriod.user_id == user.id)
    if since is not None:
        query = query.where(DutyPeriod.end >= since)
    return db.session.scalars(query.order_by(DutyPeriod.start)).all()


def roster_overview(region_id: int, today: date, limit: int = 200) -> list[tuple[User, DutyPeriod]]:
    """Duty periods of the region that are running or still to come, in order (for the coordinator)."""
    return [tuple(row) for row in db.session.execute(
        db.select(User, DutyPeriod).join(DutyPeriod, DutyPeriod.user_id == User.id)
        .where(User.region_id == region_id, DutyPeriod.end >= today)
        .order_by(DutyPeriod.start, User.name).limit(limit)).all()]
