"""Loading and checking quiz files: every problem with its line; broken files are left out."""
import os

import pytest

from app.quizzes.loader import load_dir
from app.quizzes.validate import validate_quiz_dir
from tests.content.helpers import content_dir  # noqa: F401
from tests.quizzes.conftest import SIMPLE, write_quiz


def messages(problems):
    return [(line, message) for _path, line, message in problems]


def test_fixture_quiz_loads_with_every_type(quiz_dir):
    quiz_set = load_dir(quiz_dir)
    quiz = quiz_set.quizzes["alle-typen"]
    assert [q.type for q in quiz.questions] == ["single", "multiple", "truefalse", "numeric", "order"]
    assert quiz.question("n1").answer == 2.5 and quiz.question("n1").tolerance == 0.5
    assert quiz_set.problems == []


def test_structure_problems_name_their_lines(tmp_path):
    write_quiz(tmp_path, "kapot.yaml", """slug: kapot
title: Kapot
questions:
  - id: q1
    type: single
    text: Twee goed
    options:
      - text: a
        correct: true
      - text: b
        correct: true
  - id: q1
    type: multiple
    text: Geen goed
    options:
      - text: a
      - text: b
  - type: numeric
    text: Geen antwoord
    tolerance: -1
  - id: q4
    type: essay
    text: Onbekend type
  - id: q5
    type: single
    text: Eén optie
    options:
      - text: a
        correct: true
  - id: q6
    type: truefalse
    text: Geen bool
    answer: ja
""")
    problems = messages(validate_quiz_dir(tmp_path, competencies=set(), functions=set()))
    assert (7, "vraag 1 (q1): een 'single'-vraag heeft precies één juiste optie (nu 2)") in problems
    assert any(line == 15 and "minstens één juiste" in m for line, m in problems)
    assert any(line == 18 and "'id' ontbreekt" in m for line, m in problems)
    assert any(line == 18 and "'answer' (een getal) ontbreekt" in m for line, m in problems)
    assert any(line == 20 and "'tolerance'" in m for line, m in problems)
    assert any(line == 22 and "type 'essay' onbekend" in m for line, m in problems)
    assert (27, "vraag 5 (q5): 1 opties; een vraag heeft er 2 tot en met 8") in problems
    assert (33, "vraag 6 (q6): 'answer' moet true of false zijn") in problems
    assert load_dir(tmp_path).quizzes == {}


def test_duplicate_ids_slugs_and_missing_title(tmp_path):
    write_quiz(tmp_path, "a.yaml", SIMPLE.format(slug="zelfde", title="A") + """  - id: q1
    type: truefalse
    text: Dubbel
    answer: true
""")
    write_quiz(tmp_path, "b.yaml", SIMPLE.format(slug="zelfde", title="B"))
    write_quiz(tmp_path, "c.yaml", "slug: zonder-titel\nquestions: []\n")
    problems = validate_quiz_dir(tmp_path, competencies={"crisisdiagnose"}, functions=set())
    text = [f"{os.path.basename(p)}:{line}: {m}" for p, line, m in problems]
    assert any(t.startswith("a.yaml:17: vraag-id 'q1' komt twee keer voor") for t in text)
    assert any(t.startswith("c.yaml:1: 'title' ontbreekt") for t in text)
    assert any(t.startswith("c.yaml:2: 'questions' ontbreekt") for t in text)
    assert load_dir(tmp_path).quizzes["zelfde"].title == "B"  # a.yaml is broken, b.yaml stands


def test_two_files_with_one_slug_are_both_left_out(tmp_path):
    write_quiz(tmp_path, "a.yaml", SIMPLE.format(slug="zelfde", title="A"))
    write_quiz(tmp_path, "b.yaml", SIMPLE.format(slug="zelfde", title="B"))
    quiz_set = load_dir(tmp_path)
    assert "zelfde" not in quiz_set.quizzes and "zelfde" in quiz_set.broken_slugs
    assert any("wordt ook gebruikt in" in m for _p, _l, m in quiz_set.problems)


