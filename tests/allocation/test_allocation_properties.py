"""Invariants of solve() on random instances, and agreement with brute-force stable matchings."""
import hashlib
import itertools
import json
import random

import pytest

from app.allocation import solve

FUNCTIONS = ["OL", "BA", "CACO"]
KINDS = ["multi_exercise", "ops_briefing", "knowledge_day"]
COMPETENCIES = ["nafase", "leiderschap", "crisisdiagnose"]
DATES = ["2027-01-07", "2027-01-14", "2027-02-04", None]
LEVELS = ["basis", "gevorderd", None]


def random_plan(rng):
    codes = rng.sample(COMPETENCIES, rng.randint(0, 2))
    if rng.random() < 0.5:
        return codes
    return {c: rng.choice(LEVELS) for c in codes}


def random_instance(rng, n_people, n_acts, max_limit, functions=FUNCTIONS, max_requests=4):
    acts = [{"id": f"A{i}", "date": rng.choice(DATES), "kind": rng.choice(KINDS),
             "priority": rng.choice(["plan", "norm"]), "level": rng.choice(LEVELS),
             "competencies": rng.sample(COMPETENCIES, rng.randint(0, 2)),
             "seats": {f: rng.randint(0, 3) for f in rng.sample(functions, rng.randint(1, len(functions)))}}
            for i in range(n_acts)]
    people = [{"id": f"P{i}", "function": rng.choice(functions), "limit": rng.randint(1, max_limit),
               "deficit": {k: rng.randint(0, 2) for k in rng.sample(KINDS, rng.randint(0, 3))},
               "plan_competencies": random_plan(rng),
               "requests": [a["id"] for a in rng.sample(acts, rng.randint(0, min(max_requests, n_acts)))]}
              for i in range(n_people)]
    return {"seed": f"seed-{rng.random()}", "activities": acts, "people": people}


class Model:
    """An independent reading of the contract, used to judge solve()'s output."""

    def __init__(self, inst):
        self.inst = inst
        self.acts = {a["id"]: a for a in inst["activities"]}
        self.people = {p["id"]: p for p in inst["people"]}

    def seats(self, a, f):
        return self.acts[a]["seats"].get(f, 0)

    def match(self, p, a):
        plan, act = self.people[p].get("plan_competencies", []), self.acts[a]
        if isinstance(plan, list):
            plan = {c: None for c in plan}
        return any(c in plan and (act.get("level") is None or plan[c] is None or plan[c] == act["level"])
                   for c in act.get("competencies", []))

    def priority(self, p, a):
        """Contract priority object; `rank_key` turns it into a sort key, best first."""
        return {"plan_match": self.match(p, a),
                "deficit": self.people[p]["deficit"].get(self.acts[a]["kind"], 0),
                "lottery": hashlib.sha256((self.inst["seed"] + ":" + p).encode()).hexdigest()}

    def rank_key(self, p, a):
        pr = self.priority(p, a)
        if self.acts[a].get("priority", "norm") == "plan":
            return (not pr["plan_match"], -pr["deficit"], pr["lottery"])
        return (-pr["deficit"], not pr["plan_match"], pr["lottery"])

    def choose(self, p, offered):
        """What p keeps out of `offered`: best first, skip date clashes, stop at the limit."""
        person, kept, dates = self.people[p], [], set()
        for a in person["requests"]:
            if a in offered and len(kept) < person["limit"]:
                d = self.acts[a]["date"]
                if d is None or d not in dates:
                    kept.append(a)
                    dates.add(d)
        return set(kept)

    def stable(self, held):
        """held: person -> set of activities. Feasible and without justified envy."""
        holders = {}
        for p, acts in held.items():
            if self.choose(p, acts) != acts:
                return False
            for a in acts:
                holders.setdefault(a, []).append(p)
        for a, ps in holders.items():
            for f in {self.people[p]["function"] for p in ps}:
                if sum(self.people[p]["function"] == f for p in ps) > self.seats(a, f):
                    return False
        for p, person in self.people.items():
            f = person["function"]
            for a in person["requests"]:
                if a in held[p] or self.seats(a, f) == 0 or a not in self.choose(p, held[p] | {a}):
                    continue
                rivals = [q for q in holders.get(a, []) if self.people[q]["function"] == f]
                if len(rivals) < self.seats(a, f) or any(
                        self.rank_key(q, a) > self.rank_key(p, a) for q in rivals):
                    return False
        return True


def held_sets(inst, result):
    held = {p["id"]: set() for p in inst["people"]}
    for row in result["assignments"]:
        held[row["person"]].add(row["activity"])
    return held


