"""Validation of an allocation instance (CONTRACT section 5) into a compact internal form."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date as _date

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
RULES = ("plan", "norm")
LEVELS = ("basis", "gevorderd")
_JSON_TYPES = {dict: "object", list: "array", str: "string", int: "number", float: "number",
               bool: "boolean", type(None): "null"}


class InstanceError(ValueError):
    """The instance breaks CONTRACT section 5; the message starts with the path of the bad field."""


@dataclass(slots=True)
class Activity:
    id: str
    date: str | None          # None: undated, never clashes
    kind: str
    competencies: frozenset
    seats: dict               # function code -> seats (>= 0), in input order
    priority: str = "norm"    # "plan": plan match before deficit; "norm": deficit first
    level: str | None = None  # "basis" | "gevorderd" | None (any level)


@dataclass(slots=True)
class Person:
    id: str
    function: str
    limit: int
    deficit: dict             # activity kind -> int >= 0
    plan: dict                # competency code -> level ("basis" | "gevorderd") or None (any level)
    requests: tuple           # activity indices, best first


@dataclass(slots=True)
class Instance:
    seed: str
    activities: tuple
    people: tuple


# The checks below build the path of a field only when it is wrong: a national instance has
# tens of thousands of fields, and formatting a path for each doubled the validation time.

def _fail(path, message):
    raise InstanceError(f"{path}: {message}")


def _kind_of(value):
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _is_name(value):
    return type(value) is str and value.strip() != ""


def _is_count(value, minimum):
    # bool is an int subclass in Python, but `true` is not a number in JSON.
    return type(value) is int and value >= minimum


def _object(value, path):
    if not isinstance(value, dict):
        _fail(path, f"must be an object, got {_kind_of(value)}")
    return value


def _array(value, path):
    if not isinstance(value, list):
        _fail(path, f"must be an array, got {_kind_of(value)}")
    return value


def _bad_name(value, path):
    _fail(path, f"must be a non-empty string, got {value!r}")


def _bad_count(value, path, minimum):
    if type(value) is not int:
        _fail(path, f"must be an integer, got {value!r}")
    _fail(path, f"must be {'non-negative' if minimum == 0 else f'at least {minimum}'}, got {value}")


def _name(obj, key, path):
    if key not in obj:
        _fail(path, f"missing required field '{key}'")
    value = obj[key]
    if not _is_name(value):
        _bad_name(value, f"{path}.{key}")
    return value


def _names(obj, key, path):
    values = obj.get(key, [])
    if not isinstance(values, list):
        _array(values, f"{path}.{key}")
    for i, v in enumerate(values):
        if type(v) is not str or not v.strip():   # _is_name, inlined: runs once per code
            _bad_name(v, f"{path}.{key}[{i}]")
    return frozenset(values)


def _counts(obj, key, path, minimum, default):
    """A mapping of names to integers >= minimum, e.g. seats or deficit."""
    if key not in obj and default is None:
        _fail(path, f"missing required field '{key}'")
    mapping = obj.get(key, default)
    if not isinstance(mapping, dict):
        _object(mapping, f"{path}.{key}")
    for k, v in mapping.items():
        # _is_name and _is_count, inlined: this runs once per seat and deficit entry.
        if type(k) is not str or not k.strip():
            _bad_name(k, f"{path}.{key}")
        if type(v) is not int or v < minimum:
            _bad_count(v, f"{path}.{key}.{k}", minimum)
    return dict(mapping)


def _parse_date(value, path):
    if value is None:
        return None
    # date.fromisoformat alone would also accept "20270311" and week dates.
    if type(value) is not str or not _DATE.fullmatch(value):
        _fail(path, f"must be a date YYYY-MM-DD or null, got {value!r}")
    try:
        _date.fromisoformat(value)
    except ValueError:
        _fail(path, f"not a valid calendar date: {value!r}")
    return value


def _choice(value, allowed, path):
    if (value is not None and type(value) is not str) or value not in allowed:
        shown = ", ".join(f'"{v}"' if v else "null" for v in allowed)
        _fail(path, f"must be one of {shown}, got {value!r}")
    return value


def _plan(raw, path):
    """plan_competencies: a list of codes (any level) or an object code -> level or null."""
    value = raw.get("plan_competencies", [])
    if isinstance(value, dict):
        for code, level in value.items():
            if not _is_name(code):
                _bad_name(code, f"{path}.plan_competencies")
            _choice(level, (*LEVELS, None), f"{path}.plan_competencies.{code}")
        return dict(value)
    return dict.fromkeys(_names(raw, "plan_competencies", path))


def _parse_activity(raw, path):
    _object(raw, path)
    return Activity(
        id=_name(raw, "id", path),
        date=_parse_date(raw.get("date"), f"{path}.date"),
        kind=_name(raw, "kind", path),
        competencies=_names(raw, "competencies", path),
        seats=_counts(raw, "seats", path, 0, None),
        priority=_choice(raw.get("priority", "norm"), RULES, f"{path}.priority"),
        level=_choice(raw.get("level"), (*LEVELS, None), f"{path}.level"),
    )


def _parse_requests(raw, path, activity_index):
    refs = raw.get("requests", [])
    if not isinstance(refs, list):
        _array(refs, f"{path}.requests")
    requests = []
    for ref in refs:
        a = activity_index.get(ref) if type(ref) is str else None
        if a is None:
            j = len(requests)
            if not _is_name(ref):
                _bad_name(ref, f"{path}.requests[{j}]")
            _fail(f"{path}.requests[{j}]", f"unknown activity {ref!r}")
        requests.append(a)
    if len(set(requests)) < len(requests):
        first = {}
        for j, ref in enumerate(refs):
            if ref in first:
                _fail(f"{path}.requests[{j}]", f"activity {ref!r} requested twice (also requests[{first[ref]}])")
            first[ref] = j
    return tuple(requests)


def _parse_person(raw, path, activity_index):
    _object(raw, path)
    limit = raw.get("limit", 1)
    if not _is_count(limit, 1):
        _bad_count(limit, f"{path}.limit", 1)
    return Person(
        id=_name(raw, "id", path),
        function=_name(raw, "function", path),
        limit=limit,
        deficit=_counts(raw, "deficit", path, 0, {}),
        plan=_plan(raw, path),
        requests=_parse_requests(raw, path, activity_index),
    )


def _unique_ids(items, what, section):
    first = {}
    for i, item in enumerate(items):
        if item.id in first:
            _fail(f"{section}[{i}].id", f"duplicate {what} id {item.id!r} (also {section}[{first[item.id]}])")
        first[item.id] = i
    return first


def _required(obj, key):
    if key not in obj:
        _fail("instance", f"missing required field '{key}'")
    return obj[key]


def parse_head(instance):
    """Everything but the people: (seed, activities, activity id -> index, the raw people list).

    The solver checks the people itself while it reads them (one pass instead of two) and
    calls `parse` for the message when one of them is wrong; the order of checks is that of
    `parse`, so both name the same first problem.
    """
    _object(instance, "instance")
    seed = _required(instance, "seed")
    if type(seed) is not str:
        _fail("seed", f"must be a string, got {_kind_of(seed)}")
    raw_activities = _array(_required(instance, "activities"), "activities")
    activities = tuple(_parse_activity(a, f"activities[{i}]") for i, a in enumerate(raw_activities))
    index = _unique_ids(activities, "activity", "activities")
    raw_people = _array(_required(instance, "people"), "people")
    return seed, activities, index, raw_people


def parse(instance) -> Instance:
    """Check `instance` and return it in internal form; raise InstanceError naming the first problem."""
    seed, activities, index, raw_people = parse_head(instance)
    people = tuple(_parse_person(p, f"people[{i}]", index) for i, p in enumerate(raw_people))
    _unique_ids(people, "person", "people")
    return Instance(seed=seed, activities=activities, people=people)


def validate(instance) -> None:
    """Raise InstanceError when `instance` is not a valid allocation instance."""
    parse(instance)
