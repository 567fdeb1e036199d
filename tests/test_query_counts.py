"""Database round trips per page stay small and do not grow with the data (no N+1 queries)."""
import re

import pytest
from sqlalchemy import event

from app.extensions import db

pytestmark = pytest.mark.postgresql  # round trips per page differ by dialect: count on both databases

# Measured on the demo region (November 2026): start 18, module 4, quiz 1, plan 12, portfolio 2,
# activities 14. The bounds leave room for a card or two, not for a query per row.
BOUNDS = {"/": 25, "/learn/crisiscommunicatie-basis": 8, "/quizzes/crisiscommunicatie-basis": 6,
          "/plan": 20, "/portfolio": 8, "/activities": 20}


@pytest.fixture
def demo(app):
    from app.demo.seed import seed_demo
    seed_demo()
    # The content catalogue rechecks files and codes (two queries) at most every few seconds: on a
    # slow run that would land inside one measurement and not another. Count page queries only.
    app.config["CONTENT_RECHECK_SECONDS"] = 3600
    return app


def _count(client, url) -> int:
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert response.status_code == 200, url
    return len(statements)


def test_main_pages_need_few_queries(demo, client, auth):
    auth.login("functionaris@demo.paraat.nl", "paraat-demo")
    counts = {url: _count(client, url) for url in BOUNDS}
    assert all(counts[url] <= bound for url, bound in BOUNDS.items()), counts


def test_start_page_queries_do_not_grow_with_portfolio_and_registrations(demo, client, auth):
    from datetime import date, timedelta

    from app.models import User
    from app.portfolio.services import record_entry
    auth.login("functionaris@demo.paraat.nl", "paraat-demo")
    person = db.session.scalar(db.select(User).filter_by(email="functionaris@demo.paraat.nl"))

    def add_entries(start):
        for i in range(start, start + 30):
            record_entry(person.id, "activity", date.today() - timedelta(days=i), f"Extra {i}",
                         activity_kind="ops_briefing", source="test", source_ref=str(i))
        db.session.commit()
    # The first request after a commit reloads the expired objects of the shared test session.
    add_entries(0)
    _count(client, "/")
    with_30 = _count(client, "/")
    add_entries(30)
    _count(client, "/")
    assert _count(client, "/") == with_30  # 30 more entries: not one query more


def test_the_logged_in_user_costs_one_query_per_request(app, client, auth):
    """Every page loads the session's user; roles and functions come with it, not in two more queries."""
    from tests import factories
    factories.user(email="ol@example.nl", roles=("functionary", "author"), functions=("OL", "BA"))
    auth.login("ol@example.nl")
    db.session.expunge_all()  # as in production: a new request starts with an empty session
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get("/privacy").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    user_reads = [sql for sql in statements if re.search(r'\bFROM "?(user|user_role|user_function)\b', sql)]
    assert len(user_reads) == 1 and "user_role" in user_reads[0] and "user_function" in user_reads[0], statements
