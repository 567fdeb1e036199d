"""The `match` and `text` question types: loading, scoring, feedback, pages and statistics."""
import shutil

import pytest
from werkzeug.datastructures import MultiDict

from app.quizzes import loader, scoring, services, statistics
from tests import factories
from tests.quizzes.conftest import DATA
from tests.quizzes.helpers import read


@pytest.fixture
def quiz(quiz_dir):
    shutil.copy(DATA / "typen-nieuw.yaml", quiz_dir / "typen-nieuw.yaml")
    return loader.get_quiz("typen-nieuw")


def test_loader_reads_pairs_and_accepted_answers(quiz):
    k1, w1 = quiz.questions
    assert k1.pairs == (("GRIP 1", "CoPI"), ("GRIP 2", "ROT"), ("GRIP 4", "RBT")) and k1.rights == ("CoPI", "ROT", "RBT")
    assert w1.accept == ("LCMS", "Landelijk Crisismanagementsysteem")


@pytest.mark.parametrize("body, message", [
    ("type: match\n    pairs: [{left: a, right: b}]", "'pairs' is een lijst van 2 tot en met 8 paren"),
    ("type: match\n    pairs: [{left: a, right: b}, {left: a, right: c}]", "elke 'left' in een 'match'-vraag is anders"),
    ("type: match\n    pairs: [{left: a, right: b}, {left: c}]", "paar 2: 'left' en 'right' zijn allebei nodig"),
    ("type: text\n    accept: []", "'accept' is een lijst van goede antwoorden"),
])
def test_bad_match_and_text_questions_are_named(tmp_path, body, message):
    (tmp_path / "x.yaml").write_text(f"slug: x\ntitle: X\nquestions:\n  - id: q1\n    text: T\n    {body}\n",
                                     encoding="utf-8")
    assert any(message in m for _p, _l, m in loader.load_dir(tmp_path).problems)


@pytest.mark.parametrize("typed, right", [
    ("LCMS", True), ("  lcms ", True), ("landelijk   crisismanagementsysteem", True),
    ("Landelijk Crisismanagementsystéém", True), ("LCM", False),
])
def test_text_answers_ignore_case_accents_and_spaces(quiz, typed, right):
    w1 = quiz.question("w1")
    assert scoring.score(w1, read(w1, MultiDict({"answer": typed}))[0]) is right


def test_match_scoring_and_feedback_per_pair(quiz):
    k1 = quiz.question("k1")
    right = read(k1, MultiDict({"match-0": "0", "match-1": "1", "match-2": "2"}))[0]
    assert scoring.score(k1, right)
    wrong = read(k1, MultiDict({"match-0": "0", "match-1": "2", "match-2": "1"}))[0]
    feedback = scoring.feedback_for(k1, wrong, seed=1)
    assert not feedback.correct and feedback.message == "Kijk nog eens naar de GRIP-tabel."
    assert [(p.left, p.chosen, p.correct) for p in feedback.pairs] == [
        ("GRIP 1", "CoPI", True), ("GRIP 2", "RBT", False), ("GRIP 4", "ROT", False)]
    with pytest.raises(scoring.AnswerError, match="Kies bij elk onderdeel"):
        read(k1, MultiDict({"match-0": "0"}))[0]
    with pytest.raises(scoring.TamperedAnswer):
        read(k1, MultiDict({"match-0": "0", "match-1": "7", "match-2": "1"}))[0]


def test_statistics_for_the_new_types(app, quiz):
    for typed in ("CoPI-net", "copi-net", "CoPI-net ", "copi-nét", "COPI-NET", "LCMS", "Twente"):
        person = factories.user()
        attempt = services.start_attempt(person, quiz)
        services.answer_question(person, quiz, attempt, "k1", [1, 0, 2])
        for _ in range(2 if typed != "LCMS" else 1):   # w1 has one hint: two tries
            services.answer_question(person, quiz, attempt, "w1", typed.strip())
    k1, w1 = statistics.item_statistics("typen-nieuw")
    assert k1.shown and k1.first_try_correct == 0 and k1.most_chosen_wrong in ("GRIP 1 → ROT", "GRIP 2 → CoPI")
    assert w1.first_try_correct == pytest.approx(1 / 7) and w1.mean_tries == pytest.approx(13 / 7)
    assert w1.most_chosen_wrong == "copi-net"   # five people typed it (case and accents aside)
    assert w1.most_chosen_wrong_count == 5      # "Twente", typed by one person, is never shown


@pytest.fixture
def learner(app, auth, quiz):
    factories.user(email="leerling@example.nl")
    auth.login("leerling@example.nl")


def test_match_and_text_pages_without_javascript(client, learner):
    url = client.post("/quizzes/typen-nieuw/attempts").location
    page = client.get(url).get_data(as_text=True)
    assert '<select name="match-0" id="match-0"' in page and '<label for="match-0">GRIP 1</label>' in page
    client.post(url, data={"question_id": "k1", "match-0": "0", "match-1": "2", "match-2": "1"})
    feedback = client.get(f"{url}/questions/k1").get_data(as_text=True)
    assert "Nog niet goed" in feedback and "GRIP 2" in feedback and "jij: RBT" in feedback and "goed: ROT" in feedback
    page = client.get(url).get_data(as_text=True)
    assert 'name="answer"' in page and "Je antwoord" in page
    client.post(url, data={"question_id": "w1", "answer": "ABC"})
    assert "Vier letters." in client.get(url).get_data(as_text=True)
    client.post(url, data={"question_id": "w1", "answer": "lcms"})
    feedback = client.get(f"{url}/questions/w1").get_data(as_text=True)
    assert "Goed!" in feedback and "LCMS of Landelijk Crisismanagementsysteem" in feedback
