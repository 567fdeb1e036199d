"""`flask content check` for quizzes: every problem in quizzes/**/*.yaml as (path, line, message)."""
from __future__ import annotations

import re

from app.content.catalogue import load_vocabulary
from app.content.problems import Problem, display_path
from app.quizzes.loader import load_dir

# Formative feedback (issue 13.5): say why, do not judge. A feedback may not open with a verdict
# like "Nee," or "Fout", nor say "Helaas" or "Juist niet" anywhere; a bare "Ja." says nothing.
JUDGEMENT = re.compile(r"\bhelaas\b|\bjuist niet\b|^\W*(nee|fout|onjuist|jammer)\b", re.IGNORECASE)
BARE_VERDICT = re.compile(r"^\W*(ja|nee|juist|klopt|goed|fout|correct|precies)\W*$", re.IGNORECASE)


def validate_quiz_dir(path, competencies: set[str] | None = None,
                      functions: set[str] | None = None) -> list[tuple[str, int, str]]:
    """All problems: structure (the file is left out) and unknown codes (the quiz still works)."""
    quiz_set = load_dir(path)
    problems = list(quiz_set.problems)
    if competencies is None or functions is None:
        vocabulary = load_vocabulary()
        competencies = vocabulary.competencies if competencies is None else competencies
        functions = vocabulary.functions if functions is None else functions
    for quiz in quiz_set.quizzes.values():
        for code, line in quiz.code_lines.get("competencies", []):
            if code not in competencies:
                problems.append((quiz.path, line, f"onbekende competentie '{code}'"))
        for code, line in quiz.code_lines.get("functions", []):
            if functions and code not in functions:
                problems.append((quiz.path, line, f"onbekende functie '{code}'"))
        if not quiz.source:
            problems.append((quiz.path, 1, "'source' ontbreekt; zet erbij waar de vragen vandaan komen"))
        problems.extend((quiz.path, line, message) for line, message in feedback_problems(quiz))
    return sorted(problems)


def _feedbacks(question):
    """(label, text) of every text a person reads after answering this question."""
    yield from ((f"feedback bij optie {o.index + 1}", o.feedback) for o in question.options if o.feedback)
    for label, text in (("feedback_right", question.feedback_right), ("feedback_wrong", question.feedback_wrong),
                        ("explanation", question.explanation)):
        if text:
            yield label, text


def feedback_problems(quiz) -> list[tuple[int, str]]:
    """Formative feedback: no verdicts, a reason with every option (or one explanation)."""
    found = []
    for number, question in enumerate(quiz.questions, start=1):
        where = f"vraag {number} ({question.id})"
        for label, text in _feedbacks(question):
            if BARE_VERDICT.match(text):
                found.append((question.line, f"{where}: {label} zegt alleen '{text.strip()}'; leg uit waarom"))
            elif match := JUDGEMENT.search(text):
                found.append((question.line, f"{where}: {label} oordeelt ('{match.group(0).strip()}'); "
                                             "zeg wat er klopt of niet en waarom, zonder oordeelwoord"))
        if question.type in ("single", "multiple") and not question.explanation:
            for option in question.options:
                if not option.feedback:
                    found.append((question.line, f"{where}: optie {option.index + 1} heeft geen feedback en de "
                                                 "vraag geen 'explanation'; zeg bij elke optie waarom"))
    return found


def quiz_warnings(path) -> list[tuple[str, int, str]]:
    """What an author should improve but that does not stop a quiz: an option without its own
    feedback (the question's explanation then has to serve every option)."""
    found = []
    for quiz in load_dir(path).quizzes.values():
        for number, question in enumerate(quiz.questions, start=1):
            if question.type in ("single", "multiple") and question.explanation:
                found.extend((quiz.path, question.line,
                              f"waarschuwing: vraag {number} ({question.id}), optie {o.index + 1} heeft geen eigen "
                              "feedback; alleen de toelichting van de vraag helpt dan")
                             for o in question.options if not o.feedback)
    return sorted(found)


def content_problems(app) -> list[Problem]:
    """The quizzes' part of `flask content check` (a receiver of app.content.checking): problems, then warnings."""
    directory = app.config["QUIZ_DIR"]
    return ([Problem(display_path(path), line, message) for path, line, message in validate_quiz_dir(directory)]
            + [Problem(display_path(path), line, message, warning=True)
               for path, line, message in quiz_warnings(directory)])
