"""Hand-made allocation instances with results worked out on paper."""
import pytest

from app.allocation import lottery, solve


def act(id, kind=None, seats=None, date=None, competencies=()):
    return {"id": id, "date": date, "kind": kind or f"k-{id}",
            "competencies": list(competencies), "seats": seats or {"OL": 1}}


def person(id, requests, function="OL", limit=1, deficit=None, plan=()):
    return {"id": id, "function": function, "limit": limit, "deficit": deficit or {},
            "plan_competencies": list(plan), "requests": list(requests)}


def prio(deficit, match, ticket):
    return {"plan_match": match, "deficit": deficit, "lottery": ticket}


def pairs(result):
    return {(a["person"], a["activity"]) for a in result["assignments"]}


def ids_in_lottery_order(seed, n, prefix="P"):
    return sorted((f"{prefix}{i}" for i in range(n)), key=lambda pid: lottery(seed, pid))


def test_textbook_da_with_rejection_chain_is_not_pareto_but_stable():
    # Abdulkadiroglu & Sonmez (2003) style: i1 and i2 would both gain by swapping, yet DA
    # must give i1-s1, i2-s2, i3-s3 because i3 has higher priority than i2 at s1.
    # Priorities are set through deficits: one activity kind per activity.
    inst = {"seed": "x", "activities": [act("s1"), act("s2"), act("s3")], "people": [
        person("i1", ["s2", "s1", "s3"], deficit={"k-s1": 2, "k-s2": 1}),
        person("i2", ["s1", "s2", "s3"], deficit={"k-s2": 2}),
        person("i3", ["s1", "s2", "s3"], deficit={"k-s1": 1}),
    ]}
    assert pairs(solve(inst)) == {("i1", "s1"), ("i2", "s2"), ("i3", "s3")}


def test_rejection_chain_leaves_lowest_unassigned_with_explanations():
    # X: c > a > b, Y: a > b > c, one seat each. Round by round: a,b->X (b out), c->Y,
    # b->Y (c out), c->X (a out), a->Y (b out); b has nothing left.
    inst = {"seed": "x", "activities": [act("X"), act("Y")], "people": [
        person("a", ["X", "Y"], deficit={"k-X": 1, "k-Y": 2}),
        person("b", ["X", "Y"], deficit={"k-Y": 1}),
        person("c", ["Y", "X"], deficit={"k-X": 2}),
    ]}
    result = solve(inst)
    assert result["assignments"] == [{"person": "c", "activity": "X", "function": "OL"},
                                     {"person": "a", "activity": "Y", "function": "OL"}]
    assert result["unassigned"] == ["b"]
    assert result["waitlists"] == {"X/OL": ["a", "b"], "Y/OL": ["b", "c"]}
    t = {p: lottery("x", p) for p in "abc"}
    assert result["explanations"]["b"] == [
        {"activity": "X", "rank": 1, "rule": "norm", "your_priority": prio(0, False, t["b"]),
         "cutoff": prio(2, False, t["c"]), "waitlist_position": 2, "reason": "priority"},
        {"activity": "Y", "rank": 2, "rule": "norm", "your_priority": prio(1, False, t["b"]),
         "cutoff": prio(2, False, t["a"]), "waitlist_position": 1, "reason": "priority"},
    ]
    # a got its second choice, so its first choice is explained; c got its... second too.
    assert [e["activity"] for e in result["explanations"]["a"]] == ["X"]
    assert [e["activity"] for e in result["explanations"]["c"]] == ["Y"]
    assert result["explanations"]["c"][0]["cutoff"] == prio(2, False, t["a"])


def test_contract_example_shape():
    inst = {"seed": "voorjaar-2027", "activities": [
        {"id": "A1", "date": "2027-03-11", "kind": "multi_exercise",
         "competencies": ["leiderschap"], "seats": {"OL": 2, "BA": 1}}],
        "people": [{"id": "P1", "function": "OL", "limit": 1, "deficit": {"multi_exercise": 2},
                    "plan_competencies": ["leiderschap"], "requests": ["A1"]}]}
    assert solve(inst) == {"assignments": [{"person": "P1", "activity": "A1", "function": "OL"}],
                           "waitlists": {"A1/BA": [], "A1/OL": []},
                           "unassigned": [], "explanations": {}}


def test_deficit_of_the_activity_kind_beats_match_and_lottery():
    first, second = ids_in_lottery_order("s", 2)
    inst = {"seed": "s", "activities": [act("A", kind="multi_exercise", competencies=["nafase"])],
            "people": [person(first, ["A"], plan=["nafase"], deficit={"knowledge_day": 5}),
                       person(second, ["A"], deficit={"multi_exercise": 1})]}
    result = solve(inst)
    assert pairs(result) == {(second, "A")}
    [entry] = result["explanations"][first]
    assert entry["rule"] == "norm"
    assert (entry["your_priority"]["deficit"], entry["your_priority"]["plan_match"]) == (0, True)
    assert (entry["cutoff"]["deficit"], entry["cutoff"]["plan_match"]) == (1, False)


