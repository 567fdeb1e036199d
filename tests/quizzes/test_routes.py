"""Quiz pages over HTTP: the learner's path with and without htmx, bad input, privacy, authors."""
import re
from datetime import timedelta

import pytest

from app.extensions import db
from app.models import AuditLog, QuizAnswer, ReviewCard
from app.models.core import utcnow
from app.quizzes import loader, review, services
from app.quizzes.routes import REVIEW_KEY
from tests import factories
from tests.conftest import HTMX
from tests.quizzes.conftest import SIMPLE, write_quiz


@pytest.fixture
def learner(app, auth, quiz_dir):
    person = factories.user(email="leerling@example.nl")
    auth.login("leerling@example.nl")
    return person


def start(client, slug="alle-typen"):
    response = client.post(f"/quizzes/{slug}/attempts")
    assert response.status_code == 302
    return response.location


def test_quiz_page_and_index(client, learner):
    page = client.get("/quizzes/alle-typen").get_data(as_text=True)
    assert "<h1>Alle vraagtypen</h1>" in page and "5 vragen" in page and "Start de oefentoets" in page
    assert "Alle vraagtypen" in client.get("/quizzes").get_data(as_text=True)


def test_unknown_quiz_is_404(client, learner):
    assert client.get("/quizzes/bestaat-niet").status_code == 404
    assert client.post("/quizzes/bestaat-niet/attempts").status_code == 404


def test_anonymous_is_sent_to_login(client, quiz_dir):
    assert "/login" in client.get("/quizzes/alle-typen").location


def test_full_attempt_without_javascript(client, learner):
    url = start(client)
    page = client.get(url).get_data(as_text=True)
    assert "Vraag 1 van 5" in page and 'name="option"' in page and "<html" in page
    # The shuffled order is the same on a reload.
    order = re.findall(r'id="option-(\d)"', page)
    assert re.findall(r'id="option-(\d)"', client.get(url).get_data(as_text=True)) == order
    response = client.post(url, data={"question_id": "s1", "option": "1"})
    assert response.status_code == 302 and response.location.endswith("/questions/s1")
    feedback = client.get(response.location).get_data(as_text=True)
    assert "Nog niet goed" in feedback and "Jouw keuze" in feedback and "Volgende vraag" in feedback
    assert "De diagnose kijkt vooruit." in feedback and "Klopt." in feedback
    for data in ({"question_id": "m1", "option": ["0", "1"]}, {"question_id": "t1", "answer": "true"},
                 {"question_id": "n1", "answer": "2,5"},
                 {"question_id": "o1", "position-0": "1", "position-1": "2", "position-2": "3"}):
        assert client.post(url, data=data).status_code == 302
    summary = client.get(url).get_data(as_text=True)
    assert "Je had 4 van de 5 vragen in één keer goed." in summary
    assert "Later nog eens" in summary and "Lees nog eens na" in summary
    assert "/learn" in summary  # links to read up on the competencies missed
    assert "Bron: Testbron, §1" in summary  # the quiz's `source`


def test_htmx_answer_swaps_in_feedback_fragment(client, learner):
    url = start(client)
    fragment = client.get(url, headers=HTMX).get_data(as_text=True)
    assert fragment.lstrip().startswith("<section id=\"quiz-step\"") and "<html" not in fragment
    response = client.post(url, data={"question_id": "s1", "option": "0"}, headers=HTMX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body and "Goed!" in body
    assert 'data-status="Goed beantwoord."' in body and "Volgende vraag" in body
    assert response.headers["Vary"] == "HX-Request" or "HX-Request" in response.headers["Vary"]


def test_feedback_markdown_is_sanitised(client, learner):
    url = start(client)
    page = client.get(url).get_data(as_text=True)
    assert "<strong>het eerste</strong>" in page
    assert "<script>alert" not in page and "onerror" not in page
    client.post(url, data={"question_id": "s1", "option": "1"})
    feedback = client.get(url + "/questions/s1").get_data(as_text=True)
    assert "javascript:" not in feedback and "onclick" not in feedback and "<script>alert" not in feedback
    assert "lees dit" in feedback


@pytest.mark.parametrize("data,message", [
    ({"question_id": "s1", "option": "9"}, "Dit antwoord hoort niet bij deze vraag."),
    ({"question_id": "s1", "option": "Thema's bepalen"}, "Dit antwoord hoort niet bij deze vraag."),
    ({"question_id": "andere-quiz-q1", "option": "0"}, "Deze vraag hoort niet bij deze oefentoets."),
    ({"question_id": "n1", "answer": "twee"}, "Vul een getal in, bijvoorbeeld 5 of 2,5."),
    ({"question_id": "s1"}, "Kies een antwoord."),
])
def test_tampered_or_incomplete_answers_get_422_and_store_nothing(client, learner, data, message):
    url = start(client)
    for headers in ({}, HTMX):
        response = client.post(url, data=data, headers=headers)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(QuizAnswer.id))) == 0


