"""Bad answers over HTTP, per question type: the answer form refuses them with a Dutch message in the
error summary and status 422, and nothing is stored (no answer, no review card, no review)."""
import shutil
from datetime import timedelta

import pytest

from app.extensions import db
from app.models import QuizAnswer, ReviewCard
from app.models.core import utcnow
from app.quizzes import review
from tests import factories
from tests.conftest import HTMX
from tests.quizzes.conftest import DATA

TOO_LONG = "x" * 201


@pytest.fixture
def learner(app, auth, quiz_dir):
    for name in ("typen-nieuw.yaml", "interactief.yaml"):
        shutil.copy(DATA / name, quiz_dir / name)
    person = factories.user(email="leerling@example.nl")
    auth.login("leerling@example.nl")
    return person


def stored():
    return (db.session.scalar(db.select(db.func.count(QuizAnswer.id))),
            db.session.scalar(db.select(db.func.count(ReviewCard.id))))


def assert_refused(response, message):
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'class="error-summary" role="alert"' in body and message in body
    assert "Traceback" not in body


@pytest.mark.parametrize("slug,data,message", [
    ("alle-typen", {"question_id": "s1"}, "Kies een antwoord."),
    ("alle-typen", {"question_id": "s1", "option": ""}, "Kies een antwoord."),
    ("alle-typen", {"question_id": "s1", "option": "3"}, "Dit antwoord hoort niet bij deze vraag."),
    ("alle-typen", {"question_id": "s1", "option": "-1"}, "Dit antwoord hoort niet bij deze vraag."),
    ("alle-typen", {"question_id": "m1"}, "Kies minstens één antwoord."),
    ("alle-typen", {"question_id": "m1", "option": ["0", "9"]}, "Dit antwoord hoort niet bij deze vraag."),
    ("alle-typen", {"question_id": "t1"}, "Kies juist of onjuist."),
    ("alle-typen", {"question_id": "t1", "answer": "misschien"}, "Dit antwoord hoort niet bij deze vraag."),
    ("alle-typen", {"question_id": "n1", "answer": "  "}, "Vul een getal in."),
    ("alle-typen", {"question_id": "n1", "answer": "2,5,1"}, "Vul een getal in, bijvoorbeeld 5 of 2,5."),
    ("alle-typen", {"question_id": "n1", "answer": "inf"}, "Vul een getal in, bijvoorbeeld 5 of 2,5."),
    ("alle-typen", {"question_id": "o1", "order": "0,1,9"}, "Dit antwoord hoort niet bij deze vraag."),
    ("alle-typen", {"question_id": "o1", "order": "0,1"}, "Dit antwoord hoort niet bij deze vraag."),
    ("alle-typen", {"question_id": "o1", "position-0": "1", "position-1": "2"}, "Kies voor elke stap een plaats."),
    ("alle-typen", {"question_id": "o1", "position-0": "1", "position-1": "1", "position-2": "3"},
     "Geef elke plaats maar één keer."),
    ("typen-nieuw", {"question_id": "k1", "match-0": "0"}, "Kies bij elk onderdeel een antwoord."),
    ("typen-nieuw", {"question_id": "k1", "match-0": "0", "match-1": "7", "match-2": "1"},
     "Dit antwoord hoort niet bij deze vraag."),
    ("typen-nieuw", {"question_id": "w1", "answer": " "}, "Typ je antwoord."),
    ("typen-nieuw", {"question_id": "w1", "answer": TOO_LONG}, "Je antwoord is te lang (hooguit 200 tekens)."),
    ("interactief", {"question_id": "h1", "option": "0"}, "Kies hoe zeker je bent."),
    ("interactief", {"question_id": "h1", "option": "0", "certainty": "zeker-weten"},
     "Dit antwoord hoort niet bij deze vraag."),
])
def test_bad_answer_of_each_type_is_refused_and_nothing_stored(client, learner, slug, data, message):
    url = client.post(f"/quizzes/{slug}/attempts").location
    for headers in ({}, HTMX):
        assert_refused(client.post(url, data=data, headers=headers), message)
    assert stored() == (0, 0)


def test_bad_order_move_is_refused_without_storing(client, learner):
    url = client.post("/quizzes/alle-typen/attempts").location
    assert_refused(client.post(url, data={"question_id": "o1", "order": "0,1,2", "move": "sideways-1"}),
                   "Dit antwoord hoort niet bij deze vraag.")
    assert stored() == (0, 0)


@pytest.mark.parametrize("question_id,data,message", [
    ("s1", {"option": "9"}, "Dit antwoord hoort niet bij deze vraag."),
    ("n1", {"answer": "twee"}, "Vul een getal in, bijvoorbeeld 5 of 2,5."),
    ("t1", {}, "Kies juist of onjuist."),
])
def test_bad_review_answer_is_refused_and_the_card_is_unchanged(client, learner, question_id, data, message):
    card = review.record_review(learner, "alle-typen", question_id, review.Rating.Again,
                                now=utcnow() - timedelta(days=5))
    db.session.commit()
    before = (card.reviews, card.due)
    for headers in ({}, HTMX):
        assert_refused(client.post(f"/quizzes/review/{card.id}", data=data, headers=headers), message)
    db.session.refresh(card)
    assert (card.reviews, card.due) == before