def test_plan_rule_puts_plan_match_before_deficit():
    # The case: two people chose crisisdiagnose, a third has a knowledge-day deficit
    # and no plan match; one seat on a plan-rule training goes to a plan match.
    order = ids_in_lottery_order("s", 3)
    training = dict(act("T", kind="knowledge_day", competencies=["crisisdiagnose"]), priority="plan")
    inst = {"seed": "s", "activities": [training], "people": [
        person(order[0], ["T"], deficit={"knowledge_day": 3}),
        person(order[1], ["T"], plan=["crisisdiagnose"]),
        person(order[2], ["T"], plan=["crisisdiagnose"], deficit={"knowledge_day": 1})]}
    result = solve(inst)
    assert pairs(result) == {(order[2], "T")}
    assert result["waitlists"]["T/OL"] == [order[1], order[0]]
    [entry] = result["explanations"][order[0]]
    assert entry["rule"] == "plan"
    assert entry["your_priority"] == prio(3, False, lottery("s", order[0]))
    assert entry["cutoff"] == prio(1, True, lottery("s", order[2]))
    # The same activity under the norm rule: the deficit wins.
    inst["activities"][0]["priority"] = "norm"
    assert pairs(solve(inst)) == {(order[0], "T")}


@pytest.mark.parametrize("plan,level,match", [
    ({"crisisdiagnose": "gevorderd"}, "gevorderd", True),
    ({"crisisdiagnose": None}, "gevorderd", True),
    (["crisisdiagnose"], "gevorderd", True),
    ({"crisisdiagnose": "basis"}, "gevorderd", False),
    ({"crisisdiagnose": "basis"}, None, True),
    ({"leiderschap": "gevorderd"}, "gevorderd", False),
])
def test_plan_match_respects_the_activity_level(plan, level, match):
    training = dict(act("T", competencies=["crisisdiagnose"]), priority="plan", level=level)
    inst = {"seed": "s", "activities": [training], "people": [
        dict(person("P1", ["T"]), plan_competencies=plan), person("P2", ["T"], deficit={"k-T": 1})]}
    result = solve(inst)
    winner, loser = ("P1", "P2") if match else ("P2", "P1")
    assert pairs(result) == {(winner, "T")}
    assert result["explanations"][loser][0]["cutoff"]["plan_match"] is match


def test_competency_match_beats_lottery():
    first, second = ids_in_lottery_order("s", 2)
    inst = {"seed": "s", "activities": [act("A", competencies=["nafase", "leiderschap"])],
            "people": [person(first, ["A"], plan=["crisisdiagnose"]),
                       person(second, ["A"], plan=["leiderschap"])]}
    assert pairs(solve(inst)) == {(second, "A")}


def test_lottery_lower_hash_first_and_reproducible():
    order = ids_in_lottery_order("voorjaar", 5)
    inst = {"seed": "voorjaar", "activities": [act("A", seats={"OL": 2})],
            "people": [person(pid, ["A"]) for pid in reversed(order)]}
    result = solve(inst)
    assert [a["person"] for a in result["assignments"]] == order[:2]
    assert result["waitlists"]["A/OL"] == order[2:]
    assert solve(inst) == result


def test_different_seeds_can_give_different_results():
    inst = {"seed": "", "activities": [act("A")], "people": [person(f"P{i}", ["A"]) for i in range(8)]}
    winners = {next(iter(pairs(solve(dict(inst, seed=f"seed-{k}"))))) for k in range(20)}
    assert len(winners) > 1


def test_only_own_function_seats():
    inst = {"seed": "s", "activities": [act("A", seats={"BA": 3})],
            "people": [person("P1", ["A"], function="OL")]}
    result = solve(inst)
    assert result["assignments"] == []
    assert result["waitlists"] == {"A/BA": [], "A/OL": ["P1"]}
    [entry] = result["explanations"]["P1"]
    assert entry["reason"] == "no_seats_for_function" and entry["cutoff"] is None
    assert entry["waitlist_position"] == 1


def test_limit_two_with_date_clash_skips_and_explains():
    inst = {"seed": "s", "activities": [
        act("A", date="2027-01-07"), act("B", date="2027-01-07"), act("C", date="2027-02-04"),
        act("D", date="2027-03-04")],
        "people": [person("P1", ["A", "B", "C", "D"], limit=2)]}
    result = solve(inst)
    assert pairs(result) == {("P1", "A"), ("P1", "C")}
    # B is above the lowest granted request (C) and was unusable because of A's date.
    assert result["explanations"]["P1"] == [
        {"activity": "B", "rank": 2, "rule": "norm", "your_priority": prio(0, False, lottery("s", "P1")),
         "cutoff": None, "waitlist_position": 1, "reason": "date_clash", "clashes_with": "A"}]


