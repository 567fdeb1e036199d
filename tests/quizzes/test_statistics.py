"""Item statistics: only from five people, per region, typed answers only when five gave them."""
from datetime import timedelta

import pytest

from app.quizzes import loader, services, statistics
from tests import factories
from tests.quizzes.conftest import SIMPLE, write_quiz
from tests.quizzes.helpers import NOW, answer, quiz  # noqa: F401


# ---------------------------------------------------------------- statistics

def _people_answer(quiz, answers):
    for response in answers:
        person = factories.user()
        attempt = services.start_attempt(person, quiz)
        answer(person, quiz, attempt, "s1", option=response)


def test_item_statistics_hidden_below_five_people(app, quiz):
    _people_answer(quiz, ["1", "1", "0", "2"])
    s1 = statistics.item_statistics("alle-typen")[0]
    assert s1.people == 4 and not s1.shown
    assert s1.first_try_correct is None and s1.most_chosen_wrong is None and s1.attempts is None


def test_item_statistics_shown_from_five_people(app, quiz):
    _people_answer(quiz, ["1", "1", "0", "2", "0"])
    s1 = statistics.item_statistics("alle-typen")[0]
    assert s1.shown and s1.people == 5 and s1.attempts == 5
    assert s1.first_try_correct == pytest.approx(0.4)
    assert s1.most_chosen_wrong.startswith("De schuldige vinden") and s1.most_chosen_wrong_count == 2


def test_item_statistics_for_a_coordinator_count_only_their_region(app, quiz):
    _people_answer(quiz, ["1", "1", "0", "2", "0"])          # five people in Twente
    elsewhere = factories.region("ijsselland")
    for response in ("1", "1", "1"):
        person = factories.user(reg=elsewhere)
        answer(person, quiz, services.start_attempt(person, quiz), "s1", option=response)
    assert statistics.item_statistics("alle-typen")[0].people == 8      # authors: every region
    twente = statistics.item_statistics("alle-typen", region_id=factories.region().id)[0]
    assert twente.people == 5 and twente.first_try_correct == pytest.approx(0.4)
    other = statistics.item_statistics("alle-typen", region_id=elsewhere.id)[0]
    assert other.people == 3 and not other.shown


def test_numeric_wrong_answer_only_named_when_five_people_gave_it(app, quiz):
    def people_type(values):
        for value in values:
            person = factories.user()
            answer(person, quiz, services.start_attempt(person, quiz), "n1", answer=value)
    people_type(["17", "17", "17", "17", "9", "9"])   # 17 (e.g. someone's own station) by only four
    n1 = statistics.item_statistics("alle-typen")[3]
    assert n1.shown and n1.most_chosen_wrong is None
    people_type(["17"])
    n1 = statistics.item_statistics("alle-typen")[3]
    assert n1.most_chosen_wrong == "17" and n1.most_chosen_wrong_count == 5


def test_first_try_counts_a_person_once(app, quiz):
    _people_answer(quiz, ["1", "1", "1", "1"])
    person = factories.user()
    for response in ("1", "0"):   # wrong first, right the second time: counts as wrong at first try
        attempt = services.start_attempt(person, quiz)
        answer(person, quiz, attempt, "s1", option=response, now=NOW + timedelta(minutes=int(response == "0")))
    s1 = statistics.item_statistics("alle-typen")[0]
    assert s1.people == 5 and s1.attempts == 6 and s1.first_try_correct == 0


def test_second_quiz_file_change_keeps_history_by_question_id(app, quiz_dir, quiz):
    user = factories.user()
    attempt = services.start_attempt(user, quiz)
    answer(user, quiz, attempt, "s1", option="0")
    write_quiz(quiz_dir, "alle-typen.yaml", SIMPLE.format(slug="alle-typen", title="Nieuw").replace("q1", "s1"))
    import os
    os.utime(quiz_dir / "alle-typen.yaml", (2, 2))
    changed = loader.get_quiz("alle-typen")
    assert changed.title == "Nieuw"
    assert [r.correct for r in services.summary(changed, attempt)] == [True, False]
    assert services.next_question(changed, attempt).id == "q2"
