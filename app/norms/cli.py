"""`flask norms evaluate FILE.json` (CONTRACT section 8) and `flask roster import FILE.csv`.

`norms evaluate` runs the rules of app/norms/rules.py, the ones the start page, /plan, registration
priority and monitoring use, on evidence given as JSON against the norms of a region in the database.
Extensions of the contract: an optional top-level `region_briefings` (days the region held a briefing;
default: the region's briefing activities in the database), and per row `missing` and `text`.
"""
from __future__ import annotations

import json
import sys
from datetime import date

import click
from flask.cli import AppGroup

from app.extensions import db

norms_cli = AppGroup("norms", help="Normen: de regels toepassen op een casus.")
roster_cli = AppGroup("roster", help="Piketrooster: dienstperiodes inlezen.")


class CaseError(ValueError):
    """The JSON case cannot be evaluated; the message names the place."""


def _day(value, where: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise CaseError(f"{where}: ongeldige datum {value!r} (verwacht JJJJ-MM-DD)") from None


def _list(value, where: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise CaseError(f"{where}: verwacht een lijst")
    return value


def evaluate_case(data) -> dict:
    """The CONTRACT section 8 output for a parsed case; CaseError on invalid input."""
    from app.models import ActivityKind, Function, Region
    from app.norms import rules, services

    if not isinstance(data, dict) or not isinstance(data.get("people"), list):
        raise CaseError("verwacht een object met een lijst \"people\"")
    if "region" in data:
        region = db.session.scalar(db.select(Region).filter_by(code=str(data["region"])))
        if region is None:
            raise CaseError(f"region: onbekende regio {data['region']!r}")
    else:
        regions = db.session.scalars(db.select(Region).limit(2)).all()
        if len(regions) != 1:
            raise CaseError("region: geef de regio op (\"region\": code); er is niet precies één regio")
        region = regions[0]
    today = _day(data["today"], "today") if "today" in data else date.today()
    functions = {f.code: f for f in db.session.scalars(db.select(Function).filter_by(region_id=region.id))}
    kinds = set(db.session.scalars(db.select(ActivityKind.code).filter_by(region_id=region.id)))
    first = rules.lookback_start(today)
    if "region_briefings" in data:
        held = tuple(sorted(_day(d, f"region_briefings[{i}]")
                            for i, d in enumerate(_list(data["region_briefings"], "region_briefings"))))
    else:
        held = services.held_briefings(region.id, first, today)
    people = []
    for i, person in enumerate(data["people"]):
        where = f"people[{i}]"
        if not isinstance(person, dict):
            raise CaseError(f"{where}: verwacht een object")
        codes = _list(person.get("functions"), f"{where}.functions")
        for code in codes:
            if code not in functions:
                raise CaseError(f"{where}.functions: onbekende functie {code!r}")
        since = _day(person["since"], f"{where}.since") if person.get("since") else None
        duty = []
        for j, period in enumerate(_list(person.get("duty"), f"{where}.duty")):
            if not isinstance(period, dict):
                raise CaseError(f"{where}.duty[{j}]: verwacht {{\"start\": …, \"end\": …}}")
            start, end = _day(period.get("start"), f"{where}.duty[{j}].start"), _day(period.get("end"), f"{where}.duty[{j}].end")
            if end < start:
                raise CaseError(f"{where}.duty[{j}]: einde ligt voor het begin")
            duty.append((start, end))
        evidence, planned = {}, {}
        for field, into in (("evidence", evidence), ("planned", planned)):
            for j, item in enumerate(_list(person.get(field), f"{where}.{field}")):
                if not isinstance(item, dict) or item.get("kind") not in kinds:
                    raise CaseError(f"{where}.{field}[{j}]: onbekende soort {item.get('kind') if isinstance(item, dict) else item!r}")
                into.setdefault(item["kind"], []).append(_day(item.get("date"), f"{where}.{field}[{j}].date"))
        chosen = person.get("plan_competencies") or {}
        if not isinstance(chosen, dict):
            raise CaseError(f"{where}.plan_competencies: verwacht {{\"jaar\": [competenties]}}")
        competences = len(_list(chosen.get(str(today.year)), f"{where}.plan_competencies.{today.year}"))
        rows = []
        for norm in services.norms_for(region.id, today.year, [functions[c].id for c in codes]):
            rule = rules.Rule.of(norm)
            facts = services.facts_of(
                sorted(d for d in evidence.get(rule.kind, []) if d <= today), today,
                planned=tuple(sorted(d for d in planned.get(rule.kind, []) if d >= today)), since=since,
                duty=tuple(sorted(duty)), held=held, competences=competences)
            outcome = rules.evaluate(rule, facts, today)
            rows.append({"function": norm.function.code, "kind": rule.kind, "status": outcome.status,
                         "done": outcome.done, "required": outcome.required,
                         "due": outcome.due.isoformat() if outcome.due else None,
                         "missing": outcome.missing, "text": rules.explain(rule, outcome)})
        people.append({"id": person.get("id", i), "norms": rows})
    return {"people": people}


@norms_cli.command("evaluate")
@click.argument("path")
def evaluate(path):
    """Pas de normregels toe op FILE.json (CONTRACT sectie 8); de statussen als JSON op stdout."""
    name = "<stdin>" if path == "-" else path
    try:
        text = sys.stdin.read() if path == "-" else open(path, encoding="utf-8-sig").read()
    except (OSError, UnicodeDecodeError) as exc:
        click.echo(f"{name}: kan niet lezen: {getattr(exc, 'strerror', None) or exc}", err=True)
        sys.exit(2)
    try:
        result = evaluate_case(json.loads(text))
    except json.JSONDecodeError as exc:
        click.echo(f"{name}:{exc.lineno}:{exc.colno}: ongeldige JSON: {exc.msg}", err=True)
        sys.exit(2)
    except CaseError as exc:
        click.echo(f"{name}: {exc}", err=True)
        sys.exit(2)
    click.echo(json.dumps(result, indent=2, ensure_ascii=False))


@roster_cli.command("import")
@click.argument("path")
def import_roster(path):
    """Lees dienstperiodes uit FILE.csv (e-mail;begin;eind) in; een fout bewaart niets."""
    from app.norms.roster import RosterError, import_roster as run

    try:
        with open(path, encoding="utf-8-sig") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        click.echo(f"{path}:0: kan niet lezen: {getattr(exc, 'strerror', None) or exc}", err=True)
        sys.exit(2)
    try:
        result = run(text, path)
    except RosterError as exc:   # raised before anything is stored
        for problem in exc.problems:
            click.echo(problem, err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"{result.added} dienstperiode(s) toegevoegd, {result.existing} al bekend, {result.people} persoon/personen.")