def test_losing_a_seat_reopens_a_skipped_date():
    # P1 (limit 2) first holds A; B shares A's date so is skipped; then Q pushes P1 out of A,
    # and P1 must go back up its list and take B.
    inst = {"seed": "s", "activities": [
        act("A", date="2027-01-07"), act("B", date="2027-01-07"), act("C", date="2027-02-04")],
        "people": [person("P1", ["A", "B", "C"], limit=2),
                   person("Q", ["A"], deficit={"k-A": 1})]}
    result = solve(inst)
    assert pairs(result) == {("Q", "A"), ("P1", "B"), ("P1", "C")}
    assert result["explanations"]["P1"][0]["reason"] == "priority"


def test_limit_reason_when_full_with_better_requests():
    inst = {"seed": "s", "activities": [act("A"), act("B"), act("C")],
            "people": [person("P1", ["A", "B", "C"], limit=2), person("Q", ["A"], deficit={"k-A": 1})]}
    result = solve(inst)
    assert pairs(result) == {("Q", "A"), ("P1", "B"), ("P1", "C")}
    inst["people"][0]["requests"] = ["B", "C", "A"]
    result = solve(inst)
    # A is below both granted requests and P1 is at its limit: nothing to explain.
    assert "P1" not in result["explanations"]


def test_person_with_room_gets_every_missed_request_explained():
    inst = {"seed": "s", "activities": [act("A"), act("B")],
            "people": [person("P1", ["A", "B"], limit=2), person("Q", ["B"], deficit={"k-B": 1})]}
    result = solve(inst)
    assert pairs(result) == {("P1", "A"), ("Q", "B")}
    assert [e["activity"] for e in result["explanations"]["P1"]] == ["B"]


def test_unassigned_includes_people_without_requests():
    inst = {"seed": "s", "activities": [], "people": [person("P1", [])]}
    assert solve(inst) == {"assignments": [], "waitlists": {}, "unassigned": ["P1"],
                           "explanations": {"P1": []}}


def test_zero_seats_and_undated_activities():
    inst = {"seed": "s", "activities": [act("A", seats={"OL": 0}), act("B"), act("C")],
            "people": [person("P1", ["A", "B", "C"], limit=3)]}
    result = solve(inst)
    assert pairs(result) == {("P1", "B"), ("P1", "C")}
    assert result["waitlists"]["A/OL"] == ["P1"]
    assert result["explanations"]["P1"][0]["reason"] == "no_seats_for_function"


def test_assignments_sorted_by_activity_then_priority():
    order = ids_in_lottery_order("s", 4)
    inst = {"seed": "s", "activities": [act("Z", seats={"OL": 2, "BA": 2}), act("A", seats={"OL": 4})],
            "people": [person(order[3], ["Z"], function="BA"), person(order[2], ["A"]),
                       person(order[1], ["Z"]), person(order[0], ["Z"], function="BA")]}
    assert [(a["activity"], a["person"]) for a in solve(inst)["assignments"]] == [
        ("Z", order[0]), ("Z", order[1]), ("Z", order[3]), ("A", order[2])]


def test_solve_does_not_mutate_its_input():
    import copy
    inst = {"seed": "s", "activities": [act("A")], "people": [person("P1", ["A"])]}
    before = copy.deepcopy(inst)
    solve(inst)
    assert inst == before


@pytest.mark.parametrize("seed", ["", "voorjaar-2027", "ñ✓"])
def test_lottery_is_sha256_of_seed_colon_id(seed):
    import hashlib
    assert lottery(seed, "P1") == hashlib.sha256(f"{seed}:P1".encode()).hexdigest()


def test_solve_leaves_the_garbage_collector_as_it_found_it():
    import gc
    from app.allocation import InstanceError
    inst = {"seed": "s", "activities": [act("A")], "people": [person("P1", ["A"])]}
    solve(inst)
    assert gc.isenabled()
    with pytest.raises(InstanceError):
        solve({"seed": "s"})
    assert gc.isenabled()
    gc.disable()
    try:
        solve(inst)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_huge_deficit_is_a_number_like_any_other():
    # The contract bounds no deficit; the solver must not size anything by the largest one.
    inst = {"seed": "x", "activities": [act("A", kind="k"), dict(act("B", kind="k"), priority="plan")],
            "people": [person("P1", ["A", "B"], deficit={"k": 10**30}),
                       person("P2", ["A", "B"], deficit={"k": 3}),
                       person("P3", ["A", "B"])]}
    result = solve(inst)
    assert pairs(result) == {("P1", "A"), ("P2", "B")}
    assert result["explanations"]["P2"][0]["cutoff"]["deficit"] == 10**30
    assert result["explanations"]["P3"][1]["cutoff"] == prio(3, False, lottery("x", "P2"))
