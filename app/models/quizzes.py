"""Quiz attempts, answers per question id, and the FSRS review card of each question a person met."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.core import utcnow


class QuizAttempt(db.Model):
    """One run through a quiz by one person; private to that person."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    quiz_slug: Mapped[str] = mapped_column(String(120), index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    # Seeds the option shuffle, so a reload shows the same order within this attempt.
    seed: Mapped[int] = mapped_column(default=0)
    # The question on screen and since when: an answer after more than 30 s counts as hesitant.
    shown_question_id: Mapped[str | None] = mapped_column(String(80))
    shown_at: Mapped[datetime | None]

    answers: Mapped[list["QuizAnswer"]] = relationship(
        back_populates="attempt", cascade="all, delete-orphan", order_by="QuizAnswer.id")


class QuizAnswer(db.Model):
    """The answer to one question in one attempt; stored by the quiz's question id.

    A question with hints may take several tries: the row is kept from the first try and holds the
    latest response; `settled` once it was right or the hints ran out.
    """

    __table_args__ = (UniqueConstraint("attempt_id", "question_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempt.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[str] = mapped_column(String(80))
    # Option indices (single/multiple), positions (order), bool (truefalse) or the number typed.
    response: Mapped[dict | list | str | int | float | bool | None] = mapped_column(JSON)
    correct: Mapped[bool] = mapped_column(default=False)
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)
    tries: Mapped[int] = mapped_column(default=1, server_default="1")
    first_correct: Mapped[bool] = mapped_column(default=False, server_default=false())
    settled: Mapped[bool] = mapped_column(default=True, server_default=true())
    # "gok" | "redelijk" | "heel": how sure the learner was at the first try (quizzes with certainty).
    certainty: Mapped[str | None] = mapped_column(String(20))

    attempt: Mapped[QuizAttempt] = relationship(back_populates="answers")


class ReviewCard(db.Model):
    """Spaced repetition state (an fsrs.Card as JSON) of one question for one person."""

    __table_args__ = (
        UniqueConstraint("user_id", "quiz_slug", "question_id"),
        Index("ix_review_card_user_due", "user_id", "due"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    quiz_slug: Mapped[str] = mapped_column(String(120))
    question_id: Mapped[str] = mapped_column(String(80))
    card: Mapped[str] = mapped_column(Text)
    # When the question is due again (naive UTC): FSRS's due, or earlier before a planned activity.
    due: Mapped[datetime] = mapped_column(index=True)
    last_reviewed_at: Mapped[datetime | None]
    reviews: Mapped[int] = mapped_column(default=0)
