"""Person-proposing deferred acceptance over (activity, function) seats, plus the result report."""
from __future__ import annotations

import hashlib
from heapq import heappush, heapreplace

from .instance import Instance, parse


def lottery(seed: str, person_id: str) -> str:
    """The tie-breaking lottery ticket of a person; lower goes first."""
    return hashlib.sha256((seed + ":" + person_id).encode()).hexdigest()


def solve(instance: dict) -> dict:
    """Allocate seats for a raw instance dict (CONTRACT section 5); raises InstanceError."""
    return _Allocation(parse(instance)).report()


class _Allocation:
    """Runs the matching once on construction; `report()` renders it.

    A priority is encoded as one int per (person, activity), smaller = better, so the seat
    holders of a slot fit in a plain heap: (deficit desc, competency match first, ticket asc).
    """

    def __init__(self, inst: Instance):
        self.inst = inst
        people, acts = inst.people, inst.activities
        n = self.n = len(people)
        self.tickets = [lottery(inst.seed, p.id) for p in people]
        order = sorted(range(n), key=self.tickets.__getitem__)
        self.draw = [0] * n
        for rank, p in enumerate(order):
            self.draw[p] = rank
        self.top = max((d for p in people for d in p.deficit.values()), default=0)

        self.slot_of = {}                     # (activity, function) -> slot number
        self.cap, self.heaps = [], []         # per slot; heaps hold (-key, person)
        self.keys = []                        # per person: {activity: key}
        proposals = []                        # per person: [(activity, slot, key, date)], best first
        for pi, p in enumerate(people):
            keys, props = {}, []
            for a in p.requests:
                act = acts[a]
                key = self._key(pi, act)
                keys[a] = key
                if act.seats.get(p.function, 0) > 0:
                    props.append((a, self._slot(a, p.function), key, act.date))
            self.keys.append(keys)
            proposals.append(props)
        self._run(proposals)

    def _key(self, pi, act):
        p = self.inst.people[pi]
        miss = 0 if not act.competencies.isdisjoint(p.plan_competencies) else 1
        return ((self.top - p.deficit.get(act.kind, 0)) * 2 + miss) * self.n + self.draw[pi]

    def _slot(self, a, function):
        s = self.slot_of.get((a, function))
        if s is None:
            s = self.slot_of[(a, function)] = len(self.cap)
            self.cap.append(self.inst.activities[a].seats[function])
            self.heaps.append([])
        return s

    def _run(self, proposals):
        # A person proposes down their list while they have room, skipping activities that
        # rejected them or fall on a date they already hold. A rejection is final because a
        # slot's cutoff only rises; losing a seat sends the person back to rescan from the top.
        # Held seats always equal the greedy choice from the not-yet-rejected requests, so
        # with limit 1 this is textbook DA and in general the order of processing is irrelevant.
        people = self.inst.people
        held = self.held = [set() for _ in people]
        dates = self.held_dates = [{} for _ in people]   # date -> held activity
        rejected = self.rejected = [set() for _ in people]
        heaps, cap = self.heaps, self.cap
        stack = list(range(len(people) - 1, -1, -1))
        while stack:
            p = stack.pop()
            room = people[p].limit - len(held[p])
            if room <= 0:
                continue
            hp, hd, rj = held[p], dates[p], rejected[p]
            for a, s, key, d in proposals[p]:
                if a in hp or a in rj or (d is not None and d in hd):
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

    def _priority(self, pi, a):
        rest, _ = divmod(self.keys[pi][a], self.n)
        rest, miss = divmod(rest, 2)
        return [self.top - rest, not miss, self.tickets[pi]]

    def report(self) -> dict:
        inst = self.inst
        people, acts = inst.people, inst.activities

        assignments = sorted(
            (a, self.keys[p][a], p) for p, hp in enumerate(self.held) for a in hp)

        # Every slot with seats gets a waitlist, plus any slot someone of that function asked for.
        waiting = {}
        for a, act in enumerate(acts):
            for f, n in act.seats.items():
                if n > 0:
                    waiting[(a, f)] = []
        for p, person in enumerate(people):
            for a in person.requests:
                if a not in self.held[p]:
                    waiting.setdefault((a, person.function), []).append((self.keys[p][a], p))
        for lst in waiting.values():
            lst.sort()
        ordered = sorted(waiting, key=lambda af: (af[0], af[1] not in acts[af[0]].seats, af[1]))
        position = {(p, a): i for (a, f) in ordered for i, (_, p) in enumerate(waiting[(a, f)], 1)}

        unassigned = [p for p in range(len(people)) if not self.held[p]]
        explanations = {}
        for p, person in enumerate(people):
            entries = self._explain(p, person, position)
            if entries or not self.held[p]:
                explanations[person.id] = entries

        return {
            "assignments": [{"person": people[p].id, "activity": acts[a].id,
                             "function": people[p].function} for a, _, p in assignments],
            "waitlists": {f"{acts[a].id}/{f}": [people[p].id for _, p in waiting[(a, f)]]
                          for a, f in ordered},
            "unassigned": [people[p].id for p in unassigned],
            "explanations": explanations,
        }

    def _explain(self, p, person, position):
        """One entry per request the person did not get and would still take or prefer."""
        held, ranks = self.held[p], person.requests
        if len(held) < person.limit:
            candidates = [a for a in ranks if a not in held]
        else:
            worst = max(ranks.index(a) for a in held)
            candidates = [a for a in ranks[:worst] if a not in held]
        entries = []
        for a in candidates:
            act = self.inst.activities[a]
            s = self.slot_of.get((a, person.function))
            heap = self.heaps[s] if s is not None else []
            cutoff = None
            if heap:
                _, q = heap[0]
                cutoff = self._priority(q, a)
            entry = {"activity": act.id, "rank": ranks.index(a) + 1,
                     "your_priority": self._priority(p, a), "cutoff": cutoff,
                     "waitlist_position": position[(p, a)]}
            if s is None:
                entry["reason"] = "no_seats_for_function"
            elif a in self.rejected[p]:
                entry["reason"] = "priority"
            elif act.date is not None and act.date in self.held_dates[p]:
                entry["reason"] = "date_clash"
                entry["clashes_with"] = self.inst.activities[self.held_dates[p][act.date]].id
            else:
                entry["reason"] = "limit"
            entries.append(entry)
        return entries
