"""The region's crisis competencies, as every feature lists them (plan, portfolio, content checks)."""
from __future__ import annotations

from app.extensions import db
from app.models import Competency


def region_competencies(region_id: int, offered_only: bool = True) -> list[Competency]:
    query = db.select(Competency).where(Competency.region_id == region_id)
    if offered_only:
        query = query.where(Competency.offered.is_(True))
    return db.session.scalars(query.order_by(Competency.name)).all()
