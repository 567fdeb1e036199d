"""`flask norms evaluate` (CONTRACT section 8): the issue's cases, through the command, on the real norms file."""
import json

import pytest

from app.extensions import db
from app.norms.loader import TWENTE_NORMS, load_norms, read_norms_file
from tests import factories


@pytest.fixture
def twente(app):
    region = factories.region("twente")
    load_norms(region, read_norms_file(TWENTE_NORMS), [2026, 2027])
    db.session.commit()
    return region


def run(runner, tmp_path, case, name="case.json"):
    path = tmp_path / name
    path.write_text(json.dumps(case) if not isinstance(case, str) else case, encoding="utf-8")
    return runner.invoke(args=["norms", "evaluate", str(path)])


def evaluate(runner, tmp_path, today, *people, **extra):
    result = run(runner, tmp_path, {"region": "twente", "today": today, "people": list(people), **extra})
    assert result.exit_code == 0, result.output
    found = {}
    for person in json.loads(result.output)["people"]:
        for row in person["norms"]:
            found[person["id"], row["function"], row["kind"]] = row
    return found


def test_contract_example_briefing_across_new_year(runner, tmp_path, twente):
    rows = evaluate(runner, tmp_path, "2027-01-04", {
        "id": "x1", "functions": ["OL"], "since": "2019-03-01",
        "duty": [{"start": "2026-05-04", "end": "2026-05-10"}],
        "evidence": [{"kind": "ops_briefing", "date": "2026-12-03"}, {"kind": "icr", "date": "2012-05-01"}],
        "plan_competencies": {"2027": ["leiderschap"]},
        "planned": [{"kind": "multi_exercise", "date": "2027-03-11"}]}, {
        "id": "x2", "functions": ["OL"], "evidence": [{"kind": "ops_briefing", "date": "2026-12-17"}]})
    briefing = rows["x1", "OL", "ops_briefing"]
    assert {k: briefing[k] for k in ("status", "done", "required", "due")} == {
        "status": "at_risk", "done": 1, "required": 1, "due": "2027-01-07"}
    assert rows["x2", "OL", "ops_briefing"]["status"] == "done"      # the December briefing counts in January
    assert rows["x2", "OL", "ops_briefing"]["due"] == "2027-01-21"
    assert rows["x1", "OL", "icr"]["status"] == "done"
    assert rows["x1", "OL", "competence"]["status"] == "done"
    assert rows["x1", "OL", "multi_exercise"]["status"] == "at_risk"  # a seat held is planned, never done
    assert rows["x1", "OL", "multi_exercise"]["done"] == 0


def test_piket_with_and_without_attendance(runner, tmp_path, twente):
    duty = [{"start": "2026-03-02", "end": "2026-03-08"}, {"start": "2026-05-04", "end": "2026-05-10"}]
    held = ["2026-03-05", "2026-05-07", "2026-06-11"]
    rows = evaluate(runner, tmp_path, "2026-06-15",
                    {"id": "went", "functions": ["OL"], "duty": duty,
                     "evidence": [{"kind": "ops_briefing", "date": "2026-03-05"},
                                  {"kind": "ops_briefing", "date": "2026-05-07"}]},
                    {"id": "missed", "functions": ["OL"], "duty": duty,
                     "evidence": [{"kind": "ops_briefing", "date": "2026-03-05"}]},
                    {"id": "roster only", "functions": ["OL"], "duty": duty},
                    region_briefings=held)
    # Five weeks after 7 May the 5-week rule would say behind; the duty rule asks one per duty period.
    assert rows["went", "OL", "ops_briefing"]["status"] == "done"
    assert rows["missed", "OL", "ops_briefing"]["status"] == "behind"
    assert "4 mei 2026 tot en met 10 mei 2026" in rows["missed", "OL", "ops_briefing"]["text"]
    assert rows["roster only", "OL", "ops_briefing"]["status"] == "behind"   # the roster is not attendance
    # A duty period in which the region held no briefing at all is skipped.
    rows = evaluate(runner, tmp_path, "2026-06-15",
                    {"id": "missed", "functions": ["OL"], "duty": duty,
                     "evidence": [{"kind": "ops_briefing", "date": "2026-03-05"}]},
                    region_briefings=["2026-03-05", "2026-06-11"])
    assert rows["missed", "OL", "ops_briefing"]["status"] == "done"


