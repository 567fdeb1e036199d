"""Shared by the service-layer quiz tests: a fixed moment, the fixture quiz, answering one question."""
from datetime import datetime

import pytest
from werkzeug.datastructures import MultiDict

from app.quizzes import loader, services

NOW = datetime(2026, 3, 2, 9, 0)


def form(**values):
    return MultiDict([(k, v) for k, vs in values.items() for v in (vs if isinstance(vs, list) else [vs])])


@pytest.fixture
def quiz(quiz_dir):
    return loader.get_quiz("alle-typen")


def answer(user, quiz, attempt, qid, now=NOW, **values):
    return services.answer_question(user, quiz, attempt, qid, form(**values), now=now, today=now.date())