def check_result(inst, result):
    m = Model(inst)
    held = held_sets(inst, result)
    rows = result["assignments"]
    assert len({(r["person"], r["activity"]) for r in rows}) == len(rows)
    for r in rows:
        person = m.people[r["person"]]
        assert r["function"] == person["function"]                       # own function only
        assert r["activity"] in person["requests"]                       # requests only
    for p, acts in held.items():
        assert len(acts) <= m.people[p]["limit"]                         # limit
        dates = [m.acts[a]["date"] for a in acts if m.acts[a]["date"]]
        assert len(dates) == len(set(dates))                             # one per date
    for a in m.acts:
        for f in FUNCTIONS:
            taken = sum(1 for r in rows if r["activity"] == a and r["function"] == f)
            assert taken <= m.seats(a, f)                                # capacity
    assert m.stable(held)                                                # no justified envy

    order = {a["id"]: i for i, a in enumerate(inst["activities"])}
    assert rows == sorted(rows, key=lambda r: (order[r["activity"]], m.rank_key(r["person"], r["activity"])))

    expected_lists = {}
    for p, person in m.people.items():
        for a in person["requests"]:
            if a not in held[p]:
                expected_lists.setdefault(f"{a}/{person['function']}", []).append(p)
    for key, lst in result["waitlists"].items():
        a = key.split("/")[0]
        assert lst == sorted(expected_lists.get(key, []), key=lambda p: m.rank_key(p, a))
    assert {k for k, v in expected_lists.items() if v} <= set(result["waitlists"])
    for a, act in m.acts.items():
        for f, n in act["seats"].items():
            assert n == 0 or f"{a}/{f}" in result["waitlists"]

    assert result["unassigned"] == [p for p in m.people if not held[p]]
    for p, person in m.people.items():
        reqs = person["requests"]
        if len(held[p]) < person["limit"]:
            due = [a for a in reqs if a not in held[p]]
        else:
            due = [a for a in reqs[:max(reqs.index(a) for a in held[p])] if a not in held[p]]
        entries = result["explanations"].get(p)
        if not held[p]:
            assert entries is not None
        assert [e["activity"] for e in entries or []] == due
        for e in entries or []:
            a, f = e["activity"], person["function"]
            assert e["your_priority"] == m.priority(p, a)
            assert e["rule"] == m.acts[a].get("priority", "norm")
            assert e["rank"] == reqs.index(a) + 1
            waitlist = result["waitlists"][f"{a}/{f}"]
            assert waitlist[e["waitlist_position"] - 1] == p
            rivals = [q for q in held if a in held[q] and m.people[q]["function"] == f]
            lowest = max(rivals, key=lambda q: m.rank_key(q, a), default=None)
            assert e["cutoff"] == (m.priority(lowest, a) if lowest else None)
            if e["reason"] == "no_seats_for_function":
                assert m.seats(a, f) == 0
            elif e["reason"] == "priority":
                # Full, and everyone holding a seat outranks this person.
                assert len(rivals) == m.seats(a, f)
                assert m.rank_key(lowest, a) < m.rank_key(p, a)
            else:
                # The limit never shows up here: a full person holds its best usable requests.
                assert e["reason"] == "date_clash"
                clash = e["clashes_with"]
                assert clash in held[p] and m.acts[clash]["date"] == m.acts[a]["date"]
                assert reqs.index(clash) < reqs.index(a)


def random_cases(count, seed, **kw):
    rng = random.Random(seed)
    for _ in range(count):
        yield random_instance(rng, rng.randint(0, 14), rng.randint(0, 7), **kw)


@pytest.mark.parametrize("max_limit", [1, 2, 3])
def test_invariants_on_random_instances(max_limit):
    for inst in random_cases(70, 1000 + max_limit, max_limit=max_limit):
        check_result(inst, solve(inst))


def test_invariants_on_crowded_instances():
    # Few activities on two dates and many people: long rejection chains and date clashes.
    rng = random.Random(7)
    for _ in range(40):
        inst = random_instance(rng, 40, 5, max_limit=3, functions=["OL", "BA"], max_requests=5)
        check_result(inst, solve(inst))


def test_processing_order_does_not_matter():
    rng = random.Random(11)
    for _ in range(60):
        inst = random_instance(rng, 15, 6, max_limit=3)
        shuffled = dict(inst, people=rng.sample(inst["people"], len(inst["people"])))
        key = lambda res: sorted((r["person"], r["activity"]) for r in res["assignments"])
        assert key(solve(inst)) == key(solve(shuffled))


def all_stable_matchings(inst):
    """Enumerate every feasible assignment (requests and own function only) and keep the stable ones."""
    m = Model(inst)
    options = []
    for person in inst["people"]:
        usable = [a for a in person["requests"] if m.seats(a, person["function"]) > 0]
        subsets = [set(c) for k in range(person["limit"] + 1) for c in itertools.combinations(usable, k)]
        options.append([s for s in subsets if m.choose(person["id"], s) == s])
    ids = [p["id"] for p in inst["people"]]
    for combo in itertools.product(*options):
        held = dict(zip(ids, combo))
        if m.stable(held):
            yield held


