"""GIFT import and export: every supported construct, unsupported ones by line, a round trip."""
from pathlib import Path

import yaml

from app.quizzes.gift import parse_gift, to_gift
from app.quizzes.loader import load_dir

DATA = Path(__file__).parent / "data"


def test_sample_with_every_supported_construct():
    questions, problems = parse_gift((DATA / "sample.gift").read_text(encoding="utf-8"))
    assert problems == []
    by_id = {q["id"]: q for q in questions}
    assert list(by_id) == ["eerste-doel", "vragen", "q3", "onwaar", "briefing", "q6", "tekens"]
    first = by_id["eerste-doel"]
    assert first["type"] == "single" and first["text"] == "Wat is het eerste doel van een **crisisdiagnose**?"
    assert first["options"][0] == {"text": "Thema's en betrokkenen bepalen", "correct": True,
                                   "feedback": "Klopt, dat bepaalt de agenda."}
    assert first["options"][2] == {"text": "Meldingen tellen", "correct": False}
    assert first["explanation"] == "De diagnose vertelt wat er op het spel staat."
    weights = by_id["vragen"]
    assert weights["type"] == "multiple" and [o["correct"] for o in weights["options"]] == [True, True, False]
    assert by_id["q3"] == {"id": "q3", "type": "truefalse", "text": "Bij GRIP 2 is een ROT actief.", "answer": True,
                           "feedback_right": "Klopt.", "feedback_wrong": "Toch wel: bij GRIP 2 komt het ROT bijeen."}
    assert by_id["onwaar"]["answer"] is False
    assert by_id["briefing"] == {"id": "briefing", "type": "numeric",
                                 "text": "Hoeveel weken mag er tussen twee briefings zitten?", "answer": 5,
                                 "tolerance": 0.5, "feedback_right": "Vijf weken, of eerder bij piket."}
    assert (by_id["q6"]["answer"], by_id["q6"]["tolerance"]) == (4, 1)
    escaped = by_id["tekens"]
    assert escaped["text"] == "Wat betekent 1 = 1 ~ ongeveer, met # en {accolades} en een dubbele punt: hier?"
    assert escaped["options"][0] == {"text": "Een test = gelukt", "correct": True, "feedback": "Feedback met # teken"}


def test_unsupported_constructs_are_reported_by_line():
    questions, problems = parse_gift((DATA / "unsupported.gift").read_text(encoding="utf-8"))
    assert [q["text"] for q in questions] == ["Goede vraag.", "Koppel de functies.", "Wie leidt het ROT?"]
    assert problems == [
        (11, "open vraag (essay, {}) wordt niet ondersteund"),
        (13, "een beschrijving zonder antwoorden (geen {…}) wordt niet ondersteund"),
    ]


def test_matching_and_short_answer_become_match_and_text():
    questions, _problems = parse_gift((DATA / "unsupported.gift").read_text(encoding="utf-8"))
    assert questions[1] == {"id": "koppel", "type": "match", "text": "Koppel de functies.",
                            "pairs": [{"left": "OL", "right": "Operationeel Leider"},
                                      {"left": "BA", "right": "Bestuursadviseur"}]}
    assert questions[2] == {"id": "q3", "type": "text", "text": "Wie leidt het ROT?",
                            "accept": ["de OL", "operationeel leider"]}


def test_import_command_writes_a_valid_quiz(app, runner, tmp_path):
    app.config["QUIZ_DIR"] = str(tmp_path)
    result = runner.invoke(args=["content", "import-gift", str(DATA / "sample.gift"), "--slug", "voorbeeld",
                                 "--title", "Voorbeeld uit Moodle"])
    assert result.exit_code == 0, result.output
    assert "7 vragen geschreven" in result.output
    quiz = load_dir(tmp_path).quizzes["voorbeeld"]
    assert quiz.title == "Voorbeeld uit Moodle" and len(quiz.questions) == 7
    again = runner.invoke(args=["content", "import-gift", str(DATA / "sample.gift"), "--slug", "voorbeeld"])
    assert again.exit_code == 1 and "bestaat al" in again.output


def test_import_command_refuses_unsupported_and_writes_nothing(app, runner, tmp_path):
    tmp_path = tmp_path / "quizzes"
    tmp_path.mkdir()
    app.config["QUIZ_DIR"] = str(tmp_path)
    result = runner.invoke(args=["content", "import-gift", str(DATA / "unsupported.gift")])
    assert result.exit_code == 1
    assert f"{DATA / 'unsupported.gift'}:11: open vraag (essay, {{}}) wordt niet ondersteund" in result.output
    assert "unsupported.gift:13:" in result.output
    assert list(tmp_path.iterdir()) == []


