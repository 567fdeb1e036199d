"""Quiz tests run against a quiz folder of their own, never the repository's quizzes/."""
import shutil
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture
def quiz_dir(app, tmp_path):
    folder = tmp_path / "quizzes"
    folder.mkdir()
    shutil.copy(DATA / "alle-typen.yaml", folder / "alle-typen.yaml")
    app.config["QUIZ_DIR"] = str(folder)
    return folder


def write_quiz(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


SIMPLE = """slug: {slug}
title: {title}
competencies: [crisisdiagnose]
questions:
  - id: q1
    type: single
    text: Vraag een
    options:
      - text: Goed
        correct: true
      - text: Fout
        correct: false
  - id: q2
    type: truefalse
    text: Vraag twee
    answer: false
"""