def test_replayed_answer_is_not_stored_twice(client, learner):
    url = start(client)
    client.post(url, data={"question_id": "s1", "option": "1"})
    response = client.post(url, data={"question_id": "s1", "option": "0"})
    assert response.status_code == 302
    assert "je eerste antwoord blijft staan" in client.get(response.location).get_data(as_text=True)
    assert client.post(url, data={"question_id": "s1", "option": "0"}, headers=HTMX).status_code == 422
    assert db.session.scalars(db.select(QuizAnswer.response)).all() == [1]
    assert db.session.scalar(db.select(db.func.count(ReviewCard.id))) == 1


@pytest.mark.parametrize("role", ["functionary", "coordinator", "admin", "author"])
def test_nobody_else_reaches_an_attempt(app, client, auth, quiz_dir, role):
    owner = factories.user(email="eigenaar@example.nl")
    quiz = loader.get_quiz("alle-typen")
    attempt = services.start_attempt(owner, quiz)
    services.answer_question(owner, quiz, attempt, "s1", 1)
    factories.user(email="ander@example.nl", roles=(role,))
    auth.login("ander@example.nl")
    base = f"/quizzes/alle-typen/attempts/{attempt.id}"
    for path in (base, base + "/questions/s1"):
        assert client.get(path).status_code == 404
        assert client.get(path, headers=HTMX).status_code == 404
    assert client.post(base, data={"question_id": "m1", "option": "0"}).status_code == 404
    assert db.session.scalar(db.select(db.func.count(QuizAnswer.id))) == 1
    assert db.session.scalar(db.select(db.func.count(AuditLog.id)).filter_by(action="access_refused")) >= 1
    # No page of the author or monitor area shows the person's answer either.
    for path in ("/author/quizzes", "/author/quizzes/alle-typen", "/monitor"):
        body = client.get(path).get_data(as_text=True)
        assert "eigenaar@example.nl" not in body and owner.name not in body


def test_attempt_of_other_quiz_slug_is_404(client, learner, quiz_dir):
    write_quiz(quiz_dir, "b.yaml", SIMPLE.format(slug="tweede", title="Tweede"))
    url = start(client)
    attempt_id = url.rstrip("/").split("/")[-1]
    assert client.get(f"/quizzes/tweede/attempts/{attempt_id}").status_code == 404


def test_broken_quiz_file_gives_404_message_and_others_still_work(client, learner, quiz_dir):
    write_quiz(quiz_dir, "kapot.yaml", "slug: kapot\ntitle: Kapot\nquestions:\n  - id: q1\n    type: single\n")
    response = client.get("/quizzes/kapot")
    assert response.status_code == 404
    assert "Deze oefentoets is tijdelijk niet beschikbaar" in response.get_data(as_text=True)
    assert client.get("/quizzes/kapot", headers=HTMX).status_code == 404
    assert client.get("/quizzes/alle-typen").status_code == 200
    assert client.get("/").status_code == 200
    assert "Alle vraagtypen" in client.get("/quizzes").get_data(as_text=True)


def test_quiz_broken_during_an_attempt(client, learner, quiz_dir):
    url = start(client)
    (quiz_dir / "alle-typen.yaml").write_text("slug: alle-typen\ntitle: [stuk\n", encoding="utf-8")
    assert client.get(url).status_code == 404
    assert client.post(url, data={"question_id": "s1", "option": "0"}).status_code == 404