def contested_instance(rng, max_limit):
    """Tiny, one function, tight seats, and a private priority order per activity (one kind
    per activity, random deficits), so that several stable matchings are common."""
    acts = [{"id": f"A{i}", "date": rng.choice(DATES[:2] + [None]), "kind": f"A{i}",
             "seats": {"OL": rng.choice([1, 1, 2])}} for i in range(rng.randint(2, 3))]
    people = [{"id": f"P{i}", "function": "OL", "limit": rng.randint(1, max_limit),
               "deficit": {a["id"]: rng.randint(0, 9) for a in acts},
               "requests": [a["id"] for a in rng.sample(acts, rng.randint(2, len(acts)))]}
              for i in range(rng.randint(2, 2 + 2 * max_limit))]
    return {"seed": str(rng.random()), "activities": acts, "people": people}


@pytest.mark.parametrize("max_limit", [1, 2])
def test_result_is_the_person_optimal_stable_matching(max_limit):
    rng = random.Random(42 + max_limit)
    several = 0
    for _ in range(150):
        inst = contested_instance(rng, max_limit)
        m = Model(inst)
        ours = held_sets(inst, solve(inst))
        stable = list(all_stable_matchings(inst))
        assert ours in stable
        # Person-optimal: every person, offered both, keeps what DA gave them. With limit 1
        # this is "weakly prefers", and makes the result the unique student-optimal one.
        for other in stable:
            for p in ours:
                assert m.choose(p, ours[p] | other[p]) == ours[p]
        several += len(stable) > 1
    assert several >= 5, f"only {several} instances had several stable matchings"


def textbook_da(inst):
    """Person-proposing deferred acceptance for limit 1, written from the textbook and the
    contract's priorities only (no date or limit handling: every person holds one seat at most,
    so dates never clash). Returns person -> activity or None."""
    m = Model(inst)
    nxt = {p: 0 for p in m.people}
    holding = {}                      # (activity, function) -> people tentatively accepted
    match = {p: None for p in m.people}
    free = list(m.people)
    while free:
        p = free.pop()
        requests, f = m.people[p]["requests"], m.people[p]["function"]
        while match[p] is None and nxt[p] < len(requests):
            a = requests[nxt[p]]
            nxt[p] += 1
            pool = sorted(holding.get((a, f), []) + [p], key=lambda q: m.rank_key(q, a))
            kept, out = pool[:m.seats(a, f)], pool[m.seats(a, f):]
            holding[(a, f)] = kept
            for q in out:
                if q != p:
                    match[q] = None
                    free.append(q)
            if p in kept:
                match[p] = a
    return match


@pytest.mark.parametrize("seed", range(4))
def test_limit_one_equals_an_independent_textbook_da_with_both_rules(seed):
    rng = random.Random(500 + seed)
    rules = set()
    for _ in range(60):
        inst = random_instance(rng, rng.randint(5, 30), rng.randint(1, 6), max_limit=1, max_requests=5)
        rules |= {a["priority"] for a in inst["activities"]}
        result = solve(inst)
        got = {p: None for p in Model(inst).people}
        for row in result["assignments"]:
            got[row["person"]] = row["activity"]
        assert got == textbook_da(inst)
    assert rules == {"plan", "norm"}


# sha256 of solve()'s JSON output on seeded instances, recorded with the solver as it was before
# the speed work of issue 13 (commit f243754, objects per person and per request). The rewrite
# over flat lists must give the very same result: assignments, waitlists, unassigned and every
# explanation entry, in the same order. A change of output on purpose records new digests.
BEFORE_THE_SPEED_WORK = {
    1300: "87632690f28074acd31349e50651e47a62608c5a0349ce8c50d5c5dbc1f7afaa",
    1301: "ff6cd00a44d83c5edbeb7f4af47265580705c9e81432f2e8190905439c80e2fa",
    1302: "6069c7ae4bee173cd893651ee154d99e5aad45562336707067163ed91c6185ca",
    1303: "8d64634de7c50549532a1215d4a474781b23bb423bfd30fa7440bf3409bcf76f",
}


@pytest.mark.parametrize("seed", sorted(BEFORE_THE_SPEED_WORK))
def test_same_result_as_before_the_speed_work(seed):
    rng = random.Random(seed)
    k = seed - 1300
    inst = random_instance(rng, 60 + 50 * k, 12, max_limit=1 + k % 3, max_requests=6)
    result = solve(inst)
    check_result(inst, result)
    assert hashlib.sha256(json.dumps(result).encode()).hexdigest() == BEFORE_THE_SPEED_WORK[seed]
