"""Interactive practice: hints and another try, "hoe zeker ben je?", and what review makes of them."""
import shutil
from datetime import datetime

import pytest
from fsrs import Rating

from app.extensions import db
from app.models import QuizAnswer, ReviewCard
from app.quizzes import loader, review, services, statistics
from app.quizzes.scoring import AnswerError
from tests import factories
from tests.conftest import HTMX
from tests.quizzes import helpers
from tests.quizzes.conftest import DATA

NOW = datetime(2026, 3, 2, 9, 0)


@pytest.fixture
def quiz(quiz_dir):
    shutil.copy(DATA / "interactief.yaml", quiz_dir / "interactief.yaml")
    return loader.get_quiz("interactief")


def answer(user, quiz, attempt, qid, **values):
    return helpers.answer(user, quiz, attempt, qid, now=NOW, **values)


def card_rating_due(user, qid):
    return db.session.scalar(db.select(ReviewCard).filter_by(user_id=user.id, question_id=qid))


def test_loader_reads_hints_and_certainty(quiz):
    assert quiz.certainty and quiz.question("h1").hints == ("Denk aan de operationeel leider.",
                                                             "Het is niet de burgemeester.")
    assert quiz.question("h2").hints == ("Kijk naar de GRIP-tabel.",)


def test_bad_hints_and_certainty_are_named_with_their_line(tmp_path):
    (tmp_path / "x.yaml").write_text("slug: x\ntitle: X\ncertainty: ja\nquestions:\n  - id: q1\n    type: truefalse\n"
                                     "    text: T\n    answer: true\n    hints: [{a: b}]\n", encoding="utf-8")
    problems = [(line, message) for _p, line, message in loader.load_dir(tmp_path).problems]
    assert (3, "'certainty' moet true of false zijn") in problems
    assert (9, "vraag 1 (q1): 'hints' is een lijst van teksten, één per extra poging") in problems


def test_wrong_try_gives_the_next_hint_never_the_answer_then_feedback(app, quiz):
    person = factories.user()
    attempt = services.start_attempt(person, quiz)
    first = answer(person, quiz, attempt, "h1", option="1", certainty="redelijk")
    assert first.hint == "Denk aan de operationeel leider." and first.feedback is None
    assert services.next_question(quiz, attempt).id == "h1"         # still this question
    assert card_rating_due(person, "h1") is None                    # nothing scheduled yet
    second = answer(person, quiz, attempt, "h1", option="2")        # certainty is asked only once
    assert second.hint == "Het is niet de burgemeester."
    third = answer(person, quiz, attempt, "h1", option="1")         # wrong after the last hint
    assert third.hint is None and third.feedback is not None and not third.feedback.correct
    stored = db.session.scalar(db.select(QuizAnswer).filter_by(question_id="h1"))
    assert (stored.tries, stored.first_correct, stored.settled, stored.certainty) == (3, False, True, "redelijk")
    assert services.next_question(quiz, attempt).id == "h2"
    assert answer(person, quiz, attempt, "h1", option="0").replay   # settled: nothing changes


def test_review_uses_the_first_try(app, quiz):
    ratings = []
    original = review.record_review

    def spy(user, slug, qid, rating, **kw):
        ratings.append((qid, rating))
        return original(user, slug, qid, rating, **kw)
    review_module_record = review.record_review
    services.record_review = spy
    try:
        person = factories.user()
        attempt = services.start_attempt(person, quiz)
        answer(person, quiz, attempt, "h1", option="0", certainty="redelijk")     # right at once
        answer(person, quiz, attempt, "h2", answer="false", certainty="redelijk") # wrong, then right
        answer(person, quiz, attempt, "h2", answer="true")
        other = factories.user()
        attempt = services.start_attempt(other, quiz)
        answer(other, quiz, attempt, "h1", option="1", certainty="heel")          # sure and wrong ...
        answer(other, quiz, attempt, "h1", option="0")                            # ... right after a hint
        answer(other, quiz, attempt, "h2", answer="false", certainty="gok")
        answer(other, quiz, attempt, "h2", answer="false")                        # never right
    finally:
        services.record_review = review_module_record
    assert ratings == [("h1", Rating.Good), ("h2", Rating.Hard), ("h1", Rating.Again), ("h2", Rating.Again)]


def test_certainty_is_required_in_a_certainty_quiz(app, quiz):
    person = factories.user()
    attempt = services.start_attempt(person, quiz)
    with pytest.raises(AnswerError, match="Kies hoe zeker je bent"):
        answer(person, quiz, attempt, "h1", option="0")
    with pytest.raises(AnswerError):
        answer(person, quiz, attempt, "h1", option="0", certainty="zeker-weten")


