"""Person-proposing deferred acceptance over (activity, function) seats, plus the result report."""
from __future__ import annotations

import hashlib
from collections import Counter
from heapq import heappush, heapreplace
from itertools import accumulate, chain, compress, islice, repeat
from operator import sub

from .instance import LEVELS, parse, parse_head

_LEVELS = frozenset(LEVELS)
_NONE: dict = {}
_EMPTY: list = []     # defaults; never changed
_HELD, _REJECTED = 1, 2     # state of a request (0: neither)
_WAITING = bytes(0 if state == _HELD else 1 for state in range(256))   # state -> 1 unless held


class _Doubt(Exception):
    """A person breaks a rule; `parse` then finds and names the first problem."""


def _refuse(instance, doubt):
    """The solver doubts the instance: `parse` names the first problem (raises InstanceError)."""
    parse(instance)
    raise AssertionError("allocation: an instance refused by the solver passed validation") from doubt


def lottery(seed: str, person_id: str) -> str:
    """The tie-breaking lottery ticket of a person; lower goes first."""
    return hashlib.sha256((seed + ":" + person_id).encode()).hexdigest()


def solve(instance: dict) -> dict:
    """Allocate seats for a raw instance dict (CONTRACT section 5); raises InstanceError."""
    return _Allocation(instance).report()


