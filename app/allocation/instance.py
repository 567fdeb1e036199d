"""Validation of an allocation instance (CONTRACT section 5) into a compact internal form."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date as _date

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_JSON_TYPES = {dict: "object", list: "array", str: "string", int: "number", float: "number",
               bool: "boolean", type(None): "null"}


class InstanceError(ValueError):
    """The instance breaks CONTRACT section 5; the message starts with the path of the bad field."""


@dataclass(frozen=True, slots=True)
class Activity:
    id: str
    date: str | None          # None: undated, never clashes
    kind: str
    competencies: frozenset
    seats: dict               # function code -> seats (>= 0), in input order


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    function: str
    limit: int
    deficit: dict             # activity kind -> int >= 0
    plan_competencies: frozenset
    requests: tuple           # activity indices, best first


@dataclass(frozen=True, slots=True)
class Instance:
    seed: str
    activities: tuple
    people: tuple


def _fail(path, message):
    raise InstanceError(f"{path}: {message}")


def _kind_of(value):
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _object(value, path):
    if not isinstance(value, dict):
        _fail(path, f"must be an object, got {_kind_of(value)}")
    return value


def _array(value, path):
    if not isinstance(value, list):
        _fail(path, f"must be an array, got {_kind_of(value)}")
    return value


def _name(value, path):
    if not isinstance(value, str) or not value.strip():
        _fail(path, f"must be a non-empty string, got {value!r}")
    return value


def _count(value, path, minimum):
    # bool is an int subclass in Python, but `true` is not a number in JSON.
    if isinstance(value, bool) or not isinstance(value, int):
        _fail(path, f"must be an integer, got {value!r}")
    if value < minimum:
        _fail(path, f"must be {'non-negative' if minimum == 0 else f'at least {minimum}'}, got {value}")
    return value


def _names(value, path):
    return frozenset(_name(v, f"{path}[{i}]") for i, v in enumerate(_array(value, path)))


def _required(obj, key, path):
    if key not in obj:
        _fail(path, f"missing required field '{key}'")
    return obj[key]


def _parse_date(value, path):
    if value is None:
        return None
    # date.fromisoformat alone would also accept "20270311" and week dates.
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        _fail(path, f"must be a date YYYY-MM-DD or null, got {value!r}")
    try:
        _date.fromisoformat(value)
    except ValueError:
        _fail(path, f"not a valid calendar date: {value!r}")
    return value


def _parse_activity(raw, path):
    _object(raw, path)
    seats_raw = _object(_required(raw, "seats", path), f"{path}.seats")
    seats = {_name(f, f"{path}.seats"): _count(n, f"{path}.seats.{f}", 0) for f, n in seats_raw.items()}
    return Activity(
        id=_name(_required(raw, "id", path), f"{path}.id"),
        date=_parse_date(raw.get("date"), f"{path}.date"),
        kind=_name(_required(raw, "kind", path), f"{path}.kind"),
        competencies=_names(raw.get("competencies", []), f"{path}.competencies"),
        seats=seats,
    )


def _parse_person(raw, path, activity_index):
    _object(raw, path)
    deficit_raw = _object(raw.get("deficit", {}), f"{path}.deficit")
    deficit = {_name(k, f"{path}.deficit"): _count(v, f"{path}.deficit.{k}", 0) for k, v in deficit_raw.items()}
    requests, seen = [], {}
    for j, ref in enumerate(_array(raw.get("requests", []), f"{path}.requests")):
        where = f"{path}.requests[{j}]"
        _name(ref, where)
        if ref not in activity_index:
            _fail(where, f"unknown activity {ref!r}")
        if ref in seen:
            _fail(where, f"activity {ref!r} requested twice (also requests[{seen[ref]}])")
        seen[ref] = j
        requests.append(activity_index[ref])
    return Person(
        id=_name(_required(raw, "id", path), f"{path}.id"),
        function=_name(_required(raw, "function", path), f"{path}.function"),
        limit=_count(raw.get("limit", 1), f"{path}.limit", 1),
        deficit=deficit,
        plan_competencies=_names(raw.get("plan_competencies", []), f"{path}.plan_competencies"),
        requests=tuple(requests),
    )


def _unique_ids(items, what, section):
    first = {}
    for i, item in enumerate(items):
        if item.id in first:
            _fail(f"{section}[{i}].id", f"duplicate {what} id {item.id!r} (also {section}[{first[item.id]}])")
        first[item.id] = i
    return first


def parse(instance) -> Instance:
    """Check `instance` and return it in internal form; raise InstanceError naming the first problem."""
    _object(instance, "instance")
    seed = _required(instance, "seed", "instance")
    if not isinstance(seed, str):
        _fail("seed", f"must be a string, got {_kind_of(seed)}")
    raw_activities = _array(_required(instance, "activities", "instance"), "activities")
    activities = tuple(_parse_activity(a, f"activities[{i}]") for i, a in enumerate(raw_activities))
    index = _unique_ids(activities, "activity", "activities")
    raw_people = _array(_required(instance, "people", "instance"), "people")
    people = tuple(_parse_person(p, f"people[{i}]", index) for i, p in enumerate(raw_people))
    _unique_ids(people, "person", "people")
    return Instance(seed=seed, activities=activities, people=people)


def validate(instance) -> None:
    """Raise InstanceError when `instance` is not a valid allocation instance."""
    parse(instance)