def test_statistics_show_first_try_share_and_tries_needed(app, quiz):
    for tries in ([("1", "heel"), ("0", None)], [("0", "gok")], [("0", "gok")], [("2", "gok"), ("1", None), ("0", None)],
                  [("0", "heel")]):
        person = factories.user()
        attempt = services.start_attempt(person, quiz)
        for option, certainty in tries:
            values = {"option": option}
            if certainty:
                values["certainty"] = certainty
            answer(person, quiz, attempt, "h1", **values)
    h1 = statistics.item_statistics("interactief")[0]
    assert h1.shown and h1.first_try_correct == pytest.approx(0.6)
    assert h1.mean_tries == pytest.approx((2 + 1 + 1 + 3 + 1) / 5)


@pytest.fixture
def learner(app, auth, quiz):
    person = factories.user(email="leerling@example.nl")
    auth.login("leerling@example.nl")
    return person


def test_hint_and_second_try_without_javascript(client, learner, quiz):
    url = client.post("/quizzes/interactief/attempts").location
    page = client.get(url).get_data(as_text=True)
    assert "Hoe zeker ben je?" in page and 'name="certainty"' in page and "Heel zeker" in page
    response = client.post(url, data={"question_id": "h1", "option": "1", "certainty": "heel"})
    assert response.status_code == 302 and response.location.endswith(url)
    page = client.get(url).get_data(as_text=True)
    assert "Nog niet goed — een hint" in page and "Denk aan de operationeel leider." in page
    assert "Probeer opnieuw" in page and 'name="certainty"' not in page
    assert "Klopt, de OL." not in page and "Het ROT staat onder leiding" not in page   # no answer given away
    # The feedback page of a question still being tried does not give it away either.
    assert client.get(f"{url}/questions/h1").location.endswith(url)
    response = client.post(url, data={"question_id": "h1", "option": "0"})
    feedback = client.get(response.location).get_data(as_text=True)
    assert "Goed!" in feedback and "Het ROT staat onder leiding" in feedback
    client.post(url, data={"question_id": "h2", "answer": "true", "certainty": "heel"})
    summary = client.get(url).get_data(as_text=True)
    assert "Je had 1 van de 2 vragen in één keer goed." in summary and "Goed na een hint" in summary
    assert "Bij 2 vragen was je heel zeker; 1 daarvan was nog niet goed. Daar zit je grootste winst" in summary
    assert "Bron: Testbron, §2" in summary
    assert "komen terug als herhaling:" in summary


def test_hint_swaps_in_with_htmx_and_moves_focus(client, learner, quiz):
    url = client.post("/quizzes/interactief/attempts").location
    client.get(url)
    fragment = client.post(url, data={"question_id": "h1", "option": "1", "certainty": "gok"},
                           headers=HTMX).get_data(as_text=True)
    assert "<html" not in fragment and 'id="quiz-step"' in fragment
    assert 'class="quiz-hint" tabindex="-1" data-autofocus data-status=' in fragment
    assert "Probeer opnieuw" in fragment


def test_missing_certainty_is_a_422_with_a_dutch_message(client, learner, quiz):
    url = client.post("/quizzes/interactief/attempts").location
    response = client.post(url, data={"question_id": "h1", "option": "0"})
    assert response.status_code == 422 and "Kies hoe zeker je bent." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(QuizAnswer.id)) is None


def test_author_preview_shows_hints_and_stores_nothing(app, client, auth, quiz):
    from app.models import QuizAttempt
    factories.user(email="lerend@example.nl")
    auth.login("lerend@example.nl")
    assert client.get("/author/quizzes/interactief/preview").status_code == 403
    auth.logout()
    factories.user(email="auteur@example.nl", roles=("author",))
    auth.login("auteur@example.nl")
    assert "/author/quizzes/interactief/preview" in client.get("/author/quizzes").get_data(as_text=True)
    page = client.get("/author/quizzes/interactief/preview").get_data(as_text=True)
    assert "Vraag 1 van 2" in page and "Hoe zeker ben je?" in page and "Er wordt niets bewaard" in page
    missing = client.post("/author/quizzes/interactief/preview?n=1", data={"option": "1", "tries": "0"})
    assert missing.status_code == 422 and "Kies hoe zeker je bent." in missing.get_data(as_text=True)
    hint = client.post("/author/quizzes/interactief/preview?n=1",
                       data={"option": "1", "certainty": "gok", "tries": "0"}).get_data(as_text=True)
    assert "Denk aan de operationeel leider." in hint and 'name="tries" value="1"' in hint
    assert "Probeer opnieuw" in hint and "Klopt, de OL." not in hint
    second = client.post("/author/quizzes/interactief/preview?n=1", data={"option": "2", "tries": "1"})
    assert "Het is niet de burgemeester." in second.get_data(as_text=True)
    done = client.post("/author/quizzes/interactief/preview?n=1", data={"option": "2", "tries": "2"})
    page = done.get_data(as_text=True)
    assert "Nog niet goed" in page and "Klopt, de OL." in page and "/author/quizzes/interactief/preview?n=2" in page
    assert client.get("/author/quizzes/interactief/preview?n=3").status_code == 404
    assert db.session.scalar(db.select(QuizAttempt.id)) is None and db.session.scalar(db.select(QuizAnswer.id)) is None
