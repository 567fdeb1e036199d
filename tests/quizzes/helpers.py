"""Shared by the service-layer quiz tests: a fixed moment, the fixture quiz, answering one question."""
from datetime import datetime

import pytest
from werkzeug.datastructures import MultiDict

from app.quizzes import loader, scoring, services
from app.quizzes.forms import answer_form

NOW = datetime(2026, 3, 2, 9, 0)


def form(**values):
    return MultiDict([(k, v) for k, vs in values.items() for v in (vs if isinstance(vs, list) else [vs])])


@pytest.fixture
def quiz(quiz_dir):
    return loader.get_quiz("alle-typen")


def read(question, values, *, ask_certainty=False):
    """The answer form's (response, certainty) for posted values; refused as the route refuses them."""
    answer_form_ = answer_form(question, ask_certainty=ask_certainty,
                               formdata=values if isinstance(values, MultiDict) else form(**values))
    if not answer_form_.validate():
        raise (scoring.TamperedAnswer if answer_form_.tampered else scoring.AnswerError)(answer_form_.error)
    return answer_form_.response, answer_form_.how_sure


def answer(user, quiz, attempt, qid, now=NOW, **values):
    """Answer as the page does: the form reads the post, the service stores it."""
    question = quiz.question(qid)
    if question is None:
        return services.answer_question(user, quiz, attempt, qid, None, now=now, today=now.date())
    pending = services.answers_by_question(attempt).get(qid)
    response, certainty = (None, None) if pending is not None and pending.settled else read(
        question, values, ask_certainty=quiz.certainty and pending is None)
    return services.answer_question(user, quiz, attempt, qid, response, certainty=certainty,
                                    changed=values.get("changed") == "1", now=now, today=now.date())
