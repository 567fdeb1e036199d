"""Offline reading on a phone: the week's module and the due review questions work without network,
and answers given offline reach the server exactly once when the phone is back online."""
import re
from datetime import datetime, timedelta

import pytest

from app.extensions import db
from tests.browser.conftest import DEMO_PASSWORD
from tests.browser.helpers import answer_visible_question

EMAIL = "offline-lezer@demo.paraat.nl"
# How many answers the service worker still keeps to send (its IndexedDB queue, see app/static/sw.js).
QUEUED_ANSWERS = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("paraat-offline", 1);
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const count = open.result.transaction("answers").objectStore("answers").count();
    count.onsuccess = () => { open.result.close(); resolve(count.result); };
  };
})"""


@pytest.fixture(scope="module")
def reader(live_app):
    """A person of our own (other browser tests change the demo accounts) with two questions due."""
    from fsrs import Rating

    from app.auth.passwords import hash_password
    from app.models import Function, Region, ReviewCard, User, UserFunction, UserRole
    from app.quizzes.review import record_review as review

    with live_app.app_context():
        person = db.session.scalar(db.select(User).filter_by(email=EMAIL))
        if person is None:
            region = db.session.scalar(db.select(Region).filter_by(code="twente"))
            ol = db.session.scalar(db.select(Function).filter_by(region_id=region.id, code="OL"))
            person = User(email=EMAIL, name="Olga Offline", region=region, password_hash=hash_password(DEMO_PASSWORD))
            person.role_rows = [UserRole(role="functionary")]
            person.function_rows = [UserFunction(function=ol)]
            db.session.add(person)
            db.session.commit()
        cards = []
        for number, question in enumerate(("q3", "q4")):
            review(person, "crisisdiagnose-basis", question, Rating.Again, now=datetime.utcnow() - timedelta(days=60))
            card = db.session.scalar(db.select(ReviewCard).filter_by(user_id=person.id, question_id=question))
            card.due = datetime.utcnow() - timedelta(days=2 - number)
            cards.append(card)
        db.session.commit()
        return {"user_id": person.id, "card_ids": [c.id for c in cards], "reviews": [c.reviews for c in cards]}


@pytest.fixture
def answer_posts(live_app):
    """Counts the POSTs that reach the server at review-answer URLs."""
    seen = []
    original = live_app.wsgi_app

    def counting(environ, start_response):
        if environ["REQUEST_METHOD"] == "POST" and re.match(r"^/quizzes/review/\d+$", environ["PATH_INFO"]):
            seen.append(environ["PATH_INFO"])
        return original(environ, start_response)

    live_app.wsgi_app = counting
    yield seen
    live_app.wsgi_app = original




def test_week_module_and_review_questions_work_offline_and_the_answers_are_sent_once(
        phone, live_app, live_server, reader, answer_posts):
    phone.login(EMAIL)
    holder = phone.locator("[data-offline-urls]")
    urls = holder.get_attribute("data-offline-urls").split()
    module_url = next(u for u in urls if u.startswith("/learn/"))
    questions = [f"/quizzes/review/{card_id}" for card_id in reader["card_ids"]]
    assert "/quizzes/review" in urls and all(q in urls for q in questions)
    phone.wait_for_selector(f"html[data-offline-ready='{len(urls)}']", state="attached", timeout=15000)
    module_title = phone.locator("#section-briefing_module .card-module a").inner_text()

    phone.context.set_offline(True)
    phone.goto(module_url)
    assert phone.get_by_role("heading", level=1).inner_text() == module_title
    assert phone.locator(".module-body").inner_text().strip()

    phone.goto("/activities")  # a page nobody kept: the offline page, not the browser's error
    assert phone.get_by_role("heading", level=1).inner_text() == "Geen verbinding"

    from tests.browser.test_keyboard import wait_until
    phone.goto("/quizzes/review")  # the session page shows the first due question
    answer_visible_question(phone)
    phone.get_by_role("heading", name="Antwoord bewaard").wait_for()
    wait_until(phone, "() => document.activeElement.textContent === 'Antwoord bewaard'", 5)  # focus follows
    phone.get_by_role("link", name="Volgende vraag").click()  # the second question, kept on the phone
    phone.wait_for_url(f"**{questions[1]}")
    answer_visible_question(phone)
    phone.get_by_role("heading", name="Antwoord bewaard").wait_for()
    assert phone.get_by_role("link", name="Volgende vraag").count() == 0  # nothing left to answer offline
    assert answer_posts == []

    phone.context.set_offline(False)
    wait_until(phone, "() => document.getElementById('status').textContent.includes('offline gegeven')", 15)
    assert sorted(answer_posts) == sorted(questions)
    assert phone.evaluate(QUEUED_ANSWERS) == 0  # sent answers left the phone's queue ...
    phone.goto("/")  # ... so the replay a page load asks for has nothing to send
    assert phone.evaluate(QUEUED_ANSWERS) == 0
    assert sorted(answer_posts) == sorted(questions)
    from app.models import ReviewCard
    with live_app.app_context():
        assert [db.session.get(ReviewCard, card_id).reviews for card_id in reader["card_ids"]] == \
            [n + 1 for n in reader["reviews"]]


def test_logout_clears_the_personal_pages(phone, reader):
    phone.login(EMAIL)
    phone.wait_for_selector("html[data-offline-ready]", state="attached", timeout=15000)
    assert phone.evaluate("caches.open('paraat-personal').then(c => c.keys()).then(k => k.length)") >= 1
    phone.get_by_text("Menu").click()
    phone.get_by_role("button", name="Uitloggen").click()
    phone.wait_for_url(re.compile(r"/login"))
    assert phone.evaluate("caches.has('paraat-personal')") is False
