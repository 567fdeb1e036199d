"""`flask content check`: one `path:line: message` per problem, exit 1 on any, a summary when clean."""
import pytest

from app.content import Problem, checking
from tests import factories
from tests.content.helpers import content_dir, quiz_dir, write_module, write_quiz  # noqa: F401

GOOD = """title: Goede module
summary: Kort.
competencies: [crisisdiagnose]
functions: [OL]
level: basis
minutes: 4"""


def check(runner):
    result = runner.invoke(args=["content", "check"])
    return result.exit_code, result.output


def test_clean_content_exits_0_with_a_dutch_summary(runner, content_dir, quiz_dir):
    write_module(content_dir, "a.md", raw_front=GOOD + "\nquiz: a-quiz")
    write_module(content_dir, "sub/b.md", raw_front=GOOD.replace("Goede", "Tweede"))
    write_quiz(quiz_dir, "a-quiz")
    code, output = check(runner)
    assert code == 0, output
    assert output.strip().startswith("Geen problemen: 2 modules")


@pytest.mark.parametrize("front, line, message", [
    ("title: T\nsummary: S\ncompetencies: [crisisdiagnose\nlevel: basis\nminutes: 4", 5, "YAML-fout"),
    ("summary: S\ncompetencies: [crisisdiagnose]\nlevel: basis\nminutes: 4", 1, "verplicht veld 'title' ontbreekt"),
    ("title: T\ncompetencies: [crisisdiagnose]\nlevel: basis\nminutes: 4", 1, "verplicht veld 'summary' ontbreekt"),
    (GOOD.replace("[crisisdiagnose]", "[crisisdiagnose, onzin]"), 4, "onbekende competentie 'onzin'"),
    (GOOD.replace("[OL]", "\n  - OL\n  - XYZ"), 7, "onbekende functiecode 'XYZ'"),
    (GOOD + "\nquiz: bestaat-niet", 8, "oefentoets 'bestaat-niet' bestaat niet in de map met oefentoetsen"),
    ("title: T\nsummary: " + "x" * 201 + "\ncompetencies: [crisisdiagnose]\nlevel: basis\nminutes: 4", 3,
     "samenvatting is 201 tekens; maximaal 200"),
    (GOOD.replace("basis", "expert"), 6, "niveau 'expert' is onbekend"),
    (GOOD.replace("minutes: 4", "minutes: 45"), 7, "leestijd 45 minuten valt buiten"),
    (GOOD.replace("minutes: 4", "minutes: vier"), 7, "'minutes' moet een heel getal zijn"),
    (GOOD + "\nbriefing_week: 2026-49", 8, "briefing_week '2026-49' is geen ISO-week"),
    (GOOD + "\npublished: misschien", 8, "'published' moet true of false zijn"),
    (GOOD + "\nsumary: typfout", 8, "onbekend veld 'sumary'"),
    (GOOD + "\nslug: Met Spaties", 8, "slug 'Met Spaties' mag alleen"),
])
def test_each_front_matter_problem_is_reported_at_its_line(runner, content_dir, front, line, message):
    path = write_module(content_dir, "m.md", raw_front=front)
    code, output = check(runner)
    assert code == 1
    assert f"{path}:{line}: " in output
    assert message in [row for row in output.splitlines() if row.startswith(f"{path}:{line}: ")][0]


@pytest.mark.parametrize("body, message", [
    ("Zie ![kaart](kaart.png) hier.", "afbeelding niet gevonden: kaart.png"),
    ("Een [link](andere.md).", "link niet gevonden: andere.md"),
    ("Een [link](../../etc/passwd).", "wijst buiten de contentmap"),
    ("Zie [module](/learn/bestaat-niet).", "link naar onbekende module 'bestaat-niet'"),
    ("![extern](https://example.com/x.png)", "komt niet uit de map van de module"),
    ("[klik](javascript:alert(1))", "link met 'javascript:' wordt verwijderd"),
    ('<img src="weg.jpg" alt="">', "afbeelding niet gevonden: weg.jpg"),
])
def test_broken_links_and_images_are_reported_at_their_body_line(runner, content_dir, body, message):
    path = write_module(content_dir, "sub/m.md", raw_front=GOOD, body=f"Eerste regel.\n\n{body}\n")
    code, output = check(runner)
    assert code == 1
    lines = [row for row in output.splitlines() if row.startswith(f"{path}:11: ")]  # ---, 6 lines, ---, body 3
    assert len(lines) == 1 and message in lines[0], output


def test_working_links_images_and_code_blocks_are_fine(runner, content_dir):
    (content_dir / "sub").mkdir()
    (content_dir / "sub" / "kaart.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    write_module(content_dir, "andere.md", raw_front=GOOD.replace("Goede", "Andere"))
    body = ("![kaart](kaart.png \"De kaart\")\n[andere](../andere.md#kop) [web](https://www.nctv.nl) "
            "[mail](mailto:oto@example.nl) [anker](#kop) [catalogus](/learn/andere)\n"
            "```\n![niet echt](bestaat-niet.png)\n```\n`[ook niet](weg.md)`\n")
    write_module(content_dir, "sub/m.md", raw_front=GOOD, body=body)
    code, output = check(runner)
    assert code == 0, output


def test_duplicate_slug_is_reported_on_the_second_file(runner, content_dir):
    write_module(content_dir, "a.md", raw_front=GOOD + "\nslug: zelfde")
    second = write_module(content_dir, "b.md", raw_front=GOOD + "\nslug: zelfde")
    code, output = check(runner)
    assert code == 1
    assert f"{second}:8: slug 'zelfde' komt al voor in" in output


def test_competency_codes_come_from_the_database_once_seeded(app, runner, content_dir):
    factories.competency("eigen-competentie")
    path = write_module(content_dir, "m.md", raw_front=GOOD.replace("crisisdiagnose", "eigen-competentie"))
    assert check(runner)[0] == 0
    path.write_text(path.read_text().replace("eigen-competentie", "nafase"))
    code, output = check(runner)
    assert code == 1 and "onbekende competentie 'nafase'" in output  # not in this region's list


def test_connected_checkers_add_their_problems(app, runner, content_dir):
    write_module(content_dir, "a.md", raw_front=GOOD)
    with checking.connected_to(lambda app: [Problem("quizzes/x.yaml", 7, "vraag q1 heeft geen goed antwoord")]):
        code, output = check(runner)
    assert code == 1
    assert "quizzes/x.yaml:7: vraag q1 heeft geen goed antwoord" in output


def test_a_failing_checker_is_a_problem_not_a_crash(app, runner, content_dir):
    def broken(app):
        raise RuntimeError("kapot")
    with checking.connected_to(broken):
        code, output = check(runner)
    assert code == 1 and "controle kon niet worden uitgevoerd: kapot" in output


def test_empty_front_matter_lists_every_missing_field(runner, content_dir):
    path = write_module(content_dir, "leeg.md", raw_front="")
    code, output = check(runner)
    assert code == 1
    for name in ("title", "summary", "competencies", "level", "minutes"):
        assert f"{path}:1: verplicht veld '{name}' ontbreekt" in output
