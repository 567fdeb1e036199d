"""Person-proposing deferred acceptance over (activity, function) seats, plus the result report."""
from __future__ import annotations

import gc
import hashlib
from bisect import bisect_left
from heapq import heappush, heapreplace

from .instance import LEVELS, parse, parse_head

_LEVELS = frozenset(LEVELS)
_NONE: dict = {}
_EMPTY: list = []     # defaults; never changed


class _Doubt(Exception):
    """A person breaks a rule; `parse` then finds and names the first problem."""


def lottery(seed: str, person_id: str) -> str:
    """The tie-breaking lottery ticket of a person; lower goes first."""
    return hashlib.sha256((seed + ":" + person_id).encode()).hexdigest()


def solve(instance: dict) -> dict:
    """Allocate seats for a raw instance dict (CONTRACT section 5); raises InstanceError."""
    # The run allocates some hundred thousand small containers that all live until the end;
    # the cyclic collector would only traverse them again and again (a third of the time on
    # a national instance). Nothing here creates reference cycles.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _Allocation(instance).report()
    finally:
        if was_enabled:
            gc.enable()


class _Allocation:
    """Validates the raw instance and runs the matching on construction; `report()` renders the result.

    A slot is one (activity, function) pair with its seats. A priority is one int per
    (person, activity), smaller = better, so that a slot's seat holders fit in a plain heap
    of ints (-key) and a waitlist is a sorted list of ints. With the person's place in the
    lottery `draw` and `gap = top - deficit`:
        rule "norm":  key = (gap * 2 + no_match) * n + draw
        rule "plan":  key = (no_match * (top + 1) + gap) * n + draw
    so `key % n` is the draw, which names the person. Keys of different rules are never
    compared: a slot belongs to one activity, one rule.
    """

    def __init__(self, instance: dict):
        self._read(instance)
        self._run()

    def _read(self, instance):
        """Validate the instance and build the internal structures without a Person per person.

        The activities go through instance.py; the people are checked here with its rules
        written out inline while they are read (a national instance has 10,000 of them, and
        validating into Person objects and reading those again cost more than the matching).
        On the first doubt `parse` runs on the whole instance for the message, so solve()
        names the same first problem as `validate`. A second pass over the people computes
        the priorities, which need the lottery places and the largest deficit of all.
        """
        seed, acts, index, raw_people = parse_head(instance)
        self.acts = acts
        n = self.n = len(raw_people)
        ids, functions, limits, rows = [], [], [], []
        top = 0
        levels = _LEVELS
        try:
            for raw in raw_people:
                if not isinstance(raw, dict):
                    raise _Doubt
                limit = raw.get("limit", 1)
                pid = raw.get("id")
                f = raw.get("function")
                if (type(limit) is not int or limit < 1 or type(pid) is not str or not pid.strip()
                        or type(f) is not str or not f.strip()):
                    raise _Doubt
                deficit = raw.get("deficit", _NONE)
                if not isinstance(deficit, dict):
                    raise _Doubt
                for k, v in deficit.items():
                    if type(k) is not str or type(v) is not int or v < 0 or not k.strip():
                        raise _Doubt
                    if v > top:
                        top = v
                plan = raw.get("plan_competencies", _EMPTY)
                levelled = False
                if isinstance(plan, dict):
                    for code, lv in plan.items():
                        if type(code) is not str or not code.strip():
                            raise _Doubt
                        if lv is not None:
                            if type(lv) is not str or lv not in levels:
                                raise _Doubt
                            levelled = True
                elif isinstance(plan, list):
                    for code in plan:
                        if type(code) is not str or not code.strip():
                            raise _Doubt
                else:
                    raise _Doubt
                refs = raw.get("requests", _EMPTY)
                if not isinstance(refs, list):
                    raise _Doubt
                row = []
                for ref in refs:
                    a = index.get(ref) if type(ref) is str else None
                    if a is None:
                        raise _Doubt
                    row.append(a)
                if len(set(row)) < len(row):
                    raise _Doubt
                ids.append(pid)
                functions.append(f)
                limits.append(limit)
                rows.append((row, deficit, plan, levelled))
            if len(set(ids)) < n:
                raise _Doubt
        except _Doubt:
            parse(instance)      # raises InstanceError with the message
            raise AssertionError("allocation: an instance refused by the solver passed validation")
        self.ids, self.functions, self.limits = ids, functions, limits

        sha = hashlib.sha256
        prefix = seed + ":"
        self.tickets = tickets = [sha((prefix + pid).encode()).hexdigest() for pid in ids]
        self.by_draw = sorted(range(n), key=tickets.__getitem__)
        draw = [0] * n
        for place, p in enumerate(self.by_draw):
            draw[p] = place
        self.top = top
        width = top + 1

        # Per activity: its fields in a tuple (attribute access in the loop below is the cost)
        # and function -> slot. Every function with seats has a slot (and a waitlist, even an
        # empty one), made here in the order of the waitlists: by function code. A slot for a
        # function without seats is made when somebody asks for it.
        info = [(a.kind, a.competencies, a.level, a.priority == "plan", a.date) for a in acts]
        self.act_slots = act_slots = []
        self.slots, self.cap = slots, cap = [], []
        for a, act in enumerate(acts):
            mine = {}
            for f in sorted(act.seats):
                c = act.seats[f]
                if c:
                    mine[f] = len(cap)
                    slots.append((a, f))
                    cap.append(c)
            act_slots.append(mine)
        self.seated = len(cap)
        self.heaps = [[] for _ in cap]     # per slot: seat holders as -key (key % n: their draw)
        self.asked = [[] for _ in cap]     # per slot: the keys of all who asked for it
        # per person: [(activity, slot, key, date, rank from 1, plan match, deficit)], best first
        self.requests = requests = []
        asked = self.asked
        by_function = {}      # function -> per activity its slot (None: not made yet)
        for pi, (refs, deficit, plan, levelled) in enumerate(rows):
            f, d0, row = functions[pi], draw[pi], []
            fs = by_function.get(f)
            if fs is None:
                fs = by_function[f] = [mine.get(f) for mine in act_slots]
            for rank, a in enumerate(refs, 1):
                kind, comps, level, by_plan, date = info[a]
                if level is None or not levelled:
                    miss = comps.isdisjoint(plan)
                else:
                    miss = comps.isdisjoint([c for c, lv in plan.items() if lv is None or lv == level])
                dv = deficit.get(kind, 0)
                key = ((miss * width + top - dv) if by_plan else ((top - dv) * 2 + miss)) * n + d0
                s = fs[a]
                if s is None:
                    s = fs[a] = self._slot(a, f)
                asked[s].append(key)
                row.append((a, s, key, date, rank, not miss, dv))
            requests.append(row)

    def _slot(self, a, function):
        s = self.act_slots[a].get(function)
        if s is None:
            s = self.act_slots[a][function] = len(self.cap)
            self.slots.append((a, function))
            self.cap.append(self.acts[a].seats.get(function, 0))
            self.heaps.append([])
            self.asked.append([])
        return s

    def _run(self):
        # A person proposes down their list while they have room, skipping activities that
        # rejected them or fall on a date they already hold. A rejection is final because a
        # slot's cutoff only rises; losing a seat sends the person back to rescan from the top.
        # The seats held are then always the greedy pick (best first, one per date, up to the
        # limit) from the requests not yet rejected: a matroid choice, hence substitutable, so
        # the outcome is the person-optimal stable one whatever the order of processing, and
        # with limit 1 it is textbook deferred acceptance.
        heaps, cap, requests, limits = self.heaps, self.cap, self.requests, self.limits
        # A heap holds bare ints -key (no tuple per seat): the holder is the person in
        # lottery place key % n.
        n, by_draw = self.n, self.by_draw
        people = range(self.n)
        held = self.held = [set() for _ in people]
        dates = self.held_dates = [{} for _ in people]   # date -> activity held that day
        rejected = self.rejected = [set() for _ in people]
        # With limit 1 a person who proposes holds nothing, so dates never block and nothing
        # before the last rejection can reopen: a pointer into the list replaces the rescan.
        nxt = [0] * len(people)
        stack = list(range(len(people) - 1, -1, -1))
        while stack:
            p = stack.pop()
            hp = held[p]
            if limits[p] == 1:
                if hp:
                    continue
                row, i, end = requests[p], nxt[p], len(requests[p])
                while i < end:
                    a, s, key, d, _, _, _ = row[i]
                    i += 1
                    c = cap[s]
                    if not c:
                        continue
                    heap = heaps[s]
                    if len(heap) < c:
                        heappush(heap, -key)
                    elif -heap[0] > key:
                        q = by_draw[-heapreplace(heap, -key) % n]
                        held[q].discard(a)
                        if d is not None:
                            del dates[q][d]
                        rejected[q].add(a)
                        stack.append(q)
                    else:
                        rejected[p].add(a)
                        continue
                    hp.add(a)
                    if d is not None:
                        dates[p][d] = a
                    break
                nxt[p] = i
                continue
            room = limits[p] - len(hp)
            if room <= 0:
                continue
            hd, rj = dates[p], rejected[p]
            for a, s, key, d, _, _, _ in requests[p]:
                if a in hp or a in rj or (d is not None and d in hd) or not cap[s]:
                    continue
                heap = heaps[s]
                if len(heap) < cap[s]:
                    heappush(heap, -key)
                elif -heap[0] > key:
                    q = by_draw[-heapreplace(heap, -key) % n]
                    held[q].discard(a)
                    if d is not None:
                        del dates[q][d]
                    rejected[q].add(a)
                    stack.append(q)
                else:
                    rj.add(a)
                    continue
                hp.add(a)
                if d is not None:
                    hd[d] = a
                room -= 1
                if room == 0:
                    break

    def _priority(self, key, p, a):
        """The contract's priority object for a key of person p at activity a."""
        if self.acts[a].priority == "plan":
            miss, gap = divmod(key // self.n, self.top + 1)
        else:
            gap, miss = divmod(key // self.n, 2)
        return {"plan_match": not miss, "deficit": self.top - gap, "lottery": self.tickets[p]}

    def report(self) -> dict:
        acts, ids, functions, held, slots = self.acts, self.ids, self.functions, self.held, self.slots
        # The waitlist of a slot: those who asked minus the seat holders (a handful), sorted.
        waiting = self.asked
        for s, heap in enumerate(self.heaps):
            if heap:
                keys = waiting[s]
                for negkey in heap:
                    keys.remove(-negkey)
        for keys in waiting:
            keys.sort()
        granted = sorted((slots[s][0], -negkey) for s, heap in enumerate(self.heaps) for negkey in heap)

        # Waitlists in activity order; per activity functions with seats first, then by code
        # (already so unless a slot without seats was made on request).
        n, seated = self.n, self.seated
        by_draw = self.by_draw
        in_draw = [ids[p] for p in by_draw]    # lottery place -> person id
        waitlists = {}
        for a, mine in enumerate(self.act_slots):
            act = acts[a]
            items = mine.items()
            if any(s >= seated for s in mine.values()):
                seats = act.seats
                items = sorted(items, key=lambda item: (item[0] not in seats, item[0]))
            prefix = act.id + "/"
            for f, s in items:
                waitlists[prefix + f] = [in_draw[k % n] for k in waiting[s]]
        return {
            "assignments": [{"person": ids[p], "activity": acts[a].id, "function": functions[p]}
                            for a, key in granted for p in (by_draw[key % n],)],
            "waitlists": waitlists,
            "unassigned": [ids[p] for p in range(n) if not held[p]],
            "explanations": self._explanations(waiting),
        }

    def _explanations(self, waiting):
        """Per person, one entry for each request they missed and would still take or prefer."""
        acts, ids, limits, slots, cap = self.acts, self.ids, self.limits, self.slots, self.cap
        by_draw, n = self.by_draw, self.n
        cutoffs = [self._priority(-h[0], by_draw[-h[0] % n], slots[s][0]) if h else None
                   for s, h in enumerate(self.heaps)]
        tickets, held, rejected, held_dates = self.tickets, self.held, self.rejected, self.held_dates
        act_ids = [a.id for a in acts]
        # Per slot what every entry of that slot repeats: activity id, rule, cutoff, no seats,
        # waitlist keys. A request row carries its plan match and deficit (no decoding of keys).
        info = [(act_ids[a], acts[a].priority, cutoffs[s], not cap[s], waiting[s])
                for s, (a, _f) in enumerate(slots)]
        result = {}
        for p, row in enumerate(self.requests):
            hp = held[p]
            if not hp:
                # Nothing held (most people of a national round): every request was refused
                # or has no seats for the function, and no date can clash. A comprehension
                # (`for x in (y,)` is a plain assignment there) saves the loop's appends.
                rj, ticket = rejected[p], tickets[p]
                result[ids[p]] = [
                    {"activity": act_id, "rank": rank, "rule": rule,
                     "your_priority": {"plan_match": match, "deficit": dv, "lottery": ticket},
                     "cutoff": cutoff, "waitlist_position": bisect_left(wait, key) + 1,
                     "reason": "no_seats_for_function" if no_seats else "priority" if a in rj else "limit"}
                    for a, s, key, _d, rank, match, dv in row
                    for act_id, rule, cutoff, no_seats, wait in (info[s],)]
                continue
            if len(hp) < limits[p]:
                due = [r for r in row if r[0] not in hp]
            else:
                due, left = [], len(hp)
                for r in row:
                    if r[0] not in hp:
                        due.append(r)
                    else:
                        left -= 1
                        if not left:
                            break
            if not due:
                continue
            entries = result[ids[p]] = []
            ticket, rj, hd = tickets[p], rejected[p], held_dates[p]
            for a, s, key, d, rank, match, dv in due:
                act_id, rule, cutoff, no_seats, wait = info[s]
                if no_seats:
                    reason = "no_seats_for_function"
                elif a in rj:
                    reason = "priority"
                elif d is not None and d in hd:
                    entries.append({"activity": act_id, "rank": rank, "rule": rule,
                                    "your_priority": {"plan_match": match, "deficit": dv, "lottery": ticket},
                                    "cutoff": cutoff, "waitlist_position": bisect_left(wait, key) + 1,
                                    "reason": "date_clash", "clashes_with": act_ids[hd[d]]})
                    continue
                else:
                    # Does not occur with the rule for `due` (a full person holds their best
                    # usable requests), but it is the only cause left.
                    reason = "limit"
                # `cutoff` is shared by the entries of one slot (read-only data).
                entries.append({"activity": act_id, "rank": rank, "rule": rule,
                                "your_priority": {"plan_match": match, "deficit": dv, "lottery": ticket},
                                "cutoff": cutoff, "waitlist_position": bisect_left(wait, key) + 1,
                                "reason": reason})
        return result