class _Allocation:
    """Validates the raw instance and runs the matching on construction; `report()` renders the result.

    Everything per person and per request lives in flat lists indexed by int, not in objects per
    person or request: a national instance has 60,000 requests, and a container per request
    costs its allocation and keeps the garbage collector busy (it traverses every live container
    again and again while the run allocates). Containers are made per slot and for the result.

    People are numbered in input order, and so are their requests: person i's requests, best
    first, are `starts[i]` .. `starts[i + 1] - 1`. A slot is one (activity, function) pair with
    its seats. The priority of a request is one int, smaller = better, so that a slot's seat
    holders fit in a plain heap of ints (-key). With `gap = top - deficit`, the person's place
    `draw` in the lottery, n people and `span = (top + 1) * 2 * n`:
        rule "norm":  key = slot * span + (gap * 2 + no_match) * n + draw
        rule "plan":  key = slot * span + (no_match * (top + 1) + gap) * n + draw
    so `key % n` is the lottery place, which names the person, and sorting all requests by key
    sorts them by slot and, within a slot, by priority: one sort makes every waitlist. Keys of
    different rules are never compared: a slot belongs to one activity, one rule. A request also
    keeps its `code = deficit * 2 + no_match`, which gives its priority object.
    """

    def __init__(self, instance: dict):
        self._read(instance)
        self._run()

    def _read(self, instance):
        """Validate the instance and build the flat structures in one pass over the people.

        The activities go through instance.py; the people are checked here with its rules
        written out inline while they are read (validating into Person objects and reading
        those again cost more than the matching). On the first doubt `parse` runs on the whole
        instance for the message, so solve() names the same first problem as `validate`.
        The keys need the lottery places and the largest deficit of all: they are made from
        the codes at the end.
        """
        seed, acts, index, raw_people = parse_head(instance)
        self.acts = acts
        n = self.n = len(raw_people)
        # Plan match by bit masks: bit j for the j-th competency named by an activity, in three
        # lanes of `lane` bits: lane 0 the codes of the plan at any level (for an activity
        # without level), lane 1 those matching "basis", lane 2 those matching "gevorderd".
        bit = {}
        for act in acts:
            for c in act.competencies:
                if c not in bit:
                    bit[c] = 1 << len(bit)
        lane = len(bit)
        lanes = 1 + (1 << lane) + (1 << 2 * lane)      # a mask in all three lanes at once
        shift = {None: 0, "basis": lane, "gevorderd": 2 * lane}
        # Per activity its kind and competency mask in a tuple (attribute access in the loop
        # below is the cost). Every function with seats has a slot (and a waitlist, even an
        # empty one), made here in the order of the waitlists: by function code. A slot for a
        # function without seats is made when somebody asks for it.
        info = [(a.kind, sum(bit[c] for c in a.competencies) << shift[a.level]) for a in acts]
        self.act_slots = act_slots = []
        self.slot_act, self.cap = slot_act, cap = [], []
        for a, act in enumerate(acts):
            mine = {}
            for f in sorted(act.seats):
                c = act.seats[f]
                if c:
                    mine[f] = len(cap)
                    slot_act.append(a)
                    cap.append(c)
            act_slots.append(mine)
        self.seated = len(cap)
        by_function = {}      # function -> per activity its slot (None: not made yet)

        ids, functions, limits = self.ids, self.functions, self.limits = [], [], []
        self.starts = starts = [0]
        self.slot_of = slot_of = []      # per request: its slot
        self.code_of = code_of = []      # per request: deficit * 2 + no plan match
        top = 0
        levels = _LEVELS
        try:
            for raw in raw_people:
                if not isinstance(raw, dict):
                    raise _Doubt
                limit = raw.get("limit", 1)
                pid = raw["id"]     # KeyError: missing
                f = raw["function"]
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
                mask = 0
                if isinstance(plan, dict):
                    for code, lv in plan.items():
                        if type(code) is not str or not code.strip():
                            raise _Doubt
                        b = bit.get(code, 0)
                        if lv is None:
                            mask |= b * lanes
                        elif type(lv) is not str or lv not in levels:
                            raise _Doubt
                        else:
                            mask |= b | b << shift[lv]
                elif isinstance(plan, list):
                    for code in plan:
                        if type(code) is not str or not code.strip():
                            raise _Doubt
                        mask |= bit.get(code, 0)
                    mask *= lanes
                else:
                    raise _Doubt
                refs = raw.get("requests", _EMPTY)
                if not isinstance(refs, list):     # an activity requested twice: see below
                    raise _Doubt
                fs = by_function.get(f)
                if fs is None:
                    fs = by_function[f] = [mine.get(f) for mine in act_slots]
                for ref in refs:
                    a = index[ref]      # KeyError: unknown activity
                    kind, comps = info[a]
                    s = fs[a]
                    if s is None:
                        s = fs[a] = self._slot(a, f)
                    slot_of.append(s)
                    code_of.append(deficit.get(kind, 0) * 2 + (not mask & comps))
                starts.append(len(slot_of))
                ids.append(pid)
                functions.append(f)
                limits.append(limit)
            if len(set(ids)) < n:
                raise _Doubt
        except (_Doubt, KeyError, TypeError) as doubt:
            _refuse(instance, doubt)
        self.counts = counts = list(map(sub, starts[1:], starts))      # requests per person

        sha = hashlib.sha256
        prefix = seed + ":"
        self.tickets = tickets = [sha((prefix + pid).encode()).hexdigest() for pid in ids]
        self.by_draw = by_draw = sorted(range(n), key=tickets.__getitem__)
        draw = [0] * n
        for place, i in enumerate(by_draw):
            draw[i] = place
        self.top = top
        # The priority part of -key per code, for each rule; then every -key in one go.
        width = top + 1
        codes = set(code_of)      # not range(2 * width): a deficit may be any number
        self.span = span = 2 * width * n
        by_norm = {c: -((top - (c >> 1)) * 2 + (c & 1)) * n for c in codes}
        by_plan = {c: -((c & 1) * width + top - (c >> 1)) * n for c in codes}
        rules = [by_plan if acts[a].priority == "plan" else by_norm for a in slot_act]
        draws = chain.from_iterable(map(repeat, draw, counts))      # per request: the person's draw
        # Stored negated: a slot's seat holders are a heap of -key, the lowest priority on top.
        self.neg_key = neg_key = [rules[s][c] - s * span - d
                                  for s, c, d in zip(slot_of, code_of, draws)]
        # Keys are unique unless a person requests an activity twice (same slot, same draw):
        # one set of ints here costs less than a set of requests per person in the loop.
        if len(set(neg_key)) < len(neg_key):
            _refuse(instance, None)

    def _slot(self, a, function):
        """The slot of a function without seats at activity a, made on the first request."""
        s = self.act_slots[a][function] = len(self.cap)
        self.slot_act.append(a)
        self.cap.append(0)
        return s

    def _run(self):
        # A person proposes down their list while they have room, skipping activities that
        # rejected them or fall on a date they already hold. A rejection is final because a
        # slot's cutoff only rises; losing a seat sends the person back to rescan from the top.
        # The seats held are then always the greedy pick (best first, one per date, up to the
        # limit) from the requests not yet rejected: a matroid choice, hence substitutable, so
        # the outcome is the person-optimal stable one whatever the order of processing, and
        # with limit 1 it is textbook deferred acceptance. People start in input order.
        n = self.n
        cap, slot_of, neg_key, starts, lim = self.cap, self.slot_of, self.neg_key, self.starts, self.limits
        slot_act, by_draw = self.slot_act, self.by_draw
        # Dates as numbers; the seats of people with a limit above 1 by (person, date) in one
        # dict {person * days + date: activity}, to skip clashes and to name them.
        day_of = {}
        for act in self.acts:
            if act.date is not None and act.date not in day_of:
                day_of[act.date] = len(day_of)
        self.days = days = len(day_of)
        self.slot_day = slot_day = [day_of.get(self.acts[a].date, -1) for a in slot_act]
        self.held_on = held_on = {}
        self.heaps = heaps = [[] for _ in range(self.seated)]   # per slot: seat holders as -key
        self.state = state = bytearray(len(neg_key))     # per request: held, rejected or neither
        self.nheld = nheld = [0] * n
        # With limit 1 a person who proposes holds nothing, so dates never block and nothing
        # before the last rejection can reopen: a pointer into the list replaces the rescan.
        # The contest for a seat (push, or displace the lowest holder, or be rejected) is written
        # out in both branches on purpose: a function call per proposal costs a few per cent of
        # solve(), which runs level with the plain DA of bench/plain_da.py.
        nxt = starts[:-1]
        stack = []
        for first in range(n):
            stack.append(first)
            while stack:
                p = stack.pop()
                if lim[p] == 1:
                    if nheld[p]:
                        continue
                    for r in range(nxt[p], starts[p + 1]):
                        s = slot_of[r]
                        c = cap[s]
                        if not c:
                            continue
                        neg = neg_key[r]
                        heap = heaps[s]
                        if len(heap) < c:
                            heappush(heap, neg)
                        elif heap[0] < neg:
                            # The holder with the lowest priority loses the seat: find their
                            # request for this slot.
                            q = by_draw[-heapreplace(heap, neg) % n]
                            out = starts[q]
                            while slot_of[out] != s:
                                out += 1
                            state[out] = _REJECTED
                            nheld[q] -= 1
                            if lim[q] > 1 and slot_day[s] >= 0:
                                del held_on[q * days + slot_day[s]]
                            stack.append(q)
                        else:
                            state[r] = _REJECTED
                            continue
                        state[r] = _HELD
                        nheld[p] = 1
                        nxt[p] = r + 1
                        break
                    continue
                room = lim[p] - nheld[p]
                if room <= 0:
                    continue
                base = p * days
                for r in range(starts[p], starts[p + 1]):
                    if state[r]:
                        continue
                    s = slot_of[r]
                    c = cap[s]
                    d = slot_day[s]
                    if not c or (d >= 0 and base + d in held_on):
                        continue
                    neg = neg_key[r]
                    heap = heaps[s]
                    if len(heap) < c:
                        heappush(heap, neg)
                    elif heap[0] < neg:
                        q = by_draw[-heapreplace(heap, neg) % n]
                        out = starts[q]
                        while slot_of[out] != s:
                            out += 1
                        state[out] = _REJECTED
                        nheld[q] -= 1
                        if lim[q] > 1 and d >= 0:
                            del held_on[q * days + d]
                        stack.append(q)
                    else:
                        state[r] = _REJECTED
                        continue
                    state[r] = _HELD
                    nheld[p] += 1
                    if d >= 0:
                        held_on[base + d] = slot_act[s]
                    room -= 1
                    if room == 0:
                        break

    def _cutoffs(self):
        """Per slot with seats the contract's priority object of its last seat holder, or None.

        Read back from the holder's key (see the class docstring), in one loop: a method call
        per slot cost twice as much.
        """
        n, top, span, tickets, by_draw = self.n, self.top, self.span, self.tickets, self.by_draw
        acts, width = self.acts, top + 1
        cutoffs = []
        for heap, a in zip(self.heaps, self.slot_act):
            if not heap:
                cutoffs.append(None)
                continue
            key = -heap[0]
            part = key % span // n
            if acts[a].priority == "plan":
                miss, gap = divmod(part, width)
            else:
                gap, miss = divmod(part, 2)
            cutoffs.append({"plan_match": not miss, "deficit": top - gap,
                            "lottery": tickets[by_draw[key % n]]})
        return cutoffs

    def report(self) -> dict:
        acts, ids, functions, by_draw, n = self.acts, self.ids, self.functions, self.by_draw, self.n
        heaps, slot_act, neg_key, span = self.heaps, self.slot_act, self.neg_key, self.span
        # Big lists that are only a step on the way (the order of the waitlists, the person of
        # every request) are made where they are used and dropped right after: every list
        # alive while the report allocates is walked by the garbage collector, element by
        # element, and the report allocates some 80,000 objects.

        # The waitlists: every request not granted, sorted by key, is every waitlist in slot
        # order, each in priority order. The filter (`compress` with the state read as
        # 1 = waiting), the sort and the request -> person id run in C; the request -> place in
        # `order` is a plain loop (a map over position.__setitem__ builds an argument tuple per
        # call and took 2.5 times as long).
        waiting = self.state.translate(_WAITING)
        order = sorted(compress(range(len(neg_key)), waiting), key=neg_key.__getitem__, reverse=True)
        position = [0] * len(neg_key)
        for place, r in enumerate(order, 1):
            position[r] = place
        person_of = list(chain.from_iterable(map(repeat, ids, self.counts)))
        people = list(map(person_of.__getitem__, order))
        del person_of, order
        # Where each slot's list starts in `order` (slots are numbered in key order); one more
        # for the end of the last.
        count = Counter(compress(self.slot_of, waiting))
        start = list(accumulate(map(count.get, range(len(self.cap)), repeat(0)), initial=0))
        del count
        # In activity order; per activity functions with seats first, then by code (already
        # so unless a slot without seats was made on request).
        seated = self.seated
        waitlists = {}
        for a, mine in enumerate(self.act_slots):
            act = acts[a]
            items = mine.items()
            if any(s >= seated for s in mine.values()):
                seats = act.seats
                items = sorted(items, key=lambda item: (item[0] not in seats, item[0]))
            prefix = act.id + "/"
            for f, s in items:
                waitlists[prefix + f] = people[start[s]:start[s + 1]]
        del people

        # Seats given, in activity order and by priority: (activity, priority) as one int.
        granted = sorted(slot_act[s] * span + -negkey % span
                         for s, heap in enumerate(heaps) for negkey in heap)
        act_ids = [a.id for a in acts]
        assignments = [{"person": ids[i], "activity": act_ids[x // span], "function": functions[i]}
                       for x in granted for i in (by_draw[x % n],)]
        del granted
        cutoffs = self._cutoffs()
        nheld = self.nheld
        return {
            "assignments": assignments,
            "waitlists": waitlists,
            "unassigned": [ids[i] for i in range(n) if not nheld[i]],
            "explanations": self._explanations(cutoffs, position, start),
        }

    def _explanations(self, cutoffs, position, start):
        """Per person, one entry for each request they missed and would still take or prefer.

        A person's entries with the same priority share one `your_priority` object, and the
        entries of one slot one `cutoff` object (read-only data; fewer objects to make).
        """
        ids, tickets = self.ids, self.tickets
        slot_of, code_of, starts, state = self.slot_of, self.code_of, self.starts, self.state
        nheld, limits, cap = self.nheld, self.limits, self.cap
        held_on, days, slot_day = self.held_on, self.days, self.slot_day
        act_ids = [a.id for a in self.acts]
        rule_of = [a.priority for a in self.acts]
        # Per slot what every entry of that slot repeats: activity id, rule, cutoff, the reason
        # by the request's state (None: never proposed to, though the slot has seats) and where
        # its waitlist starts in `position` (so that its first has place 1).
        by_state, no_seats = (None, None, "priority"), ("no_seats_for_function",) * 3
        info = [(act_ids[a], rule_of[a], cutoffs[s] if s < self.seated else None,
                 by_state if cap[s] else no_seats, start[s]) for s, a in enumerate(self.slot_act)]
        # The per-person values come from one zip, and _HELD is read from a local: indexing
        # six lists per person and a global lookup per request showed in the profile.
        held_state = _HELD
        result = {}
        for i, pid, ticket, first, end, held, limit in zip(
                range(self.n), ids, tickets, starts, islice(starts, 1, None), nheld, limits):
            if held >= limit:    # full: only what ranks above the lowest seat held
                end -= 1
                while state[end] != held_state:
                    end -= 1
                if end - first + 1 == held:     # holds their best requests: nothing above
                    continue
            entries, mine = [], {}
            for r in range(first, end):
                now = state[r]
                if now == held_state:
                    continue
                act_id, rule, cutoff, reasons, before = info[slot_of[r]]
                code = code_of[r]
                if code in mine:
                    priority = mine[code]
                else:
                    priority = mine[code] = {"plan_match": not code & 1, "deficit": code >> 1,
                                             "lottery": ticket}
                reason = reasons[now]
                if reason is None:
                    day = slot_day[slot_of[r]]
                    if held and day >= 0 and i * days + day in held_on:
                        entries.append({"activity": act_id, "rank": r - first + 1, "rule": rule,
                                        "your_priority": priority, "cutoff": cutoff,
                                        "waitlist_position": position[r] - before, "reason": "date_clash",
                                        "clashes_with": act_ids[held_on[i * days + day]]})
                        continue
                    # Does not occur (a full person holds their best usable requests, and the
                    # entries stop at the lowest seat held), but it is the only cause left.
                    reason = "limit"
                entries.append({"activity": act_id, "rank": r - first + 1, "rule": rule,
                                "your_priority": priority, "cutoff": cutoff,
                                "waitlist_position": position[r] - before, "reason": reason})
            if entries or not held:
                result[pid] = entries
        return result