def test_ba_briefing_is_every_five_weeks_even_with_duty(runner, tmp_path, twente):
    rows = evaluate(runner, tmp_path, "2026-06-15", {
        "id": "ba", "functions": ["BA"], "duty": [{"start": "2026-05-04", "end": "2026-05-10"}],
        "evidence": [{"kind": "ops_briefing", "date": "2026-05-07"}]})
    assert rows["ba", "BA", "ops_briefing"]["status"] == "behind"
    assert rows["ba", "BA", "ops_briefing"]["due"] == "2026-06-11"


def test_masterclass_fifteen_months_ago_is_not_behind(runner, tmp_path, twente):
    rows = evaluate(runner, tmp_path, "2027-01-04", {
        "id": "bgm", "functions": ["BGM"], "evidence": [{"kind": "masterclass", "date": "2025-10-02"}]})
    masterclass = rows["bgm", "BGM", "masterclass"]
    assert (masterclass["status"], masterclass["due"]) == ("done", "2027-10-02")
    assert rows["bgm", "BGM", "council_training"]["status"] == "info"


def test_newcomer(runner, tmp_path, twente):
    rows = evaluate(runner, tmp_path, "2026-12-20", {"id": "new", "functions": ["OL"], "since": "2026-12-01"},
                    {"id": "old", "functions": ["OL"]})
    assert rows["new", "OL", "ops_briefing"]["status"] == "at_risk"          # 5 weeks from 1 December
    assert rows["new", "OL", "ops_briefing"]["due"] == "2027-01-05"
    assert rows["new", "OL", "multi_exercise"]["required"] == 1              # 2 x 31/365, rounded up
    assert rows["new", "OL", "multi_exercise"]["status"] == "at_risk"
    assert rows["new", "OL", "icr"]["status"] == "behind"                    # once: the entry requirement
    assert rows["old", "OL", "ops_briefing"]["status"] == "behind"
    assert rows["old", "OL", "multi_exercise"]["status"] == "behind"
    rows = evaluate(runner, tmp_path, "2027-01-06", {"id": "new", "functions": ["OL"], "since": "2026-12-01"})
    assert rows["new", "OL", "ops_briefing"]["status"] == "behind"


def test_caco_table_exercises_are_informational(runner, tmp_path, twente):
    rows = evaluate(runner, tmp_path, "2026-03-01", {"id": "caco", "functions": ["CACO"]})
    table = rows["caco", "CACO", "table_exercise_4h"]
    assert (table["status"], table["done"], table["required"]) == ("info", 0, 7)
    assert "regel van de regio" in table["text"]


@pytest.mark.parametrize("case,message", [
    ("{not json", "case.json:1:2: ongeldige JSON"),
    ({"region": "twente", "people": [{"functions": ["XX"]}]}, "onbekende functie 'XX'"),
    ({"region": "twente", "people": [{"functions": ["OL"], "evidence": [{"kind": "yoga", "date": "2026-01-01"}]}]},
     "onbekende soort 'yoga'"),
    ({"region": "twente", "today": "4-1-2027", "people": []}, "today: ongeldige datum '4-1-2027'"),
    ({"region": "nergens", "people": []}, "onbekende regio 'nergens'"),
])
def test_invalid_input_is_one_line_and_exit_2(runner, tmp_path, twente, case, message):
    result = run(runner, tmp_path, case)
    assert result.exit_code == 2
    assert message in result.output and len(result.output.strip().splitlines()) == 1