def test_yaml_error_has_its_line(tmp_path):
    write_quiz(tmp_path, "stuk.yaml", "slug: stuk\ntitle: Stuk\nquestions:\n  - id: q1\n    text: [niet dicht\n")
    [(path, line, message)] = validate_quiz_dir(tmp_path, competencies=set(), functions=set())
    assert path.endswith("stuk.yaml") and line >= 5 and message.startswith("YAML-fout")
    assert "stuk" in load_dir(tmp_path).broken_slugs


def test_unknown_codes_reported_but_quiz_still_served(app, tmp_path):
    write_quiz(tmp_path, "q.yaml", SIMPLE.format(slug="codes", title="Codes").replace(
        "competencies: [crisisdiagnose]", "competencies: [crisisdiagnose, vliegen]\nfunctions: [OL, XX]"))
    problems = messages(validate_quiz_dir(tmp_path))  # defaults: the ten competencies, norms functions
    assert (3, "onbekende competentie 'vliegen'") in problems
    assert (4, "onbekende functie 'XX'") in problems
    assert "codes" in load_dir(tmp_path).quizzes


def test_competency_codes_come_from_the_database_when_seeded(app, tmp_path):
    from tests import factories
    factories.competency("eigen-competentie")
    write_quiz(tmp_path, "q.yaml", SIMPLE.format(slug="db", title="DB"))
    problems = messages(validate_quiz_dir(tmp_path))
    assert (3, "onbekende competentie 'crisisdiagnose'") in problems


def test_cache_rereads_a_changed_file(tmp_path):
    path = write_quiz(tmp_path, "q.yaml", SIMPLE.format(slug="cache", title="Eerst"))
    assert load_dir(tmp_path).quizzes["cache"].title == "Eerst"
    path.write_text(SIMPLE.format(slug="cache", title="Daarna, langer"), encoding="utf-8")
    os.utime(path, (1, 1))
    assert load_dir(tmp_path).quizzes["cache"].title == "Daarna, langer"


def test_content_check_lists_quiz_problems(app, runner, quiz_dir):
    write_quiz(quiz_dir, "stuk.yaml", "slug: stuk\ntitle: Stuk\nquestions:\n  - id: q1\n    type: single\n"
                                      "    text: x\n    options: [a, b]\n")
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 1
    assert "stuk.yaml:7: vraag 1 (q1): een 'single'-vraag heeft precies één juiste optie (nu 0)" in result.output
    help_text = runner.invoke(args=["content", "--help"]).output
    assert "check" in help_text and "import-gift" in help_text and "export-gift" in help_text


def test_source_is_read_and_a_missing_one_fails_the_check(app, runner, content_dir):
    quizzes = content_dir.parent / "quizzes"
    write_quiz(quizzes, "bron.yaml", SIMPLE.format(slug="bron", title="Bron").replace(
        "questions:", 'source: "OTO-beleidsplan Twente 2026-2029, §4.4"\nquestions:'))
    write_quiz(quizzes, "zonder.yaml", SIMPLE.format(slug="zonder", title="Zonder"))
    write_quiz(quizzes, "lijst.yaml", SIMPLE.format(slug="lijst", title="Lijst").replace(
        "questions:", "source: [geen, tekst]\nquestions:"))
    quiz_set = load_dir(quizzes)
    assert quiz_set.quizzes["bron"].source == "OTO-beleidsplan Twente 2026-2029, §4.4"
    assert quiz_set.quizzes["zonder"].source == ""
    assert (4, "'source' moet een tekst zijn, zoals \"OTO-beleidsplan, §4.4\"") in messages(quiz_set.problems)
    (quizzes / "lijst.yaml").unlink()
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 1, result.output
    assert "zonder.yaml:1: 'source' ontbreekt; zet erbij waar de vragen vandaan komen" in result.output
    assert "bron.yaml:1: 'source'" not in result.output


FORMATIVE = """slug: {slug}
title: Formatief
source: OTO-beleidsplan Twente 2026-2029
questions:
  - id: q1
    type: single
    text: Wie leidt het ROT?
    options:
      - text: De operationeel leider
        correct: true
        feedback: "{right}"
      - text: De burgemeester
        correct: false
        feedback: "{wrong}"
  - id: q2
    type: multiple
    text: Wat hoort bij de diagnose?
    options:
      - text: Wat staat er op het spel?
        correct: true
        feedback: Dat is de kern van de diagnose.
      - text: Wie heeft schuld?
        correct: false
{explanation}"""


