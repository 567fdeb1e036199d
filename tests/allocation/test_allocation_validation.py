"""Every kind of invalid instance is refused with an InstanceError that names the problem."""
import ast
import copy
import pathlib
import sys

import pytest

from app.allocation import InstanceError, solve, validate


def good():
    return {"seed": "s",
            "activities": [{"id": "A1", "date": "2027-03-11", "kind": "multi_exercise",
                            "competencies": ["leiderschap"], "seats": {"OL": 2, "BA": 1}},
                           {"id": "A2", "kind": "ops_briefing", "seats": {"OL": 1}}],
            "people": [{"id": "P1", "function": "OL", "limit": 1, "deficit": {"multi_exercise": 2},
                        "plan_competencies": ["leiderschap"], "requests": ["A1", "A2"]},
                       {"id": "P2", "function": "BA", "requests": ["A1"]}]}


def change(path, value, delete=False):
    def apply(inst):
        *parents, last = path
        target = inst
        for key in parents:
            target = target[key]
        if delete:
            del target[last]
        else:
            target[last] = value
        return inst
    return apply


CASES = [
    ("not an object", lambda i: [i], "instance: must be an object, got array"),
    ("missing seed", change(["seed"], None, delete=True), "missing required field 'seed'"),
    ("seed not a string", change(["seed"], 7), "seed: must be a string, got number"),
    ("activities not a list", change(["activities"], {}), "activities: must be an array"),
    ("people missing", change(["people"], None, delete=True), "missing required field 'people'"),
    ("activity not an object", change(["activities", 1], "A2"), "activities[1]: must be an object"),
    ("activity without id", change(["activities", 0, "id"], None, delete=True),
     "activities[0]: missing required field 'id'"),
    ("empty activity id", change(["activities", 0, "id"], " "), "activities[0].id: must be a non-empty string"),
    ("duplicate activity id", change(["activities", 1, "id"], "A1"),
     "activities[1].id: duplicate activity id 'A1' (also activities[0])"),
    ("missing kind", change(["activities", 0, "kind"], None, delete=True), "missing required field 'kind'"),
    ("bad date format", change(["activities", 0, "date"], "11-03-2027"), "activities[0].date: must be a date"),
    ("compact iso date", change(["activities", 0, "date"], "20270311"), "activities[0].date"),
    ("impossible date", change(["activities", 0, "date"], "2027-02-30"), "not a valid calendar date"),
    ("date not a string", change(["activities", 0, "date"], 20270311), "activities[0].date"),
    ("negative seats", change(["activities", 0, "seats", "OL"], -1),
     "activities[0].seats.OL: must be non-negative, got -1"),
    ("fractional seats", change(["activities", 0, "seats", "OL"], 1.5),
     "activities[0].seats.OL: must be an integer, got 1.5"),
    ("boolean seats", change(["activities", 0, "seats", "OL"], True), "activities[0].seats.OL: must be an integer"),
    ("seats not an object", change(["activities", 0, "seats"], [2]), "activities[0].seats: must be an object"),
    ("competencies not a list", change(["activities", 0, "competencies"], "leiderschap"),
     "activities[0].competencies: must be an array"),
    ("person without function", change(["people", 1, "function"], None, delete=True),
     "people[1]: missing required field 'function'"),
    ("duplicate person id", change(["people", 1, "id"], "P1"),
     "people[1].id: duplicate person id 'P1' (also people[0])"),
    ("unknown activity", change(["people", 0, "requests", 1], "A9"),
     "people[0].requests[1]: unknown activity 'A9'"),
    ("duplicate request", change(["people", 0, "requests"], ["A1", "A2", "A1"]),
     "people[0].requests[2]: activity 'A1' requested twice (also requests[0])"),
    ("requests not a list", change(["people", 0, "requests"], "A1"), "people[0].requests: must be an array"),
    ("limit zero", change(["people", 0, "limit"], 0), "people[0].limit: must be at least 1, got 0"),
    ("limit not an int", change(["people", 0, "limit"], "2"), "people[0].limit: must be an integer"),
    ("negative deficit", change(["people", 0, "deficit", "multi_exercise"], -2),
     "people[0].deficit.multi_exercise: must be non-negative, got -2"),
    ("fractional deficit", change(["people", 0, "deficit", "multi_exercise"], 0.5),
     "people[0].deficit.multi_exercise: must be an integer"),
    ("plan competency not a string", change(["people", 0, "plan_competencies"], [3]),
     "people[0].plan_competencies[0]: must be a non-empty string"),
    ("unknown priority rule", change(["activities", 0, "priority"], "deficit"),
     'activities[0].priority: must be one of "plan", "norm", got \'deficit\''),
    ("priority rule null", change(["activities", 0, "priority"], None), "activities[0].priority: must be one of"),
    ("unknown level", change(["activities", 0, "level"], "expert"), "activities[0].level: must be one of"),
    ("plan level unknown", change(["people", 0, "plan_competencies"], {"leiderschap": "hoog"}),
     "people[0].plan_competencies.leiderschap: must be one of"),
    ("plan level not a string", change(["people", 0, "plan_competencies"], {"leiderschap": 2}),
     "people[0].plan_competencies.leiderschap: must be one of"),
]


@pytest.mark.parametrize("name,mutate,message", CASES, ids=[c[0] for c in CASES])
def test_invalid_instances_are_refused_with_a_named_problem(name, mutate, message):
    inst = mutate(good())
    with pytest.raises(InstanceError) as caught:
        validate(inst)
    assert message in str(caught.value)
    # solve() checks the people while reading them and names the same first problem.
    with pytest.raises(InstanceError) as caught:
        solve(inst)
    assert message in str(caught.value)


def test_instance_error_is_a_value_error():
    assert issubclass(InstanceError, ValueError)


def test_valid_instance_and_optional_fields():
    validate(good())
    minimal = {"seed": "", "activities": [{"id": "A", "kind": "k", "seats": {}}],
               "people": [{"id": "P", "function": "OL"}]}
    validate(minimal)
    # Unknown extra fields are allowed so that callers can carry names or notes along.
    extended = copy.deepcopy(good())
    extended["activities"][0]["title"] = "Oefening"
    extended["people"][0]["name"] = "Jan"
    validate(extended)
    # Everything validate() accepts, solve() accepts too (it checks the people itself).
    levelled = copy.deepcopy(good())
    levelled["people"][0]["plan_competencies"] = {"leiderschap": "basis", "nafase": None}
    levelled["people"][1].update(deficit={}, plan_competencies=[], limit=2)
    for inst in (good(), minimal, extended, levelled):
        solve(inst)


def test_allocation_imports_only_the_standard_library():
    package = pathlib.Path(__file__).resolve().parents[2] / "app" / "allocation"
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert top in sys.stdlib_module_names or top == "__future__", f"{path.name} imports {name}"
