"""Portfolio rules. `record_entry` is how every feature adds evidence; it is idempotent per source."""
from __future__ import annotations

from datetime import date

from app.extensions import db
from app.models import ENTRY_KINDS, PortfolioEntry


def record_entry(user_id: int, kind: str, occurred_on: date, title: str, *, activity_kind: str | None = None,
                 source: str = "manual", source_ref: str | None = None, notes: str | None = None,
                 commit: bool = True) -> PortfolioEntry:
    """Add (or update) the entry for this source; a second call with the same source_ref changes, never adds."""
    if kind not in ENTRY_KINDS:
        raise ValueError(f"unknown portfolio entry kind {kind!r}")
    entry = None
    if source_ref is not None:
        entry = db.session.scalar(db.select(PortfolioEntry).filter_by(
            user_id=user_id, source=source, source_ref=str(source_ref)))
    if entry is None:
        entry = PortfolioEntry(user_id=user_id, source=source,
                               source_ref=str(source_ref) if source_ref is not None else None)
        db.session.add(entry)
    entry.kind, entry.occurred_on, entry.title = kind, occurred_on, title[:200]
    entry.activity_kind, entry.notes = activity_kind, notes
    if commit:
        db.session.commit()
    return entry


def remove_entry(user_id: int, source: str, source_ref: str, commit: bool = True) -> bool:
    """Remove the entry of a source object (e.g. attendance withdrawn); True when one was removed."""
    entry = db.session.scalar(db.select(PortfolioEntry).filter_by(
        user_id=user_id, source=source, source_ref=str(source_ref)))
    if entry is None:
        return False
    db.session.delete(entry)
    if commit:
        db.session.commit()
    return True
