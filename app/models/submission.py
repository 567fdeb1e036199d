"""Idempotency keys: the nonce of every form copy that created something, so a double tap stores one thing."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.core import utcnow


class FormSubmission(db.Model):
    """One handled copy of a form (user, purpose, nonce), and the id of what it made."""

    __table_args__ = (UniqueConstraint("user_id", "purpose", "nonce"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(40))
    nonce: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