def test_start_page_card_and_review_session(app, client, learner):
    assert "Test jezelf met een korte oefentoets" in client.get("/").get_data(as_text=True)
    url = start(client)
    client.post(url, data={"question_id": "s1", "option": "1"})            # wrong → back tomorrow
    client.post(url, data={"question_id": "t1", "answer": "true"})         # right
    home = client.get("/").get_data(as_text=True)
    assert "Geen vragen om te herhalen" in home
    # A day later the wrong one is due.
    for card in db.session.scalars(db.select(ReviewCard)).all():
        card.due = card.due - timedelta(days=1) if card.question_id == "s1" else card.due
    db.session.commit()
    assert "1 vraag om te herhalen" in client.get("/").get_data(as_text=True)
    page = client.get("/quizzes/review").get_data(as_text=True)
    assert "Herhaling 1 van 1 " in page and "Wat is" in page   # one due: "1 van 1", not "van maximaal 10"
    card_id = db.session.scalar(db.select(ReviewCard.id).filter_by(question_id="s1"))
    response = client.post(f"/quizzes/review/{card_id}", data={"question_id": "s1", "option": "0"})
    assert response.status_code == 302
    feedback = client.get(response.location).get_data(as_text=True)
    assert "Goed!" in feedback
    # Replay: nothing stored twice, a friendly message.
    again = client.post(f"/quizzes/review/{card_id}", data={"question_id": "s1", "option": "0"})
    assert again.status_code == 302
    assert db.session.get(ReviewCard, card_id).reviews == 2
    assert "Niets meer te herhalen" in client.get("/quizzes/review").get_data(as_text=True)


def test_review_card_of_someone_else_is_404(app, client, learner):
    other = factories.user()
    card = review.record_review(other, "alle-typen", "s1", review.Rating.Again, now=utcnow() - timedelta(days=5))
    assert client.post(f"/quizzes/review/{card.id}", data={"option": "0"}).status_code == 404