def test_round_trip_gift_yaml_gift(app, runner, tmp_path):
    """GIFT → YAML → GIFT → YAML gives the same quiz."""
    app.config["QUIZ_DIR"] = str(tmp_path)
    assert runner.invoke(args=["content", "import-gift", str(DATA / "sample.gift"), "--slug", "rond"]).exit_code == 0
    first = yaml.safe_load((tmp_path / "rond.yaml").read_text(encoding="utf-8"))
    exported = tmp_path / "rond.gift"
    result = runner.invoke(args=["content", "export-gift", "rond", "-o", str(exported)])
    assert result.exit_code == 0 and "7 vragen geschreven" in result.output
    (tmp_path / "rond.yaml").unlink()
    assert runner.invoke(args=["content", "import-gift", str(exported), "--slug", "rond"]).exit_code == 0
    second = yaml.safe_load((tmp_path / "rond.yaml").read_text(encoding="utf-8"))
    assert second["questions"] == first["questions"]


def test_round_trip_yaml_gift_yaml_keeps_every_field(quiz_dir):
    """A Paraat quiz (without its order question) survives export and import unchanged."""
    quiz = load_dir(quiz_dir).quizzes["alle-typen"]
    text, warnings = to_gift(quiz)
    assert warnings == ["vraag o1: een volgordevraag bestaat niet in GIFT; niet geëxporteerd"]
    questions, problems = parse_gift(text)
    assert problems == []
    original = yaml.safe_load((quiz_dir / "alle-typen.yaml").read_text(encoding="utf-8"))["questions"][:-1]
    for question in original:
        for option in question.get("options", []):
            option.setdefault("correct", False)
    assert questions == original


def test_export_of_unknown_quiz_fails(app, runner, quiz_dir):
    result = runner.invoke(args=["content", "export-gift", "bestaat-niet"])
    assert result.exit_code == 1 and "bestaat niet" in result.output
    printed = runner.invoke(args=["content", "export-gift", "alle-typen"])
    assert printed.exit_code == 0 and "::s1::[markdown]" in printed.output and "~%50%" in printed.output


def test_match_and_text_survive_a_gift_round_trip(tmp_path):
    import shutil
    shutil.copy(DATA / "typen-nieuw.yaml", tmp_path / "typen-nieuw.yaml")
    quiz = load_dir(tmp_path).quizzes["typen-nieuw"]
    text, warnings = to_gift(quiz)
    questions, problems = parse_gift(text)
    assert problems == [] and warnings == []
    k1, w1 = questions
    assert [(p["left"], p["right"]) for p in k1["pairs"]] == list(quiz.question("k1").pairs)
    assert w1["type"] == "text" and w1["accept"] == list(quiz.question("w1").accept)


def test_moodle_format_markers_are_dropped_and_numeric_catch_all_feedback_is_kept():
    questions, problems = parse_gift((DATA / "moodle-style.gift").read_text(encoding="utf-8"))
    colour, distance = questions
    assert colour["text"] == "Welke kleur heeft de lucht?"
    assert colour["options"] == [{"text": "blue", "correct": True, "feedback": "right, <b>good</b>"},
                                 {"text": "wrong, green", "correct": False, "feedback": "not green"}]
    assert distance == {"id": "afstand", "type": "numeric", "text": "Hoeveel kilometer?", "answer": 3,
                        "tolerance": 2, "feedback_wrong": "Dat valt buiten de marge."}
    assert problems == [(9, "open vraag (essay, {}) wordt niet ondersteund")]


def test_skip_unsupported_writes_the_rest_and_names_each_skipped_question(app, runner, tmp_path):
    app.config["QUIZ_DIR"] = str(tmp_path)
    refused = runner.invoke(args=["content", "import-gift", str(DATA / "moodle-style.gift"), "--slug", "m"])
    assert refused.exit_code == 1 and "Niets geschreven" in refused.output and not (tmp_path / "m.yaml").exists()
    result = runner.invoke(args=["content", "import-gift", str(DATA / "moodle-style.gift"), "--slug", "m",
                                 "--skip-unsupported"])
    assert result.exit_code == 0, result.output
    assert "moodle-style.gift:9: overgeslagen: open vraag (essay, {}) wordt niet ondersteund" in result.output
    assert "2 vragen geschreven" in result.output and "1 overgeslagen" in result.output
    quiz = load_dir(tmp_path).quizzes["m"]
    assert quiz.question("afstand").feedback_wrong == "Dat valt buiten de marge."
    text, warnings = to_gift(quiz)
    assert "{#3:2~#Dat valt buiten de marge.}" in text.replace("\n", "") and warnings == []
