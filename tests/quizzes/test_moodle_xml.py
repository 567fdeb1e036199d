"""Moodle XML import and export: files in the shape Moodle writes them, broken ones, a round trip."""
import dataclasses
import shutil
from pathlib import Path

import pytest

from app.quizzes.loader import load_dir
from app.quizzes.moodle_xml import parse_moodle_xml, to_moodle_xml

DATA = Path(__file__).parent / "data"
REPO_QUIZZES = Path(__file__).resolve().parents[2] / "quizzes"


def test_a_moodle_export_with_every_supported_type():
    converted = parse_moodle_xml((DATA / "moodle-export.xml").read_bytes(), "uit-moodle")
    assert converted.problems == [] and converted.title == "Crisisbeheersing oefenen"
    rot, diagnose, grip, briefings, teams, system = converted.questions
    assert rot["id"] == "wie-leidt-het-rot" and rot["type"] == "single"
    assert rot["text"] == ('Wie leidt het <strong>ROT</strong>? '
                           '<img src="/quizzes/media/uit-moodle/rot.png" alt="ROT" />')
    assert rot["options"][0] == {"text": "De Operationeel Leider", "correct": True,
                                 "feedback": "Klopt, de OL leidt het ROT."}
    assert rot["hints"] == ["Denk aan de operationele aanpak."]
    assert rot["explanation"] == "De Operationeel Leider leidt het ROT."
    assert converted.files["rot.png"].startswith(b"\x89PNG")
    assert diagnose["type"] == "multiple" and [o["correct"] for o in diagnose["options"]] == [True, True, True, False]
    assert grip == {"id": "grip-2", "type": "truefalse", "text": "Bij GRIP 2 is een ROT actief.", "answer": True,
                    "feedback_right": "Klopt.", "feedback_wrong": "Toch wel."}
    assert briefings == {"id": "briefings", "type": "numeric", "text": "Hoeveel weken mag er tussen twee briefings zitten?",
                         "answer": 5, "tolerance": 0.5, "feedback_right": "Vijf.",
                         "feedback_wrong": "Kijk in het beleidsplan."}
    assert teams["pairs"] == [{"left": "GRIP 1", "right": "CoPI"}, {"left": "GRIP 2", "right": "ROT"}]
    assert system["accept"] == ["LCMS", "Landelijk Crisismanagementsysteem"]


@pytest.mark.parametrize("xml, message", [
    (b"<quiz><question type='essay'><name><text>Reflectie</text></name></question></quiz>",
     "vraag 'Reflectie': type 'essay' wordt niet ondersteund"),
    (b"<quiz><question type='multianswer'><name><text>Cloze</text></name></question></quiz>",
     "vraag 'Cloze': type 'multianswer' wordt niet ondersteund"),
    (b"<quiz><question type='multichoice'><name><text>Half", "geen geldige Moodle XML"),
    (b"<toets/>", "het bestand begint niet met <quiz>"),
    (b"<!DOCTYPE quiz [<!ENTITY a 'aaaa'><!ENTITY b '&a;&a;'>]><quiz>&b;</quiz>", "geen geldige Moodle XML"),
    (b"<quiz><question type='multichoice'><name><text>X</text></name><questiontext><text>T</text>"
     b"<file name='x.svg' encoding='base64'>PHN2Zy8+</file></questiontext></question></quiz>",
     "vraag 'X': bestand 'x.svg' is geen afbeelding"),
    (b"<quiz><question type='multichoice'><name><text>X</text></name><questiontext><text>T</text>"
     b"<file name='x.png' encoding='base64'>niet base64!</file></questiontext></question></quiz>",
     "vraag 'X': bestand 'x.png' is geen geldige base64"),
    (b"<quiz><question type='truefalse'><name><text>X</text></name><questiontext><text>T</text></questiontext>"
     b"<answer fraction='honderd'><text>true</text></answer></question></quiz>", "fraction 'honderd' is geen getal"),
])
def test_broken_and_unsupported_files_are_named(xml, message):
    problems = parse_moodle_xml(xml, "x").problems
    assert any(message in p for p in problems), problems


