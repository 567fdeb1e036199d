"""Person-proposing deferred acceptance over (activity, function) seats, plus the result report."""
from __future__ import annotations

import gc
import hashlib
from bisect import bisect_left
from heapq import heappush, heapreplace

from .instance import Instance, parse


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
        return _Allocation(parse(instance)).report()
    finally:
        if was_enabled:
            gc.enable()


class _Allocation:
    """Runs the matching on construction; `report()` renders the result.

    A slot is one (activity, function) pair with its seats. A priority is one int per
    (person, activity), smaller = better, so that a slot's seat holders fit in a plain heap
    and a waitlist is a sorted list of ints. With the person's place in the lottery `draw`
    and `gap = top - deficit`:
        rule "norm":  key = (gap * 2 + no_match) * n + draw
        rule "plan":  key = (no_match * (top + 1) + gap) * n + draw
    Keys of different rules are never compared: a slot belongs to one activity, one rule.
    """

    def __init__(self, inst: Instance):
        self.inst = inst
        people, acts = inst.people, inst.activities
        n = self.n = len(people)
        self.tickets = [lottery(inst.seed, p.id) for p in people]
        self.by_draw = sorted(range(n), key=self.tickets.__getitem__)
        draw = [0] * n
        for rank, p in enumerate(self.by_draw):
            draw[p] = rank
        top = self.top = max((d for p in people for d in p.deficit.values()), default=0)
        width = top + 1

        # Per activity: its fields in a tuple (attribute access in the loop below is the cost)
        # and function -> slot, created on first use.
        info = [(a.kind, a.competencies, a.level, a.priority == "plan", a.date) for a in acts]
        self.act_slots = act_slots = [{} for _ in acts]
        self.slots, self.cap = [], []
        self.heaps = []               # per slot: seat holders as (-key, person)
        self.requests = requests = []  # per person: [(activity, slot, key, date, rank)], best first
        for pi, p in enumerate(people):
            f, deficit, plan, d0, row = p.function, p.deficit, p.plan, draw[pi], []
            for rank, a in enumerate(p.requests):
                kind, comps, level, by_plan, date = info[a]
                if level is None or not plan:
                    miss = comps.isdisjoint(plan)
                else:
                    miss = comps.isdisjoint(p.plan_codes(level))
                gap = top - deficit.get(kind, 0) if deficit else top
                key = ((miss * width + gap) if by_plan else (gap * 2 + miss)) * n + d0
                s = act_slots[a].get(f)
                if s is None:
                    s = self._slot(a, f)
                row.append((a, s, key, date, rank))
            requests.append(row)
        self._run()

    def _slot(self, a, function):
        s = self.act_slots[a].get(function)
        if s is None:
            s = self.act_slots[a][function] = len(self.cap)
            self.slots.append((a, function))
            self.cap.append(self.inst.activities[a].seats.get(function, 0))
            self.heaps.append([])
        return s

    def _run(self):
        # A person proposes down their list while they have room, skipping activities that
        # rejected them or fall on a date they already hold. A rejection is final because a
        # slot's cutoff only rises; losing a seat sends the person back to rescan from the top.
        # The seats held are then always the greedy pick (best first, one per date, up to the
        # limit) from the requests not yet rejected: a matroid choice, hence substitutable, so
        # the outcome is the person-optimal stable one whatever the order of processing, and
        # with limit 1 it is textbook deferred acceptance.
        people, heaps, cap, requests = self.inst.people, self.heaps, self.cap, self.requests
        held = self.held = [set() for _ in people]
        dates = self.held_dates = [{} for _ in people]   # date -> activity held that day
        rejected = self.rejected = [set() for _ in people]
        limits = [p.limit for p in people]
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
                    a, s, key, d, _ = row[i]
                    i += 1
                    c = cap[s]
                    if not c:
                        continue
                    heap = heaps[s]
                    if len(heap) < c:
                        heappush(heap, (-key, p))
                    elif -heap[0][0] > key:
                        q = heapreplace(heap, (-key, p))[1]
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
            for a, s, key, d, _ in requests[p]:
                if a in hp or a in rj or (d is not None and d in hd) or not cap[s]:
                    continue
                heap = heaps[s]
                if len(heap) < cap[s]:
                    heappush(heap, (-key, p))
                elif -heap[0][0] > key:
                    q = heapreplace(heap, (-key, p))[1]
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
        if self.inst.activities[a].priority == "plan":
            miss, gap = divmod(key // self.n, self.top + 1)
        else:
            gap, miss = divmod(key // self.n, 2)
        return {"plan_match": not miss, "deficit": self.top - gap, "lottery": self.tickets[p]}

    def report(self) -> dict:
        people, acts = self.inst.people, self.inst.activities
        ids = [p.id for p in people]
        held = self.held
        # Every slot with seats gets a waitlist, even an empty one.
        for a, act in enumerate(acts):
            for f, n in act.seats.items():
                if n:
                    self._slot(a, f)
        waiting = [[] for _ in self.slots]   # keys of those who asked and did not get it
        for p, row in enumerate(self.requests):
            hp = held[p]
            if hp:
                for a, s, key, _, _ in row:
                    if a not in hp:
                        waiting[s].append(key)
            else:
                for a, s, key, _, _ in row:
                    waiting[s].append(key)
        granted = sorted((self.slots[s][0], -negkey, p) for s, heap in enumerate(self.heaps) for negkey, p in heap)
        for keys in waiting:
            keys.sort()

        def listed(s):   # activity order; functions with seats first, then by code
            a, f = self.slots[s]
            return a, f not in acts[a].seats, f

        order = sorted(range(len(self.slots)), key=listed)
        n, slots = self.n, self.slots
        in_draw = [ids[p] for p in self.by_draw]    # lottery place -> person id
        return {
            "assignments": [{"person": ids[p], "activity": acts[a].id, "function": people[p].function}
                            for a, _, p in granted],
            "waitlists": {f"{acts[slots[s][0]].id}/{slots[s][1]}": [in_draw[k % n] for k in waiting[s]]
                          for s in order},
            "unassigned": [ids[p] for p in range(len(people)) if not held[p]],
            "explanations": self._explanations(waiting),
        }

    def _explanations(self, waiting):
        """Per person, one entry for each request they missed and would still take or prefer."""
        people, acts = self.inst.people, self.inst.activities
        cutoffs = [self._priority(-h[0][0], h[0][1], self.slots[s][0]) if h else None
                   for s, h in enumerate(self.heaps)]
        n, top, width, tickets, cap = self.n, self.top, self.top + 1, self.tickets, self.cap
        held, rejected, held_dates = self.held, self.rejected, self.held_dates
        act_ids = [a.id for a in acts]
        # Per slot what every entry of that slot repeats: activity id, rule, cutoff, waitlist.
        info = [(act_ids[a], acts[a].priority, acts[a].priority == "plan", cutoffs[s], not cap[s], waiting[s])
                for s, (a, _f) in enumerate(self.slots)]
        result = {}
        for p, row in enumerate(self.requests):
            hp = held[p]
            if not hp:
                due = row
            elif len(hp) < people[p].limit:
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
            if not due and hp:
                continue
            entries = result[people[p].id] = []
            ticket, rj = tickets[p], rejected[p]
            for a, s, key, d, rank in due:
                act_id, rule, by_plan, cutoff, no_seats, wait = info[s]
                # _priority inlined: this loop runs once per missed request of a national round.
                if by_plan:
                    miss, gap = divmod(key // n, width)
                else:
                    gap, miss = divmod(key // n, 2)
                entry = {"activity": act_id, "rank": rank + 1, "rule": rule,
                         "your_priority": {"plan_match": not miss, "deficit": top - gap, "lottery": ticket},
                         "cutoff": cutoff,     # shared by the entries of one slot (read-only data)
                         "waitlist_position": bisect_left(wait, key) + 1}
                if no_seats:
                    entry["reason"] = "no_seats_for_function"
                elif a in rj:
                    entry["reason"] = "priority"
                elif d is not None and d in held_dates[p]:
                    entry["reason"] = "date_clash"
                    entry["clashes_with"] = act_ids[held_dates[p][d]]
                else:
                    # Does not occur with the rule for `due` (a full person holds their best
                    # usable requests), but it is the only cause left.
                    entry["reason"] = "limit"
                entries.append(entry)
        return result
