"""Scoring and shuffling: pure functions of a question and a response."""

import pytest

from app.quizzes import scoring
from tests.quizzes.helpers import quiz, read  # noqa: F401


# ---------------------------------------------------------------- scoring of every type

@pytest.mark.parametrize("qid,values,right", [
    ("s1", {"option": "0"}, True),
    ("s1", {"option": "1"}, False),
    ("m1", {"option": ["0", "1"]}, True),
    ("m1", {"option": ["0"]}, False),
    ("m1", {"option": ["0", "1", "2"]}, False),
    ("t1", {"answer": "true"}, True),
    ("t1", {"answer": "false"}, False),
    ("n1", {"answer": "2,5"}, True),
    ("n1", {"answer": "3.0"}, True),       # inside the tolerance of 0.5
    ("n1", {"answer": "3,01"}, False),
    ("n1", {"answer": " 2 "}, True),
    ("o1", {"position-0": "1", "position-1": "2", "position-2": "3"}, True),
    ("o1", {"position-0": "2", "position-1": "1", "position-2": "3"}, False),
])
def test_scoring_of_every_type(quiz, qid, values, right):
    question = quiz.question(qid)
    assert scoring.score(question, read(question, values)[0]) is right


@pytest.mark.parametrize("qid,values,tampered,message", [
    ("s1", {}, False, "Kies een antwoord."),
    ("s1", {"option": "7"}, True, "hoort niet bij deze vraag"),
    ("s1", {"option": "Thema's bepalen"}, True, "hoort niet bij deze vraag"),   # text, not an id
    ("m1", {"option": ["0", "9"]}, True, "hoort niet bij deze vraag"),
    ("t1", {"answer": "misschien"}, True, "hoort niet bij deze vraag"),
    ("n1", {"answer": "vijf"}, False, "Vul een getal in, bijvoorbeeld 5 of 2,5."),
    ("n1", {"answer": "nan"}, False, "Vul een getal in"),
    ("o1", {"position-0": "1", "position-1": "1", "position-2": "3"}, False, "maar één keer"),
    ("o1", {"position-0": "1", "position-1": "2", "position-2": "9"}, True, "hoort niet bij deze vraag"),
    ("o1", {"position-0": "1", "position-1": "2"}, False, "Kies voor elke stap een plaats."),
])
def test_bad_answers_are_refused_with_a_dutch_message(quiz, qid, values, tampered, message):
    with pytest.raises(scoring.AnswerError) as info:
        read(quiz.question(qid), values)
    assert message in str(info.value)
    assert isinstance(info.value, scoring.TamperedAnswer) is tampered


def test_shuffle_is_stable_per_attempt_and_differs_between_attempts(quiz):
    question = quiz.question("s1")
    orders = {tuple(o.index for o in scoring.shuffled_options(question, seed)) for seed in range(30)}
    assert len(orders) > 1
    assert scoring.shuffled_options(question, 12) == scoring.shuffled_options(question, 12)
