"""Micro-learning progress: which person marked which module (by slug) as read, and when."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.core import utcnow


class ModuleRead(db.Model):
    # Modules live in files, so the slug is the reference; one row per person and module.
    __table_args__ = (UniqueConstraint("user_id", "slug"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(120), index=True)
    read_at: Mapped[datetime] = mapped_column(default=utcnow)
