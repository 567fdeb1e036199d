"""Load a region's functions, activity kinds and norms from the norms YAML (data, not code)."""
from __future__ import annotations

import functools
from pathlib import Path

import yaml

from app.models.core import get_or_create
from app.models import ActivityKind, Function, Norm, OrganisationObligation, Region

# Twente's norms of the OTO policy 2026-2029: the demo region is seeded with them, and content and
# quizzes are checked against their function codes while the database holds no functions yet.
TWENTE_NORMS = Path(__file__).parent / "data" / "norms-twente-2026.yaml"

# Dutch labels of the activity kinds named in the norms file's header comment.
ACTIVITY_KINDS = {
    "icr": "Basisopleiding Introductie Crisisbeheersing & Rampenbestrijding (ICR)",
    "icr_comm": "ICR inclusief crisiscommunicatie (bestuurders)",
    "crisis_competence_scan": "CrisisCompetentieScan",
    "multi_exercise": "Multidisciplinaire oefening",
    "system_exercise": "Systeemoefening of -test",
    "ops_briefing": "Operationele briefing",
    "competence": "Persoonlijk ontwikkeltraject (zelfgekozen crisiscompetentie)",
    "knowledge_day": "Kennis- of trainingsdag",
    "peer_observation": "Waarneming collega (vakman herkent vakman)",
    "startup_exercise": "Opstartoefening",
    "council_training": "Collegetraining",
    "masterclass": "Masterclass",
    "table_exercise_4h": "Oefening vanuit tafelbezetting (4 uur)",
}


class NormsFileError(ValueError):
    """The norms file is not as expected; the message names the place."""


def _norm_rule(kind: str, rule: dict, where: str) -> dict:
    if not isinstance(rule, dict):
        raise NormsFileError(f"{where}: expected a mapping such as {{per_year: 2}}")
    if "per_year" in rule:
        return {"period": "per_year", "count": rule["per_year"],
                "informational": bool(rule.get("informational"))}
    if "per_two_years" in rule:
        return {"period": "per_two_years", "count": rule["per_two_years"]}
    if "every_weeks" in rule:
        return {"period": "every_weeks", "count": 1, "weeks": int(rule["every_weeks"]),
                "or_when_on_duty": bool(rule.get("or_when_on_duty"))}
    if rule.get("when_on_duty"):
        return {"period": "when_on_duty", "count": None}
    raise NormsFileError(f"{where}: unknown norm rule {rule!r} for {kind}")


def load_norms(region: Region, data: dict, years: list[int]) -> int:
    """Create or update functions, kinds and norms for `years`; returns the number of norms written."""
    if not isinstance(data, dict) or not isinstance(data.get("functions"), dict):
        raise NormsFileError("norms file: missing 'functions' mapping")
    kinds = {code: get_or_create(ActivityKind, {"name": name}, region_id=region.id, code=code)
             for code, name in ACTIVITY_KINDS.items()}
    written = 0
    for code, spec in data["functions"].items():
        function = get_or_create(Function, {"name": spec["name"]}, region_id=region.id, code=code)
        function.name = spec["name"]
        function.is_key = bool(spec.get("key_function"))
        function.note = spec.get("note")
        rules = [(k, {"period": "once", "count": 1}) for k in spec.get("once") or []]
        rules += [(k, _norm_rule(k, r, f"functions.{code}.recurring.{k}"))
                  for k, r in (spec.get("recurring") or {}).items()]
        for kind_code, rule in rules:
            if kind_code not in kinds:
                kinds[kind_code] = get_or_create(ActivityKind, {"name": kind_code},
                                                  region_id=region.id, code=kind_code)
            for year in years:
                norm = get_or_create(Norm, rule, region_id=region.id, year=year,
                                      function_id=function.id, activity_kind_id=kinds[kind_code].id)
                for key, value in rule.items():
                    setattr(norm, key, value)
                written += 1
    for code, name in (data.get("mono_functions") or {}).items():
        get_or_create(Function, {"name": name, "is_key": False}, region_id=region.id, code=code)
    for position, text in enumerate(data.get("organisation") or []):
        item = get_or_create(OrganisationObligation, {"text": text}, region_id=region.id, position=position)
        item.code = obligation_code(item.text)
    policy = data.get("policy_period") or {}
    region.policy_start, region.policy_end = policy.get("start"), policy.get("end")
    ratings = data.get("ratings") or {}
    region.rating_min_people = ratings.get("min_people")
    region.rating_ok_percent = ratings.get("ok_percent")
    region.rating_improve_percent = ratings.get("improve_percent")
    return written


def obligation_code(text: str) -> str | None:
    """system_test / system_exercise for the two unannounced obligations (one activity counts for one)."""
    lowered = text.lower()
    if "onverwacht" not in lowered:
        return None
    if "systeemtest" in lowered:
        return "system_test"
    return "system_exercise" if "oefening" in lowered else None


@functools.lru_cache(maxsize=1)
def twente_function_codes() -> frozenset:
    """The function codes named in TWENTE_NORMS (functions and mono_functions)."""
    data = read_norms_file(TWENTE_NORMS) or {}
    return frozenset(data.get("functions") or {}) | frozenset(data.get("mono_functions") or {})


def read_norms_file(path: str | Path) -> dict:
    """Parse the YAML; a syntax error becomes NormsFileError('path:line: message')."""
    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        raise NormsFileError(f"{path}:{line}: {exc.problem or exc}") from exc
    except OSError as exc:
        raise NormsFileError(f"{path}:0: {exc.strerror}") from exc
