"""Pure registration-allocation core (CONTRACT section 5): stdlib only, no Flask, no database.

    instance.py  validation of the input dict; InstanceError names the offending field
    solver.py    deferred acceptance over (activity, function) seats and the result report;
                 solve() checks the people with instance.py's rules while reading them
    cli.py       main() behind `flask allocation solve FILE` and `python -m app.allocation FILE`

Choices where the contract leaves room:
- `seed` is required (a string, may be empty); an activity `date` may be null or missing
  (never clashes); `priority` defaults to "norm", `level` to null (any level); `limit` defaults
  to 1; `deficit`, `plan_competencies`, `competencies`, `requests` default to empty; unknown
  extra fields are ignored. A list of plan competencies means "any level" for each code.
- `unassigned` lists everyone without a seat, including people who requested nothing.
- `waitlists` has a key for every activity/function with seats (possibly an empty list) and
  for every activity/function somebody asked for, even with zero seats for that function.
- `explanations`: every unassigned person (an empty list when they requested nothing) and one
  entry per missed request the person would still take: all of them while the person holds
  fewer than `limit` seats, otherwise those ranked above their lowest granted one. Entries
  carry the activity's `rule` and priorities as objects {plan_match, deficit, lottery}; they
  add `rank` and `reason` ("priority" | "date_clash" with `clashes_with` | "limit" |
  "no_seats_for_function"); `cutoff` is the lowest seat holder's priority, null when nobody
  holds a seat of that function. Priority objects are shared (read them, or copy one before
  changing it): `cutoff` by the entries of one slot, `your_priority` by a person's entries
  with the same plan match and deficit.
- Assignments are in activity input order, then by priority.
"""
from .instance import InstanceError, validate
from .solver import lottery, solve

__all__ = ["InstanceError", "lottery", "solve", "validate"]
