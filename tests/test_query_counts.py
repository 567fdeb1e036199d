"""Database round trips per page stay small and do not grow with the data (no N+1 queries)."""
import re

import pytest
from sqlalchemy import event

from app.extensions import db

pytestmark = pytest.mark.postgresql  # round trips per page differ by dialect: count on both databases

# Statements per page on the demo region (December 2026, the logged-in user and their session included):
# start 12, module 3, quiz 2, plan 13, portfolio 3, activities 16. The bounds leave room for one more
# query, not for a card that reads again what another card read, nor for a query per row.
BOUNDS = {"/": 13, "/learn/crisiscommunicatie-basis": 4, "/quizzes/crisiscommunicatie-basis": 3,
          "/plan": 14, "/portfolio": 4, "/activities": 17}


@pytest.fixture
def demo(demo):
    # The content catalogue is built on first use and rechecks files and codes (two queries) at most
    # every few seconds: that would land inside one measurement and not another. Build it now and
    # keep it for the test; count page queries only.
    from app.content.catalogue import get_catalogue
    demo.config["CONTENT_RECHECK_SECONDS"] = 3600
    get_catalogue()
    return demo


def _statements(client, url) -> list[str]:
    """The SQL statements one GET of `url` sends (the page must answer 200)."""
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert response.status_code == 200, url
    return statements


def _count(client, url) -> int:
    return len(_statements(client, url))


def _start_page_count_after(client, add, start) -> int:
    """add(start) stores more of the person's rows; then the start page's statement count. The first
    request after a commit reloads the expired objects of the shared test session: count the second."""
    add(start)
    _count(client, "/")
    return _count(client, "/")


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
    with_30 = _start_page_count_after(client, add_entries, 0)
    assert _start_page_count_after(client, add_entries, 30) == with_30  # 30 more entries: not one query more


def test_start_page_queries_do_not_grow_with_registrations(demo, client, auth):
    """Planned, offered and ranked registrations: their activities come with them, not one by one."""
    from datetime import datetime, timedelta

    from app.models import Activity, Registration, RegistrationRound, User
    auth.login("functionaris@demo.paraat.nl", "paraat-demo")
    person = db.session.scalar(db.select(User).filter_by(email="functionaris@demo.paraat.nl"))
    now = datetime.now().replace(microsecond=0)
    rnd = RegistrationRound(region_id=person.region_id, name="Extra ronde", opens_at=now - timedelta(days=1),
                            closes_at=now + timedelta(days=5))
    db.session.add(rnd)

    def add_registrations(start):
        for i in range(start, start + 6):
            begins = now + timedelta(days=3 + i)
            activity = Activity(region_id=person.region_id, kind="multi_exercise", title=f"Extra {i}",
                                starts_at=begins, ends_at=begins + timedelta(hours=2),
                                round=rnd if i % 3 == 2 else None)
            db.session.add(activity)
            status = ("assigned", "offered", "requested")[i % 3]
            db.session.add(Registration(user_id=person.id, activity=activity, status=status, rank=i,
                                        offer_expires_at=now + timedelta(days=1) if status == "offered" else None))
        db.session.commit()
    with_6 = _start_page_count_after(client, add_registrations, 0)
    assert _start_page_count_after(client, add_registrations, 6) == with_6  # 6 more: not one query more


def test_start_page_reads_what_several_cards_show_once(demo, client, auth):
    """The cards share one read of the person's registrations (planned ones for the norms and feedup,
    ranked and offered ones for the registration card), portfolio entries, texts, review cards and
    the plan's approved competencies (norms and learning card)."""
    auth.login("functionaris@demo.paraat.nl", "paraat-demo")
    statements = _statements(client, "/")
    reads = {table: sum(1 for sql in statements if re.search(rf"\b(FROM|JOIN) {table}\b", sql))
             for table in ("registration", "portfolio_entry", "reflection", "review_card", "norm", "plan_competency")}
    assert reads == {"registration": 2, "portfolio_entry": 1, "reflection": 1, "review_card": 1, "norm": 1,
                     "plan_competency": 1}, statements


def test_the_logged_in_user_costs_one_query_per_request(app, client, auth):
    """Every page loads the session's user; roles and functions come with it, not in two more queries."""
    from tests import factories
    factories.user(email="ol@example.nl", roles=("functionary", "author"), functions=("OL", "BA"))
    auth.login("ol@example.nl")
    db.session.expunge_all()  # as in production: a new request starts with an empty session
    statements = _statements(client, "/privacy")
    user_reads = [sql for sql in statements if re.search(r'\bFROM "?(user|user_role|user_function)\b', sql)]
    assert len(user_reads) == 1 and "user_role" in user_reads[0] and "user_function" in user_reads[0], statements