def test_import_refuses_and_writes_nothing_then_force_overwrites(app, runner, tmp_path):
    app.config["QUIZ_DIR"] = str(tmp_path)
    broken = tmp_path / "kapot.xml"
    broken.write_bytes((DATA / "moodle-export.xml").read_bytes().replace(
        b"</quiz>", b"<question type='essay'><name><text>Open vraag</text></name></question></quiz>"))
    result = runner.invoke(args=["content", "import-moodle-xml", str(broken), "--slug", "m"])
    assert result.exit_code == 1 and "vraag 'Open vraag': type 'essay' wordt niet ondersteund" in result.output
    assert "Niets geschreven" in result.output and not list(tmp_path.glob("*.yaml"))
    ok = runner.invoke(args=["content", "import-moodle-xml", str(DATA / "moodle-export.xml"), "--slug", "m"])
    assert ok.exit_code == 0, ok.output
    quiz = load_dir(tmp_path).quizzes["m"]
    assert quiz.title == "Crisisbeheersing oefenen" and len(quiz.questions) == 6
    assert (tmp_path / "m" / "rot.png").read_bytes().startswith(b"\x89PNG")
    again = runner.invoke(args=["content", "import-moodle-xml", str(DATA / "moodle-export.xml"), "--slug", "m"])
    assert again.exit_code == 1 and "bestaat al" in again.output
    forced = runner.invoke(args=["content", "import-moodle-xml", str(DATA / "moodle-export.xml"), "--slug", "m",
                                 "--force"])
    assert forced.exit_code == 0


def _without_lines(quiz):
    return [dataclasses.replace(q, line=0) for q in quiz.questions]


@pytest.mark.parametrize("slug", ["interactief-beeld-delen", "interactief-grip-rollen", "interactief-crisisdiagnose"])
def test_round_trip_of_a_demo_quiz_is_identical(app, runner, tmp_path, slug):
    source, target = tmp_path / "bron", tmp_path / "doel"
    source.mkdir()
    shutil.copy(REPO_QUIZZES / f"{slug}.yaml", source)
    app.config["QUIZ_DIR"] = str(source)
    exported = tmp_path / "export.xml"
    result = runner.invoke(args=["content", "export-moodle-xml", slug, "-o", str(exported)])
    assert result.exit_code == 0, result.output
    assert "<![CDATA[" in exported.read_text(encoding="utf-8")
    app.config["QUIZ_DIR"] = str(target)
    result = runner.invoke(args=["content", "import-moodle-xml", str(exported), "--slug", slug])
    assert result.exit_code == 0, result.output
    before, after = load_dir(source).quizzes[slug], load_dir(target).quizzes[slug]
    assert after.title == before.title and _without_lines(after) == _without_lines(before)


def test_order_questions_are_left_out_of_the_export_with_a_warning(quiz_dir):
    quiz = load_dir(quiz_dir).quizzes["alle-typen"]
    text, warnings = to_moodle_xml(quiz)
    assert warnings == ["vraag o1: een volgordevraag bestaat niet in Moodle XML; niet geëxporteerd"]
    converted = parse_moodle_xml(text.encode(), "alle-typen")
    assert [q["id"] for q in converted.questions] == ["s1", "m1", "t1", "n1"]


def test_imported_images_are_served_to_signed_in_people_only(app, client, auth, runner, quiz_dir):
    from tests import factories
    assert runner.invoke(args=["content", "import-moodle-xml", str(DATA / "moodle-export.xml"),
                               "--slug", "uit-moodle"]).exit_code == 0
    assert "/login" in client.get("/quizzes/media/uit-moodle/rot.png").location
    factories.user(email="leerling@example.nl")
    auth.login("leerling@example.nl")
    image = client.get("/quizzes/media/uit-moodle/rot.png")
    assert image.status_code == 200 and image.mimetype == "image/png" and image.data.startswith(b"\x89PNG")
    assert client.get("/quizzes/media/uit-moodle/uit-moodle.yaml").status_code == 404
    assert client.get("/quizzes/media/uit-moodle/..%2Fuit-moodle.yaml").status_code == 404
    assert client.get("/quizzes/media/bestaat-niet/rot.png").status_code == 404
