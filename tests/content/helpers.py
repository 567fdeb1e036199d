"""Small module files in a temporary CONTENT_DIR, for the content, learn and author tests."""
from pathlib import Path

import pytest
import yaml

DEFAULTS = {"summary": "Een korte samenvatting.", "competencies": ["crisisdiagnose"], "level": "basis",
            "minutes": 4}


def write_module(root: Path, name: str, body: str = "Tekst van de module.\n", raw_front: str | None = None,
                 **fields) -> Path:
    """Write `root/name` (name may contain folders); fields override DEFAULTS, None removes one."""
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if raw_front is None:
        data = {"title": fields.pop("title", Path(name).stem.replace("-", " ").capitalize()), **DEFAULTS, **fields}
        data = {k: v for k, v in data.items() if v is not None}
        raw_front = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    path.write_text(f"---\n{raw_front.rstrip()}\n---\n{body}", encoding="utf-8")
    return path


def write_quiz(root: Path, slug: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    path = root / f"{slug}.yaml"
    path.write_text(f"slug: {slug}\ntitle: Quiz {slug}\nsource: Testbron\ncompetencies: [crisisdiagnose]\nquestions:\n"
                    "  - id: q1\n    type: truefalse\n    text: Bij GRIP 2 is een ROT actief.\n    answer: true\n",
                    encoding="utf-8")
    return path


@pytest.fixture
def content_dir(app, tmp_path):
    """An empty CONTENT_DIR and QUIZ_DIR for this test; every request sees file changes at once."""
    root, quizzes = tmp_path / "content", tmp_path / "quizzes"
    root.mkdir()
    quizzes.mkdir()
    app.config.update(CONTENT_DIR=str(root), QUIZ_DIR=str(quizzes), CONTENT_RECHECK_SECONDS=0)
    return root


@pytest.fixture
def quiz_dir(content_dir):
    return content_dir.parent / "quizzes"
