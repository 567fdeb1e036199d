"""Content published from a git repository (`flask content sync`): the commits it looked at, each run,
and modules that were removed (so their old address answers 410 instead of a bare 404)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.core import utcnow


class ContentCommit(db.Model):
    """One commit of the content repository that a sync checked: published or held back."""

    id: Mapped[int] = mapped_column(primary_key=True)
    sha: Mapped[str] = mapped_column(String(64), unique=True)   # one row (and one mail) per commit
    status: Mapped[str] = mapped_column(String(20))             # published | held
    author_name: Mapped[str] = mapped_column(String(200), default="")
    author_email: Mapped[str] = mapped_column(String(254), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    committed_at: Mapped[datetime | None]
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)
    problems: Mapped[list] = mapped_column(JSON, default=list)  # ["content/x.md:3: ...", ...]
    changes: Mapped[dict] = mapped_column(JSON, default=dict)   # {"added": [...], "changed": [...], ...}


class ContentSyncRun(db.Model):
    """One run of `flask content sync` and what came of it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    sha: Mapped[str | None] = mapped_column(String(64))
    result: Mapped[str] = mapped_column(String(20))             # published | unchanged | held | error
    detail: Mapped[str] = mapped_column(Text, default="")


class RetiredModule(db.Model):
    """A module that was removed from the content: its slug and the title it last had."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    removed_at: Mapped[datetime] = mapped_column(default=utcnow)
