"""`flask content check` for quizzes: every problem in quizzes/**/*.yaml as (path, line, message)."""
from __future__ import annotations

from pathlib import Path

import yaml

from app.quizzes.loader import load_dir

# The region's ten crisis competencies (CONTRACT); used when the database has none yet.
DEFAULT_COMPETENCIES = (
    "crisissensitiviteit", "crisisdiagnose", "flexibele-crisisorganisatie", "gedeeld-situationeel-bewustzijn",
    "kritieke-momenten", "werken-vanuit-doelstellingen", "eenheid-van-inspanning",
    "vergaderen-op-crisisdynamiek", "nafase", "leiderschap",
)
NORMS_FILE = Path(__file__).resolve().parent.parent / "demo" / "data" / "norms-twente-2026.yaml"


def known_competencies() -> set[str]:
    """Competency codes in the database when seeded, else the ten of the CONTRACT."""
    codes = _db_codes("Competency")
    return codes or set(DEFAULT_COMPETENCIES)


def known_functions() -> set[str]:
    """Function codes in the database when seeded, else those named in the norms file."""
    codes = _db_codes("Function")
    if codes:
        return codes
    try:
        data = yaml.safe_load(NORMS_FILE.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return set()
    return set(data.get("functions") or {}) | set(data.get("mono_functions") or {})


def _db_codes(model_name: str) -> set[str]:
    from flask import has_app_context
    if not has_app_context():
        return set()
    from sqlalchemy.exc import SQLAlchemyError

    from app import models
    from app.extensions import db
    model = getattr(models, model_name)
    try:
        return set(db.session.scalars(db.select(model.code)).all())
    except SQLAlchemyError:  # no tables yet (fresh checkout): fall back to the defaults
        db.session.rollback()
        return set()


def validate_quiz_dir(path, competencies: set[str] | None = None,
                      functions: set[str] | None = None) -> list[tuple[str, int, str]]:
    """All problems: structure (the file is left out) and unknown codes (the quiz still works)."""
    quiz_set = load_dir(path)
    problems = list(quiz_set.problems)
    competencies = known_competencies() if competencies is None else competencies
    functions = known_functions() if functions is None else functions
    for quiz in quiz_set.quizzes.values():
        for code, line in quiz.code_lines.get("competencies", []):
            if code not in competencies:
                problems.append((quiz.path, line, f"onbekende competentie '{code}'"))
        for code, line in quiz.code_lines.get("functions", []):
            if functions and code not in functions:
                problems.append((quiz.path, line, f"onbekende functie '{code}'"))
    return sorted(problems)


def quiz_warnings(path) -> list[tuple[str, int, str]]:
    """What an author should fix but that does not stop a quiz: for now a missing `source`."""
    return sorted((quiz.path, 1, "waarschuwing: 'source' ontbreekt; zet erbij waar de vragen vandaan komen")
                  for quiz in load_dir(path).quizzes.values() if not quiz.source)