@pytest.mark.parametrize("right, wrong, explanation, expected", [
    ("Ja.", "De burgemeester zit het beleidsteam voor.", "    explanation: Schuld hoort er niet bij.",
     ["vraag 1 (q1): feedback bij optie 1 zegt alleen 'Ja.'; leg uit waarom"]),
    ("De OL leidt het ROT.", "Helaas, de burgemeester zit het beleidsteam voor.",
     "    explanation: Schuld hoort er niet bij.",
     ["vraag 1 (q1): feedback bij optie 2 oordeelt ('Helaas'); zeg wat er klopt of niet en waarom, "
      "zonder oordeelwoord"]),
    ("De OL leidt het ROT.", "Nee, de burgemeester zit het beleidsteam voor.",
     "    explanation: Juist niet de schuldvraag.",
     ["vraag 1 (q1): feedback bij optie 2 oordeelt ('Nee'); zeg wat er klopt of niet en waarom, zonder oordeelwoord",
      "vraag 2 (q2): explanation oordeelt ('Juist niet'); zeg wat er klopt of niet en waarom, zonder oordeelwoord"]),
    ("De OL leidt het ROT.", "De burgemeester zit het beleidsteam voor.", "",
     ["vraag 2 (q2): optie 2 heeft geen feedback en de vraag geen 'explanation'; zeg bij elke optie waarom"]),
    ("Ja: de OL leidt het ROT.", "De burgemeester zit het beleidsteam voor; dat is onjuist gedacht.",
     "    explanation: Schuld hoort er niet bij.", []),
])
def test_content_check_wants_formative_feedback(app, runner, content_dir, right, wrong, explanation, expected):
    quizzes = content_dir.parent / "quizzes"
    write_quiz(quizzes, "formatief.yaml", FORMATIVE.format(slug="formatief", right=right, wrong=wrong,
                                                           explanation=explanation))
    result = runner.invoke(args=["content", "check"])
    found = [line.split("formatief.yaml:", 1)[1].split(": ", 1) for line in result.output.splitlines()
             if "formatief.yaml:" in line and "waarschuwing" not in line]
    assert [message for _line, message in found] == expected, result.output
    assert {line for line, _message in found} <= {"5", "15"}      # at the question's line
    assert result.exit_code == (1 if expected else 0)


def test_an_option_without_feedback_beside_an_explanation_is_a_warning(app, runner, content_dir):
    quizzes = content_dir.parent / "quizzes"
    write_quiz(quizzes, "formatief.yaml", FORMATIVE.format(
        slug="formatief", right="De OL leidt het ROT.", wrong="De burgemeester zit het beleidsteam voor.",
        explanation="    explanation: Schuld hoort er niet bij."))
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 0
    assert ("formatief.yaml:15: waarschuwing: vraag 2 (q2), optie 2 heeft geen eigen feedback; alleen de "
            "toelichting van de vraag helpt dan") in result.output


def test_the_repository_quizzes_pass_the_check(app):
    from pathlib import Path

    from app.quizzes.validate import validate_quiz_dir
    root = Path(__file__).resolve().parents[2] / "quizzes"
    assert validate_quiz_dir(root) == []


def test_the_policy_scenarios_and_basis_levels_have_modules_with_quizzes():
    """The seven generic scenarios of the OTO policy and werken-vanuit-doelstellingen at basis
    level (the policy offers gevorderd only after basis) each have a module with a quiz."""
    from pathlib import Path

    import yaml
    root = Path(__file__).resolve().parents[2]
    fronts = [yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
              for path in (root / "content").rglob("*.md") if path.name != "README.md"]
    by_slug = {front["slug"]: front for front in fronts if front.get("slug")}
    quizzes = load_dir(root / "quizzes").quizzes
    for slug in ["scenario-brand-met-betrokkenen", "scenario-plasbrand-tankbrand", "scenario-brand-pgs15-loods",
                 "scenario-ongeval-met-letsel", "scenario-toxische-wolk", "werken-vanuit-doelstellingen-basis"]:
        front = by_slug[slug]
        assert front["quiz"] in quizzes and quizzes[front["quiz"]].source, slug
    assert by_slug["werken-vanuit-doelstellingen-basis"]["level"] == "basis"