def test_review_htmx_fragment(app, client, learner):
    card = review.record_review(learner, "alle-typen", "t1", review.Rating.Again, now=utcnow() - timedelta(days=5))
    fragment = client.get("/quizzes/review", headers=HTMX).get_data(as_text=True)
    assert fragment.lstrip().startswith('<section id="review-step"') and "Juist" in fragment
    response = client.post(f"/quizzes/review/{card.id}", data={"answer": "false"}, headers=HTMX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "Nog niet goed" in body and "Bij GRIP 2 komt het ROT bijeen." in body


def test_each_due_question_has_its_own_page_for_offline_review(app, client, learner):
    cards = [review.record_review(learner, "alle-typen", q, review.Rating.Again, now=utcnow() - timedelta(days=5))
             for q in ("t1", "s1")]
    home = client.get("/").get_data(as_text=True)
    offline = re.search(r'data-offline-urls="([^"]*)"', home).group(1).split()
    assert [u for u in offline if u.startswith("/quizzes/review/")] == [f"/quizzes/review/{c.id}" for c in cards]

    page = client.get(f"/quizzes/review/{cards[1].id}").get_data(as_text=True)
    assert "Herhaling 2 van 2 " in page and f'action="/quizzes/review/{cards[1].id}"' in page
    # Reading the page (as the service worker does in the background) starts no timed session step.
    with client.session_transaction() as state:
        assert not (state.get(REVIEW_KEY) or {}).get("shown")

    client.post(f"/quizzes/review/{cards[1].id}", data={"question_id": "s1", "option": "0"})
    answered = client.get(f"/quizzes/review/{cards[1].id}")
    assert answered.status_code == 302 and answered.location.endswith("/quizzes/review")
    assert "Deze vraag had je al herhaald." in client.get(answered.location).get_data(as_text=True)


def test_review_question_page_of_someone_else_is_404(app, client, learner):
    card = review.record_review(factories.user(), "alle-typen", "s1", review.Rating.Again, now=utcnow() - timedelta(days=5))
    assert client.get(f"/quizzes/review/{card.id}").status_code == 404


def test_review_session_stops_after_ten(app, client, learner, quiz_dir):
    questions = "".join(f"""  - id: v{i}
    type: truefalse
    text: Vraag {i}
    answer: true
""" for i in range(12))
    write_quiz(quiz_dir, "veel.yaml", f"slug: veel\ntitle: Veel\nquestions:\n{questions}")
    for i in range(12):
        review.record_review(learner, "veel", f"v{i}", review.Rating.Again, now=utcnow() - timedelta(days=5))
    assert "12 vragen om te herhalen" in client.get("/").get_data(as_text=True)
    for number in range(1, 11):
        page = client.get("/quizzes/review").get_data(as_text=True)
        assert f"Herhaling {number} van 10 " in page
        card_id = re.search(r'action="/quizzes/review/(\d+)"', page).group(1)
        client.post(f"/quizzes/review/{card_id}", data={"answer": "true"})
    page = client.get("/quizzes/review").get_data(as_text=True)
    assert "10 vragen herhaald" in page and "Nog een ronde" in page
    client.post("/quizzes/review/restart")
    assert "Herhaling 1 van 2 " in client.get("/quizzes/review").get_data(as_text=True)


def test_order_question_with_up_and_down_buttons_without_javascript(client, learner):
    url = start(client)
    for data in ({"question_id": "s1", "option": "0"}, {"question_id": "m1", "option": "0"},
                 {"question_id": "t1", "answer": "true"}, {"question_id": "n1", "answer": "2,5"}):
        client.post(url, data=data)
    page = client.get(url).get_data(as_text=True)
    order = re.search(r'name="order" value="([\d,]+)"', page).group(1)
    assert "<select" not in page and 'value="up-' in page and "één plaats omhoog" in page
    first, second, third = order.split(",")
    moved = client.post(url, data={"question_id": "o1", "order": order, "move": f"down-{first}"})
    body = moved.get_data(as_text=True)
    assert moved.status_code == 200 and f'name="order" value="{second},{first},{third}"' in body
    assert db.session.scalar(db.select(QuizAnswer.id).filter_by(question_id="o1")) is None   # nothing answered yet
    focus = re.search(r'<button[^>]*value="(up|down)-(\d)"[^>]*data-autofocus', body, re.S)
    assert focus and focus.group(2) == first                     # focus stays on the moved step
    assert client.post(url, data={"question_id": "o1", "order": "0,0,1", "move": "up-0"}).status_code == 422
    client.post(url, data={"question_id": "o1", "order": "0,1,2"})
    assert db.session.scalar(db.select(QuizAnswer.correct).filter_by(question_id="o1")) is True


# ---------------------------------------------------------------- authors

@pytest.mark.parametrize("role,status", [("functionary", 403), ("coordinator", 403), ("author", 200), ("admin", 200)])
def test_author_statistics_only_for_authors(app, client, auth, quiz_dir, role, status):
    factories.user(email="x@example.nl", roles=(role,))
    auth.login("x@example.nl")
    assert client.get("/author/quizzes").status_code == status
    assert client.get("/author/quizzes/alle-typen").status_code == status


def test_author_statistics_threshold_and_problems(app, client, auth, quiz_dir):
    quiz = loader.get_quiz("alle-typen")
    for response in (1, 1, 0, 2):
        person = factories.user()
        attempt = services.start_attempt(person, quiz)
        services.answer_question(person, quiz, attempt, "s1", response)
    write_quiz(quiz_dir, "kapot.yaml", "slug: kapot\ntitle: Kapot\n")
    factories.user(email="auteur@example.nl", roles=("author",))
    auth.login("auteur@example.nl")
    page = client.get("/author/quizzes").get_data(as_text=True)
    assert "kapot.yaml:1" in page and "&#39;questions&#39; ontbreekt" in page
    stats = client.get("/author/quizzes/alle-typen").get_data(as_text=True)
    assert stats.count("te weinig antwoorden om te tonen") == 5
    person = factories.user()
    attempt = services.start_attempt(person, quiz)
    services.answer_question(person, quiz, attempt, "s1", 1)
    stats = client.get("/author/quizzes/alle-typen", headers=HTMX).get_data(as_text=True)
    assert stats.count("te weinig antwoorden om te tonen") == 4 and "<html" not in stats
    assert "20%" in stats and "De schuldige vinden" in stats and "(3×)" in stats


def visible_text(html):
    """What a reader sees or hears: no scripts, styles, tags or attribute values except labels and titles."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    spoken = " ".join(re.findall(r'(?:aria-label|title|alt|placeholder)="([^"]*)"', html))
    return re.sub(r"<[^>]*>", " ", html) + " " + spoken


def test_the_learners_journey_says_oefentoets_never_quiz(client, learner):
    """One word for quizzes in the UI: 'oefentoets', never 'quiz' (URLs and code keep their names)."""
    attempt = start(client)
    for url in ("/", "/quizzes", "/quizzes/alle-typen", attempt):
        text = visible_text(client.get(url).get_data(as_text=True))
        assert not re.search(r"\bquiz", text, re.I), (url, re.findall(r".{30}quiz.{30}", text, re.I))
    assert "oefentoets" in visible_text(client.get("/quizzes").get_data(as_text=True)).lower()
