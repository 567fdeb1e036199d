"""Spaced review (FSRS): ratings, due dates, planned activities, removed questions."""
from datetime import datetime, timedelta, timezone

import pytest
from fsrs import Card, Rating

from app.extensions import db
from app.models import ReviewCard
from app.norms.planned import Planned, register_planned_provider
from app.quizzes import review, services
from tests import factories
from tests.quizzes.helpers import NOW, answer, quiz  # noqa: F401


# ---------------------------------------------------------------- scheduling

def _fsrs_due(rating, now=NOW):
    card, _ = review.SCHEDULER.review_card(Card(card_id=1, due=now.replace(tzinfo=timezone.utc)), rating,
                                             review_datetime=now.replace(tzinfo=timezone.utc))
    return card.due.replace(tzinfo=None)


def test_ratings_follow_right_wrong_slow_and_changed():
    assert review.rating_for(False) == Rating.Again
    assert review.rating_for(True) == Rating.Good
    assert review.rating_for(True, slow=True) == Rating.Hard
    assert review.rating_for(True, changed=True) == Rating.Hard


def test_due_dates_move_as_fsrs_says(app, quiz):
    user = factories.user()
    attempt = services.start_attempt(user, quiz)
    attempt.shown_question_id, attempt.shown_at = "t1", NOW - timedelta(seconds=45)
    answer(user, quiz, attempt, "s1", option="1")             # wrong → Again
    answer(user, quiz, attempt, "m1", option=["0", "1"])      # right → Good
    answer(user, quiz, attempt, "t1", answer="true")          # right after 45 s → Hard
    cards = {c.question_id: c for c in db.session.scalars(db.select(ReviewCard))}
    assert cards["s1"].due == _fsrs_due(Rating.Again)
    assert cards["m1"].due == _fsrs_due(Rating.Good)
    assert cards["t1"].due == _fsrs_due(Rating.Hard)
    assert cards["s1"].due <= cards["t1"].due < cards["m1"].due
    # Reviewing the wrong one right when due moves it further out, as FSRS computes from the stored card.
    later = cards["s1"].due
    stored = Card.from_json(cards["s1"].card)
    expected, _ = review.SCHEDULER.review_card(stored, Rating.Good, review_datetime=later.replace(tzinfo=timezone.utc))
    review.record_review(user, "alle-typen", "s1", Rating.Good, now=later)
    assert cards["s1"].due == expected.due.replace(tzinfo=None) and cards["s1"].due > later + timedelta(days=1)
    assert cards["s1"].reviews == 2


def test_review_is_due_the_day_before_a_planned_activity(app, quiz):
    user = factories.user()
    briefing = NOW.date() + timedelta(days=2)
    register_planned_provider(app, lambda person, start, end: [
        Planned("ops_briefing", briefing, "Operationele briefing")] if start <= briefing <= end else [])
    card = review.record_review(user, "alle-typen", "m1", Rating.Good, now=NOW, today=NOW.date())
    assert _fsrs_due(Rating.Good) > datetime.combine(briefing, datetime.min.time())  # FSRS alone: too late
    assert card.due == datetime.combine(briefing - timedelta(days=1), datetime.min.time())


@pytest.mark.parametrize("days_ahead", [0, 1], ids=["today", "tomorrow"])
def test_an_activity_today_or_tomorrow_is_skipped_for_the_next_one(app, quiz, days_ahead):
    """The answer just given is the fresh review for an activity today or tomorrow; a later one counts."""
    user = factories.user()
    soon, later = NOW.date() + timedelta(days=days_ahead), NOW.date() + timedelta(days=2)
    register_planned_provider(app, lambda person, start, end: [
        Planned("ops_briefing", soon, "Operationele briefing"), Planned("multi_exercise", later, "Oefening")])
    card = review.record_review(user, "alle-typen", "m1", Rating.Good, now=NOW, today=NOW.date())
    assert _fsrs_due(Rating.Good) > datetime.combine(later, datetime.min.time())
    assert card.due == datetime.combine(later - timedelta(days=1), datetime.min.time())


def test_planned_activity_after_the_fsrs_due_date_changes_nothing(app, quiz):
    user = factories.user()
    register_planned_provider(app, lambda person, start, end: [
        Planned("multi_exercise", NOW.date() + timedelta(days=25), "Oefening")])
    card = review.record_review(user, "alle-typen", "s1", Rating.Again, now=NOW, today=NOW.date())
    assert card.due == _fsrs_due(Rating.Again)


def test_due_questions_skip_removed_questions_and_quizzes(app, quiz_dir, quiz):
    user = factories.user()
    for qid in ("s1", "m1"):
        review.record_review(user, "alle-typen", qid, Rating.Again, now=NOW)
    review.record_review(user, "weg-quiz", "q1", Rating.Again, now=NOW)
    later = NOW + timedelta(days=3)
    assert {d.question.id for d in review.due_questions(user, now=later)} == {"s1", "m1"}
    text = (quiz_dir / "alle-typen.yaml").read_text(encoding="utf-8")
    start, end = text.index("  - id: m1"), text.index("  - id: t1")
    (quiz_dir / "alle-typen.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    import os
    os.utime(quiz_dir / "alle-typen.yaml", (1, 1))
    assert [d.question.id for d in review.due_questions(user, now=later)] == ["s1"]


def test_the_start_page_overview_and_the_next_review_skip_removed_questions(app, quiz):
    user = factories.user()
    assert review.overview(user, now=NOW) == review.Overview(due_ids=[], next_at=None, has_cards=False)
    gone = review.record_review(user, "weg-quiz", "q1", Rating.Again, now=NOW - timedelta(days=9))
    live = review.record_review(user, "alle-typen", "s1", Rating.Good, now=NOW)
    assert gone.due < live.due
    # The removed quiz's card is due first, but only a question that still exists counts.
    assert review.next_review_at(user) == live.due
    assert review.overview(user, now=NOW) == review.Overview(due_ids=[], next_at=live.due, has_cards=True)
    assert review.overview(user, now=live.due).due_ids == [live.id]
