"""A plain heap-based person-proposing deferred acceptance in pure Python: the speed yardstick.

`plain_da(instance)` takes the same CONTRACT section 5 dict as `solve()` and returns only the
assignments {(person id, activity id)}. It is the textbook algorithm written the obvious way:
a priority tuple per request, a heap of seat holders per (activity, function), a queue of free
people, each with a pointer into their ranked requests that only moves forward. It does not
validate, keeps no waitlists and writes no explanations. With limits above 1 it ignores the
subtlety that losing a seat can reopen a date skipped earlier (solve() handles that), so it only
equals solve() with limit 1; `bench_allocation.py` times both on the same instances.
"""
from __future__ import annotations

import hashlib
from collections import deque
from heapq import heappush, heapreplace


def plain_da(instance: dict) -> set[tuple[str, str]]:
    seed = instance["seed"]
    acts = {a["id"]: a for a in instance["activities"]}
    people = instance["people"]
    tickets = [hashlib.sha256((seed + ":" + p["id"]).encode()).hexdigest() for p in people]
    draw = {i: pos for pos, i in enumerate(sorted(range(len(people)), key=tickets.__getitem__))}
    prefs = []
    for i, p in enumerate(people):
        plan = p.get("plan_competencies") or []
        levels = plan if isinstance(plan, dict) else dict.fromkeys(plan)
        row = []
        for ref in p.get("requests", []):
            a = acts[ref]
            level = a.get("level")
            match = any(c in levels and (level is None or levels[c] in (None, level))
                        for c in a.get("competencies", []))
            deficit = p.get("deficit", {}).get(a["kind"], 0)
            # Negated, so that the worst seat holder sits on top of a slot's (min-)heap.
            if a.get("priority", "norm") == "plan":
                rank = (match, deficit, -draw[i])
            else:
                rank = (deficit, match, -draw[i])
            row.append((ref, a.get("date"), rank))
        prefs.append(row)

    holders = {}                  # (activity, function) -> heap of (rank, person index), worst on top
    held = [dict() for _ in people]          # activity -> date, per person
    nxt = [0] * len(people)
    free = deque(range(len(people)))
    while free:
        i = free.popleft()
        p, row = people[i], prefs[i]
        limit = p.get("limit", 1)
        while len(held[i]) < limit and nxt[i] < len(row):
            ref, date, rank = row[nxt[i]]
            nxt[i] += 1
            if date is not None and date in held[i].values():
                continue
            seats = acts[ref]["seats"].get(p["function"], 0)
            if not seats:
                continue
            heap = holders.setdefault((ref, p["function"]), [])
            if len(heap) < seats:
                heappush(heap, (rank, i))
            elif rank > heap[0][0]:
                _, out = heapreplace(heap, (rank, i))
                del held[out][ref]
                free.append(out)
            else:
                continue
            held[i][ref] = date
    return {(people[i]["id"], ref) for i in range(len(people)) for ref in held[i]}

