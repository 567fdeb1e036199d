"""The demo seed gives authors real item statistics and the demo functionary questions to review."""
from app.extensions import db
from app.models import User
from app.quizzes import loader, review, statistics


def test_demo_seed_fills_item_statistics_and_reviews(demo):
    slug = sorted(loader.quiz_set().quizzes)[0]
    stats = statistics.item_statistics(slug)
    assert stats and all(row.shown for row in stats)
    sanne = db.session.scalar(db.select(User).filter_by(email="functionaris@demo.paraat.nl"))
    assert review.due_questions(sanne)   # (a second seed adds no attempts: tests/demo/test_seed.py)
